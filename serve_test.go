package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
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
	h, err := siteHandler(web, "assets", nil, nil)
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

// limitedServer serves a quick handler through a listener limited to total and perClient
// connections, as serve does, and returns its address.
func limitedServer(t *testing.T, total, perClient int) (string, *connLimiter) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limited := limitListener(ln, total, perClient)
	srv := newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv.ConnState = limited.State
	go srv.Serve(limited)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), limited
}

// dialFrom opens a connection to addr from the loopback address ip (127.0.0.0/8 is all this
// machine's), so the server sees another client.
func dialFrom(t *testing.T, addr, ip string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ask sends one keep-alive request on c and reads the answer, within two seconds; it reports
// whether an answer came.
func ask(c net.Conn) bool {
	c.SetDeadline(time.Now().Add(2 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return false
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	return res.StatusCode == 200
}

// closedByServer says whether the server has closed c (a read ends at once).
func closedByServer(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(time.Second))
	_, err := c.Read(make([]byte, 1))
	return err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
}

// Idle keep-alive connections from many addresses filled the cap and every new client waited
// (issue 23: 4160 idle connections from 65 addresses, nothing answered for 15 s). Now the
// oldest idle connection makes room and a new client is answered at once.
func TestIdleConnectionsFromManyAddressesLockNobodyOut(t *testing.T) {
	addr, _ := limitedServer(t, 8, 2)
	var idle []net.Conn
	for i := range 8 {
		c := dialFrom(t, addr, fmt.Sprintf("127.0.5.%d", 1+i/2))
		if !ask(c) {
			t.Fatalf("connection %d was not answered", i)
		}
		idle = append(idle, c)
	}
	// The server marks a connection idle just after its answer is sent: give it that moment.
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if !ask(dialFrom(t, addr, "127.0.6.1")) {
		t.Fatal("a new client got no answer while idle connections filled the server")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("a new client waited %v", d)
	}
	if !closedByServer(idle[0]) {
		t.Error("the oldest idle connection was not the one closed")
	}
	if closedByServer(idle[7]) {
		t.Error("the newest idle connection was closed")
	}
}

// One address past its share: its own oldest idle connection goes; if all of its connections
// are busy (a request under way, however slow), the new one is refused and others still get in.
func TestPerClientConnectionCap(t *testing.T) {
	addr, _ := limitedServer(t, 100, 2)
	first, second := dialFrom(t, addr, "127.0.7.1"), dialFrom(t, addr, "127.0.7.1")
	ask(first)
	ask(second)
	// The server marks a connection idle a moment after its answer is on the way (ConnState):
	// under load, the client can have read it first (CI once saw both still busy).
	time.Sleep(100 * time.Millisecond)
	third := dialFrom(t, addr, "127.0.7.1")
	if !ask(third) || !closedByServer(first) || closedByServer(second) {
		t.Fatal("a client past its share did not give up its own oldest idle connection")
	}
	// Both busy: a request begun and never finished.
	io.WriteString(second, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
	io.WriteString(third, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
	time.Sleep(100 * time.Millisecond)
	fourth := dialFrom(t, addr, "127.0.7.1")
	if !closedByServer(fourth) {
		t.Error("a third connection from a client whose two are busy was accepted")
	}
	if closedByServer(second) || closedByServer(third) {
		t.Error("a busy connection was closed to let in one from the same client")
	}
	if !ask(dialFrom(t, addr, "127.0.7.2")) {
		t.Error("another client was not answered")
	}
}

// When every connection is busy and the server is full, the client holding the most gives one
// up: a new client still gets in.
func TestAFullServerOfBusyConnectionsStillTakesANewClient(t *testing.T) {
	addr, _ := limitedServer(t, 4, 3)
	var busy []net.Conn
	for _, ip := range []string{"127.0.8.1", "127.0.8.1", "127.0.8.1", "127.0.8.2"} {
		c := dialFrom(t, addr, ip)
		io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
		busy = append(busy, c)
	}
	time.Sleep(100 * time.Millisecond)
	if !ask(dialFrom(t, addr, "127.0.8.3")) {
		t.Fatal("a new client got no answer from a server full of busy connections")
	}
	if !closedByServer(busy[0]) || closedByServer(busy[3]) {
		t.Error("the connection given up was not the oldest of the client holding the most")
	}
}

// Nearly full, a connection idle for longer than idleUnderPressure is closed.
func TestIdleTimeShortensUnderPressure(t *testing.T) {
	addr, limited := limitedServer(t, 8, 8)
	limited.idleUnderPressure = 50 * time.Millisecond
	var idle []net.Conn
	for range 6 {
		c := dialFrom(t, addr, "127.0.9.1")
		ask(c)
		idle = append(idle, c)
	}
	time.Sleep(100 * time.Millisecond)
	ask(dialFrom(t, addr, "127.0.9.2"))
	for i, c := range idle {
		if !closedByServer(c) {
			t.Errorf("idle connection %d stayed open on a nearly full server", i)
		}
	}
}

// An IPv6 client is its /64: one machine can pick any address in it.
func TestClientKey(t *testing.T) {
	for addr, want := range map[string]string{
		"10.1.2.3:5000":                 "10.1.2.3",
		"[::ffff:10.1.2.3]:80":          "10.1.2.3",
		"[2001:db8:1:2:aaaa::1]:443":    "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff:ffff::9]:1": "2001:db8:1:2::/64",
		"[2001:db8:1:3::1]:1":           "2001:db8:1:3::/64",
		"not an address":                "not an address",
	} {
		if got := api.ClientKey(addr); got != want {
			t.Errorf("api.ClientKey(%q) = %q, want %q", addr, got, want)
		}
	}
}

// Files are gzipped for a browser across a network, and sent as they are to one on this machine.
func TestCompressionOnlyAcrossANetwork(t *testing.T) {
	web := t.TempDir()
	text := strings.Repeat("console.log('a line of the page');\n", 200)
	if err := os.WriteFile(filepath.Join(web, "app.js"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := siteHandler(web, "assets", nil, nil)
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

// A model is gzipped when that shrinks it (the listening vote's zeros between its networks), and
// sent as it is when its weights hardly compress.
func TestModelsCompressedOnlyWhenSmaller(t *testing.T) {
	assets := t.TempDir()
	if err := os.Mkdir(filepath.Join(assets, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	sparse := make([]byte, 64<<10) // mostly zeros, as a merged vote's weights are
	for i := range sparse {
		if i%16 == 0 {
			sparse[i] = byte(i / 16)
		}
	}
	dense := make([]byte, 64<<10) // weights that look like noise
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range dense {
		dense[i] = byte(rng.Uint32())
	}
	for name, data := range map[string][]byte{"sparse.somehow": sparse, "dense.somehow": dense} {
		if err := os.WriteFile(filepath.Join(assets, "models", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := siteHandler(t.TempDir(), assets, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"sparse.somehow": "gzip", "dense.somehow": ""} {
		r := httptest.NewRequest("GET", "/assets/models/"+name, nil)
		r.RemoteAddr = "10.0.0.3:5000"
		r.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Header().Get("Content-Encoding"); got != want || w.Code != 200 {
			t.Errorf("%s: status %d, Content-Encoding %q, want %q", name, w.Code, got, want)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("%s: Content-Type %q, want application/octet-stream", name, ct)
		}
		body := w.Body.Bytes()
		if want == "gzip" {
			zr, err := gzip.NewReader(w.Body)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if !bytes.Equal(body, map[string][]byte{"sparse.somehow": sparse, "dense.somehow": dense}[name]) {
			t.Errorf("%s: the file as unpacked differs from the file", name)
		}
	}
}

// Heavy requests (large bodies) take turns on their lane and past its queue are told to come
// back; small requests never wait behind them (issue 23: 32 addresses sending canvases pushed
// a small predict's p99 to 880 ms).
func TestHeavyRequestsQueueAndSmallOnesPass(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	h := heavyLane(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > tokenBytes {
			started <- struct{}{}
			<-release
		}
	}), 1, 1)
	heavy := func() chan int {
		done := make(chan int, 1)
		go func() {
			r := httptest.NewRequest("POST", "/api/predict", strings.NewReader(strings.Repeat(" ", 100<<10)))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			done <- w.Code
		}()
		return done
	}
	first := heavy()
	<-started
	second := heavy() // waits its turn
	time.Sleep(50 * time.Millisecond)
	third := heavy() // no room to wait
	select {
	case code := <-third:
		if code != http.StatusServiceUnavailable {
			t.Errorf("a heavy request past the queue: %d", code)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a heavy request past the queue waited")
	}
	small := httptest.NewRecorder()
	h.ServeHTTP(small, httptest.NewRequest("POST", "/api/predict", strings.NewReader("{}")))
	if small.Code != 200 {
		t.Errorf("a small request while the lane is busy: %d", small.Code)
	}
	select {
	case <-started:
		t.Fatal("two heavy requests ran at once on a lane of one")
	default:
	}
	close(release)
	if <-first != 200 || <-second != 200 {
		t.Error("the queued heavy requests were not answered")
	}
}
