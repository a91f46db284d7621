// Package lab is the lab page's message handler: a thin adapter that decodes the page's
// messages onto core/lab and sends its frames back, their pixels as bytes.
package lab

import (
	"encoding/json"

	"somehow/core/lab"
)

// Handler serves one worker's lab.
type Handler struct{ lab *lab.Lab }

// New returns a handler over a lab with the default scene.
func New() *Handler { return &Handler{lab: lab.New()} }

// Handle carries out one message of the lab's protocol (core/engine/protocol.go): body is the
// whole JSON message. The reply is a Frame, whose heatmaps and thumbnails travel as bytes beside
// it, or the catalogue. A refused message leaves the lab as it was.
func (h *Handler) Handle(msgType string, body []byte, _ map[string][]byte) (any, map[string][]byte, error) {
	if msgType == "catalogue" {
		return lab.NewCatalogue(), nil, nil
	}
	var req lab.Request
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, err
	}
	req.Type = msgType
	f, err := h.lab.Do(req)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Bytes(), nil
}
