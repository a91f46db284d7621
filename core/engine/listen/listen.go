// Package listen is the listening page's message handler: a thin adapter over core/sound that
// hears a recording (an MP3, or a microphone's samples) with a model and says which digit it
// heard. Its messages are listed with the rest of the protocol in core/engine (protocol.go);
// their bodies are here.
package listen

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"somehow/core/mnist"
	"somehow/core/nn"
	"somehow/core/sound"
)

// Handler holds the model that listens, FSDD's clips once they are handed over, and a training run.
type Handler struct {
	model   *nn.Model
	trained *nn.Model
	clips   []sound.Clip
	bundle  *sound.Bundle
	run     *sound.Run
	// examples are the person's own recordings, kept in this tab only.
	examples []sound.Clip
	lesson   *nn.Lesson // a teaching under way
	now      func() time.Time
	team     *nn.Team // the workers training shares (core/nn/team.go)
}

// New returns a handler with no model yet.
func New(team *nn.Team) *Handler { return &Handler{now: time.Now, team: team} }

// Request is a listening message from the page. Fields a type does not use are ignored.
type Request struct {
	// Rate is the sample rate of the bytes "pcm" (hear).
	Rate int `json:"rate,omitempty"`
	// Features asks for the model's feature maps too (an image network's).
	Features bool `json:"features,omitempty"`
	// Train is what trainStart asks for.
	Train *TrainSpec `json:"train,omitempty"`
	// BudgetMs is how long one loadFSDD or trainSlice may take.
	BudgetMs float64 `json:"budgetMs,omitempty"`
	// Limit reads only the bundle's first clips (loadFSDD; for tests: 0 = all).
	Limit int `json:"limit,omitempty"`
	// Digit is what an example says (addExample); Epochs how long teach learns.
	Digit  *int `json:"digit,omitempty"`
	Epochs int  `json:"epochs,omitempty"`
}

// TrainSpec is a training on FSDD: which clips are held out ("fsdd": its test split; a speaker's
// name: all of theirs), how many epochs, the seed.
type TrainSpec struct {
	Fold   string `json:"fold"`
	Epochs int    `json:"epochs"`
	Seed   uint64 `json:"seed"`
}

// FSDDLoaded is the reply to loadFSDD: how many clips are decoded of how many; the page asks
// again (without the bytes) until Done.
type FSDDLoaded struct {
	Type     string   `json:"type"` // "fsdd"
	Decoded  int      `json:"decoded"`
	Total    int      `json:"total"`
	Done     bool     `json:"done"`
	Speakers []string `json:"speakers,omitempty"` // once done
}

// Examples is the reply to addExample and clearExamples: how many recordings of each digit the
// person has given.
type Examples struct {
	Type   string  `json:"type"` // "examples"
	Counts [10]int `json:"counts"`
}

// MaxExamples bounds the recordings a person gives.
const MaxExamples = 200

// Progress is the reply to the training messages.
type Progress struct {
	Type string `json:"type"` // "progress"
	sound.RunProgress
}

// Loaded is the reply to loadModel.
type Loaded struct {
	Type         string  `json:"type"` // "model"
	Architecture string  `json:"architecture"`
	Parameters   int     `json:"parameters"`
	TestError    float64 `json:"testError"` // percent, as recorded in the file (0: unknown)
	// Members is how many networks side by side read by their vote (nn.Merge), 0 for one.
	Members int `json:"members,omitempty"`
}

// Heard is the reply to hear. Beside it travel the bytes "spectrogram" (Bands×Frames, one byte a
// cell, 0 quiet to 255 loud, band 0 the lowest, row by row) and "waveform" (the trimmed word,
// WaveformPoints pairs of bytes: each point's lowest and highest sample, 128 = 0).
type Heard struct {
	Type    string    `json:"type"` // "heard"
	Digit   int       `json:"digit"`
	Outputs []float32 `json:"outputs"`
	Bands   int       `json:"bands"`
	Frames  int       `json:"frames"`
	// Seconds is how long the word is once its silence is trimmed.
	Seconds float64 `json:"seconds"`
	Millis  float64 `json:"millis"` // time spent in the worker
	// Stages describe the feature maps in the bytes "features", when asked for.
	Stages []mnist.Stage `json:"stages,omitempty"`
}

// Weights is the reply to weights: the first layer's filters, Count images of Width×Height in the
// bytes "weights" (128 = 0).
type Weights struct {
	Type   string `json:"type"` // "weights"
	Count  int    `json:"count"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// WaveformPoints is how many points the waveform is drawn with.
const WaveformPoints = 400

// MaxPCMBytes bounds the microphone's samples: MaxSeconds at 48 kHz, float32.
const MaxPCMBytes = sound.MaxSeconds * 48000 * 4

// Handle carries out one listening message; body is the whole JSON message, in the bytes that
// came with it. A refused message leaves the model as it was.
func (h *Handler) Handle(msgType string, body []byte, in map[string][]byte) (any, map[string][]byte, error) {
	var req Request
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, err
	}
	switch msgType {
	case "loadModel":
		return h.loadModel(in["model"])
	case "hear":
		return h.hear(req, in)
	case "loadFSDD":
		if in["fsdd"] != nil {
			bd, err := sound.OpenBundle(in["fsdd"])
			if err != nil {
				return nil, nil, err
			}
			bd.Limit(req.Limit)
			h.bundle, h.clips = bd, nil
		}
		if h.bundle == nil {
			return nil, nil, errors.New("loadFSDD needs the bytes of FSDD's bundle (fsdd.tar) first")
		}
		if err := h.bundle.Decode(h.budget(req.BudgetMs), h.now); err != nil {
			return nil, nil, err
		}
		r := FSDDLoaded{Type: "fsdd", Decoded: h.bundle.Decoded(), Total: h.bundle.Total(), Done: h.bundle.Done()}
		if r.Done {
			h.clips = h.bundle.Clips()
			r.Speakers = sound.Speakers(h.clips)
		}
		return r, nil, nil
	case "trainStart":
		if h.clips == nil {
			return nil, nil, errors.New("FSDD is not loaded yet (loadFSDD until it is done)")
		}
		if req.Train == nil {
			return nil, nil, errors.New("trainStart needs a train object")
		}
		r := sound.DefaultRecipe()
		r.Epochs = req.Train.Epochs
		run, err := sound.NewRun(r, h.clips, req.Train.Fold, req.Train.Seed)
		if err != nil {
			return nil, nil, err
		}
		run.UseTeam(h.team)
		h.run = run
		return Progress{"progress", run.Progress()}, nil, nil
	case "trainSlice", "trainStop":
		if h.run == nil {
			return nil, nil, errors.New("no training has been started")
		}
		if msgType == "trainStop" {
			h.run.Stop()
		} else {
			if err := h.run.Slice(h.budget(req.BudgetMs), h.now); err != nil && !h.run.Over() {
				return nil, nil, err
			}
		}
		if h.run.Over() {
			h.trained = h.run.Model()
		}
		return Progress{"progress", h.run.Progress()}, nil, nil
	case "addExample":
		if req.Digit == nil || *req.Digit < 0 || *req.Digit > 9 {
			return nil, nil, errors.New("say which digit the example is: 0 to 9")
		}
		if len(h.examples) >= MaxExamples {
			return nil, nil, fmt.Errorf("at most %d examples are kept: clear them to start again", MaxExamples)
		}
		features, _, err := h.features(req, in)
		if err != nil {
			return nil, nil, err
		}
		h.examples = append(h.examples, sound.Clip{Digit: *req.Digit, Speaker: "you", Index: len(h.examples), Features: features})
		return h.counts(), nil, nil
	case "clearExamples":
		h.examples = nil
		return h.counts(), nil, nil
	case "teach":
		if h.model == nil {
			return nil, nil, errors.New("no model is loaded yet")
		}
		var replay []sound.Clip
		for i := 0; i < len(h.clips) && len(replay) < 300; i += max(1, len(h.clips)/300) {
			replay = append(replay, h.clips[i]) // what it knew, so it forgets nothing
		}
		lesson, err := sound.NewLesson(h.model.Net, h.examples, replay, max(req.Epochs, 1), 1)
		if err != nil {
			return nil, nil, err
		}
		lesson.UseTeam(h.team)
		h.lesson = lesson
		return lesson.Report(), nil, nil
	case "teachSlice":
		if h.lesson == nil {
			return nil, nil, errors.New("no teaching is under way: send teach first")
		}
		if err := h.lesson.Slice(h.budget(req.BudgetMs), h.now); err != nil {
			h.lesson = nil
			return nil, nil, err
		}
		report := h.lesson.Report()
		if h.lesson.Done() {
			h.model = &nn.Model{Name: "taught", Net: h.lesson.Net, Sound: sound.Version}
			h.lesson = nil
		}
		return report, nil, nil
	case "useTrained":
		if h.trained == nil {
			return nil, nil, errors.New("nothing has been trained yet")
		}
		h.model = h.trained
		return loaded(h.model), nil, nil
	case "weights":
		if h.model == nil {
			return nil, nil, errors.New("no model is loaded yet")
		}
		f := mnist.FirstLayerImages(h.model.Net)
		return Weights{Type: "weights", Count: f.Count, Width: f.Width, Height: f.Height}, map[string][]byte{"weights": f.Images}, nil
	}
	return nil, nil, fmt.Errorf("unknown message type %q", msgType)
}

func (h *Handler) loadModel(file []byte) (any, map[string][]byte, error) {
	if file == nil {
		return nil, nil, errors.New("loadModel needs the model file's bytes")
	}
	m, err := nn.Parse(file)
	if err != nil {
		return nil, nil, fmt.Errorf("could not load that model: %v", err)
	}
	if err := sound.Listens(m); err != nil {
		return nil, nil, err
	}
	h.model = m
	return loaded(m), nil, nil
}

func loaded(m *nn.Model) Loaded {
	a := m.Net.Arch
	return Loaded{Type: "model", Architecture: a.String(), Parameters: a.Parameters(), TestError: m.TestError, Members: m.Members}
}

// hear reads the bytes "mp3" (a file) or "pcm" (float32 little-endian samples at req.Rate).
func (h *Handler) hear(req Request, in map[string][]byte) (any, map[string][]byte, error) {
	start := h.now()
	if h.model == nil {
		return nil, nil, errors.New("no model is loaded yet")
	}
	features, trimmed, err := h.features(req, in)
	if err != nil {
		return nil, nil, err
	}
	out := append([]float32(nil), h.model.Net.Predict(features)...)
	r := Heard{Type: "heard", Digit: nn.ClassOf(out), Outputs: out, Bands: sound.Bands, Frames: sound.Frames,
		Seconds: float64(len(trimmed)) / sound.SampleRate}
	bytes := map[string][]byte{"spectrogram": picture(features), "waveform": waveform(trimmed)}
	if req.Features && len(h.model.Net.Features) > 0 {
		r.Stages, bytes["features"] = mnist.FeatureMaps(h.model.Net)
	}
	r.Millis = float64(h.now().Sub(start).Microseconds()) / 1000
	return r, bytes, nil
}

// features reads the bytes "mp3" (a file) or "pcm" (float32 little-endian samples at req.Rate).
func (h *Handler) features(req Request, in map[string][]byte) (features, trimmed []float32, err error) {
	switch {
	case in["mp3"] != nil:
		return sound.FeaturesMP3(in["mp3"])
	case in["pcm"] != nil:
		pcm := in["pcm"]
		if len(pcm)%4 != 0 || len(pcm) > MaxPCMBytes {
			return nil, nil, fmt.Errorf("the microphone's samples must be float32, at most %d seconds", sound.MaxSeconds)
		}
		samples := make([]float32, len(pcm)/4)
		for i := range samples {
			samples[i] = math.Float32frombits(binary.LittleEndian.Uint32(pcm[4*i:]))
		}
		return sound.Features(samples, req.Rate)
	}
	return nil, nil, errors.New("send the bytes of an MP3 file (mp3) or of a recording (pcm)")
}

func (h *Handler) counts() Examples {
	e := Examples{Type: "examples"}
	for _, c := range h.examples {
		e.Counts[c.Digit]++
	}
	return e
}

// budget is a slice's time: what was asked for, at most 200 ms (40 ms if unsaid).
func (h *Handler) budget(ms float64) time.Duration {
	b := time.Duration(ms * float64(time.Millisecond))
	if math.IsNaN(ms) || b <= 0 || b > 200*time.Millisecond {
		b = 40 * time.Millisecond
	}
	return b
}

// picture maps the normalised spectrogram (about -3 to 3) to bytes.
func picture(f []float32) []byte {
	b := make([]byte, len(f))
	for i, v := range f {
		b[i] = byte(math.Max(0, math.Min(255, 128+40*float64(v))))
	}
	return b
}

// waveform is the lowest and highest sample of each of WaveformPoints stretches of x.
func waveform(x []float32) []byte {
	out := make([]byte, 2*WaveformPoints)
	for p := range WaveformPoints {
		lo, hi := float32(0), float32(0)
		for _, v := range x[p*len(x)/WaveformPoints : (p+1)*len(x)/WaveformPoints] {
			lo, hi = min(lo, v), max(hi, v)
		}
		out[2*p] = byte(math.Max(0, math.Min(255, 128+127*float64(lo))))
		out[2*p+1] = byte(math.Max(0, math.Min(255, 128+127*float64(hi))))
	}
	return out
}
