package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"jianyi/internal/org"
)

// Most handlers have one shape: parse the path ids, bind the body, make one
// domain call, answer with its result. The adapters below hold that shape
// once. Path id errors come before body errors, as in a handler written
// out by hand.

// create adapts "bind In, call the domain, answer 201".
func create[In, Out any](fn func(context.Context, *org.Actor, In) (Out, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		var in In
		if err := bindJSON(c, &in); err != nil {
			return err
		}
		out, err := fn(c.Request().Context(), actorOf(c), in)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, out)
	}
}

// update adapts "parse :id, bind In, call the domain, answer 200".
func update[In, Out any](fn func(context.Context, *org.Actor, int64, In) (Out, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		return withIDBody(c, http.StatusOK, fn)
	}
}

// withID parses :id, calls fn with it and answers status with its result.
func withID[Out any](c echo.Context, status int, fn func(context.Context, *org.Actor, int64) (Out, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := fn(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

// withIDBody parses :id, binds In, calls fn and answers status with its
// result.
func withIDBody[In, Out any](c echo.Context, status int, fn func(context.Context, *org.Actor, int64, In) (Out, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in In
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	out, err := fn(c.Request().Context(), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

// withIDsBody parses :id and the second path id sub (such as "task_id"),
// binds In, calls fn and answers status with its result.
func withIDsBody[In, Out any](c echo.Context, sub string, status int, fn func(context.Context, *org.Actor, int64, int64, In) (Out, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	subID, err := pathID(c, sub)
	if err != nil {
		return err
	}
	var in In
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	out, err := fn(c.Request().Context(), actorOf(c), id, subID, in)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}
