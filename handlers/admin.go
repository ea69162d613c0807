package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"jianyi/models"
)

func (s *Server) adminRoutes(g *echo.Group) {
	g.GET("/procuratorates", s.listProcuratorates)
	g.POST("/procuratorates", s.createProcuratorate)
	g.PUT("/procuratorates/:id", s.updateProcuratorate)
	g.GET("/departments", s.listDepartments)
	g.POST("/departments", s.createDepartment)
	g.PUT("/departments/:id", s.updateDepartment)
	g.GET("/agencies", s.listAgencies)
	g.POST("/agencies", s.createAgency)
	g.PUT("/agencies/:id", s.updateAgency)
	g.GET("/users", s.listUsers)
	g.POST("/users", s.createUser)
	g.PUT("/users/:id", s.updateUser)
	g.POST("/users/:id/disable", s.disableUser)
	g.POST("/users/:id/enable", s.enableUser)
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
	return c.JSON(http.StatusOK, listResponse[models.Procuratorate]{Items: items})
}

func (s *Server) createProcuratorate(c echo.Context) error {
	var in models.ProcuratorateInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.org.CreateProcuratorate(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

func (s *Server) updateProcuratorate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in models.ProcuratorateInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.org.UpdateProcuratorate(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) listDepartments(c echo.Context) error {
	pid, _ := strconv.ParseInt(c.QueryParam("procuratorate_id"), 10, 64)
	items, err := s.org.ListDepartments(c.Request().Context(), actorOf(c), pid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[models.Department]{Items: items})
}

func (s *Server) createDepartment(c echo.Context) error {
	var in models.DepartmentInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	d, err := s.org.CreateDepartment(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

func (s *Server) updateDepartment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in models.DepartmentInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	d, err := s.org.UpdateDepartment(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) listAgencies(c echo.Context) error {
	items, err := s.org.ListAgencies(c.Request().Context(), c.QueryParam("q"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[models.Agency]{Items: items})
}

func (s *Server) createAgency(c echo.Context) error {
	var in models.AgencyInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	a, err := s.org.CreateAgency(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

func (s *Server) updateAgency(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in models.AgencyInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	a, err := s.org.UpdateAgency(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, a)
}

func (s *Server) listUsers(c echo.Context) error {
	users, err := s.users.ListUsers(c.Request().Context(), actorOf(c), c.QueryParam("role"))
	if err != nil {
		return err
	}
	items := make([]userView, 0, len(users))
	for i := range users {
		v, err := s.userView(c.Request().Context(), &users[i])
		if err != nil {
			return err
		}
		items = append(items, v)
	}
	return c.JSON(http.StatusOK, listResponse[userView]{Items: items})
}

func (s *Server) createUser(c echo.Context) error {
	var in models.UserInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u, err := s.users.CreateUser(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	v, err := s.userView(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) updateUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in models.UserInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u, err := s.users.UpdateUser(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	v, err := s.userView(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) disableUser(c echo.Context) error { return s.setDisabled(c, true) }
func (s *Server) enableUser(c echo.Context) error  { return s.setDisabled(c, false) }

func (s *Server) setDisabled(c echo.Context, disabled bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.users.SetUserDisabled(c.Request().Context(), actorOf(c), id, disabled)
	if err != nil {
		return err
	}
	v, err := s.userView(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
