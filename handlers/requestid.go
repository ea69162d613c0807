package handlers

import (
	"crypto/rand"
	"encoding/hex"
)

// newRequestID makes a random 16-hex-digit request id.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
