package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/org"
	"jianyi/internal/reviews"
)

func (s *Server) reviewRoutes(g *echo.Group) {
	g.POST("/reviews", s.createReview, requireRole(org.RoleCaseManager))
	g.GET("/reviews", s.listReviews)
	g.GET("/reviews/:id", s.getReview)
	g.GET("/reviews/:id/results", s.reviewResults)
	g.PUT("/reviews/:id/items/:item_id/reviewer", s.assignReviewer, requireRole(org.RoleCaseManager))
	g.POST("/reviews/:id/items/:item_id/score", s.scoreReviewItem)
	g.POST("/reviews/:id/items/:item_id/answer", s.answerReviewItem)
	g.GET("/review-items", s.myReviewItems)
	g.POST("/agency/recommendations/:id/rating", s.rateAsAgency, requireRole(org.RoleAgency))
}

// reviewCreated is the answer to a new batch.
type reviewCreated struct {
	reviews.ReviewBatch
	Sheet []reviews.ScoreLine  `json:"sheet"`
	Items []reviews.ReviewItem `json:"items"`
}

func (s *Server) createReview(c echo.Context) error {
	var in reviews.ReviewBatchInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	in.Title = strings.TrimSpace(in.Title)
	b, items, err := s.reviewService.CreateBatch(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, reviewCreated{ReviewBatch: *b, Sheet: b.SheetLines(), Items: items})
}

func (s *Server) listReviews(c echo.Context) error {
	items, err := s.reviewService.ListBatches(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[reviews.ReviewBatch]{Items: items})
}

func (s *Server) getReview(c echo.Context) error {
	return withID(c, http.StatusOK, s.reviewService.GetBatch)
}

func (s *Server) reviewResults(c echo.Context) error {
	return withID(c, http.StatusOK, s.reviewService.Results)
}

type assignReviewerRequest struct {
	ReviewerID int64 `json:"reviewer_id" validate:"required,gt=0"`
}

func (s *Server) assignReviewer(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	itemID, err := pathID(c, "item_id")
	if err != nil {
		return err
	}
	var in assignReviewerRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	it, err := s.reviewService.AssignReviewer(c.Request().Context(), actorOf(c), id, itemID, in.ReviewerID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (s *Server) scoreReviewItem(c echo.Context) error {
	return withIDsBody(c, "item_id", http.StatusOK, reviewItemView(s.reviewService.ScoreItem))
}

func (s *Server) answerReviewItem(c echo.Context) error {
	return withIDsBody(c, "item_id", http.StatusOK, reviewItemView(s.reviewService.AnswerFindings))
}

func (s *Server) myReviewItems(c echo.Context) error {
	items, err := s.reviewService.MyReviewItems(c.Request().Context(), actorOf(c), c.QueryParam("role"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[reviews.ReviewItemView]{Items: items})
}

func (s *Server) rateAsAgency(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in reviews.RatingInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := reviews.RateCaseAsAgency(c.Request().Context(), s.db, actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// reviewItemView wraps a review item action so that it answers with the
// item's scores beside it.
func reviewItemView[In any](fn func(context.Context, *org.Actor, int64, int64, In) (*reviews.ReviewItem, error)) func(context.Context, *org.Actor, int64, int64, In) (reviews.ReviewItemView, error) {
	return func(ctx context.Context, a *org.Actor, id, itemID int64, in In) (reviews.ReviewItemView, error) {
		it, err := fn(ctx, a, id, itemID, in)
		if err != nil {
			return reviews.ReviewItemView{}, err
		}
		return reviews.ReviewItemView{ReviewItem: *it, Scores: it.ScoreMap()}, nil
	}
}
