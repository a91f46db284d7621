package api

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"somehow/assets"
)

func handler(t testing.TB) *Handler {
	t.Helper()
	models, err := fs.Sub(assets.Models, "models")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(models)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// sevenImage is a 28×28 seven: a bar along the top, a stroke down to the bottom left.
func sevenCanvas(w, h int) []float64 {
	px := make([]float64, w*h)
	set := func(x, y int) {
		for dy := -h / 20; dy <= h/20; dy++ {
			for dx := -w / 20; dx <= w/20; dx++ {
				if xx, yy := x+dx, y+dy; xx >= 0 && xx < w && yy >= 0 && yy < h {
					px[yy*w+xx] = 1
				}
			}
		}
	}
	for x := w / 4; x <= 3*w/4; x++ {
		set(x, h/5)
	}
	for t := 0.0; t <= 1; t += 0.002 {
		set(int(float64(3*w/4)+t*float64(w/2-3*w/4-w/10)), int(float64(h/5)+t*float64(4*h/5-h/5)))
	}
	return px
}

func do(h http.Handler, method, path, ctype, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestModels(t *testing.T) {
	w := do(handler(t), "GET", "/api/models", "", "")
	var out struct{ Models []ModelInfo }
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &out) != nil || len(out.Models) != 2 || out.Models[0].Name != "conv" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

func TestPredictGoodBodies(t *testing.T) {
	h := handler(t)
	canvas, _ := json.Marshal(map[string]any{"canvas": map[string]any{"width": 200, "height": 160, "pixels": sevenCanvas(200, 160)}})
	for name, body := range map[string]string{
		"canvas":        string(canvas),
		"canvas, paper": strings.Replace(string(canvas), "{", `{"model":"paper",`, 1),
	} {
		w := do(h, "POST", "/api/predict", "application/json; charset=utf-8", body)
		var p Prediction
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &p) != nil {
			t.Fatalf("%s: %d %s", name, w.Code, w.Body)
		}
		if p.Digit != 7 || len(p.Outputs) != 10 {
			t.Errorf("%s: read a drawn 7 as %d (%v) with %s", name, p.Digit, p.Outputs, p.Model)
		}
	}
	img := make([]float64, 784)
	img[400] = 1
	body, _ := json.Marshal(map[string]any{"image": img})
	if w := do(h, "POST", "/api/predict", "application/json", string(body)); w.Code != 200 || !strings.Contains(w.Body.String(), `"model":"conv"`) {
		t.Errorf("image: %d %s", w.Code, w.Body)
	}
}

func TestPredictBadRequests(t *testing.T) {
	h := handler(t)
	img := func(n int, v string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "0"
		}
		if n > 0 {
			parts[n/2] = v
		}
		return `{"image":[` + strings.Join(parts, ",") + `]}`
	}
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		want                            string
	}{
		{"wrong method", "GET", "/api/predict", "", "", 405, "use POST"},
		{"wrong method models", "POST", "/api/models", "application/json", "{}", 405, "use GET"},
		{"wrong type", "POST", "/api/predict", "text/plain", img(784, "0"), 415, "application/json"},
		{"no type", "POST", "/api/predict", "", img(784, "0"), 415, "application/json"},
		{"not json", "POST", "/api/predict", "application/json", "hello", 400, "not the JSON"},
		{"empty object", "POST", "/api/predict", "application/json", "{}", 400, "needs"},
		{"short image", "POST", "/api/predict", "application/json", img(783, "0"), 400, "784 numbers"},
		{"long image", "POST", "/api/predict", "application/json", img(785, "0"), 400, "784 numbers"},
		{"out of range", "POST", "/api/predict", "application/json", img(784, "1.5"), 400, "from 0 to 1"},
		{"negative", "POST", "/api/predict", "application/json", img(784, "-0.1"), 400, "from 0 to 1"},
		{"not numbers", "POST", "/api/predict", "application/json", img(784, `"x"`), 400, "not the JSON"},
		{"unknown field", "POST", "/api/predict", "application/json", `{"img":[1]}`, 400, `unknown key "img"`},
		{"upper-case key", "POST", "/api/predict", "application/json", strings.Replace(img(784, "0"), "image", "IMAGE", 1), 400, `unknown key "IMAGE"`},
		{"capitalised model", "POST", "/api/predict", "application/json", strings.Replace(img(784, "0"), "{", `{"Model":"conv",`, 1), 400, `unknown key "Model"`},
		{"duplicate key", "POST", "/api/predict", "application/json", strings.Replace(img(784, "0"), "{", `{"model":"conv","model":"paper",`, 1), 400, `"model" twice`},
		{"canvas key", "POST", "/api/predict", "application/json", `{"canvas":{"Width":2,"height":2,"pixels":[1,1,1,1]}}`, 400, `canvas has an unknown key "Width"`},
		{"pad-sized canvas limit", "POST", "/api/predict", "application/json", `{"canvas":{"width":512,"height":512,"pixels":[]}}`, 400, "between 1×1 and 300×300"},
		{"long model name", "POST", "/api/predict", "application/json", strings.Replace(img(784, "0"), "{", `{"model":"`+strings.Repeat("m", 100000)+`",`, 1), 404, "no model named"},
		{"both", "POST", "/api/predict", "application/json", `{"image":[],"canvas":{"width":1,"height":1,"pixels":[1]}}`, 400, "not both"},
		{"too many pixels", "POST", "/api/predict", "application/json", `{"canvas":{"width":512,"height":512,"pixels":[` + strings.Repeat("0,", 512*512-1) + `0]}}`, 413, "more numbers than the largest canvas (300×300)"},
		{"huge canvas", "POST", "/api/predict", "application/json", `{"canvas":{"width":100000,"height":100000,"pixels":[]}}`, 400, "between 1×1"},
		{"canvas length", "POST", "/api/predict", "application/json", `{"canvas":{"width":2,"height":2,"pixels":[1]}}`, 400, "has 4 pixels"},
		{"empty canvas", "POST", "/api/predict", "application/json", `{"canvas":{"width":2,"height":2,"pixels":[0,0,0,0]}}`, 400, "empty"},
		{"unknown model", "POST", "/api/predict", "application/json", strings.Replace(img(784, "0"), "{", `{"model":"huge",`, 1), 404, "no model named"},
		{"too large", "POST", "/api/predict", "application/json", `{"image":[` + strings.Repeat("0,", MaxBodyBytes) + `0]}`, 413, "over"},
		{"trailing", "POST", "/api/predict", "application/json", img(784, "0") + "{}", 400, "more than one"},
		{"unknown endpoint", "GET", "/api/train", "", "", 404, "no such API endpoint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := do(h, c.method, c.path, c.ctype, c.body)
			var out map[string]string
			json.Unmarshal(w.Body.Bytes(), &out)
			if w.Code != c.status || !strings.Contains(out["error"], c.want) {
				t.Errorf("got %d %.200q, want %d and an error mentioning %q", w.Code, out["error"], c.status, c.want)
			}
			for _, goWords := range []string{"float64", "[]", "struct", "json:", "Go value"} {
				if strings.Contains(out["error"], goWords) {
					t.Errorf("the error speaks Go: %q", out["error"])
				}
			}
			if len(out["error"]) > 300 {
				t.Errorf("the error is %d characters long", len(out["error"]))
			}
		})
	}
}

// FuzzDecodePredict: any body is an error, 784 numbers in [0, 1], or a drawing of at most
// MaxCanvasSide² numbers in [0, 1] that fits its size; never a panic.
func FuzzDecodePredict(f *testing.F) {
	f.Add([]byte(`{"image":[0,0.5,1]}`))
	f.Add([]byte(`{"canvas":{"width":2,"height":1,"pixels":[0,1]},"model":"paper"}`))
	f.Add([]byte(`{"canvas":{"width":-1,"height":99999999,"pixels":null}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := DecodePredict(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		x := in.Image
		if x == nil {
			x = in.Drawing
			if len(x) != in.Width*in.Height || in.Width > MaxCanvasSide || in.Height > MaxCanvasSide {
				t.Fatalf("a %d×%d drawing of %d values", in.Width, in.Height, len(x))
			}
		} else if len(x) != 784 || in.Drawing != nil {
			t.Fatalf("%d inputs", len(x))
		}
		for _, v := range x {
			if v < 0 || v > 1 || v != v {
				t.Fatalf("input %v", v)
			}
		}
	})
}

// Predictions run at once on several goroutines and each gets the answer it would get alone.
func TestConcurrentPredictionsAgree(t *testing.T) {
	h := handler(t)
	px, _ := json.Marshal(sevenCanvas(60, 60))
	body := `{"canvas":{"width":60,"height":60,"pixels":` + string(px) + `}}`
	want := do(h, "POST", "/api/predict", "application/json", body).Body.String()
	errs := make(chan string, 32)
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if got := do(h, "POST", "/api/predict", "application/json", body).Body.String(); got != want {
					errs <- got
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for got := range errs {
		t.Fatalf("a concurrent prediction differs: %s vs %s", got, want)
	}
}

// A body announced as too large is refused before any of it is read: with Expect:
// 100-continue the client never sends it.
func TestOversizedBodyIsRefusedUnread(t *testing.T) {
	srv := httptest.NewServer(handler(t))
	defer srv.Close()
	read := &countingReader{left: 20 << 20}
	req, _ := http.NewRequest("POST", srv.URL+"/api/predict", read)
	req.ContentLength = 20 << 20
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Expect", "100-continue")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 413 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if read.sent > 1<<20 {
		t.Errorf("%d bytes of the refused body were sent", read.sent)
	}
}

type countingReader struct{ left, sent int }

func (c *countingReader) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.left)
	for i := range p[:n] {
		p[i] = ' '
	}
	c.left -= n
	c.sent += n
	return n, nil
}

// What a canvas costs the server: a 300×300 drawing, parsed, checked and read.
func BenchmarkPredictCanvas(b *testing.B) {
	h := handler(b)
	px, _ := json.Marshal(map[string]any{"canvas": map[string]any{"width": 300, "height": 300, "pixels": sevenCanvas(300, 300)}})
	body := string(px)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if w := do(h, "POST", "/api/predict", "application/json", body); w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}

// What a canvas refused for its size costs.
func BenchmarkPredictOversizedCanvas(b *testing.B) {
	h := handler(b)
	body := `{"canvas":{"width":512,"height":512,"pixels":[` + strings.Repeat("0,", 512*512-1) + `0]}}`
	for b.Loop() {
		if w := do(h, "POST", "/api/predict", "application/json", body); w.Code != 413 {
			b.Fatal(w.Body.String())
		}
	}
}

// The fast reader of number lists agrees with encoding/json on what it takes, and declines
// what it does not (encoding/json then reads or describes it).
func TestNumberListAgreesWithEncodingJSON(t *testing.T) {
	for i, raw := range []string{
		`[]`, ` [ ] `, `[0]`, `[1,0,0.5]`, `[ 1 , 2 ]`, "[\n1,\t2\r]", `[-0]`, `[1e3,1E-3,1.5e+2,0.25]`,
		`[01]`, `[.5]`, `[1.]`, `[+1]`, `[1e]`, `[--1]`, `[1,]`, `[,1]`, `[1 2]`, `[NaN]`, `[Infinity]`,
		`[0x10]`, `[1_0]`, `["1"]`, `[null]`, `[true]`, `[[1]]`, `[1]x`, `[1`, `1`, `{}`, ``, `[1,2]]`,
		`[1e400]`, `[-1e400]`, `[1e-400]`,
	} {
		fast, ok := numberList([]byte(raw))
		var slow []float64
		err := json.Unmarshal([]byte(raw), &slow)
		if ok && (err != nil || fmt.Sprint(fast) != fmt.Sprint(slow)) {
			t.Errorf("%q: fast %v, encoding/json %v (%v)", raw, fast, slow, err)
		}
		if plain := i < 8; plain && !ok {
			t.Errorf("%q: a plain list of numbers was declined", raw)
		}
		if !ok && err == nil && raw != `[null]` {
			t.Errorf("%q: declined, but encoding/json reads %v", raw, slow)
		}
	}
}

// At the edge (DrainBody), a promised 2 GB body that never comes is refused from its length at
// once: draining it first left the request unanswered (issue 23). Under local wrangler the dev
// proxy itself waits for a whole body before the worker sees the request, so this is tested here.
func TestAPromisedHugeBodyIsRefusedUnreadAtTheEdge(t *testing.T) {
	h := handler(t)
	h.DrainBody = true
	for _, path := range []string{"/api/predict", "/api/hear"} {
		body, _ := io.Pipe() // a body that never comes
		r := httptest.NewRequest("POST", path, body)
		r.ContentLength = 2_000_000_000
		r.Header.Set("Content-Type", map[string]string{"/api/predict": "application/json", "/api/hear": "audio/mpeg"}[path])
		w := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { h.ServeHTTP(w, r); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("%s: no answer to a promised 2 GB body in 2 s", path)
		}
		if w.Code != http.StatusRequestEntityTooLarge && !(path == "/api/hear" && h.hearing == nil && w.Code == http.StatusNotImplemented) {
			t.Errorf("%s: %d %s", path, w.Code, w.Body.String())
		}
	}
}
