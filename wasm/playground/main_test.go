//go:build js && wasm

package main

import (
	"encoding/json"
	"strings"
	"syscall/js"
	"testing"

	"somehow/core/lab"
)

func call(t *testing.T, args ...any) map[string]any {
	t.Helper()
	v := js.Global().Call("somehowHandle", args...)
	if v.Type() != js.TypeString {
		t.Fatalf("reply is a %s, not a string", v.Type())
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(v.String()), &out); err != nil {
		t.Fatalf("reply is not JSON: %v", err)
	}
	return out
}

// The bridge as the worker uses it, through the JavaScript global, in Node.
func TestBridge(t *testing.T) {
	register(lab.New())
	if out := call(t, `{"type":"hello","id":3}`); out["type"] != "hello" || out["id"] != 3.0 {
		t.Fatalf("hello: %v", out)
	}
	out := call(t, `{"type":"train","epochs":5,"network":true}`)
	panes, _ := out["panes"].([]any)
	if out["type"] != "frame" || len(panes) != 2 {
		t.Fatalf("train: %.200v", out)
	}
	right := panes[1].(map[string]any)
	if right["epoch"] != 5.0 || right["network"] == nil {
		t.Errorf("right pane after 5 epochs: epoch %v", right["epoch"])
	}
	for _, bad := range [][]any{{}, {42}, {"{"}, {`{"type":"setModel","pane":1,"model":{"kind":"mlp","learningRate":-3}}`}} {
		out := call(t, bad...)
		if out["type"] != "error" || !strings.Contains(out["error"].(string), " ") {
			t.Errorf("%v: %v", bad, out)
		}
	}
	if out := call(t, `{"type":"frame"}`); out["type"] != "frame" {
		t.Errorf("the worker stopped answering after bad messages: %v", out)
	}

	// Bytes go in through somehowPut: a damaged model file is refused with a sentence.
	bytes := js.Global().Get("Uint8Array").New(3)
	js.CopyBytesToJS(bytes, []byte{1, 2, 3})
	if r := js.Global().Call("somehowPut", "file", bytes); r.String() != "" {
		t.Fatalf("somehowPut: %q", r.String())
	}
	if out := call(t, `{"type":"loadModel","blob":"file"}`); out["type"] != "error" || !strings.Contains(out["error"].(string), "not a Somehow model") {
		t.Errorf("damaged model: %v", out)
	}
	if r := js.Global().Call("somehowPut", 5, "x"); !strings.Contains(r.String(), "Uint8Array") {
		t.Errorf("somehowPut with bad arguments: %q", r.String())
	}
}
