// Command somehow-serve (`make run`) serves the Somehow playground on localhost.
package main

import (
	"flag"
	"log"
	"mime"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	dir := flag.String("web", "web", "folder with the page")
	flag.Parse()
	mime.AddExtensionType(".wasm", "application/wasm")
	mux := http.NewServeMux()
	mux.Handle("/", securityHeaders(http.FileServer(http.Dir(*dir))))
	mux.Handle("/assets/", securityHeaders(http.StripPrefix("/assets/", http.FileServer(http.Dir("assets")))))
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("Somehow is at http://%s/", *addr)
	log.Fatal(srv.ListenAndServe())
}

// securityHeaders adds the headers every response carries: the page loads only its own files,
// and Go's WebAssembly needs 'wasm-unsafe-eval'.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; worker-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}
