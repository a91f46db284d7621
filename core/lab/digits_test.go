package lab

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"somehow/core/digit/digittest"
)

// render draws strokes (polylines in the unit square) thick pixels wide, the digit filling 70%
// of a w×h canvas, as a finger on the page would.
func render(w, h int, strokes [][][2]float64, thick float64) []byte {
	size := float64(min(w, h)) * 0.7
	return digittest.Bytes(digittest.Strokes(w, h, strokes, (float64(w)-size)/2, (float64(h)-size)/2, size, thick))
}

func circle(cx, cy, rx, ry float64) [][2]float64 {
	var pts [][2]float64
	for a := 0.0; a <= 2*math.Pi+0.01; a += math.Pi / 24 {
		pts = append(pts, [2]float64{cx + rx*math.Sin(a), cy - ry*math.Cos(a)})
	}
	return pts
}

// Strokes of digits as a person draws them, in the unit square.
var drawnDigits = map[int][][][2]float64{
	0: {circle(0.5, 0.5, 0.3, 0.45)},
	1: {{{0.55, 0.05}, {0.5, 0.95}}},
	7: {{{0.15, 0.1}, {0.85, 0.1}, {0.4, 0.95}}},
}

func loadAsset(t *testing.T, l *Lab, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "assets", "models", name+".somehow"))
	if err != nil {
		t.Fatal(err)
	}
	l.PutBlob("file", b)
	out := do(t, l, `{"type":"loadModel","blob":"file","name":"`+name+`","use":true}`)
	if out["type"] != "models" || out["current"] != name {
		t.Fatalf("loading %s: %v", name, out)
	}
}

func TestShippedModelsReadDrawnDigits(t *testing.T) {
	l := New()
	for _, model := range []string{"best", "paper"} {
		loadAsset(t, l, model)
		for want, strokes := range drawnDigits {
			l.PutBlob("canvas", render(280, 280, strokes, 18))
			var c Classified
			if err := json.Unmarshal(l.Handle([]byte(`{"type":"classify","blob":"canvas","width":280,"height":280}`)), &c); err != nil || c.Type != "classified" {
				t.Fatalf("classify: %v %+v", err, c)
			}
			if c.Digit != want {
				t.Errorf("%s model read a drawn %d as %d (outputs %.3f)", model, want, c.Digit, c.Outputs)
			}
			if len(c.Input) != 784 || c.Model != model {
				t.Errorf("input %d bytes, model %q", len(c.Input), c.Model)
			}
		}
	}
}

func TestBadModelFileKeepsTheCurrentModel(t *testing.T) {
	l := New()
	loadAsset(t, l, "paper")
	for _, bad := range [][]byte{[]byte("hello"), nil} {
		l.PutBlob("file", bad)
		out := do(t, l, `{"type":"loadModel","blob":"file","name":"upload","use":true}`)
		if out["type"] != "error" || !strings.Contains(out["error"].(string), "not a Somehow model") {
			t.Errorf("bad file: %v", out)
		}
	}
	if out := do(t, l, `{"type":"models"}`); out["current"] != "paper" {
		t.Errorf("current model is %v after a bad upload", out["current"])
	}
	l.PutBlob("canvas", make([]byte, 100))
	if out := do(t, l, `{"type":"classify","blob":"canvas","width":10,"height":10}`); out["type"] != "error" || !strings.Contains(out["error"].(string), "empty") {
		t.Errorf("empty canvas: %v", out)
	}
	if out := do(t, l, `{"type":"classify","blob":"canvas","width":20,"height":10}`); out["type"] != "error" {
		t.Errorf("wrong size: %v", out)
	}
}

func mnistBlobs(t *testing.T, l *Lab) {
	t.Helper()
	dir := os.Getenv("SOMEHOW_MNIST")
	if dir == "" {
		t.Skip("set SOMEHOW_MNIST (make test does)")
	}
	for blob, file := range map[string]string{"train-images": "train-images-idx3-ubyte.gz", "train-labels": "train-labels-idx1-ubyte.gz",
		"test-images": "t10k-images-idx3-ubyte.gz", "test-labels": "t10k-labels-idx1-ubyte.gz"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := l.PutBlob(blob, b); err != nil {
			t.Fatal(err)
		}
	}
	if out := do(t, l, `{"type":"loadMNIST"}`); out["type"] != "mnist" || out["train"] != 60000.0 {
		t.Fatalf("loadMNIST: %v", out)
	}
}

// Training in slices, as the page drives it: progress, an epoch report with the test error, and
// the result becomes the model that reads drawings.
func TestTrainingInSlices(t *testing.T) {
	l := New()
	mnistBlobs(t, l)
	if out := do(t, l, `{"type":"trainStart","train":{"preset":"fast","epochs":2,"trainLimit":3000,"seed":1}}`); out["type"] != "progress" || out["total"] != 3000.0 {
		t.Fatalf("trainStart: %v", out)
	}
	var p Progress
	for i := 0; i < 1000 && !p.Finished; i++ {
		if err := json.Unmarshal(l.Handle([]byte(`{"type":"trainSlice","budgetMs":20}`)), &p); err != nil {
			t.Fatal(err)
		}
		if p.Done > p.Total || p.Epoch > 2 {
			t.Fatalf("progress out of range: %+v", p)
		}
	}
	if !p.Finished || len(p.History) != 2 || p.ExamplesPerSecond <= 0 {
		t.Fatalf("after training: %+v", p)
	}
	if got := l.digits.run.examples; got != 6000 {
		t.Errorf("examples counted for the speed readout: %d, want 2 epochs × 3000", got)
	}
	if e := p.History[1].TestError; e > 15 {
		t.Errorf("784-128-10 on 3000 images, 2 epochs: %.1f%% test error", e)
	}
	var ev Evaluation
	json.Unmarshal(l.Handle([]byte(`{"type":"evaluate"}`)), &ev)
	if ev.Model != "trained" || math.Abs(ev.TestError-p.History[1].TestError) > 1e-9 || len(ev.Mistakes) == 0 {
		t.Errorf("evaluation of the trained model: %s %.2f%% vs %.2f%%", ev.Model, ev.TestError, p.History[1].TestError)
	}
	sum := 0
	for _, row := range ev.Confusion {
		for _, v := range row {
			sum += v
		}
	}
	if sum != 10000 {
		t.Errorf("confusion matrix counts %d images", sum)
	}
	var w Weights
	json.Unmarshal(l.Handle([]byte(`{"type":"weights"}`)), &w)
	if len(w.Images) != 64 || len(w.Images[0]) != 784 {
		t.Errorf("weights: %d images", len(w.Images))
	}
	var ex Exported
	json.Unmarshal(l.Handle([]byte(`{"type":"exportModel"}`)), &ex)
	l.PutBlob("again", ex.File)
	if out := do(t, l, `{"type":"loadModel","blob":"again","name":"reloaded"}`); out["type"] != "models" {
		t.Errorf("exported model does not load back: %v", out)
	}
	var ti TestImage
	json.Unmarshal(l.Handle([]byte(`{"type":"testImage","index":0}`)), &ti)
	if ti.Label != 7 || len(ti.Outputs) != 10 {
		t.Errorf("test image 0: %+v", ti.Label)
	}
}
