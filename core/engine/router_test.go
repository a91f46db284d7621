package engine

import (
	"encoding/json"
	"math"
	"os"
	"regexp"
	"slices"
	"somehow/core/nn"
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
	if m, _ := handle(t, r, `{"page":"lab","type":"catalogue"}`, nil); m["type"] != "catalogue" || m["scenes"] == nil || m["limits"] == nil {
		t.Fatalf("catalogue: %.300v", m)
	}
	m, out := handle(t, r, `{"page":"lab","type":"train","epochs":2,"network":true}`, nil)
	if m["type"] != "frame" || len(out["heatmap.0"]) != 20000 || len(out["thumbnails.1"]) == 0 {
		t.Fatalf("lab train: %.200v, bytes %d", m, len(out["heatmap.0"]))
	}
	if m, _ := handle(t, r, `{"page":"lessons","type":"backprop"}`, nil); m["type"] != "backprop" {
		t.Fatalf("lessons: %.200v", m)
	}
	if m, _ := handle(t, r, `{"page":"digits","type":"models"}`, nil); m["type"] != "models" {
		t.Fatalf("digits: %.200v", m)
	}
}

func TestBadEnvelopesAndBodiesAreSentences(t *testing.T) {
	r := New()
	for msg, want := range map[string]string{
		`not json`:                    "not valid JSON",
		`{"page":"lab"}`:              "no type",
		`{"page":"zoo","type":"x"}`:   `no page "zoo"`,
		`{"page":"lab","type":"fly"}`: "unknown message type",
		`{"page":"lab","type":"setModel","pane":1,"model":{"kind":"mlp","learningRate":"NaN"}}`: `"model.learningRate" has the wrong kind of value (string): it must be a number`,
		`{"page":"lab","type":"setData","data":{"seed":-1}}`:                                    "whole number",
		`{"page":"lab","type":"setData","data":{"seed":1180591620717411303424}}`:                "whole number",
		`{"page":"lab","type":"setData","data":{"noise":"x"}}`:                                  "must be a number",
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
	if m, _ := handle(t, r, `{"page":"lab","type":"frame"}`, nil); m["type"] != "frame" {
		t.Errorf("the lab stopped answering after bad messages: %v", m)
	}
}

// FuzzHandle sends the router any message with any bytes: every reply is one JSON object with a
// type, a sentence when it is an error, and the router keeps answering.
func FuzzHandle(f *testing.F) {
	for _, msg := range []string{
		`{"page":"lab","type":"catalogue"}`, `{"page":"lab","type":"train","epochs":3,"network":true}`,
		`{"page":"lab","type":"setScene","data":{"kind":"spiral","points":100,"classes":3},"models":[{"kind":"perceptron","learningRate":0.1},{"kind":"mlp","hidden":[4,4],"learningRate":0.1}]}`,
		`{"page":"lab","type":"setData","data":{"classes":1e309}}`, `{"page":"lab","type":"addPoint","x":0.1,"y":0.2,"label":1}`,
		`{"page":"digits","type":"loadModel","name":"x"}`, `{"page":"digits","type":"classify","width":4,"height":4}`,
		`{"page":"digits","type":"trainStart","train":{"preset":"paper"}}`,
		`{"page":"lessons","type":"descend","landscape":"curve","start":[1,0],"learningRate":0.1,"steps":50}`,
		`{"page":"lessons","type":"fitStart","target":"sine","units":4,"seed":1}`, `{"page":"lessons","type":"backprop"}`,
		`{"page":"listen","type":"hear","rate":16000}`, `{"page":"listen","type":"loadModel"}`,
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

// The protocol's table (Messages) is what each handler takes, and what protocol.go's comment
// lists, in both directions: a type added to one and not the others fails here.
func TestEveryPageHandlesExactlyItsDocumentedMessages(t *testing.T) {
	src, err := os.ReadFile("protocol.go")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	page := ""
	section := regexp.MustCompile(`^// # page "(\w+)"`)
	message := regexp.MustCompile(`^//\t\{type: "(\w+)"`)
	for _, line := range strings.Split(string(src), "\n") {
		if m := section.FindStringSubmatch(line); m != nil {
			page = m[1]
		} else if m := message.FindStringSubmatch(line); m != nil && page != "" {
			documented[page] = append(documented[page], m[1])
		} else if !strings.HasPrefix(line, "//") {
			page = ""
		}
	}
	if len(documented) != len(Messages) || len(Pages()) != len(Messages) {
		t.Fatalf("pages documented %v, in the table %v, with handlers %v", documented, Messages, Pages())
	}
	for page, types := range Messages {
		if !slices.Equal(documented[page], types) {
			t.Errorf("page %s: protocol.go lists %v, the table %v", page, documented[page], types)
		}
		h := handlers[page](&nn.Team{})
		for _, typ := range types {
			_, _, err := h.Handle(typ, []byte(`{}`), nil)
			if err != nil && strings.Contains(err.Error(), "unknown message type") {
				t.Errorf("page %s: the handler does not take %q, which the table lists", page, typ)
			}
		}
		if _, _, err := h.Handle("noSuchType", []byte(`{}`), nil); err == nil || !strings.Contains(err.Error(), "unknown message type") {
			t.Errorf("page %s: a type outside the table got %v", page, err)
		}
		m, _ := handle(t, New(), `{"page":"`+page+`","type":"noSuchType"}`, nil)
		if text, _ := m["error"].(string); !strings.Contains(text, "use one of "+types[0]) {
			t.Errorf("page %s: the router let an unknown type through or did not list the known ones: %v", page, m)
		}
	}
}

// A reply holding a number JSON cannot write (a crafted model's overflow) is a sentence.
func TestANonFiniteReplyIsASentence(t *testing.T) {
	var m map[string]any
	json.Unmarshal(marshal(map[string]any{"outputs": []float64{1, math.Inf(1), math.NaN()}}), &m)
	if m["type"] != "error" || !strings.Contains(m["error"].(string), "overflowed") || strings.Contains(m["error"].(string), "internal") {
		t.Errorf("got %v", m)
	}
}
