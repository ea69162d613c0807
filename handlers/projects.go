package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/documents"
	"jianyi/internal/platform/apperr"
	"jianyi/internal/projects"
)

func (s *Server) projectRoutes(g *echo.Group) {
	g.POST("/projects", s.createProject)
	s.checkedGET(g, "/projects", s.listProjects)
	g.GET("/projects/:id", s.getProject)
	g.PATCH("/projects/:id", s.updateProject)
	g.POST("/projects/:id/advance", s.advanceProject)
	g.POST("/projects/:id/members", s.addProjectMember)
	g.DELETE("/projects/:id/members/:user_id", s.removeProjectMember)
	g.POST("/projects/:id/tasks", s.createProjectTask)
	g.PATCH("/projects/:id/tasks/:task_id", s.updateProjectTask)
	g.GET("/projects/:id/tasks/:task_id/comments", s.projectTaskComments)
	g.POST("/projects/:id/tasks/:task_id/comments", s.addProjectTaskComment)
	g.POST("/projects/:id/cases", s.linkProjectCase)
	g.DELETE("/projects/:id/cases/:case_id", s.unlinkProjectCase)
	g.POST("/projects/:id/notes", s.addProjectNote)
	g.GET("/projects/:id/files/:file_id", s.downloadProjectFile)
	g.GET("/projects/:id/timeline", s.projectTimeline)
	g.GET("/projects/:id/report.pdf", s.projectReport)
	s.reviewRoutes(g)
	s.statsRoutes(g)
}

func (s *Server) createProject(c echo.Context) error {
	var in projects.ProjectInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.projectService.CreateProject(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	d, err := s.projectService.GetProject(c.Request().Context(), actorOf(c), p.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

// listProjects is GET /projects, a checked read (checkedGET writes the page).
func (s *Server) listProjects(c echo.Context) (any, error) {
	q := projects.ProjectListQuery{Status: c.QueryParam("status")}
	if q.Status != "" && q.Status != projects.ProjectActive && q.Status != projects.ProjectCompleted {
		return nil, apperr.InvalidField("status", "应为 active 或 completed")
	}
	if v := c.QueryParam("mine"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, apperr.InvalidField("mine", "应为 true 或 false")
		}
		q.Mine = b
	}
	var err error
	if q.Cursor, err = optionalInt(c, "cursor"); err != nil {
		return nil, err
	}
	limit, err := optionalInt(c, "limit")
	if err != nil {
		return nil, err
	}
	q.Limit = int(limit)
	items, next, err := s.projectService.ListProjects(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return nil, err
	}
	return listResponse[projects.ProjectSummary]{Items: items, NextCursor: next}, nil
}

func (s *Server) getProject(c echo.Context) error {
	return withID(c, http.StatusOK, s.projectService.GetProject)
}

func (s *Server) updateProject(c echo.Context) error {
	return withIDBody(c, http.StatusOK, s.projectService.UpdateProject)
}

type advanceRequest struct {
	Version int    `json:"version" validate:"required,gt=0"`
	Note    string `json:"note" validate:"max=2000"`
}

func (s *Server) advanceProject(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in advanceRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.projectService.AdvanceStage(c.Request().Context(), actorOf(c), id, in.Version, strings.TrimSpace(in.Note))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) addProjectMember(c echo.Context) error {
	return withIDBody(c, http.StatusCreated, s.projectService.AddMember)
}

func (s *Server) removeProjectMember(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(c, "user_id")
	if err != nil {
		return err
	}
	if err := s.projectService.RemoveMember(c.Request().Context(), actorOf(c), id, uid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) createProjectTask(c echo.Context) error {
	return withIDBody(c, http.StatusCreated, s.projectService.CreateTask)
}

func (s *Server) updateProjectTask(c echo.Context) error {
	return withIDsBody(c, "task_id", http.StatusOK, s.projectService.UpdateTask)
}

func (s *Server) projectTaskComments(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	tid, err := pathID(c, "task_id")
	if err != nil {
		return err
	}
	items, err := s.projectService.TaskComments(c.Request().Context(), actorOf(c), id, tid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[projects.ProjectTaskComment]{Items: items})
}

func (s *Server) addProjectTaskComment(c echo.Context) error {
	return withIDsBody(c, "task_id", http.StatusCreated, s.projectService.AddTaskComment)
}

type linkCaseRequest struct {
	CaseID int64 `json:"case_id" validate:"required,gt=0"`
}

func (s *Server) linkProjectCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in linkCaseRequest
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.projectService.LinkCase(c.Request().Context(), actorOf(c), id, in.CaseID); err != nil {
		return err
	}
	return s.getProject(c)
}

func (s *Server) unlinkProjectCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(c, "case_id")
	if err != nil {
		return err
	}
	if err := s.projectService.UnlinkCase(c.Request().Context(), actorOf(c), id, cid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// addProjectNote takes multipart form fields title, body, stage, internal and
// files under "files".
func (s *Server) addProjectNote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if !isMultipart(c) {
		return &apperr.Error{Kind: apperr.ErrUnsupported, Code: "unsupported_media_type", Message: "阶段成果须以 multipart/form-data 提交（字段 title、body、stage、internal，附件 files）"}
	}
	form, err := c.MultipartForm()
	if err != nil {
		return multipartError(err)
	}
	defer form.RemoveAll()
	if err := checkFormText(form.Value); err != nil {
		return err
	}
	val := func(k string) string {
		if v := form.Value[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	in := projects.NoteInput{Title: val("title"), Body: val("body"), Stage: projects.ProjectStage(val("stage"))}
	if v := val("internal"); v != "" {
		if in.Internal, err = strconv.ParseBool(v); err != nil {
			return apperr.InvalidField("internal", "应为 true 或 false")
		}
	}
	if in.Files, err = s.readUploads(form.File["files"]); err != nil {
		return err
	}
	n, err := s.projectService.AddNote(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, n)
}

func (s *Server) downloadProjectFile(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	fid, err := pathID(c, "file_id")
	if err != nil {
		return err
	}
	f, err := s.projectService.LoadNoteFile(c.Request().Context(), actorOf(c), id, fid)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("attachment", f.Filename))
	c.Response().Header().Set("X-Content-SHA256", f.SHA256)
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, f.ContentType, f.Content)
}

func (s *Server) projectTimeline(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	limit, err := optionalInt(c, "limit")
	if err != nil {
		return err
	}
	items, err := s.projectService.Timeline(c.Request().Context(), actorOf(c), id, int(limit))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listResponse[projects.TimelineEntry]{Items: items})
}

func (s *Server) projectReport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	letter, err := s.projectService.ProjectReportLetter(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	pdf, err := s.renderer.ProjectReport(*letter)
	if errors.Is(err, documents.ErrMissingGlyphs) {
		return &apperr.Error{Kind: apperr.ErrInvalid, Code: "missing_glyphs", Message: "项目内容含有字体无法显示的字符，请修改后再生成报告：" + err.Error()}
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", contentDisposition("inline", fmt.Sprintf("项目报告-%d.pdf", id)))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}
