package main

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"somehow/api"
)

// testSite serves a small web folder and the real assets folder.
func testSite(t *testing.T) *httptest.Server {
	t.Helper()
	web := t.TempDir()
	for name, text := range map[string]string{"index.html": "<!doctype html><title>x</title>", "app.js": "console.log(1)", "playground.wasm": "\x00asm"} {
		if err := os.WriteFile(filepath.Join(web, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := siteHandler(web, "assets")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// Every answer `make run` gives carries the security headers (files, API answers, refusals),
// and dist/_headers (for static hosts and the edge's files) holds exactly the same ones.
func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	srv := testSite(t)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/", ""}, {"GET", "/app.js", ""}, {"GET", "/playground.wasm", ""}, {"GET", "/assets/models/paper.somehow", ""},
		{"GET", "/no-such-file", ""}, {"POST", "/", ""}, {"GET", "/api/models", ""}, {"POST", "/api/predict", "{"},
		{"GET", "/api/nothing", ""},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for _, h := range api.SecurityHeaders {
			if got := res.Header.Get(h[0]); got != h[1] {
				t.Errorf("%s %s (%d): %s is %q, want %q", c.method, c.path, res.StatusCode, h[0], got, h[1])
			}
		}
	}
	written := map[string]string{}
	lines := strings.Split(api.HeadersFile(), "\n")
	if lines[0] != "/*" {
		t.Errorf("the _headers file does not apply to every path: %q", lines[0])
	}
	for _, line := range lines[1:] {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ": "); ok {
			written[k] = v
		}
	}
	if len(written) != len(api.SecurityHeaders) || written["X-Content-Type-Options"] != "nosniff" || !strings.Contains(written["Content-Security-Policy"], "default-src 'self'") {
		t.Errorf("the _headers file holds %v", written)
	}
}

// Files only, GET and HEAD only, and only what the page loads from assets/.
func TestOnlyFilesAreServed(t *testing.T) {
	srv := testSite(t)
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/", 200}, {"HEAD", "/app.js", 200}, {"GET", "/assets/models/fast.somehow", 200},
		{"GET", "/assets/", 404}, {"GET", "/assets/models/", 404}, {"GET", "/assets/mnist/", 404},
		{"GET", "/assets/assets.go", 404}, {"GET", "/../serve.go", 404},
		{"POST", "/app.js", 405}, {"DELETE", "/index.html", 405}, {"TRACE", "/", 405},
		{"POST", "/assets/models/fast.somehow", 405},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, res.StatusCode, c.status)
		}
	}
}

func TestTimeoutsAreSet(t *testing.T) {
	s := newServer(http.NotFoundHandler())
	if s.ReadTimeout == 0 || s.WriteTimeout == 0 || s.IdleTimeout == 0 || s.ReadHeaderTimeout == 0 {
		t.Errorf("a timeout is missing: %+v", s)
	}
}

// One client asking too fast gets 429 with a sentence; others are not slowed by it.
func TestPerClientLimit(t *testing.T) {
	h := perClientLimit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), 1, 3)
	status := func(addr string) int {
		r := httptest.NewRequest("GET", "/api/models", nil)
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i := range 3 {
		if s := status("10.0.0.1:5000"); s != 200 {
			t.Fatalf("request %d in the burst: %d", i, s)
		}
	}
	if s := status("10.0.0.1:5001"); s != 429 {
		t.Errorf("past the burst: %d", s)
	}
	if s := status("10.0.0.2:5000"); s != 200 {
		t.Errorf("another client: %d", s)
	}
	// A large body costs by its size: 200 KB is four tokens, more than this client's burst.
	r := httptest.NewRequest("POST", "/api/predict", strings.NewReader(strings.Repeat(" ", 200<<10)))
	r.RemoteAddr = "10.0.0.3:5000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 429 {
		t.Errorf("a 200 KB request within a burst of 3: %d", w.Code)
	}
}

// Past the cap, a new connection waits until one of the open ones closes.
func TestConnectionCap(t *testing.T) {
	accepted, _ := dialLimited(t, 2, 100, 3)
	first := <-accepted
	<-accepted
	select {
	case <-accepted:
		t.Fatal("a third connection was accepted past a cap of 2")
	case <-time.After(200 * time.Millisecond):
	}
	first.Close()
	select {
	case c := <-accepted:
		c.Close()
	case <-time.After(2 * time.Second):
		t.Fatal("closing a connection did not let the waiting one in")
	}
}

// One address past its share of connections is closed at once, and others still get in.
func TestPerClientConnectionCap(t *testing.T) {
	accepted, conns := dialLimited(t, 100, 2, 3)
	<-accepted
	<-accepted
	// The third was closed by the server: reading from it ends.
	conns[2].SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := conns[2].Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the third connection from one address was not closed: %v", err)
	}
	select {
	case <-accepted:
		t.Error("a third connection from one address was accepted")
	default:
	}
}

// dialLimited serves a listener limited to total and perClient connections and makes n
// connections to it from one address; accepted receives each connection the server takes.
func dialLimited(t *testing.T, total, perClient, n int) (accepted chan net.Conn, conns []net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limited := limitListener(ln, total, perClient)
	t.Cleanup(func() { limited.Close() })
	accepted = make(chan net.Conn, n)
	go func() {
		for {
			c, err := limited.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	for range n {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		conns = append(conns, c)
	}
	return accepted, conns
}

// Files are gzipped for a browser across a network, and sent as they are to one on this machine.
func TestCompressionOnlyAcrossANetwork(t *testing.T) {
	web := t.TempDir()
	text := strings.Repeat("console.log('a line of the page');\n", 200)
	if err := os.WriteFile(filepath.Join(web, "app.js"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := siteHandler(web, "assets")
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]string{"10.0.0.3:5000": "gzip", "192.168.1.20:5000": "gzip", "127.0.0.1:5000": "", "[::1]:5000": ""} {
		r := httptest.NewRequest("GET", "/app.js", nil)
		r.RemoteAddr = addr
		r.Header.Set("Accept-Encoding", "gzip, deflate, br")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Header().Get("Content-Encoding"); got != want || w.Code != 200 {
			t.Errorf("from %s: status %d, Content-Encoding %q, want %q", addr, w.Code, got, want)
		}
		if want == "" && w.Body.String() != text {
			t.Errorf("from %s: the file as served differs from the file", addr)
		}
	}
}
