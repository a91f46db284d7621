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
