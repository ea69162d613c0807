// Package jianyi holds the files that are embedded into the binary from the
// repository root: the default configuration and the API contract.
package jianyi

import (
	"embed"
	_ "embed"
)

// DefaultConfigYAML is config.yaml as shipped; every deployment starts from it.
//
//go:embed config.yaml
var DefaultConfigYAML []byte

// OpenAPIFiles holds openapi.yaml and the per-feature fragments under openapi/.
//
//go:embed openapi.yaml openapi
var OpenAPIFiles embed.FS
