package lab

import (
	"errors"

	"somehow/core/lessons"
)

// lessonState is what the lessons keep between messages: the sigmoid-sum network being trained.
type lessonState struct {
	fit *lessons.Fit
}

// doLesson carries out a lesson message; ok is false when the type is not one.
func (l *Lab) doLesson(req Request) (reply any, ok bool, err error) {
	type m = map[string]any
	switch req.Type {
	case "neuron":
		if req.Neuron == nil {
			return nil, true, errors.New("neuron needs a neuron object")
		}
		r, err := lessons.Fire(*req.Neuron)
		return m{"id": req.ID, "type": "neuron", "result": r}, true, err
	case "activations":
		v, err := lessons.VanishingGradient(req.S, max(req.Layers, 1))
		return m{"id": req.ID, "type": "activations", "curves": lessons.ActivationCurves(), "vanishing": v}, true, err
	case "approximate":
		a, err := lessons.Approximate(req.Target, req.Custom, req.Sigmoids, req.Offset)
		return m{"id": req.ID, "type": "approximation", "approximation": a}, true, err
	case "fitStart", "fitTrain":
		if req.Type == "fitStart" {
			f, err := lessons.NewFit(req.Target, req.Custom, req.Units, req.Seed)
			if err != nil {
				return nil, true, err
			}
			l.lessons.fit = f
		}
		f := l.lessons.fit
		if f == nil {
			return nil, true, errors.New("start a fit first")
		}
		if req.Type == "fitTrain" {
			if req.Epochs < 1 || req.Epochs > 1000 {
				return nil, true, errors.New("epochs must be between 1 and 1000")
			}
			if err := f.Train(req.Epochs); err != nil {
				return nil, true, err
			}
		}
		a, err := f.Decompose()
		return m{"id": req.ID, "type": "approximation", "approximation": a, "epochs": f.Epochs}, true, err
	case "terrain":
		t, err := lessons.Sample(req.Landscape)
		return m{"id": req.ID, "type": "terrain", "terrain": t}, true, err
	case "descend":
		d, err := lessons.Descend(req.Landscape, req.Start, req.LearningRate, req.Momentum, req.Steps)
		return m{"id": req.ID, "type": "descent", "descent": d}, true, err
	case "backprop":
		b := lessons.DefaultBackprop()
		if req.Backprop != nil {
			b = *req.Backprop
		}
		r, err := lessons.Step(b)
		return m{"id": req.ID, "type": "backprop", "backprop": r}, true, err
	}
	return nil, false, nil
}
