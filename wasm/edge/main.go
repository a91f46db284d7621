//go:build js && wasm

// Command edge is Somehow on Cloudflare Workers (github.com/syumai/workers): the static site is
// served as Workers assets (the `make dist` folder, with its _headers), and this program answers
// the JSON API, the same http.Handler the local server mounts (package api).
package main

import (
	"database/sql"
	"io/fs"
	"net/http"

	"github.com/syumai/workers"
	_ "github.com/syumai/workers/cloudflare/d1" // the "d1" database/sql driver

	"somehow/api"
	"somehow/assets"
	"somehow/class"
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
	// Classes in D1 (the binding DB in wrangler.jsonc), with the same queries as SQLite locally.
	// Each request may meet another instance of the worker: the projector polls, and wrong codes
	// are counted in D1.
	db, err := sql.Open("d1", "DB")
	if err != nil {
		panic(err)
	}
	h.EnableClasses(class.New(db, nil), api.ClassOptions{SharedMisses: true})
	mux := http.NewServeMux()
	mux.Handle("/api/", api.WithSecurityHeaders(h)) // the same headers as the local server's
	workers.Serve(mux)
}
