// Package api is Somehow's small JSON API: read a digit with one of the shipped models. It is one
// http.Handler, mounted by the local server (serve.go) and by the edge worker (wasm/edge), so
// both answer alike.
//
//	GET  /api/models   {"models": [{"name", "architecture", "parameters", "loss"}]}
//	POST /api/predict  {"image": [784 numbers in 0..1]}                       (a 28×28 image)
//	                or {"canvas": {"width": W, "height": H, "pixels": [...]}}  (any drawing, 0..1,
//	                   prepared like MNIST, as the page does)
//	                   optional "model": a name from /api/models (default "fast")
//	                → {"digit", "outputs": [10 numbers], "model"}
//
// A bad request gets a 4xx status and {"error": "a sentence saying what was wrong"}.
package api

import (
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
	"strings"
	"sync"

	"somehow/core/digit"
	"somehow/core/nn"
)

// Limits on a request.
const (
	MaxBodyBytes  = 1 << 20 // a 400×400 canvas of short numbers fits
	MaxCanvasSide = 512
	DefaultModel  = "fast"
)

// Handler serves the API from the model files in models (*.somehow; the name is the file name).
type Handler struct {
	mu     sync.Mutex
	models map[string]*nn.Model
	names  []string
}

// New loads every *.somehow file in models.
func New(models fs.FS) (*Handler, error) {
	h := &Handler{models: map[string]*nn.Model{}}
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
		if m.Net.Arch.Inputs != digit.Size*digit.Size || m.Net.Arch.Outputs() != 10 {
			return nil, fmt.Errorf("%s is not a digit model", f)
		}
		name := strings.TrimSuffix(path.Base(f), ".somehow")
		h.models[name] = m
		h.names = append(h.names, name)
	}
	if len(h.models) == 0 {
		return nil, errors.New("no models to serve")
	}
	sort.Strings(h.names)
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

// DecodePredict reads and checks a predict body, returning the 784 inputs and the model name.
// Every way a body can be wrong is an error with its status; nothing it holds can make it
// allocate more than its own size allows.
func DecodePredict(r io.Reader) ([]float32, string, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		return nil, "", bad(http.StatusBadRequest, "could not read the body: %v", err)
	}
	if len(body) > MaxBodyBytes {
		return nil, "", bad(http.StatusRequestEntityTooLarge, "the body is over %d bytes", MaxBodyBytes)
	}
	var req PredictRequest
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, "", bad(http.StatusBadRequest, "the body is not the JSON this API takes: %v", err)
	}
	if dec.More() {
		return nil, "", bad(http.StatusBadRequest, "the body has more than one JSON value")
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
	case req.Image != nil && req.Canvas != nil:
		return nil, "", bad(http.StatusBadRequest, "send either image or canvas, not both")
	case req.Image != nil:
		if len(req.Image) != digit.Size*digit.Size {
			return nil, "", bad(http.StatusBadRequest, "image must have 784 numbers (28×28), not %d", len(req.Image))
		}
		if err := check("image", req.Image); err != nil {
			return nil, "", err
		}
		x := make([]float32, len(req.Image))
		for i, v := range req.Image {
			x[i] = float32(v)
		}
		return x, req.Model, nil
	case req.Canvas != nil:
		c := req.Canvas
		if c.Width < 1 || c.Height < 1 || c.Width > MaxCanvasSide || c.Height > MaxCanvasSide {
			return nil, "", bad(http.StatusBadRequest, "the canvas must be between 1×1 and %d×%d, not %d×%d", MaxCanvasSide, MaxCanvasSide, c.Width, c.Height)
		}
		if len(c.Pixels) != c.Width*c.Height {
			return nil, "", bad(http.StatusBadRequest, "a %d×%d canvas has %d pixels, not %d", c.Width, c.Height, c.Width*c.Height, len(c.Pixels))
		}
		if err := check("canvas", c.Pixels); err != nil {
			return nil, "", err
		}
		gray := make([]float32, len(c.Pixels))
		for i, v := range c.Pixels {
			gray[i] = float32(v)
		}
		x, err := digit.Preprocess(gray, c.Width, c.Height)
		if err != nil {
			return nil, "", bad(http.StatusBadRequest, "%v", err)
		}
		return x, req.Model, nil
	}
	return nil, "", bad(http.StatusBadRequest, `the body needs "image" (784 numbers) or "canvas" (width, height, pixels)`)
}

// ServeHTTP answers /api/models and /api/predict.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		}
	}()
	switch r.URL.Path {
	case "/api/models":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, bad(http.StatusMethodNotAllowed, "use GET for /api/models"))
			return
		}
		var list []ModelInfo
		for _, n := range h.names {
			a := h.models[n].Net.Arch
			list = append(list, ModelInfo{Name: n, Architecture: a.String(), Parameters: a.Parameters(), Loss: a.Loss.String()})
		}
		writeJSON(w, http.StatusOK, map[string]any{"models": list})
	case "/api/predict":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeError(w, bad(http.StatusMethodNotAllowed, "use POST for /api/predict"))
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			writeError(w, bad(http.StatusUnsupportedMediaType, "send the body as application/json"))
			return
		}
		if r.ContentLength > MaxBodyBytes {
			drain(r.Body)
			writeError(w, bad(http.StatusRequestEntityTooLarge, "the body is over %d bytes", MaxBodyBytes))
			return
		}
		x, name, err := DecodePredict(r.Body)
		drain(r.Body)
		if err != nil {
			writeError(w, err)
			return
		}
		if name == "" {
			name = DefaultModel
		}
		m, ok := h.models[name]
		if !ok {
			writeError(w, bad(http.StatusNotFound, "there is no model named %q; see /api/models", name))
			return
		}
		h.mu.Lock() // a network reuses its buffers: one prediction at a time
		out := m.Net.Predict(x)
		h.mu.Unlock()
		writeJSON(w, http.StatusOK, Prediction{Digit: nn.ClassOf(out), Outputs: out, Model: name})
	default:
		writeError(w, bad(http.StatusNotFound, "no such API endpoint; there are /api/models and /api/predict"))
	}
}

// drain reads what is left of a body (up to 16 MB) before answering. On Workers, answering while
// the request stream is still being read made workerd restart the worker.
func drain(body io.Reader) {
	io.Copy(io.Discard, io.LimitReader(body, 16<<20))
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
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
