//go:build js && wasm

package main

import (
	"encoding/json"
	"strings"
	"syscall/js"
	"testing"

	"somehow/core/engine"
)

// call invokes somehowHandle as the worker does and returns the reply's JSON and its bytes.
func call(t *testing.T, args ...any) (map[string]any, js.Value) {
	t.Helper()
	v := await(js.Global().Call("somehowHandle", args...))
	if v.Get("json").Type() != js.TypeString {
		t.Fatalf("reply has no json string: %v", v)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(v.Get("json").String()), &out); err != nil {
		t.Fatalf("reply is not JSON: %v", err)
	}
	return out, v.Get("bytes")
}

// await waits for a JavaScript promise (the event loop runs meanwhile) and returns its value.
func await(p js.Value) js.Value {
	done := make(chan js.Value, 1)
	var then js.Func
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		then.Release()
		done <- args[0]
		return nil
	})
	p.Call("then", then)
	return <-done
}

func bytesOf(b []byte) js.Value {
	v := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(v, b)
	return v
}

// The bridge as the worker uses it, through the JavaScript global, in Node.
func TestBridge(t *testing.T) {
	register(engine.New())
	if out, _ := call(t, `{"page":"lab","type":"catalogue"}`); out["type"] != "catalogue" {
		t.Fatalf("catalogue: %.200v", out)
	}
	out, bytes := call(t, `{"page":"lab","type":"train","epochs":5,"network":true}`)
	panes, _ := out["panes"].([]any)
	if out["type"] != "frame" || len(panes) != 2 {
		t.Fatalf("train: %.200v", out)
	}
	right := panes[1].(map[string]any)
	if right["epoch"] != 5.0 || right["network"] == nil {
		t.Errorf("right pane after 5 epochs: epoch %v", right["epoch"])
	}
	// The heatmap comes back as bytes in a Uint8Array, not inside the JSON.
	if h := bytes.Get("heatmap.1"); !h.InstanceOf(js.Global().Get("Uint8Array")) || h.Length() != 20000 {
		t.Errorf("heatmap bytes: %v", h)
	}
	for _, bad := range [][]any{{}, {42}, {"{"}, {`{"page":"lab","type":"setModel","pane":1,"model":{"kind":"mlp","learningRate":-3}}`},
		{`{"page":"digits","type":"loadModel"}`, map[string]any{"model": "not bytes"}}} {
		out, _ := call(t, bad...)
		if out["type"] != "error" || !strings.Contains(out["error"].(string), " ") {
			t.Errorf("%v: %v", bad, out)
		}
	}
	if out, _ := call(t, `{"page":"lab","type":"frame"}`); out["type"] != "frame" {
		t.Errorf("the worker stopped answering after bad messages: %v", out)
	}
	// Bytes go in the same way: a damaged model file is refused with a sentence.
	out, _ = call(t, `{"page":"digits","type":"loadModel"}`, map[string]any{"model": bytesOf([]byte{1, 2, 3})})
	if out["type"] != "error" || !strings.Contains(out["error"].(string), "not a Somehow model") {
		t.Errorf("damaged model: %v", out)
	}
}
