// Package lessons is the lessons page's message handler: each lesson's figure computed from the
// numbers the page sends, by core/lessons. Its messages are listed with the rest of the protocol
// in core/engine (protocol.go); their bodies are here.
package lessons

import (
	"encoding/json"
	"errors"
	"fmt"

	"somehow/core/lessons"
)

// Handler keeps what the lessons need between messages: the sigmoid-sum network being fitted.
type Handler struct {
	fit *lessons.Fit
}

// New returns the lessons' handler.
func New() *Handler { return &Handler{} }

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

// NeuronReply is the reply to neuron.
type NeuronReply struct {
	Type   string               `json:"type"` // "neuron"
	Result lessons.NeuronResult `json:"result"`
}

// ActivationsReply is the reply to activations: every activation's curve, and how much of a
// gradient is left after each of the layers asked for.
type ActivationsReply struct {
	Type      string          `json:"type"` // "activations"
	Curves    []lessons.Curve `json:"curves"`
	Vanishing []float64       `json:"vanishing"`
}

// ApproximationReply is the reply to approximate, fitStart and fitTrain (Epochs: the fit's so far).
type ApproximationReply struct {
	Type          string                `json:"type"` // "approximation"
	Approximation lessons.Approximation `json:"approximation"`
	Epochs        int                   `json:"epochs"`
}

// TerrainReply is the reply to terrain.
type TerrainReply struct {
	Type    string          `json:"type"` // "terrain"
	Terrain lessons.Terrain `json:"terrain"`
}

// DescentReply is the reply to descend.
type DescentReply struct {
	Type    string          `json:"type"` // "descent"
	Descent lessons.Descent `json:"descent"`
}

// BackpropReply is the reply to backprop: every number of one step.
type BackpropReply struct {
	Type     string           `json:"type"` // "backprop"
	Backprop lessons.Backprop `json:"backprop"`
}

// MaxFitEpochs caps one fitTrain.
const MaxFitEpochs = 1000

// Handle carries out one lesson message; body is the whole JSON message.
func (e *Handler) Handle(msgType string, body []byte, _ map[string][]byte) (any, map[string][]byte, error) {
	var req Request
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, err
	}
	reply, err := e.do(msgType, req)
	return reply, nil, err
}

func (e *Handler) do(msgType string, req Request) (any, error) {
	switch msgType {
	case "neuron":
		if req.Neuron == nil {
			return nil, errors.New("neuron needs a neuron object")
		}
		r, err := lessons.Fire(*req.Neuron)
		return NeuronReply{Type: "neuron", Result: r}, err
	case "activations":
		v, err := lessons.VanishingGradient(req.S, max(req.Layers, 1))
		return ActivationsReply{Type: "activations", Curves: lessons.ActivationCurves(), Vanishing: v}, err
	case "approximate":
		a, err := lessons.Approximate(req.Target, req.Custom, req.Sigmoids, req.Offset)
		return ApproximationReply{Type: "approximation", Approximation: a}, err
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
		return ApproximationReply{Type: "approximation", Approximation: a, Epochs: e.fit.Epochs}, err
	case "terrain":
		t, err := lessons.Sample(req.Landscape)
		return TerrainReply{Type: "terrain", Terrain: t}, err
	case "descend":
		d, err := lessons.Descend(req.Landscape, req.Start, req.LearningRate, req.Momentum, req.Steps)
		return DescentReply{Type: "descent", Descent: d}, err
	case "backprop":
		b := lessons.DefaultBackprop()
		if req.Backprop != nil {
			b = *req.Backprop
		}
		r, err := lessons.Step(b)
		return BackpropReply{Type: "backprop", Backprop: r}, err
	}
	return nil, fmt.Errorf("unknown message type %q", msgType)
}
