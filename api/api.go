// Package api is Somehow's small JSON API: read a digit with one of the shipped models. It is one
// http.Handler, mounted by the local server (serve.go) and by the edge worker (wasm/edge), so
// both answer alike.
//
//	GET  /api/models   {"models": [{"name", "architecture", "parameters", "loss"}]}
//	POST /api/predict  {"image": [784 numbers in 0..1]}                       (a 28×28 image)
//	                or {"canvas": {"width": W, "height": H, "pixels": [...]}}  (any drawing, 0..1,
//	                   prepared like MNIST, as the page does)
//	                   optional "model": a name from /api/models (default "conv")
//	                → {"digit", "outputs": [10 numbers], "model"}
//	POST /api/hear     an MP3 file of one spoken digit (Content-Type audio/mpeg, at most 1 MB)
//	                → {"digit", "outputs": [10 numbers], "model": "listen"}
//	                   (where a listening model is served: the local server; not yet the edge)
//
// A bad request gets a 4xx status and {"error": "a sentence saying what was wrong"}.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"somehow/core/digit"
	"somehow/core/mnist"
	"somehow/core/nn"
	"somehow/core/sentence"
	"somehow/core/sound"
)

// Limits on a request.
const (
	MaxBodyBytes = 1 << 20 // a 300×300 canvas of short numbers fits
	// MaxCanvasSide is the largest canvas side taken: the page's pad is 280 px, and a larger
	// canvas only costs CPU (preprocessing is linear in its pixels).
	MaxCanvasSide = 300
	DefaultModel  = "conv"
)

// Handler serves the API from the model files in models (*.somehow; the name is the file name).
// Predictions run concurrently: each uses a network of its own from the model's pool, since a
// network keeps its batch buffers.
type Handler struct {
	models map[string]*served
	names  []string
	// hearing is the model that reads spoken digits (a Bands×Frames spectrogram), if one is served.
	hearing *served
	mux     *http.ServeMux
	// DrainBody reads what is left of a refused body before answering. On Workers, answering
	// while the request stream was still being read made workerd restart the worker; the local
	// server leaves it unset and refuses an oversized body from its Content-Length unread.
	DrainBody bool
	// classes are the class routes, when enabled (EnableClasses).
	classes *classes
}

// served is one model and its pool of networks for concurrent predictions.
type served struct {
	model *nn.Model
	nets  sync.Pool
}

// newServed pools networks of m for concurrent predictions.
func newServed(m *nn.Model) *served {
	s := &served{model: m}
	s.nets.New = func() any { return m.Net.Clone() }
	return s
}

// read reads the input as the page does (mnist.ReadDrawing), with a network from the pool.
func (s *served) read(in Input) (mnist.Reading, error) {
	net := s.nets.Get().(*nn.Network)
	defer s.nets.Put(net)
	m := *s.model
	m.Net = net
	if in.Image != nil {
		return mnist.ReadImage(&m, in.Image), nil
	}
	return mnist.ReadDrawing(&m, in.Drawing, in.Width, in.Height)
}

// New loads every *.somehow file in models.
func New(models fs.FS) (*Handler, error) {
	h := &Handler{models: map[string]*served{}}
	files, err := fs.Glob(models, "*.somehow")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(models, f)
		if err != nil {
			return nil, err
		}
		m, err := nn.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		s := newServed(m)
		if m.Net.Arch.Inputs == sound.Bands*sound.Frames {
			if err := sound.Listens(m); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			h.hearing = s // it listens
			continue
		}
		if m.Net.Arch.Inputs != digit.Size*digit.Size || m.Net.Arch.Outputs() != 10 {
			return nil, fmt.Errorf("%s is not a digit model", f)
		}
		name := strings.TrimSuffix(path.Base(f), ".somehow")
		h.models[name] = s
		h.names = append(h.names, name)
	}
	if len(h.models) == 0 {
		return nil, errors.New("no models to serve")
	}
	sort.Strings(h.names)
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /api/models", h.listModels)
	h.mux.HandleFunc("POST /api/predict", h.predict)
	h.mux.HandleFunc("POST /api/hear", h.hear)
	h.mux.HandleFunc("/api/hear", methodNotAllowed("POST", "use POST for /api/hear, with an MP3 file as the body"))
	// The same paths with another method: 405, with Allow and a sentence.
	h.mux.HandleFunc("/api/models", methodNotAllowed("GET, HEAD", "use GET for /api/models"))
	h.mux.HandleFunc("/api/predict", methodNotAllowed("POST", "use POST for /api/predict"))
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, bad(http.StatusNotFound, "no such API endpoint; there are /api/models, /api/predict and /api/hear"))
	})
	return h, nil
}

// ModelInfo describes a served model.
type ModelInfo struct {
	Name         string `json:"name"`
	Architecture string `json:"architecture"`
	Parameters   int    `json:"parameters"`
	Loss         string `json:"loss"`
}

// PredictRequest is the body of POST /api/predict.
type PredictRequest struct {
	Image  []float64 `json:"image,omitempty"`
	Canvas *Canvas   `json:"canvas,omitempty"`
	Model  string    `json:"model,omitempty"`
}

// Canvas is a drawing of any size, one number in 0..1 per pixel (0 paper, 1 ink), row by row.
type Canvas struct {
	Width  int       `json:"width"`
	Height int       `json:"height"`
	Pixels []float64 `json:"pixels"`
}

// Prediction is the answer.
type Prediction struct {
	Digit   int       `json:"digit"`
	Outputs []float32 `json:"outputs"`
	Model   string    `json:"model"`
}

// requestError is a client mistake with its HTTP status.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func bad(status int, format string, args ...any) error {
	return &requestError{status, fmt.Sprintf(format, args...)}
}

// Input is a checked predict body: a 28×28 image, or a drawing of any size, and the model asked
// for (empty: the default).
type Input struct {
	Image         []float32 // 784 values in 0..1, or nil
	Drawing       []float32 // Width×Height values in 0..1, or nil
	Width, Height int
	Model         string
}

// DecodePredict reads and checks a predict body. Every way a body can be wrong is an error with
// its status; nothing it holds can make it allocate more than its own size allows.
func DecodePredict(r io.Reader) (Input, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		return Input{}, bad(http.StatusBadRequest, "could not read the whole body")
	}
	if len(body) > MaxBodyBytes {
		return Input{}, bad(http.StatusRequestEntityTooLarge, "the body is over %d bytes", MaxBodyBytes)
	}
	// Counted before anything is parsed (one pass at memchr speed): a body with more numbers
	// than the largest canvas has pixels is refused before it costs the 15 ms a canvas does.
	if n := bytes.Count(body, []byte{','}); n > MaxCanvasSide*MaxCanvasSide+8 {
		return Input{}, bad(http.StatusRequestEntityTooLarge, "the body holds more numbers than the largest canvas (%d×%d) has pixels", MaxCanvasSide, MaxCanvasSide)
	}
	if err := strictKeys(body); err != nil {
		return Input{}, err
	}
	// First the shape, with the numbers left as text: a canvas of the wrong size is refused
	// before its pixels cost anything to parse.
	var wire struct {
		Image  json.RawMessage `json:"image"`
		Canvas *struct {
			Width  int             `json:"width"`
			Height int             `json:"height"`
			Pixels json.RawMessage `json:"pixels"`
		} `json:"canvas"`
		Model string `json:"model"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wire); err != nil {
		return Input{}, bad(http.StatusBadRequest, "the body is not the JSON this API takes: %s", describeJSON(err))
	}
	if dec.More() {
		return Input{}, bad(http.StatusBadRequest, "the body has more than one JSON value")
	}
	numbers := func(raw json.RawMessage, name string) ([]float64, error) {
		if v, ok := numberList(raw); ok {
			return v, nil
		}
		var v []float64
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, bad(http.StatusBadRequest, "the body is not the JSON this API takes: %q must be a list of numbers", name)
		}
		return v, nil
	}
	req := PredictRequest{Model: wire.Model}
	if wire.Image != nil && wire.Canvas != nil {
		return Input{}, bad(http.StatusBadRequest, "send either image or canvas, not both")
	}
	if wire.Image != nil {
		if req.Image, err = numbers(wire.Image, "image"); err != nil {
			return Input{}, err
		}
		if req.Image == nil {
			req.Image = []float64{}
		}
	}
	if c := wire.Canvas; c != nil {
		if c.Width < 1 || c.Height < 1 || c.Width > MaxCanvasSide || c.Height > MaxCanvasSide {
			return Input{}, bad(http.StatusBadRequest, "the canvas must be between 1×1 and %d×%d, not %d×%d", MaxCanvasSide, MaxCanvasSide, c.Width, c.Height)
		}
		req.Canvas = &Canvas{Width: c.Width, Height: c.Height}
		if req.Canvas.Pixels, err = numbers(c.Pixels, "canvas.pixels"); err != nil {
			return Input{}, err
		}
	}
	check := func(what string, v []float64) error {
		for i, x := range v {
			if math.IsNaN(x) || x < 0 || x > 1 {
				return bad(http.StatusBadRequest, "%s value %d is %v; every value must be a number from 0 to 1", what, i, x)
			}
		}
		return nil
	}
	switch {
	case req.Image != nil:
		if len(req.Image) != digit.Size*digit.Size {
			return Input{}, bad(http.StatusBadRequest, "image must have 784 numbers (28×28), not %d", len(req.Image))
		}
		if err := check("image", req.Image); err != nil {
			return Input{}, err
		}
		x := make([]float32, len(req.Image))
		for i, v := range req.Image {
			x[i] = float32(v)
		}
		return Input{Image: x, Model: req.Model}, nil
	case req.Canvas != nil:
		c := req.Canvas
		if len(c.Pixels) != c.Width*c.Height {
			return Input{}, bad(http.StatusBadRequest, "a %d×%d canvas has %d pixels, not %d", c.Width, c.Height, c.Width*c.Height, len(c.Pixels))
		}
		if err := check("canvas", c.Pixels); err != nil {
			return Input{}, err
		}
		gray := make([]float32, len(c.Pixels))
		for i, v := range c.Pixels {
			gray[i] = float32(v)
		}
		return Input{Drawing: gray, Width: c.Width, Height: c.Height, Model: req.Model}, nil
	}
	return Input{}, bad(http.StatusBadRequest, `the body needs "image" (784 numbers) or "canvas" (width, height, pixels)`)
}

// numberList reads a JSON list of numbers, such as a canvas's 90000 pixels, five times faster
// than encoding/json's reflection does; it declines (false) anything but a plain list of JSON
// numbers, which encoding/json then reads or describes.
func numberList(raw []byte) ([]float64, bool) {
	i := 0
	space := func() {
		for i < len(raw) && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\t' || raw[i] == '\r') {
			i++
		}
	}
	space()
	if i == len(raw) || raw[i] != '[' {
		return nil, false
	}
	i++
	out := make([]float64, 0, bytes.Count(raw, []byte{','})+1)
	space()
	if i < len(raw) && raw[i] == ']' {
		i++
		space()
		return out, i == len(raw)
	}
	for {
		space()
		start := i
		if !jsonNumber(raw, &i) {
			return nil, false
		}
		v, err := strconv.ParseFloat(string(raw[start:i]), 64)
		if err != nil {
			return nil, false
		}
		out = append(out, v)
		space()
		if i == len(raw) {
			return nil, false
		}
		if raw[i] == ']' {
			i++
			space()
			return out, i == len(raw)
		}
		if raw[i] != ',' {
			return nil, false
		}
		i++
	}
}

// jsonNumber moves *i past one number as JSON writes it (-?int(.digits)?([eE][+-]?digits)?),
// reporting whether there was one.
func jsonNumber(b []byte, i *int) bool {
	j := *i
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case !digits():
		return false
	}
	if j < len(b) && b[j] == '.' {
		j++
		if !digits() {
			return false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			return false
		}
	}
	*i = j
	return true
}

// ServeHTTP answers /api/models and /api/predict.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		}
	}()
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) listModels(w http.ResponseWriter, _ *http.Request) {
	var list []ModelInfo
	for _, n := range h.names {
		a := h.models[n].model.Net.Arch
		list = append(list, ModelInfo{Name: n, Architecture: a.String(), Parameters: a.Parameters(), Loss: a.Loss.String()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": list})
}

func (h *Handler) predict(w http.ResponseWriter, r *http.Request) {
	refuse := func(err error) {
		h.drain(r)
		writeError(w, err)
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		refuse(bad(http.StatusUnsupportedMediaType, "send the body as application/json"))
		return
	}
	// Refused from its length alone, unread (with Expect: 100-continue nothing is even sent;
	// draining a promised 2 GB that never comes would never answer).
	if r.ContentLength > MaxBodyBytes {
		writeError(w, bad(http.StatusRequestEntityTooLarge, "the body is over %d bytes", MaxBodyBytes))
		return
	}
	in, err := DecodePredict(r.Body)
	if err != nil {
		refuse(err)
		return
	}
	name := in.Model
	h.drain(r)
	if name == "" {
		name = DefaultModel
	}
	m, ok := h.models[name]
	if !ok {
		writeError(w, bad(http.StatusNotFound, "there is no model named %q; see /api/models", sentence.Truncate(name, 40)))
		return
	}
	reading, err := m.read(in)
	if err != nil {
		writeError(w, bad(http.StatusBadRequest, "%v", err))
		return
	}
	writeJSON(w, http.StatusOK, Prediction{Digit: reading.Digit, Outputs: reading.Outputs, Model: name})
}

// hear reads a spoken digit: the body is an MP3 file.
func (h *Handler) hear(w http.ResponseWriter, r *http.Request) {
	refuse := func(err error) {
		h.drain(r)
		writeError(w, err)
	}
	if h.hearing == nil {
		refuse(bad(http.StatusNotImplemented, "this server does not listen yet: /api/hear is served by the local server (make run)"))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || (mt != "audio/mpeg" && mt != "audio/mp3") {
		refuse(bad(http.StatusUnsupportedMediaType, "send the recording as an MP3 file, with Content-Type audio/mpeg"))
		return
	}
	if r.ContentLength > sound.MaxMP3Bytes { // refused unread, as in predict
		writeError(w, bad(http.StatusRequestEntityTooLarge, "the body is over %d bytes; an MP3 of a spoken digit is far smaller", sound.MaxMP3Bytes))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, sound.MaxMP3Bytes+1))
	if err != nil {
		refuse(bad(http.StatusBadRequest, "could not read the whole body"))
		return
	}
	if len(body) > sound.MaxMP3Bytes {
		refuse(bad(http.StatusRequestEntityTooLarge, "the body is over %d bytes; an MP3 of a spoken digit is far smaller", sound.MaxMP3Bytes))
		return
	}
	features, _, err := sound.FeaturesMP3(body)
	if err != nil {
		writeError(w, bad(http.StatusBadRequest, "%v", err))
		return
	}
	net := h.hearing.nets.Get().(*nn.Network)
	out := append([]float32(nil), net.Predict(features)...)
	h.hearing.nets.Put(net)
	writeJSON(w, http.StatusOK, Prediction{Digit: nn.ClassOf(out), Outputs: out, Model: "listen"})
}

func methodNotAllowed(allow, sentence string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, bad(http.StatusMethodNotAllowed, "%s", sentence))
	}
}

// strictKeys checks the keys of the body's object and of its "canvas": exactly as written
// (encoding/json would take "IMAGE" for "image"), each at most once.
func strictKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var walk func(allowed map[string]bool, where string) error
	walk = func(allowed map[string]bool, where string) error {
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return nil // not an object: the decoder says what is wrong
		}
		seen := map[string]bool{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return nil
			}
			key, _ := t.(string)
			if !allowed[key] {
				return bad(http.StatusBadRequest, "%s has an unknown key %q (keys are lower case: %s)", where, sentence.Truncate(key, 40), keyList(allowed))
			}
			if seen[key] {
				return bad(http.StatusBadRequest, "%s has the key %q twice", where, key)
			}
			seen[key] = true
			if key == "canvas" {
				if err := walk(map[string]bool{"width": true, "height": true, "pixels": true}, "canvas"); err != nil {
					return err
				}
				continue
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil
			}
		}
		_, err := dec.Token() // the closing brace
		_ = err
		return nil
	}
	return walk(map[string]bool{"image": true, "canvas": true, "model": true}, "the body")
}

func keyList(allowed map[string]bool) string {
	var keys []string
	for k := range allowed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// describeJSON says what the JSON decoder found wrong without its Go type names.
func describeJSON(err error) string {
	if s, ok := sentence.JSON(err, "it"); ok {
		return s
	}
	return "it is cut short or malformed"
}

// drain reads what is left of a body before answering, where DrainBody asks for it: on Workers,
// answering while the request stream is still being read made workerd restart the worker. A
// body promised larger than any this API takes is left unread: waiting for a promised 2 GB that
// never comes would never answer. One of unknown length is read up to 16 MB.
func (h *Handler) drain(r *http.Request) {
	// At the edge a request without a body (a GET) has a nil Body.
	if h.DrainBody && r.Body != nil && r.ContentLength <= max(MaxBodyBytes, sound.MaxMP3Bytes) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 16<<20))
	}
}

func writeError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	var re *requestError
	if errors.As(err, &re) {
		status = re.status
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Outputs past what a float holds (a model whose weights are too large): a sentence.
		status, b = http.StatusUnprocessableEntity, []byte(`{"error":"the network's numbers overflowed (infinite or not a number): this model's weights are too large to read this"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
