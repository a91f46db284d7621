// Package api's headers: the security headers of every response, one list, sent by the local
// server (serve.go) on everything, by the edge on the API's answers, and written into
// dist/_headers for static hosts and the edge's files.
package api

import (
	"fmt"
	"net/http"
	"strings"
)

// csp lets the page load only its own files; Go's WebAssembly needs 'wasm-unsafe-eval'.
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// SecurityHeaders are the headers every response carries, as name, value pairs.
var SecurityHeaders = [][2]string{
	{"Content-Security-Policy", csp},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
}

// HeadersFile is SecurityHeaders in the _headers format static hosts (and Workers assets) read.
func HeadersFile() string {
	var b strings.Builder
	b.WriteString("/*\n")
	for _, h := range SecurityHeaders {
		fmt.Fprintf(&b, "  %s: %s\n", h[0], h[1])
	}
	return b.String()
}

// WithSecurityHeaders adds SecurityHeaders to every response of h.
func WithSecurityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, kv := range SecurityHeaders {
			w.Header().Set(kv[0], kv[1])
		}
		h.ServeHTTP(w, r)
	})
}
