// Command somehow's local server (`make run`): serves the playground page, its WebAssembly and
// the assets on localhost, compressed, with security headers, and the same API as the edge.
//
//	go run . [-addr localhost:8080] [-web web] [-assets assets] [-db data/somehow.db]
//	go run . -addr :8080   (`make class`: every address of this machine, for a class's phones)
//	go run . -write-headers dist/_headers   (the same headers, for a static host; then exit)
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"somehow/api"
	modelfiles "somehow/assets"
	"somehow/class"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	web := flag.String("web", "web", "folder with the page (index.html, app.js, playground.wasm, ...)")
	assets := flag.String("assets", "assets", "folder with the models and data the page loads")
	db := flag.String("db", "data/somehow.db", "the SQLite file that keeps the classes (made if missing)")
	headersFile := flag.String("write-headers", "", "write the security headers as a static host's _headers file to this path and exit")
	flag.Parse()
	var err error
	if *headersFile != "" {
		err = os.WriteFile(*headersFile, []byte(api.HeadersFile()), 0o644)
	} else {
		err = serve(*addr, *web, *assets, *db)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "somehow:", err)
		os.Exit(1)
	}
}

// Limits that keep one client from holding the server: a slow or endless request body is cut
// off (the largest body, a 1 MB predict, takes well under readTimeout), writes have time for
// MNIST's 9.9 MB on a slow school network, idle connections close; one address holds at most
// maxPerClient connections, and past maxConnections in all the oldest idle ones make room
// (limitListener).
const (
	readTimeout    = 10 * time.Second
	writeTimeout   = 60 * time.Second
	idleTimeout    = 60 * time.Second
	maxConnections = 4096
	maxPerClient   = 64
)

// serve runs the site until interrupted.
func serve(addr, web, assets, dbPath string) error {
	if _, err := os.Stat(filepath.Join(web, "playground.wasm")); err != nil {
		return fmt.Errorf("%s/playground.wasm is missing: start the server with `make run`, which builds it", web)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	store, closeDB, err := openClasses(dbPath)
	if err != nil {
		return err
	}
	defer closeDB()
	handler, err := siteHandler(web, assets, store, lanLinks(ln.Addr()))
	if err != nil {
		return err
	}
	srv := newServer(handler)
	limited := limitListener(ln, maxConnections, maxPerClient)
	srv.ConnState = limited.State
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	log.Printf("Somehow is at http://%s/", ln.Addr())
	if links := lanLinks(ln.Addr())(nil); len(links) > 0 {
		log.Printf("phones on this network can join a class at %s", strings.Join(links, " or "))
	}
	if err := srv.Serve(limited); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func newServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: 64 << 10}
}

// siteHandler serves the page from web, /assets/ from assets, and the API; with a store, classes
// too, their join links at links' origins (nil: the page's own).
func siteHandler(web, assets string, store *class.Store, links func(*http.Request) []string) (http.Handler, error) {
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".js", "text/javascript; charset=utf-8")
	mime.AddExtensionType(".somehow", "application/octet-stream")
	mux := http.NewServeMux()
	page := newStatic(web, nil)
	if err := page.warm(); err != nil { // compress the page and its wasm now, not on a visitor's time
		return nil, err
	}
	mux.Handle("/", page)
	// Only what the page loads: the models, MNIST and the spoken digits, never the Go source beside them.
	mux.Handle("/assets/", http.StripPrefix("/assets", newStatic(assets, []string{"/models/", "/mnist/", "/fsdd/"})))
	models, err := fs.Sub(modelfiles.Models, "models")
	if err != nil {
		return nil, err
	}
	apiHandler, err := api.New(models)
	if err != nil {
		return nil, err
	}
	// The same API the edge worker serves; one client cannot take all of its CPU, and however
	// many send canvases, small predicts find a free core.
	limited := perClientLimit(heavyLane(apiHandler, max(1, runtime.NumCPU()-1), heavyQueue), apiRate, apiBurst)
	mux.Handle("/api/", limited)
	if store != nil {
		mux.Handle("/api/class", limited) // not redirected to /api/class/
		apiHandler.EnableClasses(store, api.ClassOptions{Links: links, Events: true})
		// A class's phones often share one school address: joining and sending are limited per
		// class and per phone (package class), not per address, so they skip the address's
		// bucket. Opening a class (POST /api/class) keeps it.
		mux.Handle("/api/class/", apiHandler)
	}
	return api.WithSecurityHeaders(mux), nil
}

// static serves the files of a folder (no directory listings, GET and HEAD only), gzip-
// compressing text, wasm and models for clients that accept it across a network, when that
// shrinks them by a tenth at least (a model's weights hardly shrink, but one with many zeros
// does: the listening vote, before its layers were in groups, to a third). Compressed copies
// are kept in memory until the file changes.
type static struct {
	dir     string
	allowed []string // path prefixes served; nil = all
	mu      sync.Mutex
	gz      map[string]gzEntry
}

type gzEntry struct {
	mod  time.Time
	data []byte
	// smaller is whether data is at most nine tenths of the file: otherwise the file is sent
	// as it is, not made for the browser to unpack for nothing.
	smaller bool
}

func newStatic(dir string, allowed []string) *static {
	return &static{dir: dir, allowed: allowed, gz: map[string]gzEntry{}}
}

var compressible = map[string]bool{".html": true, ".js": true, ".css": true, ".wasm": true, ".json": true, ".svg": true, ".md": true, ".somehow": true}

// warm compresses every compressible file at the top of the folder.
func (s *static) warm() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() && compressible[path.Ext(e.Name())] {
			if _, err := s.compressed(filepath.Join(s.dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// compressed returns the gzip form of file, from the cache while the file is unchanged.
func (s *static) compressed(file string) (gzEntry, error) {
	info, err := os.Stat(file)
	if err != nil {
		return gzEntry{}, err
	}
	s.mu.Lock()
	e, ok := s.gz[file]
	s.mu.Unlock()
	if ok && e.mod.Equal(info.ModTime()) {
		return e, nil
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return gzEntry{}, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return gzEntry{}, err
	}
	if _, err := zw.Write(raw); err != nil {
		return gzEntry{}, err
	}
	if err := zw.Close(); err != nil {
		return gzEntry{}, err
	}
	e = gzEntry{mod: info.ModTime(), data: buf.Bytes(), smaller: buf.Len() <= len(raw)*9/10}
	s.mu.Lock()
	s.gz[file] = e
	s.mu.Unlock()
	return e, nil
}

func (s *static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Only GET and HEAD are served here.", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-cache") // revalidate: a rebuilt wasm must not be stale
	name := path.Clean("/" + r.URL.Path)
	if name == "/" {
		name = "/index.html"
	}
	if !s.allows(name) {
		http.NotFound(w, r)
		return
	}
	file := filepath.Join(s.dir, filepath.FromSlash(name))
	info, err := os.Stat(file)
	if err != nil || info.IsDir() { // files only: no listings
		http.NotFound(w, r)
		return
	}
	ext := path.Ext(name)
	if compressible[ext] && !sameMachine(r) && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && r.Header.Get("Range") == "" {
		if e, err := s.compressed(file); err == nil && e.smaller {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Vary", "Accept-Encoding")
			w.Header().Set("Content-Type", mime.TypeByExtension(ext))
			http.ServeContent(w, r, name, e.mod, bytes.NewReader(e.data))
			return
		}
	}
	f, err := os.Open(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	http.ServeContent(w, r, name, info.ModTime(), f)
}

func (s *static) allows(name string) bool {
	if s.allowed == nil {
		return true
	}
	for _, p := range s.allowed {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// How many API requests a second one client (one IP address) may make, and in a burst. A pad
// read through the API is one request a stroke; a class behind one school address shares it.
const (
	apiRate  = 50
	apiBurst = 100
)

// perClientLimit answers 429 to a client that asks more than rate requests a second on average
// (burst at once), so that one busy client cannot slow everyone else's requests. A request costs
// by its size, one token a started tokenBytes of body, since parsing and preparing a body is
// what costs CPU: a small predict is one token, a 300×300 canvas (180 KB and up, ~16 ms of
// CPU) twelve or more.
func perClientLimit(h http.Handler, rate, burst float64) http.Handler {
	type bucket struct {
		tokens float64
		last   time.Time
	}
	var mu sync.Mutex
	buckets := map[string]*bucket{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := api.ClientKey(r.RemoteAddr)
		now := time.Now()
		mu.Lock()
		if len(buckets) > 10000 { // forget clients that have been quiet long enough to be full again
			for k, b := range buckets {
				if now.Sub(b.last).Seconds()*rate > burst {
					delete(buckets, k)
				}
			}
		}
		b, ok := buckets[host]
		if !ok {
			b = &bucket{tokens: burst, last: now}
			buckets[host] = b
		}
		b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
		b.last = now
		cost := 1.0
		if r.ContentLength < 0 { // chunked: priced as the largest body
			cost = api.MaxBodyBytes / tokenBytes
		} else if r.ContentLength > 0 {
			cost = float64((r.ContentLength + tokenBytes - 1) / tokenBytes)
		}
		allowed := b.tokens >= cost
		if allowed {
			b.tokens -= cost
		}
		mu.Unlock()
		if !allowed {
			w.Header().Set("Retry-After", "1")
			refuseJSON(w, http.StatusTooManyRequests, "too many requests from this address; wait a second and try again")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// tokenBytes is the body size one token of the per-client limit pays for.
const tokenBytes = 16 << 10

// heavyQueue is how many heavy requests may wait for the heavy lane; more get 503.
const heavyQueue = 16

// heavyLane lets at most n heavy requests (a body over tokenBytes, such as a canvas, or an MP3
// to hear) be parsed and read at once, with at most heavyQueue more waiting (the rest are told
// to come back in a second), each place resting after use as long as it was used. A body is
// read before it queues, so a slow one holds no place.
func heavyLane(h http.Handler, n, queue int) http.Handler {
	running := make(chan struct{}, n)
	waiting := make(chan struct{}, n+queue)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		heavy := r.Method == http.MethodPost && (r.ContentLength < 0 || r.ContentLength > tokenBytes || r.URL.Path == "/api/hear")
		if !heavy || r.ContentLength > api.MaxBodyBytes { // an oversized body is refused unread
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, api.MaxBodyBytes+1))
		if err != nil {
			refuseJSON(w, http.StatusBadRequest, "could not read the whole body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		select {
		case waiting <- struct{}{}:
			defer func() { <-waiting }()
		default:
			w.Header().Set("Retry-After", "1")
			refuseJSON(w, http.StatusServiceUnavailable, "the server is busy reading other drawings; try again in a second")
			return
		}
		select {
		case running <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		start := time.Now()
		h.ServeHTTP(w, r)
		// The lane rests as long as it worked before the next heavy request: under a flood of
		// canvases it takes at most half of its cores, and small predicts keep the rest.
		rest := time.Since(start)
		go func() {
			time.Sleep(rest)
			<-running
		}()
	})
}

// refuseJSON answers as the API does: a status and {"error": sentence}.
func refuseJSON(w http.ResponseWriter, status int, sentence string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\"error\": %q}\n", sentence)
}

// limitListener holds at most total connections at once and at most perClient from one client
// (clientKey), so no set of addresses can use up the server's file descriptors, and it never
// stops accepting: a client past its share gives up its own oldest idle connection or is
// refused at once; at the total, the oldest idle connection anywhere goes (an idle keep-alive
// costs its client only a reconnect), or else the oldest of the client holding the most; and
// past three quarters of the total, connections idle for more than idleUnderPressure are closed.
// A connection is idle between requests, and before its first byte. The server must report
// its connections' states to State (http.Server.ConnState).
func limitListener(ln net.Listener, total, perClient int) *connLimiter {
	return &connLimiter{Listener: ln, total: total, perClient: perClient,
		idleUnderPressure: 2 * time.Second, conns: map[*trackedConn]struct{}{}, perKey: map[string]int{}}
}

type connLimiter struct {
	net.Listener
	total, perClient int
	// idleUnderPressure is how long a connection may stay idle while the server is nearly full.
	idleUnderPressure time.Duration
	mu                sync.Mutex
	conns             map[*trackedConn]struct{}
	perKey            map[string]int // connections per client
}

type trackedConn struct {
	net.Conn
	key       string
	opened    time.Time
	idleSince time.Time // zero while a request is read or answered
	once      sync.Once
	limiter   *connLimiter
}

func (c *trackedConn) Close() error {
	c.once.Do(func() { c.limiter.forget(c) })
	return c.Conn.Close()
}

func (l *connLimiter) forget(c *trackedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.conns[c]; ok {
		delete(l.conns, c)
		if l.perKey[c.key]--; l.perKey[c.key] == 0 {
			delete(l.perKey, c.key)
		}
	}
}

// State follows each connection between requests (idle) and in one (active).
func (l *connLimiter) State(c net.Conn, s http.ConnState) {
	tc, ok := c.(*trackedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch s {
	case http.StateIdle:
		tc.idleSince = time.Now()
	case http.StateActive, http.StateHijacked:
		tc.idleSince = time.Time{}
	}
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		tc := &trackedConn{Conn: c, key: api.ClientKey(c.RemoteAddr().String()), opened: time.Now(), limiter: l}
		tc.idleSince = tc.opened
		shed, ok := l.admit(tc)
		for _, old := range shed {
			old.Close()
		}
		if !ok {
			c.Close()
			continue
		}
		return tc, nil
	}
}

// admit decides whether tc may stay and which open connections make room for it (already
// forgotten; the caller closes them outside the lock).
func (l *connLimiter) admit(tc *trackedConn) (shed []*trackedConn, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	drop := func(c *trackedConn) {
		delete(l.conns, c)
		if l.perKey[c.key]--; l.perKey[c.key] == 0 {
			delete(l.perKey, c.key)
		}
		shed = append(shed, c)
	}
	if l.perKey[tc.key] >= l.perClient {
		old := l.oldest(func(c *trackedConn) bool { return c.key == tc.key && !c.idleSince.IsZero() })
		if old == nil {
			return shed, false
		}
		drop(old)
	}
	if len(l.conns) >= l.total*3/4 {
		for c := range l.conns {
			if !c.idleSince.IsZero() && tc.opened.Sub(c.idleSince) > l.idleUnderPressure {
				drop(c)
			}
		}
	}
	if len(l.conns) >= l.total {
		old := l.oldest(func(c *trackedConn) bool { return !c.idleSince.IsZero() })
		if old == nil {
			most := ""
			for k, n := range l.perKey {
				if n > l.perKey[most] {
					most = k
				}
			}
			old = l.oldest(func(c *trackedConn) bool { return c.key == most })
		}
		drop(old)
	}
	l.conns[tc] = struct{}{}
	l.perKey[tc.key]++
	return shed, true
}

// oldest is the connection open longest of those that match.
func (l *connLimiter) oldest(match func(*trackedConn) bool) *trackedConn {
	var found *trackedConn
	for c := range l.conns {
		if match(c) && (found == nil || c.opened.Before(found.opened)) {
			found = c
		}
	}
	return found
}

// sameMachine tells a browser on this machine (make run, opened on localhost) from one across a
// network. Compression trades bytes for time: over loopback the bytes cost nothing, and Chromium
// inflating the 4.5 MB engine delayed the lab's first frame by about 150 ms (measured with
// tests/browser/measure.mjs), so such a browser gets the files as they are.
func sameMachine(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
