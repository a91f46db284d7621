package digits

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"somehow/core/digit/digittest"
	"somehow/core/mnist"
	"somehow/core/nn"
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

// send hands msg and its bytes to the engine as the router does, with the type read from the
// message, and returns the reply as the page reads it ({"type": "error", ...} for an error).
func send(t *testing.T, d *Handler, msg string, in map[string][]byte) (map[string]any, map[string][]byte) {
	t.Helper()
	var envelope struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(msg), &envelope); err != nil {
		t.Fatal(err)
	}
	reply, out, err := d.Handle(envelope.Type, []byte(msg), in)
	if err != nil {
		return map[string]any{"type": "error", "error": err.Error()}, nil
	}
	b, err := json.Marshal(reply)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m, out
}

// reply decodes a reply into v, failing the test on an error reply.
func reply(t *testing.T, d *Handler, msg string, in map[string][]byte, v any) map[string][]byte {
	t.Helper()
	m, out := send(t, d, msg, in)
	if m["type"] == "error" {
		t.Fatalf("%s: %v", msg, m["error"])
	}
	b, _ := json.Marshal(m)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", msg, err)
	}
	return out
}

func do(t *testing.T, d *Handler, msg string) map[string]any {
	t.Helper()
	m, _ := send(t, d, msg, nil)
	return m
}

func loadAsset(t *testing.T, d *Handler, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "assets", "models", name+".somehow"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := send(t, d, `{"type":"loadModel","name":"`+name+`","use":true}`, map[string][]byte{"model": b})
	if out["type"] != "models" || out["current"] != name {
		t.Fatalf("loading %s: %v", name, out)
	}
}

func TestShippedModelsReadDrawnDigits(t *testing.T) {
	l := New(&nn.Team{})
	for _, model := range []string{"best", "paper"} {
		loadAsset(t, l, model)
		for want, strokes := range drawnDigits {
			var c Classified
			out := reply(t, l, `{"type":"classify","width":280,"height":280}`, map[string][]byte{"canvas": render(280, 280, strokes, 18)}, &c)
			if c.Digit != want {
				t.Errorf("%s model read a drawn %d as %d (outputs %.3f)", model, want, c.Digit, c.Outputs)
			}
			if len(out["input"]) != 784 || c.Model != model {
				t.Errorf("input %d bytes, model %q", len(out["input"]), c.Model)
			}
		}
	}
}

func TestBadModelFileKeepsTheCurrentModel(t *testing.T) {
	l := New(&nn.Team{})
	loadAsset(t, l, "paper")
	for _, bad := range [][]byte{[]byte("hello"), {}} {
		out, _ := send(t, l, `{"type":"loadModel","name":"upload","use":true}`, map[string][]byte{"model": bad})
		if out["type"] != "error" || !strings.Contains(out["error"].(string), "not a Somehow model") {
			t.Errorf("bad file: %v", out)
		}
	}
	if out := do(t, l, `{"type":"models"}`); out["current"] != "paper" {
		t.Errorf("current model is %v after a bad upload", out["current"])
	}
	canvas := map[string][]byte{"canvas": make([]byte, 100)}
	if out, _ := send(t, l, `{"type":"classify","width":10,"height":10}`, canvas); out["type"] != "error" || !strings.Contains(out["error"].(string), "empty") {
		t.Errorf("empty canvas: %v", out)
	}
	if out, _ := send(t, l, `{"type":"classify","width":20,"height":10}`, canvas); out["type"] != "error" {
		t.Errorf("wrong size: %v", out)
	}
}

// loadMNIST hands the engine the original files, as the page does; without them the test is
// skipped, as every MNIST test is (mnist.Dir).
func loadMNIST(t *testing.T, d *Handler) {
	t.Helper()
	dir, err := mnist.Dir()
	if err != nil {
		t.Skip(err)
	}
	in := map[string][]byte{}
	for _, name := range mnist.Files {
		if in[name], err = os.ReadFile(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	var loaded MNISTLoaded
	reply(t, d, `{"type":"loadMNIST"}`, in, &loaded)
	if loaded.Train != 60000 || loaded.Test != 10000 {
		t.Fatalf("loadMNIST: %+v", loaded)
	}
}

// Training in slices, as the page drives it: progress, an epoch report with the test error, and
// the result becomes the model that reads drawings.
func TestTrainingInSlices(t *testing.T) {
	l := New(&nn.Team{})
	loadMNIST(t, l)
	var p Progress
	reply(t, l, `{"type":"trainStart","train":{"preset":"fast","epochs":2,"trainLimit":3000,"seed":1}}`, nil, &p)
	if p.Total != 3000 {
		t.Fatalf("trainStart: %+v", p)
	}
	for i := 0; i < 1000 && !p.Finished; i++ {
		reply(t, l, `{"type":"trainSlice","budgetMs":20}`, nil, &p)
		if p.Done > p.Total || p.Epoch > 2 {
			t.Fatalf("progress out of range: %+v", p)
		}
	}
	if !p.Finished || len(p.History) != 2 || p.ExamplesPerSecond <= 0 || p.SecondsLeft != 0 {
		t.Fatalf("after training: %+v", p)
	}
	if e := p.History[1].TestError; e > 15 {
		t.Errorf("784-128-10 on 3000 images, 2 epochs: %.1f%% test error", e)
	}
	var ev Evaluation
	if out := do(t, l, `{"type":"models"}`); out["current"] == "trained" {
		t.Error("the trained model was made the reader without the page asking")
	}
	out := reply(t, l, `{"type":"evaluate","name":"trained"}`, nil, &ev)
	if ev.Model != "trained" || math.Abs(ev.TestError-p.History[1].TestError) > 1e-9 || len(ev.Mistakes) == 0 {
		t.Errorf("evaluation of the trained model: %s %.2f%% vs %.2f%%", ev.Model, ev.TestError, p.History[1].TestError)
	}
	if len(out["mistakes"]) != 784*len(ev.Mistakes) {
		t.Errorf("%d mistakes but %d bytes of images", len(ev.Mistakes), len(out["mistakes"]))
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
	reply(t, l, `{"type":"useModel","name":"trained"}`, nil, &Models{})
	out = reply(t, l, `{"type":"weights"}`, nil, &w)
	if w.Count != 64 || len(out["weights"]) != 64*784 {
		t.Errorf("weights: %d images in %d bytes", w.Count, len(out["weights"]))
	}
	var ti TestImage
	out = reply(t, l, `{"type":"testImage","index":0}`, nil, &ti)
	if ti.Label != 7 || len(ti.Outputs) != 10 || len(out["image"]) != 784 {
		t.Errorf("test image 0: label %d, %d bytes", ti.Label, len(out["image"]))
	}
}

// Download keeps every field of the model: the shipped conv net, exported and loaded again, is
// the same Model (deskewing and recorded test error included) and reads a drawing the same way.
func TestExportRoundTripsTheWholeModel(t *testing.T) {
	l := New(&nn.Team{})
	loadAsset(t, l, "conv")
	var ex Exported
	out := reply(t, l, `{"type":"exportModel"}`, nil, &ex)
	original, err := nn.Parse(mustRead(t, filepath.Join("..", "..", "..", "assets", "models", "conv.somehow")))
	if err != nil {
		t.Fatal(err)
	}
	back, err := nn.Parse(out["file"])
	if err != nil {
		t.Fatalf("the exported file does not load: %v", err)
	}
	if !original.Deskew || back.Deskew != original.Deskew || back.TestError != original.TestError || back.Name != original.Name ||
		back.Net.Arch.String() != original.Net.Arch.String() || !reflect.DeepEqual(back.Net.Params(), original.Net.Params()) {
		t.Errorf("exported %+v, shipped %+v", back, original)
	}
	canvas := map[string][]byte{"canvas": render(280, 280, drawnDigits[7], 18)}
	var before, after Classified
	reply(t, l, `{"type":"classify","width":280,"height":280}`, canvas, &before)
	reply(t, l, `{"type":"loadModel","name":"reloaded","use":true}`, map[string][]byte{"model": out["file"]}, &Models{})
	reply(t, l, `{"type":"classify","width":280,"height":280}`, canvas, &after)
	if after.Model != "reloaded" || !reflect.DeepEqual(before.Outputs, after.Outputs) {
		t.Errorf("the reloaded model reads a 7 as %d %v, the shipped one as %d %v", after.Digit, after.Outputs, before.Digit, before.Outputs)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Teaching a handwriting through the messages, as the page does: a drawing's "centred" image is
// an example; teach starts a lesson (MNIST replayed), teachSlice goes on a slice at a time, then
// checks MNIST's test set, and the taught network becomes the model "yours".
func TestTeachingAHandwritingInSlices(t *testing.T) {
	l := New(&nn.Team{})
	loadAsset(t, l, "fast")
	if m := do(t, l, `{"type":"teach","digits":[]}`); m["type"] != "error" || !strings.Contains(m["error"].(string), "MNIST is not loaded") {
		t.Fatalf("teach before MNIST: %v", m)
	}
	loadMNIST(t, l)
	var images []byte
	var digits []string
	for _, d := range []int{7, 1} {
		for k := range 3 {
			var c Classified
			out := reply(t, l, `{"type":"classify","width":200,"height":200}`, map[string][]byte{"canvas": render(200, 200, drawnDigits[d], 10+4*float64(k))}, &c)
			if len(out["centred"]) != mnist.ImageSize {
				t.Fatalf("classify gave %d centred bytes", len(out["centred"]))
			}
			images = append(images, out["centred"]...)
			digits = append(digits, strconv.Itoa(d))
		}
	}
	msg := `{"type":"teach","digits":[` + strings.Join(digits, ",") + `]}`
	if m, _ := send(t, l, msg, map[string][]byte{"examples": images[:100]}); m["type"] != "error" || !strings.Contains(m["error"].(string), "784-byte image") {
		t.Fatalf("teach with short bytes: %v", m)
	}
	var r Teaching
	reply(t, l, msg, map[string][]byte{"examples": images}, &r)
	if r.Type != "teaching" || r.Phase != "learning" || r.Held != 2 || r.Taught != 4 || r.Total == 0 {
		t.Fatalf("teach: %+v", r)
	}
	phases := map[string]bool{}
	for i := 0; r.Type == "teaching"; i++ {
		if i > 10000 {
			t.Fatal("the lesson never ended")
		}
		reply(t, l, `{"type":"teachSlice","budgetMs":50}`, nil, &r)
		phases[r.Phase] = true
	}
	if r.Type != "taught" || !phases["learning"] || !phases["checking"] || r.Checked != 10000 || r.MNISTAfter <= 0 || r.MNISTAfter > r.MNISTBefore+1 {
		t.Fatalf("taught: %+v (phases %v)", r, phases)
	}
	var models Models
	reply(t, l, `{"type":"models"}`, nil, &models)
	if models.Current != TaughtModel {
		t.Errorf("the taught model does not read the pad: %+v", models)
	}
	if m := do(t, l, `{"type":"teachSlice","budgetMs":50}`); m["type"] != "error" {
		t.Errorf("a slice with no lesson: %v", m)
	}
}

// A join link's QR code: square, a quiet zone of four light modules, and the three finder
// patterns (7×7 rings with a 3×3 centre) at its corners, where a phone's camera looks for them.
func TestQRCodeOfAJoinLink(t *testing.T) {
	q, err := QRCode("http://192.168.1.20:8080/#class=ABC234")
	if err != nil {
		t.Fatal(err)
	}
	if q.Size != len(q.Rows) || q.Size < 21+8 || (q.Size-8-17)%4 != 0 {
		t.Fatalf("a %d-module code with %d rows", q.Size, len(q.Rows))
	}
	finder := []string{"1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"}
	for _, at := range [][2]int{{4, 4}, {4, q.Size - 11}, {q.Size - 11, 4}} {
		for i, want := range finder {
			if got := q.Rows[at[0]+i][at[1] : at[1]+7]; got != want {
				t.Fatalf("finder at %v, row %d: %s, want %s", at, i, got, want)
			}
		}
	}
	if strings.Contains(q.Rows[0]+q.Rows[3], "1") {
		t.Fatal("the quiet zone has dark modules")
	}
	if _, err := QRCode(""); err == nil {
		t.Fatal("an empty text made a code")
	}
}
