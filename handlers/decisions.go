package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"jianyi/internal/cases"
)

// decisionRoutes are issue 14's reads and the higher procuratorate's 备案审查:
// a case's proposals and decisions, its filing with the comments and orders
// on it, commenting on and ordering a filing, and a review item's case for
// its reviewer.
func (s *Server) decisionRoutes(g *echo.Group) {
	g.GET("/cases/:id/decisions", s.listDecisions)
	g.GET("/cases/:id/filing", s.caseFiling)
	g.POST("/filings/:id/comments", s.commentOnFiling)
	g.POST("/filings/:id/orders", s.orderFiling)
	g.GET("/reviews/:id/items/:item_id/case", s.reviewCase)
}

func (s *Server) listDecisions(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.cases.ListDecisions(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[cases.DecisionView]{Items: items})
}

func (s *Server) caseFiling(c echo.Context) error {
	return withID(c, http.StatusOK, s.cases.CaseFiling)
}

func (s *Server) commentOnFiling(c echo.Context) error {
	return withIDBody(c, http.StatusCreated, s.cases.CommentOnFiling)
}

func (s *Server) orderFiling(c echo.Context) error {
	return withIDBody(c, http.StatusCreated, s.cases.OrderFiling)
}

func (s *Server) reviewCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	itemID, err := pathID(c, "item_id")
	if err != nil {
		return err
	}
	v, err := s.reviewService.ReviewCase(c.Request().Context(), actorOf(c), id, itemID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
