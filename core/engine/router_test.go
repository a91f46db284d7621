package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

func handle(t *testing.T, r *Router, msg string, in map[string][]byte) (map[string]any, map[string][]byte) {
	t.Helper()
	reply, out := r.Handle([]byte(msg), in)
	var m map[string]any
	if err := json.Unmarshal(reply, &m); err != nil {
		t.Fatalf("%s: reply is not JSON: %s", msg, reply)
	}
	return m, out
}

func TestRouterSendsEachMessageToItsEngine(t *testing.T) {
	r := New()
	if m, _ := handle(t, r, `{"type":"hello"}`, nil); m["type"] != "hello" || m["version"] != float64(Version) {
		t.Fatalf("hello: %v", m)
	}
	m, out := handle(t, r, `{"engine":"lab","type":"train","epochs":2,"network":true}`, nil)
	if m["type"] != "frame" || len(out["heatmap.0"]) != 20000 || len(out["thumbnails.1"]) == 0 {
		t.Fatalf("lab train: %.200v, bytes %d", m, len(out["heatmap.0"]))
	}
	if m, _ := handle(t, r, `{"engine":"lessons","type":"backprop"}`, nil); m["type"] != "backprop" {
		t.Fatalf("lessons: %.200v", m)
	}
	if m, _ := handle(t, r, `{"engine":"digits","type":"models"}`, nil); m["type"] != "models" {
		t.Fatalf("digits: %.200v", m)
	}
}

func TestBadEnvelopesAndBodiesAreSentences(t *testing.T) {
	r := New()
	for msg, want := range map[string]string{
		`not json`:                      "not valid JSON",
		`{"engine":"lab"}`:              "no type",
		`{"engine":"zoo","type":"x"}`:   `no engine "zoo"`,
		`{"engine":"lab","type":"fly"}`: "unknown message type",
		`{"engine":"lab","type":"setModel","pane":1,"model":{"kind":"mlp","learningRate":"NaN"}}`: `"model.learningRate" has the wrong kind of value (string): it must be a number`,
		`{"engine":"lab","type":"setData","data":{"seed":-1}}`:                                    "whole number",
		`{"engine":"lab","type":"setData","data":{"seed":1180591620717411303424}}`:                "whole number",
		`{"engine":"lab","type":"setData","data":{"noise":"x"}}`:                                  "must be a number",
	} {
		m, _ := handle(t, r, msg, nil)
		text, _ := m["error"].(string)
		if m["type"] != "error" || !strings.Contains(text, want) {
			t.Errorf("%s: got %v, want an error mentioning %q", msg, m, want)
		}
		for _, goWords := range []string{"Go struct", "float64", "uint64", "unmarshal"} {
			if strings.Contains(text, goWords) {
				t.Errorf("%s: the error speaks Go: %q", msg, text)
			}
		}
	}
	if m, _ := handle(t, r, `{"engine":"lab","type":"frame"}`, nil); m["type"] != "frame" {
		t.Errorf("the lab stopped answering after bad messages: %v", m)
	}
}

// FuzzHandle sends the router any message with any bytes: every reply is one JSON object with a
// type, a sentence when it is an error, and the router keeps answering.
func FuzzHandle(f *testing.F) {
	for _, msg := range []string{
		`{"type":"hello"}`, `{"engine":"lab","type":"train","epochs":3,"network":true}`,
		`{"engine":"lab","type":"setScene","data":{"kind":"spiral","points":100,"classes":3},"models":[{"kind":"perceptron","learningRate":0.1},{"kind":"mlp","hidden":[4,4],"learningRate":0.1}]}`,
		`{"engine":"lab","type":"setData","data":{"classes":1e309}}`, `{"engine":"lab","type":"addPoint","x":0.1,"y":0.2,"label":1}`,
		`{"engine":"digits","type":"loadModel","name":"x"}`, `{"engine":"digits","type":"classify","width":4,"height":4}`,
		`{"engine":"digits","type":"trainStart","train":{"preset":"paper"}}`,
		`{"engine":"lessons","type":"descend","landscape":"curve","start":[1,0],"learningRate":0.1,"steps":50}`,
		`{"engine":"lessons","type":"fitStart","target":"sine","units":4,"seed":1}`, `{"engine":"lessons","type":"backprop"}`,
	} {
		f.Add([]byte(msg), []byte{1, 2, 3, 255})
	}
	r := New()
	f.Fuzz(func(t *testing.T, msg, blob []byte) {
		in := map[string][]byte{"model": blob, "canvas": blob}
		reply, _ := r.Handle(msg, in)
		var m map[string]any
		if err := json.Unmarshal(reply, &m); err != nil {
			t.Fatalf("%q: the reply is not a JSON object: %q", msg, reply)
		}
		if typ, _ := m["type"].(string); typ == "" {
			t.Fatalf("%q: the reply has no type: %q", msg, reply)
		} else if typ == "error" {
			text, _ := m["error"].(string)
			if !strings.Contains(text, " ") || strings.Contains(text, "internal error") {
				t.Fatalf("%q: error %q", msg, text)
			}
		}
	})
}
