//go:build js && wasm

package simd

import (
	"errors"
	"fmt"
	"math"
	"syscall/js"
	"unsafe"

	"somehow/core/linalg"
)

// MemoryGlobal is the global through which the worker hands over the Go program's memory
// (instance.exports.mem) before it starts the program: Go cannot reach its own memory object.
const MemoryGlobal = "somehowGoMemory"

// Install instantiates Module (as module_bytes.go keeps it) on the Go program's memory and has linalg's products use it. It
// returns why not, and changes nothing, where that memory was not handed over, the engine has no
// SIMD, or the loop does not give Go's bits on a trial job.
func Install() (err error) {
	defer func() {
		if e := recover(); e != nil { // JavaScript threw: a module or instance refused
			err = fmt.Errorf("simd: %v", e)
		}
	}()
	memory := js.Global().Get(MemoryGlobal)
	if memory.Type() != js.TypeObject {
		return errors.New("simd: the worker did not hand over the Go program's memory as " + MemoryGlobal)
	}
	wasm := js.Global().Get("WebAssembly")
	code := moduleBytes
	bytes := js.Global().Get("Uint8Array").New(len(code))
	js.CopyBytesToJS(bytes, code)
	if !wasm.Call("validate", bytes).Bool() {
		return errors.New("simd: this engine has no WebAssembly SIMD")
	}
	env := js.Global().Get("Object").New()
	env.Set("mem", memory)
	imports := js.Global().Get("Object").New()
	imports.Set("env", env)
	instance := wasm.Get("Instance").New(wasm.Get("Module").New(bytes), imports)
	exports := instance.Get("exports")
	run := accelerator{axpys: exports.Get("axpys"), add: exports.Get("add")}
	if !trial(run) {
		return errors.New("simd: the loop did not give Go's bits on a trial job (is " + MemoryGlobal + " this program's memory?)")
	}
	linalg.Accelerate(run)
	return nil
}

// accelerator calls the module's functions with slices as addresses in the shared memory, after
// checking each job stays inside them: the module writes memory unchecked by Go.
type accelerator struct{ axpys, add js.Value }

// calls counts the jobs and sums the module has run, so a test can tell the products really
// reach it (the bits alone cannot: Go's loops give the same).
var calls struct{ axpys, add int }

func (a accelerator) Axpys(j *linalg.Axpys) {
	if !j.InBounds() {
		panic("simd: an Axpys job reaches outside its slices")
	}
	calls.axpys++
	a.axpys.Invoke(j.N, j.Rows, j.K, address(j.A), j.ARow, address(j.X), j.XRow, j.XIdx, address(j.Y), j.YRow, j.YIdx)
}

func (a accelerator) Add(x, y []float32) {
	y = y[:len(x)]
	calls.add++
	a.add.Invoke(address(x), address(y), len(x))
}

func address(s []float32) int {
	if len(s) == 0 {
		return 0
	}
	return int(uintptr(unsafe.Pointer(&s[0])))
}

// trial runs a small job and a sum, with rows of a length that needs the one-at-a-time tail and
// entries whose sums round, through run and through Go, and reports whether the bits agree.
func trial(run linalg.Accelerator) bool {
	const n, k, rows = 11, 5, 3
	x := make([]float32, k*n)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*1.7)) * 3.3
	}
	a := []float32{0.1, 0, -2.7, 1e-3, 5.5, 0, 0, 1.3, 0, -0.2, 7, 0.5, 0, float32(math.Copysign(0, -1)), 0.9}
	job := func(y []float32) *linalg.Axpys {
		return &linalg.Axpys{N: n, Rows: rows, K: k, A: a, ARow: k, X: x, XIdx: n, Y: y, YRow: n}
	}
	want, got := make([]float32, rows*n), make([]float32, rows*n)
	for i := range want {
		want[i] = float32(i) / 7
		got[i] = want[i]
	}
	job(want).Run()
	run.Axpys(job(got))
	sum, gotSum := append([]float32(nil), x...), append([]float32(nil), x...)
	linalg.Add(want, sum[:len(want)]) // Go's loop: a sum this short never goes to an accelerator
	run.Add(got, gotSum[:len(got)])
	want, got = append(want, sum...), append(got, gotSum...)
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			return false
		}
	}
	return true
}
