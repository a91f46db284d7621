package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// The headers `make run` sends are exactly the ones written for dist/ and the edge.
func TestServedHeadersAreTheWrittenOnes(t *testing.T) {
	srv := testSite(t)
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	written := map[string]string{}
	for _, line := range strings.Split(headersFileText(), "\n")[1:] {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ": "); ok {
			written[k] = v
		}
	}
	if len(written) != len(headers) {
		t.Fatalf("the _headers file has %d headers, the list %d", len(written), len(headers))
	}
	for k, v := range written {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: served %q, written %q", k, got, v)
		}
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
