// Command somehow's local server (`make run`): serves the playground page, its WebAssembly and
// the assets on localhost, compressed, with security headers.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io/fs"
	"log"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"somehow/api"
	modelfiles "somehow/assets"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	web := flag.String("web", "web", "folder with the page (index.html, app.js, playground.wasm, ...)")
	assets := flag.String("assets", "assets", "folder with the models and data the page loads")
	headersFile := flag.String("write-headers", "", "write the security headers as a static host's _headers file to this path and exit")
	flag.Parse()
	if *headersFile != "" {
		content := "/*\n"
		for _, h := range [][2]string{{"Content-Security-Policy", csp}, {"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}} {
			content += "  " + h[0] + ": " + h[1] + "\n"
		}
		if err := os.WriteFile(*headersFile, []byte(content), 0o644); err != nil {
			log.Fatal(err)
		}
		return
	}
	if _, err := os.Stat(filepath.Join(*web, "playground.wasm")); err != nil {
		log.Fatalf("%s/playground.wasm is missing: start the server with `make run`, which builds it", *web)
	}
	srv := &http.Server{Addr: *addr, Handler: siteHandler(*web, *assets), ReadHeaderTimeout: 10 * time.Second}
	log.Printf("Somehow is at http://%s/", *addr)
	log.Fatal(srv.ListenAndServe())
}

// siteHandler serves the page from web and /assets/ from assets.
func siteHandler(web, assets string) http.Handler {
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".js", "text/javascript; charset=utf-8")
	mux := http.NewServeMux()
	page := newStatic(web)
	page.warm() // compress the page and its wasm now, not on the first visitor's time
	mux.Handle("/", page)
	mux.Handle("/assets/", http.StripPrefix("/assets", newStatic(assets)))
	models, err := fs.Sub(modelfiles.Models, "models")
	if err != nil {
		log.Fatal(err)
	}
	apiHandler, err := api.New(models)
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("/api/", apiHandler) // the same API the edge worker serves
	return securityHeaders(mux)
}

// csp lets the page load only its own files; Go's WebAssembly needs 'wasm-unsafe-eval', and
// neuron thumbnails are data: URLs. `make dist` writes it into dist/_headers for static hosts.
const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data: blob:; worker-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// securityHeaders adds the headers every response carries.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// static serves files from a folder, gzip-compressing text and wasm for clients that accept it.
// Compressed copies are kept in memory until the file changes.
type static struct {
	dir   string
	files http.Handler
	mu    sync.Mutex
	gz    map[string]gzEntry
}

type gzEntry struct {
	mod  time.Time
	data []byte
}

func newStatic(dir string) *static {
	return &static{dir: dir, files: http.FileServer(http.Dir(dir)), gz: map[string]gzEntry{}}
}

var compressible = map[string]bool{".html": true, ".js": true, ".css": true, ".wasm": true, ".json": true, ".svg": true, ".md": true}

// warm compresses every compressible file at the top of the folder.
func (s *static) warm() {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		if !e.IsDir() && compressible[path.Ext(e.Name())] {
			s.compressed(filepath.Join(s.dir, e.Name()))
		}
	}
}

// compressed returns the gzip form of file, from the cache while the file is unchanged.
func (s *static) compressed(file string) (gzEntry, bool) {
	info, err := os.Stat(file)
	if err != nil || info.IsDir() {
		return gzEntry{}, false
	}
	s.mu.Lock()
	e, ok := s.gz[file]
	s.mu.Unlock()
	if ok && e.mod.Equal(info.ModTime()) {
		return e, true
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return gzEntry{}, false
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(raw)
	zw.Close()
	e = gzEntry{mod: info.ModTime(), data: buf.Bytes()}
	s.mu.Lock()
	s.gz[file] = e
	s.mu.Unlock()
	return e, true
}

func (s *static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache") // revalidate: a rebuilt wasm must not be stale
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(name, "/") || name == "/" {
		name = path.Join(name, "index.html")
	}
	ext := path.Ext(name)
	if r.Method != http.MethodGet || !compressible[ext] || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Header.Get("Range") != "" {
		s.files.ServeHTTP(w, r)
		return
	}
	e, ok := s.compressed(filepath.Join(s.dir, filepath.FromSlash(name)))
	if !ok {
		s.files.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Vary", "Accept-Encoding")
	w.Header().Set("Content-Type", mime.TypeByExtension(ext))
	http.ServeContent(w, r, name, e.mod, bytes.NewReader(e.data))
}
