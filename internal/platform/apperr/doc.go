// Package apperr is the error vocabulary: every domain error wraps one of
// its nine kinds (ErrNotFound, ErrForbidden, ErrConflict, ErrInvalid,
// ErrUnauthorized, ErrTooMany, ErrTooLarge, ErrUnsupported, ErrUnprocessable),
// which the HTTP layer maps to a status in one table.
package apperr
