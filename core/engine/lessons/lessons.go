// Package lessons is the lessons page's engine: each lesson's figure computed from the numbers
// the page sends, by core/lessons. Its messages are listed with the rest of the protocol in
// core/engine (protocol.go); their bodies are here.
package lessons

import (
	"encoding/json"
	"errors"
	"fmt"

	"somehow/core/lessons"
)

// Lessons keeps what the lessons need between messages: the sigmoid-sum network being fitted.
type Lessons struct {
	fit *lessons.Fit
}

// New returns the lessons' engine.
func New() *Lessons { return &Lessons{} }

// Request is a lesson message from the page. Fields a type does not use are ignored.
type Request struct {
	Neuron       *lessons.Neuron   `json:"neuron,omitempty"`
	S            float64           `json:"s,omitempty"`
	Layers       int               `json:"layers,omitempty"`
	Target       string            `json:"target,omitempty"`
	Custom       []lessons.Point   `json:"custom,omitempty"`
	Sigmoids     []lessons.Sigmoid `json:"sigmoids,omitempty"`
	Offset       float64           `json:"offset,omitempty"`
	Units        int               `json:"units,omitempty"`
	Seed         uint64            `json:"seed,omitempty"`
	Epochs       int               `json:"epochs,omitempty"`
	Landscape    string            `json:"landscape,omitempty"`
	Start        [2]float64        `json:"start,omitempty"`
	LearningRate float64           `json:"learningRate,omitempty"`
	Momentum     float64           `json:"momentum,omitempty"`
	Steps        int               `json:"steps,omitempty"`
	Backprop     *lessons.Backprop `json:"backprop,omitempty"`
}

// MaxFitEpochs caps one fitTrain.
const MaxFitEpochs = 1000

// Handle carries out one lesson message; body is the whole JSON message.
func (e *Lessons) Handle(msgType string, body []byte, _ map[string][]byte) (any, map[string][]byte, error) {
	var req Request
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, err
	}
	reply, err := e.do(msgType, req)
	return reply, nil, err
}

func (e *Lessons) do(msgType string, req Request) (any, error) {
	type m = map[string]any
	switch msgType {
	case "neuron":
		if req.Neuron == nil {
			return nil, errors.New("neuron needs a neuron object")
		}
		r, err := lessons.Fire(*req.Neuron)
		return m{"type": "neuron", "result": r}, err
	case "activations":
		v, err := lessons.VanishingGradient(req.S, max(req.Layers, 1))
		return m{"type": "activations", "curves": lessons.ActivationCurves(), "vanishing": v}, err
	case "approximate":
		a, err := lessons.Approximate(req.Target, req.Custom, req.Sigmoids, req.Offset)
		return m{"type": "approximation", "approximation": a}, err
	case "fitStart", "fitTrain":
		if msgType == "fitStart" {
			f, err := lessons.NewFit(req.Target, req.Custom, req.Units, req.Seed)
			if err != nil {
				return nil, err
			}
			e.fit = f
		}
		if e.fit == nil {
			return nil, errors.New("start a fit first")
		}
		if msgType == "fitTrain" {
			if req.Epochs < 1 || req.Epochs > MaxFitEpochs {
				return nil, fmt.Errorf("epochs must be between 1 and %d", MaxFitEpochs)
			}
			if err := e.fit.Train(req.Epochs); err != nil {
				return nil, err
			}
		}
		a, err := e.fit.Decompose()
		return m{"type": "approximation", "approximation": a, "epochs": e.fit.Epochs}, err
	case "terrain":
		t, err := lessons.Sample(req.Landscape)
		return m{"type": "terrain", "terrain": t}, err
	case "descend":
		d, err := lessons.Descend(req.Landscape, req.Start, req.LearningRate, req.Momentum, req.Steps)
		return m{"type": "descent", "descent": d}, err
	case "backprop":
		b := lessons.DefaultBackprop()
		if req.Backprop != nil {
			b = *req.Backprop
		}
		r, err := lessons.Step(b)
		return m{"type": "backprop", "backprop": r}, err
	}
	return nil, fmt.Errorf("unknown message type %q", msgType)
}
