//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"somehow/core/engine"
	"somehow/core/nn"
)

// helperTimeout is how long a batch may wait for a helper before training stops with a
// sentence: a helper that died must not leave the page waiting for ever. The slowest batch a
// page trains (the conv preset's, on a slow phone) takes well under a second.
const helperTimeout = 30 * time.Second

// registerTeam installs somehowTeam(ports, pinned): the helpers behind ports (MessagePorts, each
// linked to a helper worker) become r's team, replacing any before; pinned has every batch use
// them all (nn.Team.Pinned). It returns how many workers train.
func registerTeam(r *engine.Router) {
	js.Global().Set("somehowTeam", js.FuncOf(func(_ js.Value, args []js.Value) any {
		for _, h := range r.Team.Helpers {
			h.(*portHelper).close()
		}
		team := &nn.Team{}
		if len(args) > 0 && args[0].Type() == js.TypeObject {
			for i := range args[0].Length() {
				team.Helpers = append(team.Helpers, newPortHelper(args[0].Index(i)))
			}
		}
		team.Pinned = len(args) > 1 && args[1].Truthy()
		if err := team.Validate(); err != nil {
			return map[string]any{"type": "error", "error": err.Error()}
		}
		*r.Team = *team // the handlers hold r.Team
		return map[string]any{"type": "team", "workers": team.Workers()}
	}))
}

// portHelper is a helper worker reached through a MessagePort (page "helper" in protocol.go).
type portHelper struct {
	port      js.Value
	onMessage js.Func
	answers   chan portAnswer
	archJSON  string
	arch      js.Value // archJSON parsed, sent with every job
}

type portAnswer struct {
	gradient js.Value // a Uint8Array
	loss     float64
	err      error
}

func newPortHelper(port js.Value) *portHelper {
	h := &portHelper{port: port, answers: make(chan portAnswer, 1)}
	h.onMessage = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := args[0].Get("data")
		var a portAnswer
		if msg.Get("type").String() == "gradient" {
			a.gradient, a.loss = msg.Get("bytes").Get("gradient"), msg.Get("loss").Float()
		} else {
			a.err = errors.New(msg.Get("error").String())
		}
		select { // one job is out at a time: never block the event loop
		case h.answers <- a:
		default:
		}
		return nil
	})
	port.Set("onmessage", h.onMessage)
	return h
}

func (h *portHelper) close() {
	h.port.Set("onmessage", js.Null())
	h.port.Call("close")
	h.onMessage.Release()
}

// floatsToJS copies f into a new Uint8Array.
func floatsToJS(f []float32) js.Value {
	b := nn.FloatBytes(f)
	v := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(v, b)
	return v
}

func (h *portHelper) Send(job *nn.ShardJob) error {
	arch, err := json.Marshal(job.Arch)
	if err != nil {
		return err
	}
	if string(arch) != h.archJSON {
		h.archJSON, h.arch = string(arch), js.Global().Get("JSON").Call("parse", string(arch))
	}
	select { // an answer that came after its batch gave up belongs to no job
	case <-h.answers:
	default:
	}
	weights, inputs, targets := floatsToJS(job.Weights), floatsToJS(job.X), floatsToJS(job.T)
	msg := map[string]any{"page": "helper", "type": "gradient", "architecture": h.arch,
		"batch": job.Batch, "first": job.First, "count": job.Count,
		"bytes": map[string]any{"weights": weights, "inputs": inputs, "targets": targets}}
	h.port.Call("postMessage", msg, []any{weights.Get("buffer"), inputs.Get("buffer"), targets.Get("buffer")})
	return nil
}

func (h *portHelper) Receive(grad []float32) (float64, error) {
	select {
	case a := <-h.answers:
		if a.err != nil {
			return 0, a.err
		}
		if a.gradient.Type() != js.TypeObject || a.gradient.Length() != 4*len(grad) {
			return 0, fmt.Errorf("a helper answered with a gradient of the wrong size")
		}
		js.CopyBytesToGo(nn.FloatBytes(grad), a.gradient)
		return a.loss, nil
	case <-time.After(helperTimeout):
		return 0, fmt.Errorf("a helper did not answer in %v", helperTimeout)
	}
}
