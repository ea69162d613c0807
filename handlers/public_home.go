package handlers

import (
	"context"
	"jianyi/internal/cases"
	"jianyi/internal/disclosure"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// homePage is the citizens' front door: what a 检察建议 is, and the four
// things one can do here, with the latest published recommendations.
func (s *Server) homePage(c echo.Context) error {
	latest, _, err := s.pub.disclosures.ListPublished(c.Request().Context(), disclosure.FeedQuery{Limit: 5})
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "public/home", s.newPage(c, "首页", "home", map[string]any{
		"Latest": latest, "AnswerWorkdays": s.cfg.Deadlines.ApplicationAnswerWorkdays,
		"ResultMonths": s.cfg.Deadlines.ApplicationResultMonths, "ReplyMonths": s.cfg.Deadlines.ReplyMonths,
	}))
}

// feedFacets are the filter choices of the disclosure page: the fields and
// years that have at least one published item.
type feedFacets struct {
	Fields []string
	Years  []int
}

// facetTTL bounds how long choices are kept even when the feed revision has
// not moved (an item hidden by a case flag set after publication).
const facetTTL = 5 * time.Minute

// facetFirstYear is the earliest year offered; the feed's year filter
// accepts 2000–2100.
const facetFirstYear = 2000

// feedFacets asks the feed itself — the same ListPublished that answers the
// page, so what is published is decided in one place — whether each field
// of the list and each year has an item. The answers are kept per feed
// revision: a few dozen indexed one-row probes once per publication.
func (s *Server) feedFacets(ctx context.Context) (feedFacets, error) {
	rev, _, err := s.pub.disclosures.FeedState(ctx)
	if err != nil {
		return feedFacets{}, err
	}
	fc := &s.web.facets
	fc.mu.Lock()
	defer fc.mu.Unlock()
	now := time.Now()
	if fc.revision == rev && now.Sub(fc.at) < facetTTL && !fc.at.IsZero() {
		return fc.value, nil
	}
	has := func(q disclosure.FeedQuery) (bool, error) {
		q.Limit = 1
		items, _, err := s.pub.disclosures.ListPublished(ctx, q)
		return len(items) > 0, err
	}
	var out feedFacets
	fields, err := cases.ListCaseFields(ctx, s.db, true)
	if err != nil {
		return out, err
	}
	for _, f := range fields {
		ok, err := has(disclosure.FeedQuery{Field: f.Name})
		if err != nil {
			return out, err
		}
		if ok {
			out.Fields = append(out.Fields, f.Name)
		}
	}
	if found, err := has(disclosure.FeedQuery{}); err != nil || !found {
		fc.revision, fc.at, fc.value = rev, now, out
		return out, err
	}
	for y := s.pub.disclosures.Today().Year(); y >= facetFirstYear; y-- {
		ok, err := has(disclosure.FeedQuery{Year: y})
		if err != nil {
			return out, err
		}
		if ok {
			out.Years = append(out.Years, y)
		}
	}
	fc.revision, fc.at, fc.value = rev, now, out
	return out, nil
}
