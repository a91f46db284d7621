// Package helper is the message handler of a training helper: a worker that computes its shards
// of the leader's batches (nn.ShardJob) and answers with their gradient. It keeps only the last
// network's shape; the weights come with every job.
package helper

import (
	"encoding/json"
	"errors"
	"fmt"

	"somehow/core/nn"
)

// Handler keeps the network of the last job, reused while the architecture stays.
type Handler struct {
	net  *nn.Network
	arch string // the JSON architecture net was built from
	grad []float32
}

// New returns a handler with no network yet.
func New() *Handler { return &Handler{} }

// Job is the JSON part of a gradient message; its numbers travel as bytes "weights", "inputs"
// and "targets" (little-endian float32s).
type Job struct {
	Architecture json.RawMessage `json:"architecture"`
	Batch        int             `json:"batch"`
	First        int             `json:"first"`
	Count        int             `json:"count"`
}

// Gradient is the reply: the subtree's share of the batch's loss; bytes "gradient".
type Gradient struct {
	Type string  `json:"type"` // "gradient"
	Loss float64 `json:"loss"`
}

// Handle computes one job (core/engine/protocol.go, page "helper").
func (h *Handler) Handle(msgType string, body []byte, in map[string][]byte) (any, map[string][]byte, error) {
	if msgType != "gradient" {
		return nil, nil, fmt.Errorf("unknown message type %q for a helper", msgType)
	}
	var job Job
	if err := json.Unmarshal(body, &job); err != nil {
		return nil, nil, err
	}
	if err := nn.ValidateShards(job.Batch, job.First, job.Count); err != nil {
		return nil, nil, err
	}
	if h.net == nil || string(job.Architecture) != h.arch {
		var arch nn.Architecture
		if err := json.Unmarshal(job.Architecture, &arch); err != nil {
			return nil, nil, fmt.Errorf("the job's architecture: %w", err)
		}
		net, err := nn.New(arch, nn.Init{Kind: nn.Constant}, 0)
		if err != nil {
			return nil, nil, err
		}
		h.net, h.arch, h.grad = net, string(job.Architecture), make([]float32, net.ParameterCount())
	}
	weights, err := nn.FloatsFromBytes(in["weights"])
	if err != nil {
		return nil, nil, err
	}
	if err := h.net.SetWeights(weights); err != nil {
		return nil, nil, err
	}
	x, err := nn.FloatsFromBytes(in["inputs"])
	if err != nil {
		return nil, nil, err
	}
	t, err := nn.FloatsFromBytes(in["targets"])
	if err != nil {
		return nil, nil, err
	}
	lo, hi := nn.ShardRows(job.Batch, job.First, job.Count)
	if len(x) != (hi-lo)*h.net.Arch.Inputs || len(t) != (hi-lo)*h.net.Arch.Outputs() {
		return nil, nil, errors.New("the job's inputs or targets do not hold its shards' rows")
	}
	loss := h.net.ShardGradient(x, t, job.Batch, job.First, job.Count, h.grad)
	return Gradient{Type: "gradient", Loss: loss}, map[string][]byte{"gradient": nn.FloatBytes(h.grad)}, nil
}
