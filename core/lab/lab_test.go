package lab

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// send hands msg to the lab as its engine does: the reply, and the bytes beside it.
func send(l *Lab, msg string) (any, map[string][]byte, error) {
	var req Request
	if err := json.Unmarshal([]byte(msg), &req); err != nil {
		return nil, nil, err
	}
	f, err := l.Do(req)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Bytes(), nil
}

// do returns the reply as the page reads it, or {"type": "error", "error": ...}.
func do(t *testing.T, l *Lab, msg string) map[string]any {
	t.Helper()
	reply, _, err := send(l, msg)
	if err != nil {
		return map[string]any{"type": "error", "error": err.Error()}
	}
	var out map[string]any
	b, _ := json.Marshal(reply)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: reply is not a JSON object: %v", msg, err)
	}
	return out
}

func frame(t *testing.T, l *Lab, msg string) Frame {
	t.Helper()
	reply, out, err := send(l, msg)
	f, ok := reply.(Frame)
	if err != nil || !ok {
		t.Fatalf("%s: want a frame, got %v", msg, err)
	}
	for _, p := range f.Panes {
		if h := out[fmt.Sprintf("heatmap.%d", p.Pane)]; len(h) != 2*HeatmapSize*HeatmapSize {
			t.Fatalf("%s: pane %d's heatmap travels as %d bytes", msg, p.Pane, len(h))
		}
	}
	return f
}

// The paper's point in one picture: on XOR the perceptron's line never separates the classes,
// the MLP's bent boundary does.
func TestXORPerceptronFailsMLPSucceeds(t *testing.T) {
	l := New()
	f := frame(t, l, `{"type":"setData","data":{"kind":"xor","points":300,"classes":2,"noise":0.05,"testFraction":0.3,"seed":1}}`)
	if len(f.Points) != 300 || len(f.Panes) != 2 {
		t.Fatalf("%d points, %d panes", len(f.Points), len(f.Panes))
	}
	for range 20 {
		f = frame(t, l, `{"type":"train","epochs":10}`)
	}
	left, right := f.Panes[0], f.Panes[1]
	if left.Kind != "perceptron" || right.Kind != "mlp" {
		t.Fatalf("panes are %s and %s", left.Kind, right.Kind)
	}
	if left.TestAccuracy > 0.75 {
		t.Errorf("the perceptron reached %.0f%% test accuracy on XOR; no line can do better than 75%%", 100*left.TestAccuracy)
	}
	if right.TestAccuracy < 0.95 {
		t.Errorf("the MLP reached only %.0f%% test accuracy on XOR, want >= 95%%", 100*right.TestAccuracy)
	}
	if right.Epoch != 200 || len(right.Heatmap) != 2*HeatmapSize*HeatmapSize || len(left.Lines) != 1 {
		t.Errorf("epoch %d, heatmap %d bytes, %d lines", right.Epoch, len(right.Heatmap), len(left.Lines))
	}
	// The heatmap agrees with the MLP's predictions: the top-left cell (x<0, y>0) is one class,
	// the top-right the other.
	if right.Heatmap[0] == right.Heatmap[2*(HeatmapSize-1)] {
		t.Error("the heatmap gives opposite XOR quadrants the same class")
	}
}

func TestBadMessagesAreErrorsNotCrashes(t *testing.T) {
	l := New()
	for msg, want := range map[string]string{
		`{"type":"fly"}`:     "unknown message type",
		`{"type":"setData"}`: "needs a data object",
		`{"type":"setData","data":{"kind":"xor","points":50000,"classes":2}}`:                             "number of points",
		`{"type":"setData","data":{"kind":"xor","points":50,"classes":3}}`:                                "exactly 2 classes",
		`{"type":"setModel","pane":2,"model":{"kind":"mlp"}}`:                                             "pane must be",
		`{"type":"setModel","pane":1,"model":{"kind":"mlp","hidden":[99],"learningRate":0.1}}`:            "between 1 and 16",
		`{"type":"setModel","pane":1,"model":{"kind":"mlp","hidden":[1,1,1,1,1,1,1],"learningRate":0.1}}`: "at most 6",
		`{"type":"setModel","pane":1,"model":{"kind":"mlp","learningRate":-1}}`:                           "learning rate",
		`{"type":"setModel","pane":1,"model":{"kind":"mlp","learningRate":0.1,"activation":"softmax"}}`:   "hidden layers",
		`{"type":"setModel","pane":0,"model":{"kind":"svm","learningRate":0.1}}`:                          "perceptron",
		`{"type":"addPoint","x":5,"y":0,"label":0}`:                                                       "inside the square",
		`{"type":"addPoint","x":0,"y":0,"label":7}`:                                                       "class must be",
		`{"type":"setWeight","pane":1,"layer":9,"from":0,"to":0,"value":1}`:                               "layer must be",
		`{"type":"train","epochs":100000}`:                                                                "epochs must be",
	} {
		out := do(t, l, msg)
		if out["type"] != "error" || !strings.Contains(out["error"].(string), want) {
			t.Errorf("%s: got %v, want an error mentioning %q", msg, out, want)
		}
	}
	// And the lab still works.
	if f := frame(t, l, `{"type":"train","epochs":1}`); f.Panes[1].Epoch != 1 {
		t.Errorf("after the bad messages: epoch %d", f.Panes[1].Epoch)
	}
}

func TestDivergenceIsReportedAndResetRecovers(t *testing.T) {
	l := New()
	frame(t, l, `{"type":"setModel","pane":1,"model":{"kind":"mlp","hidden":[16,16,16,16],"activation":"relu","output":"softmax","loss":"crossentropy","learningRate":10,"momentum":0.9,"batch":1,"init":"uniform:10"}}`)
	f := frame(t, l, `{"type":"train","epochs":50}`)
	if !f.Panes[1].Diverged || !strings.Contains(f.Panes[1].Message, "learning rate") {
		t.Fatalf("pane not reported diverged: %+v", f.Panes[1].Message)
	}
	f = frame(t, l, `{"type":"setModel","pane":1,"model":{"kind":"mlp","hidden":[4],"learningRate":0.1,"momentum":0.9}}`)
	if f.Panes[1].Diverged {
		t.Error("a new model is still marked diverged")
	}
}

func TestPointsAddRemoveAndSetWeight(t *testing.T) {
	l := New()
	frame(t, l, `{"type":"setData","data":{"kind":"none","classes":3}}`)
	f := frame(t, l, `{"type":"addPoint","x":0.5,"y":0.5,"label":2}`)
	if len(f.Points) != 1 || f.Points[0].Label != 2 || f.Panes[1].Architecture != "2-8-8-3" {
		t.Fatalf("points %v, architecture %s", f.Points, f.Panes[1].Architecture)
	}
	f = frame(t, l, `{"type":"removePoint","x":0.52,"y":0.49}`)
	if len(f.Points) != 0 {
		t.Fatalf("point not removed: %v", f.Points)
	}
	f = frame(t, l, `{"type":"setWeight","pane":1,"layer":0,"from":1,"to":2,"value":3.5,"network":true}`)
	if w := f.Panes[1].Network.Layers[0].Weights[1][2]; w != 3.5 {
		t.Errorf("weight is %v after setting it to 3.5", w)
	}
	if th := f.Panes[1].Network.Layers[0].Thumbnails; len(th) != 8 || len(th[0]) != ThumbnailSize*ThumbnailSize {
		t.Errorf("thumbnails %d", len(th))
	}
}

func TestPanesSelectsWhatTrains(t *testing.T) {
	l := New()
	f := frame(t, l, `{"type":"train","epochs":3,"panes":[1]}`)
	if len(f.Panes) != 1 || f.Panes[0].Pane != 1 || f.Panes[0].Epoch != 3 {
		t.Fatalf("asked for pane 1 only, got %+v", f.Panes)
	}
	f = frame(t, l, `{"type":"frame"}`)
	if f.Panes[0].Epoch != 0 || f.Panes[1].Epoch != 3 {
		t.Errorf("pane 0 trained too: epochs %d and %d", f.Panes[0].Epoch, f.Panes[1].Epoch)
	}
	if out := do(t, l, `{"type":"train","panes":[2]}`); out["type"] != "error" {
		t.Errorf("pane 2: %v", out)
	}
}

func TestSetSceneIsAllOrNothing(t *testing.T) {
	l := New()
	out := do(t, l, `{"type":"setScene","data":{"kind":"circles","points":100,"classes":3,"noise":0.1,"testFraction":0.2,"seed":5},"models":[{"kind":"perceptron","learningRate":0.1},{"kind":"mlp","hidden":[99],"learningRate":0.1}]}`)
	if out["type"] != "error" || !strings.Contains(out["error"].(string), "right pane") {
		t.Fatalf("bad right model: %v", out)
	}
	if f := frame(t, l, `{"type":"frame"}`); len(f.Points) != 300 {
		t.Fatalf("a refused scene changed the lab: %d points", len(f.Points))
	}
	f := frame(t, l, `{"type":"setScene","data":{"kind":"circles","points":100,"classes":3,"noise":0.1,"testFraction":0.2,"seed":5},"models":[{"kind":"perceptron","learningRate":0.1},{"kind":"mlp","hidden":[5],"learningRate":0.1}]}`)
	if len(f.Points) != 100 || f.Panes[1].Architecture != "2-5-3" || len(f.Panes[0].Lines) != 0 {
		t.Errorf("scene: %d points, %s, %d lines", len(f.Points), f.Panes[1].Architecture, len(f.Panes[0].Lines))
	}
}

func TestConstantInitStaysSymmetricInTheLab(t *testing.T) {
	l := New()
	frame(t, l, `{"type":"setModel","pane":1,"model":{"kind":"mlp","hidden":[4],"activation":"tanh","init":"constant:0.3","learningRate":0.1,"momentum":0.9}}`)
	frame(t, l, `{"type":"train","epochs":50}`)
	f := frame(t, l, `{"type":"frame","network":true}`)
	w := f.Panes[1].Network.Layers[0].Weights
	for i := range w {
		for j := range w[i] {
			if w[i][j] != w[i][0] {
				t.Fatalf("hidden units differ after training from equal weights: %v", w)
			}
		}
	}
}

// A coarse frame's heatmap is the 50×50 grid and agrees with the full one where they meet.
func TestCoarseHeatmap(t *testing.T) {
	l := New()
	frame(t, l, `{"type":"train","epochs":50}`)
	reply, out, err := send(l, `{"type":"frame","coarse":true}`)
	if err != nil {
		t.Fatal(err)
	}
	f := reply.(Frame)
	if f.Panes[1].HeatmapCells != CoarseHeatmapSize || len(out["heatmap.1"]) != 2*CoarseHeatmapSize*CoarseHeatmapSize {
		t.Fatalf("coarse heatmap: %d cells, %d bytes", f.Panes[1].HeatmapCells, len(out["heatmap.1"]))
	}
	full := frame(t, l, `{"type":"frame"}`)
	if full.Panes[1].HeatmapCells != HeatmapSize {
		t.Fatalf("a still frame asked for no coarse grid but got %d cells", full.Panes[1].HeatmapCells)
	}
	// The corners: coarse cell (0,0) and full cell (0,0) read the same class.
	if out["heatmap.1"][0] != full.Panes[1].Heatmap[0] {
		t.Errorf("the corners disagree: coarse class %d, full class %d", out["heatmap.1"][0], full.Panes[1].Heatmap[0])
	}
}

// A frame leaves the points out while the page holds the current ones, and sends them (an empty
// list too) after any change: a new scene, a point added or erased.
func TestPointsTravelOnlyWhenChanged(t *testing.T) {
	l := New()
	points := func(msg string) (any, int) {
		out := do(t, l, msg)
		v, ok := out["pointsVersion"].(float64)
		if !ok {
			t.Fatalf("%s: %v", msg, out)
		}
		return out["points"], int(v)
	}
	pts, v := points(`{"type":"setScene","data":{"kind":"xor","points":20,"classes":2},"models":[{"kind":"perceptron","learningRate":0.1},{"kind":"mlp","hidden":[4],"learningRate":0.1}]}`)
	if p, ok := pts.([]any); !ok || len(p) != 20 {
		t.Fatalf("setScene sent points %v", pts)
	}
	if pts, v2 := points(fmt.Sprintf(`{"type":"train","epochs":1,"pointsVersion":%d}`, v)); pts != nil || v2 != v {
		t.Errorf("training resent the points (version %d → %d)", v, v2)
	}
	if pts, _ := points(`{"type":"train","epochs":1}`); pts == nil {
		t.Error("a request that holds no points got none")
	}
	pts, v3 := points(fmt.Sprintf(`{"type":"addPoint","x":0.1,"y":0.1,"label":1,"pointsVersion":%d}`, v))
	if p, ok := pts.([]any); !ok || len(p) != 21 || v3 == v {
		t.Fatalf("after addPoint: points %v, version %d (was %d)", pts, v3, v)
	}
	points(`{"type":"setData","data":{"kind":"none","classes":2}}`)
	pts, v4 := points(`{"type":"setScene","data":{"kind":"none","classes":2},"models":[{"kind":"perceptron","learningRate":0.1},{"kind":"mlp","hidden":[4],"learningRate":0.1}]}`)
	if p, ok := pts.([]any); !ok || len(p) != 0 || v4 <= v3 {
		t.Errorf("an empty scene: points %v, version %d after %d", pts, v4, v3)
	}
}

// Every scene the page lists is one the lab takes, and the catalogue lists each once.
func TestEveryScene(t *testing.T) {
	if len(SceneNames) != len(Scenes) {
		t.Fatalf("%d names for %d scenes", len(SceneNames), len(Scenes))
	}
	for _, name := range SceneNames {
		s, ok := Scenes[name]
		if !ok || s.Title == "" || s.Caption == "" || s.Speed < 1 {
			t.Errorf("scene %q: %+v", name, s)
			continue
		}
		l := New()
		if _, err := l.Do(Request{Type: "setScene", Data: &s.Data, Models: s.Models[:]}); err != nil {
			t.Errorf("scene %q is refused: %v", name, err)
		}
	}
	c := NewCatalogue()
	if c.Defaults.Data.Kind != "xor" || c.Limits.MaxPoints != MaxPoints || len(c.Activations) == 0 {
		t.Errorf("catalogue: %+v", c)
	}
}

// A new lab builds nothing until asked; a worker that serves one pane builds only that one.
func TestAWorkerBuildsOnlyItsPane(t *testing.T) {
	l := New()
	if l.train != nil || l.panes[0] != nil || l.panes[1] != nil {
		t.Fatal("New made a scene before any message asked for one")
	}
	frame(t, l, `{"type":"train","epochs":1,"panes":[1]}`)
	if l.panes[0] != nil || l.panes[1] == nil {
		t.Errorf("after training the right pane: left built %v, right built %v", l.panes[0] != nil, l.panes[1] != nil)
	}
}
