//go:build js && wasm

// Command playground is the web worker's Go program: a thin syscall/js bridge onto core/lab.
// It registers somehowHandle(json) → json and somehowPut(name, Uint8Array) → error or "", and
// announces itself by calling somehowReady(). The messages are documented in core/lab
// (protocol.go), and nowhere else.
package main

import (
	"syscall/js"

	"somehow/core/lab"
)

func main() {
	register(lab.New())
	if ready := js.Global().Get("somehowReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // keep the Go program alive to serve calls
}

// register installs somehowHandle on the global object.
func register(l *lab.Lab) {
	js.Global().Set("somehowHandle", js.FuncOf(func(_ js.Value, args []js.Value) (reply any) {
		// Lab.Handle recovers its own panics; this catches a bad argument from JavaScript.
		defer func() {
			if r := recover(); r != nil {
				reply = `{"type":"error","error":"the worker could not read that message"}`
			}
		}()
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return `{"type":"error","error":"somehowHandle takes one JSON string"}`
		}
		return string(l.Handle([]byte(args[0].String())))
	}))
	js.Global().Set("somehowPut", js.FuncOf(func(_ js.Value, args []js.Value) (reply any) {
		defer func() {
			if r := recover(); r != nil {
				reply = "the worker could not take those bytes"
			}
		}()
		if len(args) != 2 || args[0].Type() != js.TypeString || !args[1].InstanceOf(js.Global().Get("Uint8Array")) {
			return "somehowPut takes a name and a Uint8Array"
		}
		b := make([]byte, args[1].Length())
		js.CopyBytesToGo(b, args[1])
		if err := l.PutBlob(args[0].String(), b); err != nil {
			return err.Error()
		}
		return ""
	}))
}
