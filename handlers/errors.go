// Package handlers is Jianyi's HTTP layer: each handler binds a request
// struct, validates it, calls one domain function and maps its error.
package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"jianyi/internal/platform/apperr"
	"jianyi/internal/platform/database"
)

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries a machine code, a Chinese message and per-field messages.
type ErrorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	Details   map[string]any    `json:"details,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// statusOf is the one table from error kind to HTTP status.
var statusOf = []struct {
	kind   error
	status int
}{
	{apperr.ErrNotFound, http.StatusNotFound},
	{apperr.ErrForbidden, http.StatusForbidden},
	{apperr.ErrConflict, http.StatusConflict},
	{apperr.ErrInvalid, http.StatusBadRequest},
	{apperr.ErrUnauthorized, http.StatusUnauthorized},
	{apperr.ErrTooMany, http.StatusTooManyRequests},
	{apperr.ErrTooLarge, http.StatusRequestEntityTooLarge},
	{apperr.ErrUnsupported, http.StatusUnsupportedMediaType},
	{apperr.ErrUnprocessable, http.StatusUnprocessableEntity},
	{apperr.ErrUnavailable, http.StatusServiceUnavailable},
}

// retryAfterUnavailable is the Retry-After of a 503: the database is
// expected back within seconds (the pool reconnects by itself).
const retryAfterUnavailable = "5"

// echoStatusMessages are the Chinese texts for errors raised by Echo itself.
var echoStatusMessages = map[int]struct{ code, msg string }{
	http.StatusNotFound:              {"not_found", "请求的资源不存在"},
	http.StatusMethodNotAllowed:      {"method_not_allowed", "不支持该请求方法"},
	http.StatusRequestEntityTooLarge: {"body_too_large", "请求内容超过大小限制"},
	http.StatusUnauthorized:          {"unauthorized", "未登录或登录已过期，请重新登录"},
	http.StatusForbidden:             {"forbidden", "无权执行该操作"},
	http.StatusUnsupportedMediaType:  {"unsupported_media_type", "不支持的内容类型"},
	http.StatusBadRequest:            {"bad_request", "请求格式有误"},
	http.StatusTooManyRequests:       {"too_many_requests", "请求过于频繁，请稍后再试"},
	http.StatusServiceUnavailable:    {"unavailable", "服务暂不可用"},
	http.StatusUnprocessableEntity:   {"unprocessable", "请求无法处理"},
}

// NewHTTPErrorHandler maps every error to the JSON error body. Internal causes
// go to the log with the request id, never to the client.
func NewHTTPErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		rid := c.Response().Header().Get(echo.HeaderXRequestID)
		if clientGone(c, err) {
			// Nobody reads the answer: log the request as 499, not as a
			// server error (the request logger prints this status).
			c.Response().Status = StatusClientClosedRequest
			return
		}
		status, body := errorResponse(err)
		body.Error.RequestID = rid
		switch {
		case status == http.StatusServiceUnavailable:
			log.Warn("database unavailable", "request_id", rid, "method", c.Request().Method, "path", c.Path(), "error", err.Error())
			c.Response().Header().Set("Retry-After", retryAfterUnavailable)
		case status >= 500:
			body.Error.Message = internalError(log, c, err)
		}
		if status == http.StatusTooManyRequests {
			if s, ok := body.Error.Details["retry_after_seconds"].(int); ok {
				c.Response().Header().Set("Retry-After", strconv.Itoa(s))
			}
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, body)
	}
}

// StatusClientClosedRequest is the status logged for a request whose client
// went away before the answer (nginx's 499); it is never sent.
const StatusClientClosedRequest = 499

// clientGone reports that err comes from the request's context being
// cancelled because the client disconnected.
func clientGone(c echo.Context, err error) bool {
	return errors.Is(c.Request().Context().Err(), context.Canceled) &&
		(errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "context canceled"))
}

// internalError logs the cause of a 5xx with the request id and returns the
// only message the client sees.
func internalError(log *slog.Logger, c echo.Context, err error) string {
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	log.Error("request failed", "request_id", rid, "method", c.Request().Method, "path", c.Path(), "error", err.Error())
	return fmt.Sprintf("服务器内部错误，请稍后重试（请求编号 %s）", rid)
}

func errorResponse(err error) (int, ErrorBody) {
	var de *apperr.Error
	if errors.As(err, &de) {
		for _, m := range statusOf {
			if errors.Is(de.Kind, m.kind) {
				return m.status, ErrorBody{ErrorDetail{Code: de.Code, Message: de.Message, Fields: de.Fields, Details: de.Details}}
			}
		}
	}
	for _, m := range statusOf {
		if errors.Is(err, m.kind) {
			t := echoStatusMessages[m.status]
			return m.status, ErrorBody{ErrorDetail{Code: t.code, Message: t.msg}}
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if t, ok := echoStatusMessages[he.Code]; ok {
			return he.Code, ErrorBody{ErrorDetail{Code: t.code, Message: t.msg}}
		}
		if he.Code < 500 {
			return he.Code, ErrorBody{ErrorDetail{Code: "http_" + strconv.Itoa(he.Code), Message: http.StatusText(he.Code)}}
		}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return http.StatusBadRequest, ErrorBody{ErrorDetail{Code: "malformed_json", Message: "请求体不是合法的 JSON"}}
	}
	if database.IsPacketTooLarge(err) {
		return http.StatusRequestEntityTooLarge, ErrorBody{ErrorDetail{Code: "body_too_large", Message: "文件超过数据库可保存的大小，请压缩或拆分后重新上传"}}
	}
	if database.IsUnavailable(err) {
		return http.StatusServiceUnavailable, ErrorBody{ErrorDetail{Code: "database_unavailable", Message: "数据库暂时无法访问，请稍后重试"}}
	}
	return http.StatusInternalServerError, ErrorBody{ErrorDetail{Code: "internal_error"}}
}
