//go:build js && wasm

package main

import (
	"math"
	"syscall/js"
	"testing"

	"somehow/core/data"
	"somehow/core/engine"
	"somehow/core/nn"
)

// serveHelper answers the jobs arriving on port as a helper worker's web/worker.js does, with
// this same Go program's somehowHandle (page "helper"): the jobs cross JavaScript as they do
// between two workers, as JSON and transferred bytes.
var serveHelper = js.Global().Get("Function").New("port", `
	port.onmessage = async (e) => {
		const { bytes, ...body } = e.data;
		const r = await somehowHandle(JSON.stringify(body), bytes);
		const reply = JSON.parse(r.json);
		reply.bytes = r.bytes || {};
		port.postMessage(reply, Object.values(reply.bytes).map((b) => b.buffer));
	};`)

func trainSpiral(t *testing.T, team *nn.Team) []float32 {
	t.Helper()
	spiral, err := data.Generate("spiral", 150, 3, 0.05, 4)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := nn.ParseArchitecture("2-12-12-3", nn.Tanh, nn.Softmax, nn.CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(arch, nn.Init{Kind: nn.Xavier}, 3)
	if err != nil {
		t.Fatal(err)
	}
	opt := nn.Optimizer{Kind: nn.Adam, LearningRate: 0.02}
	tr, err := nn.NewTrainer(net, &opt, 20, 3)
	if err != nil {
		t.Fatal(err)
	}
	tr.Team = team
	for range 25 {
		if _, err := tr.Step(spiral); err != nil {
			t.Fatal(err)
		}
	}
	w := make([]float32, net.ParameterCount())
	net.WeightsInto(w)
	return w
}

// Helpers reached through MessagePorts give the bits a worker alone gives, and a helper that
// answers with an error stops the step with it.
func TestTeamThroughPorts(t *testing.T) {
	r := engine.New()
	register(r)
	registerTeam(r)
	alone := trainSpiral(t, &nn.Team{})

	channel := js.Global().Get("MessageChannel")
	var ports []any
	for range 3 {
		ch := channel.New()
		serveHelper.Invoke(ch.Get("port2"))
		ports = append(ports, ch.Get("port1"))
	}
	if reply := js.Global().Call("somehowTeam", js.ValueOf(ports), true); reply.Get("workers").Int() != 4 {
		t.Fatalf("a team of three helpers: %v", reply.Get("workers"))
	}
	four := trainSpiral(t, r.Team)
	for i := range alone {
		if math.Float32bits(alone[i]) != math.Float32bits(four[i]) {
			t.Fatalf("weight %d: %v with three helpers, %v alone", i, four[i], alone[i])
		}
	}
	if reply := js.Global().Call("somehowTeam", js.ValueOf(ports[:2])); reply.Get("type").String() != "error" {
		t.Fatalf("a team of three workers was accepted: %v", reply)
	}

	// A helper whose port answers with an error.
	ch := channel.New()
	js.Global().Get("Function").New("port", `port.onmessage = () => port.postMessage({type: "error", error: "the helper ran out of memory"})`).Invoke(ch.Get("port2"))
	js.Global().Call("somehowTeam", js.ValueOf([]any{ch.Get("port1")}), true)
	net, _ := nn.New(nn.Architecture{Inputs: 2, Layers: []nn.LayerSpec{{Units: 3, Activation: nn.Softmax}}, Loss: nn.CrossEntropy}, nn.Init{Kind: nn.Xavier}, 1)
	opt := nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1}
	tr, _ := nn.NewTrainer(net, &opt, 8, 1)
	tr.Team = r.Team
	spiral, _ := data.Generate("spiral", 40, 3, 0.05, 4)
	if _, err := tr.Step(spiral); err == nil || err.Error() != "a training worker failed: the helper ran out of memory" {
		t.Fatalf("a failing helper: %v", err)
	}
}
