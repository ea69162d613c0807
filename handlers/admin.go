package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"jianyi/internal/org"
	"jianyi/internal/platform/apperr"
)

func (s *Server) adminRoutes(g *echo.Group) {
	g.GET("/procuratorates", s.listProcuratorates)
	g.POST("/procuratorates", create(s.org.CreateProcuratorate))
	g.PUT("/procuratorates/:id", update(s.org.UpdateProcuratorate))
	g.GET("/departments", s.listDepartments)
	g.POST("/departments", create(s.org.CreateDepartment))
	g.PUT("/departments/:id", update(s.org.UpdateDepartment))
	g.GET("/agencies", s.listAgencies)
	g.POST("/agencies", create(s.org.CreateAgency))
	g.PUT("/agencies/:id", update(s.org.UpdateAgency))
	g.GET("/users", s.listUsers)
	g.POST("/users", s.userResult(http.StatusCreated, func(c echo.Context) (*org.User, error) {
		var in org.UserInput
		if err := bindJSON(c, &in); err != nil {
			return nil, err
		}
		return s.users.CreateUser(c.Request().Context(), actorOf(c), in)
	}))
	g.PUT("/users/:id", s.userResult(http.StatusOK, func(c echo.Context) (*org.User, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return nil, err
		}
		var in org.UserInput
		if err := bindJSON(c, &in); err != nil {
			return nil, err
		}
		return s.users.UpdateUser(c.Request().Context(), actorOf(c), id, in)
	}))
	g.POST("/users/:id/disable", s.userResult(http.StatusOK, s.setDisabled(true)))
	g.POST("/users/:id/enable", s.userResult(http.StatusOK, s.setDisabled(false)))
	g.POST("/users/:id/unlock", s.userResult(http.StatusOK, func(c echo.Context) (*org.User, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return nil, err
		}
		return s.users.UnlockLogin(c.Request().Context(), actorOf(c), id)
	}))
}

// listResponse wraps list results.
type listResponse[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func (s *Server) listProcuratorates(c echo.Context) error {
	items, err := s.org.ListProcuratorates(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[org.Procuratorate]{Items: items})
}

func (s *Server) listDepartments(c echo.Context) error {
	pid, err := optionalInt(c, "procuratorate_id")
	if err != nil {
		return err
	}
	items, err := s.org.ListDepartments(c.Request().Context(), actorOf(c), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[org.Department]{Items: items})
}

func (s *Server) listAgencies(c echo.Context) error {
	items, err := s.org.ListAgencies(c.Request().Context(), c.QueryParam("q"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[org.Agency]{Items: items})
}

func (s *Server) listUsers(c echo.Context) error {
	role := c.QueryParam("role")
	if role != "" && !org.Role(role).Valid() {
		return apperr.InvalidField("role", "未知的角色："+role)
	}
	users, err := s.users.ListUsers(c.Request().Context(), actorOf(c), role)
	if err != nil {
		return err
	}
	items, err := s.userViews(c.Request().Context(), users)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[userView]{Items: items})
}

// userResult answers with the user as admins see it.
func (s *Server) userResult(status int, fn func(echo.Context) (*org.User, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := fn(c)
		if err != nil {
			return err
		}
		v, err := s.userView(c.Request().Context(), u)
		if err != nil {
			return err
		}
		return c.JSON(status, v)
	}
}

func (s *Server) setDisabled(disabled bool) func(echo.Context) (*org.User, error) {
	return func(c echo.Context) (*org.User, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return nil, err
		}
		return s.users.SetUserDisabled(c.Request().Context(), actorOf(c), id, disabled)
	}
}
