package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"jianyi/documents"
	"jianyi/internal/applications"
	"jianyi/internal/disclosure"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/stats"
)

func noticeTitle(n *applications.NoticeData) string {
	if n.Declined {
		return "不予启动告知书"
	}
	return "受理告知书"
}

func (s *Server) renderApplicantNotice(n *applications.NoticeData) ([]byte, error) {
	r := s.renderer
	kind := documents.NoticeAccepted
	if n.Declined {
		kind = documents.NoticeDeclined
	}
	body := make([]documents.Block, 0, len(n.Paragraphs))
	for _, p := range n.Paragraphs {
		body = append(body, documents.Block{Kind: documents.Paragraph, Text: p})
	}
	return r.ApplicantNotice(documents.ApplicantNotice{Kind: kind, Procuratorate: n.Procuratorate, DocumentNumber: n.Number,
		Applicant: n.Applicant, Body: body, Date: noticeDate(n.Date)})
}

func (s *Server) disclosureRoutes(api, authed *echo.Group) {
	authed.POST("/cases/:id/disclosure/preview", s.previewDisclosure)
	authed.POST("/cases/:id/disclosure/publish", s.publishDisclosure)
	authed.POST("/cases/:id/disclosure/refresh", s.refreshDisclosure)
	authed.POST("/cases/:id/disclosure/withdraw", s.withdrawDisclosure)
	api.GET("/public/disclosures", s.feedJSON)
	api.GET("/public/disclosures/:id", s.disclosureJSON)
	api.GET("/public/stats", s.statsJSON)
}

func (s *Server) previewDisclosure(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in disclosure.DisclosureInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.pub.disclosures.Preview(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// DisclosureDecision is the answer to a publish, refresh or withdrawal.
type DisclosureDecision struct {
	DisclosureID int64  `json:"disclosure_id"`
	CaseID       int64  `json:"case_id"`
	Status       string `json:"status"`
	Revision     int    `json:"revision"`
	PDFSHA256    string `json:"pdf_sha256"`
	URL          string `json:"url"`
}

func decisionOf(d *disclosure.Disclosure) DisclosureDecision {
	return DisclosureDecision{DisclosureID: d.ID, CaseID: d.CaseID, Status: d.Status, Revision: d.Revision, PDFSHA256: d.PDFSHA256,
		URL: fmt.Sprintf("/disclosures/%d", d.ID)}
}

func (s *Server) publishDisclosure(c echo.Context) error { return s.storeDisclosure(c, false) }
func (s *Server) refreshDisclosure(c echo.Context) error { return s.storeDisclosure(c, true) }

func (s *Server) storeDisclosure(c echo.Context, refresh bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in disclosure.DisclosureInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	op := s.pub.disclosures.Publish
	if refresh {
		op = s.pub.disclosures.Refresh
	}
	d, err := op(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, decisionOf(d))
}

func (s *Server) withdrawDisclosure(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in disclosure.WithdrawInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	d, err := s.pub.disclosures.Withdraw(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, decisionOf(d))
}

// feedQuery reads the public filters.
func feedQuery(c echo.Context) (disclosure.FeedQuery, error) {
	q := disclosure.FeedQuery{Field: strings.TrimSpace(c.QueryParam("field")), ReplyStatus: c.QueryParam("reply_status"),
		Q: c.QueryParam("q"), ClientIP: c.RealIP()}
	var err error
	if q.ProcuratorateID, err = optionalInt(c, "procuratorate_id"); err != nil {
		return q, err
	}
	if q.AgencyID, err = optionalInt(c, "agency_id"); err != nil {
		return q, err
	}
	if q.Cursor, err = optionalInt(c, "cursor"); err != nil {
		return q, err
	}
	y, err := optionalInt(c, "year")
	if err != nil || (y != 0 && (y < 2000 || y > 2100)) {
		return q, apperr.InvalidField("year", "年份应为2000至2100之间的整数")
	}
	q.Year = int(y)
	l, err := optionalInt(c, "limit")
	if err != nil {
		return q, err
	}
	q.Limit = int(l)
	if len(q.Field) > 50 {
		return q, apperr.InvalidField("field", "领域不能超过50个字符")
	}
	return q, nil
}

// notModified sets the caching headers from the feed's revision and
// answers 304 when the client's copy is current. The validator covers the
// request (format and query) and the day, since reply status depends on it.
func (s *Server) notModified(c echo.Context, format string) (bool, error) {
	rev, updated, err := s.pub.disclosures.FeedState(c.Request().Context())
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256([]byte(format + "\x00" + c.Request().URL.Path + "?" + c.Request().URL.RawQuery + "\x00" + s.pub.disclosures.Today().String()))
	etag := fmt.Sprintf(`W/"%d-%s"`, rev, hex.EncodeToString(sum[:8]))
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "public, max-age=60")
	req := c.Request()
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(t); t == etag || t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
				return true, c.NoContent(http.StatusNotModified)
			}
		}
		return false, nil
	}
	if ims := req.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !updated.Truncate(time.Second).After(t) {
			return true, c.NoContent(http.StatusNotModified)
		}
	}
	return false, nil
}

func (s *Server) feedJSON(c echo.Context) error {
	q, err := feedQuery(c)
	if err != nil {
		return err
	}
	if done, err := s.notModified(c, "json"); done || err != nil {
		return err
	}
	items, next, err := s.pub.disclosures.ListPublished(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[disclosure.PublicDisclosure]{Items: items, NextCursor: next})
}

func (s *Server) disclosureJSON(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if done, err := s.notModified(c, "json-item"); done || err != nil {
		return err
	}
	d, err := s.pub.disclosures.GetPublished(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// disclosurePDF serves the PDF stored at publish time (rendered from the
// redacted text).
func (s *Server) disclosurePDF(c echo.Context, id int64) error {
	if done, err := s.notModified(c, "pdf"); done || err != nil {
		return err
	}
	d, pdf, err := s.pub.disclosures.PublishedPDF(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("inline", "检察建议书（公开版）"+d.DocumentNumber+".pdf"))
	c.Response().Header().Set("X-Content-SHA256", d.PDFSHA256)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// StatsResponse is the public statistics, with the definitions of its
// figures (the staff statistics' own): Limit agencies from Offset of Total,
// by name; NextOffset is where the next page starts (absent on the last).
type StatsResponse struct {
	Agencies    []disclosure.AgencyStat `json:"agencies"`
	Total       int                     `json:"total"`
	Offset      int                     `json:"offset"`
	Limit       int                     `json:"limit"`
	NextOffset  *int                    `json:"next_offset,omitempty"`
	Definitions map[string]string       `json:"definitions"`
	GeneratedAt time.Time               `json:"generated_at"`
}

// Public statistics pages: the first is small, a client asks for more.
const (
	publicStatsDefaultLimit = 50
	publicStatsMaxLimit     = 500
)

// publicStatsPage reads offset and limit, then the page, answering 304
// when the client's copy (ETag: the aggregates' version and the page;
// Last-Modified: when they last changed) is current.
func (s *Server) publicStatsPage(c echo.Context, defaultLimit int) (*StatsResponse, bool, error) {
	offset, err := optionalInt(c, "offset")
	if err != nil {
		return nil, false, err
	}
	limit, err := optionalInt(c, "limit")
	if err != nil {
		return nil, false, err
	}
	if limit == 0 {
		limit = int64(defaultLimit)
	}
	if limit > publicStatsMaxLimit {
		return nil, false, apperr.InvalidField("limit", fmt.Sprintf("每页最多 %d 个单位", publicStatsMaxLimit))
	}
	if offset > 1<<31 {
		return nil, false, apperr.InvalidField("offset", "超出范围")
	}
	p, err := s.pub.disclosures.AgencyStatsPage(c.Request().Context(), int(offset), int(limit))
	if err != nil {
		return nil, false, err
	}
	h := c.Response().Header()
	etag := fmt.Sprintf(`W/"%s-%d-%d"`, p.Version, offset, limit)
	h.Set("ETag", etag)
	if !p.UpdatedAt.IsZero() {
		h.Set("Last-Modified", p.UpdatedAt.UTC().Format(http.TimeFormat))
	}
	h.Set("Cache-Control", "public, max-age=60")
	req := c.Request()
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(t); t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
				return nil, true, c.NoContent(http.StatusNotModified)
			}
		}
	} else if ims := req.Header.Get("If-Modified-Since"); ims != "" && !p.UpdatedAt.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !p.UpdatedAt.Truncate(time.Second).After(t) {
			return nil, true, c.NoContent(http.StatusNotModified)
		}
	}
	out := &StatsResponse{Agencies: p.Agencies, Total: p.Total, Offset: int(offset), Limit: int(limit), Definitions: stats.Definitions,
		GeneratedAt: p.UpdatedAt}
	if next := int(offset) + len(p.Agencies); next < p.Total {
		out.NextOffset = &next
	}
	return out, false, nil
}

func (s *Server) statsJSON(c echo.Context) error {
	out, done, err := s.publicStatsPage(c, publicStatsDefaultLimit)
	if done || err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// Atom 1.0 (RFC 4287) elements the feed uses.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title     string      `xml:"title"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published"`
	Links     []atomLink  `xml:"link"`
	Author    atomAuthor  `xml:"author"`
	Summary   atomText    `xml:"summary"`
	Category  []atomCateg `xml:"category"`
}

type atomCateg struct {
	Term string `xml:"term,attr"`
}

func (s *Server) feedAtom(c echo.Context) error {
	q, err := feedQuery(c)
	if err != nil {
		return err
	}
	if done, err := s.notModified(c, "atom"); done || err != nil {
		return err
	}
	q.Cursor, q.Limit = 0, 50
	items, _, err := s.pub.disclosures.ListPublished(c.Request().Context(), q)
	if err != nil {
		return err
	}
	_, updated, err := s.pub.disclosures.FeedState(c.Request().Context())
	if err != nil {
		return err
	}
	base := strings.TrimRight(s.cfg.Public.BaseURL, "/")
	auth := s.cfg.Public.TagAuthority
	f := atomFeed{Title: "检察建议公开", ID: "tag:" + auth + ",2026:disclosures", Updated: updated.UTC().Format(time.RFC3339),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/disclosures.atom"}, {Rel: "alternate", Type: "text/html", Href: base + "/disclosures"}},
		Author: atomAuthor{Name: "检察建议公开平台"}}
	for _, it := range items {
		link := base + "/disclosures/" + strconv.FormatInt(it.ID, 10)
		f.Entries = append(f.Entries, atomEntry{
			Title: it.DocumentNumber + " " + it.Title, ID: "tag:" + auth + ",2026:disclosure/" + strconv.FormatInt(it.ID, 10),
			Updated: it.UpdatedAt.UTC().Format(time.RFC3339), Published: it.PublishedAt.UTC().Format(time.RFC3339),
			Links:  []atomLink{{Rel: "alternate", Type: "text/html", Href: link}, {Rel: "enclosure", Type: "application/pdf", Href: link + ".pdf"}},
			Author: atomAuthor{Name: it.Procuratorate}, Summary: atomText{Type: "text", Body: fmt.Sprintf("%s｜被建议单位：%s｜%s", it.Field, it.Agency, it.Summary)},
			Category: []atomCateg{{Term: it.Field}},
		})
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}
