//go:build js && wasm

// Command playground is the web worker's Go program, compiled to the WebAssembly module the page
// hands each worker: a thin syscall/js bridge onto the router (core/engine), which hands each
// message to its page's handler. It registers somehowHandle(json, bytes) → {json, bytes}, where
// bytes are objects of named Uint8Arrays, and announces itself by calling somehowReady(). The
// messages are documented in core/engine (protocol.go), and nowhere else.
package main

import (
	"fmt"
	"syscall/js"

	"somehow/core/engine"
)

func main() {
	register(engine.New())
	if ready := js.Global().Get("somehowReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // keep the Go program alive to serve calls
}

// register installs somehowHandle on the global object.
func register(r *engine.Router) {
	uint8Array := js.Global().Get("Uint8Array")
	object := js.Global().Get("Object")
	js.Global().Set("somehowHandle", js.FuncOf(func(_ js.Value, args []js.Value) (reply any) {
		// The router recovers its own panics; this catches a bad argument from JavaScript.
		defer func() {
			if p := recover(); p != nil {
				reply = map[string]any{"json": `{"type":"error","error":"the worker could not read that message"}`}
			}
		}()
		if len(args) < 1 || args[0].Type() != js.TypeString {
			return map[string]any{"json": `{"type":"error","error":"somehowHandle takes a JSON string and an object of byte arrays"}`}
		}
		in := map[string][]byte{}
		if len(args) > 1 && args[1].Type() == js.TypeObject {
			keys := object.Call("keys", args[1])
			for i := range keys.Length() {
				name := keys.Index(i).String()
				v := args[1].Get(name)
				if !v.InstanceOf(uint8Array) {
					return map[string]any{"json": `{"type":"error","error":"the bytes handed to the worker must be Uint8Arrays"}`}
				}
				if v.Length() > engine.MaxBytes {
					return map[string]any{"json": fmt.Sprintf(`{"type":"error","error":"that file is %d MB; the worker takes files of at most %d MB"}`, v.Length()>>20, engine.MaxBytes>>20)}
				}
				b := make([]byte, v.Length())
				js.CopyBytesToGo(b, v)
				in[name] = b
			}
		}
		text, out := r.Handle([]byte(args[0].String()), in)
		bytes := object.New()
		for name, b := range out {
			v := uint8Array.New(len(b))
			js.CopyBytesToJS(v, b)
			bytes.Set(name, v)
		}
		return map[string]any{"json": string(text), "bytes": bytes}
	}))
}
