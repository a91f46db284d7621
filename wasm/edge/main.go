//go:build js && wasm

// Command edge is Somehow on Cloudflare Workers (github.com/syumai/workers): the static site is
// served as Workers assets (the `make dist` folder, with its _headers), and this program answers
// the JSON API, the same http.Handler the local server mounts (package api).
package main

import (
	"io/fs"
	"net/http"

	"github.com/syumai/workers"

	"somehow/api"
	"somehow/assets"
)

func main() {
	models, err := fs.Sub(assets.Models, "models")
	if err != nil {
		panic(err)
	}
	h, err := api.New(models)
	if err != nil {
		panic(err)
	}
	h.DrainBody = true // workerd restarts the worker when a request's body is left unread
	mux := http.NewServeMux()
	mux.Handle("/api/", api.WithSecurityHeaders(h)) // the same headers as the local server's
	workers.Serve(mux)
}
