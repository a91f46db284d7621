//go:build js && wasm

// Command playground is the web worker's Go program, compiled to the WebAssembly module the page
// hands each worker: a thin syscall/js bridge onto the router (core/engine), which hands each
// message to its page's handler. It registers somehowHandle(json, bytes) → Promise of {json,
// bytes}, where bytes are objects of named Uint8Arrays, and somehowTeam(ports), which makes the
// helpers behind ports the router's team (team.go); it announces itself by calling
// somehowReady(). A message is carried out on a goroutine so that it may wait for helpers, whose
// answers arrive through the worker's event loop. The messages are documented in core/engine
// (protocol.go), and nowhere else.
package main

import (
	"fmt"
	"syscall/js"

	"somehow/core/engine"
	"somehow/wasm/simd"
)

func main() {
	// The products' SIMD loop, where the worker handed over this program's memory and the engine
	// has SIMD; Go's loops otherwise (same bits). somehowSIMD says which, for the page's readout.
	if err := simd.Install(); err != nil {
		js.Global().Set("somehowSIMD", err.Error())
	} else {
		js.Global().Set("somehowSIMD", true)
	}
	r := engine.New()
	register(r)
	registerTeam(r)
	if ready := js.Global().Get("somehowReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // keep the Go program alive to serve calls
}

// register installs somehowHandle on the global object.
func register(r *engine.Router) {
	uint8Array := js.Global().Get("Uint8Array")
	object := js.Global().Get("Object")
	promise := js.Global().Get("Promise")
	js.Global().Set("somehowHandle", js.FuncOf(func(_ js.Value, args []js.Value) any {
		// The bytes are copied now, while the arguments are sure to be what JavaScript passed.
		msg, in, refusal := readArguments(args, uint8Array, object)
		var run js.Func
		run = js.FuncOf(func(_ js.Value, p []js.Value) any {
			run.Release()
			resolve := p[0]
			if refusal != "" {
				resolve.Invoke(map[string]any{"json": refusal})
				return nil
			}
			go func() {
				text, out := r.Handle(msg, in) // the router recovers its own panics
				bytes := object.New()
				for name, b := range out {
					v := uint8Array.New(len(b))
					js.CopyBytesToJS(v, b)
					bytes.Set(name, v)
				}
				resolve.Invoke(map[string]any{"json": string(text), "bytes": bytes})
			}()
			return nil
		})
		return promise.New(run)
	}))
}

// readArguments takes somehowHandle's (json, bytes) apart, or says in a JSON error reply why not.
func readArguments(args []js.Value, uint8Array, object js.Value) (msg []byte, in map[string][]byte, refusal string) {
	defer func() {
		if p := recover(); p != nil {
			refusal = `{"type":"error","error":"the worker could not read that message"}`
		}
	}()
	if len(args) < 1 || args[0].Type() != js.TypeString {
		return nil, nil, `{"type":"error","error":"somehowHandle takes a JSON string and an object of byte arrays"}`
	}
	in = map[string][]byte{}
	if len(args) > 1 && args[1].Type() == js.TypeObject {
		keys := object.Call("keys", args[1])
		for i := range keys.Length() {
			name := keys.Index(i).String()
			v := args[1].Get(name)
			if !v.InstanceOf(uint8Array) {
				return nil, nil, `{"type":"error","error":"the bytes handed to the worker must be Uint8Arrays"}`
			}
			if v.Length() > engine.MaxBytes {
				return nil, nil, fmt.Sprintf(`{"type":"error","error":"that file is %d MB; the worker takes files of at most %d MB"}`, v.Length()>>20, engine.MaxBytes>>20)
			}
			b := make([]byte, v.Length())
			js.CopyBytesToGo(b, v)
			in[name] = b
		}
	}
	return []byte(args[0].String()), in, ""
}
