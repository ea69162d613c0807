package handlers

import "net/url"

// urlPathEscape encodes a filename for Content-Disposition's filename*.
func urlPathEscape(s string) string { return url.PathEscape(s) }
