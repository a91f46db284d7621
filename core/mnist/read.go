package mnist

import (
	"math"

	"somehow/core/digit"
	"somehow/core/nn"
)

// Reading is what a model made of one drawing: the 28×28 input it saw, its ten outputs, and the
// digit it reads.
type Reading struct {
	// Centred is the drawing cropped, scaled and centred like MNIST; Input is what the network
	// read (Centred straightened, for a model trained on deskewed digits).
	Centred []float32
	Input   []float32
	Outputs []float32
	Digit   int
}

// ReadDrawing is the one recipe for reading a drawing, used by the digits page, the API and the
// drawn-digit measure alike: the drawing (width×height, one value a pixel from 0 paper to 1
// ink) is cropped, scaled and centred like MNIST (core/digit), straightened if m was trained on
// deskewed digits, and run through m.Net.
func ReadDrawing(m *nn.Model, gray []float32, width, height int) (Reading, error) {
	x, err := digit.Preprocess(gray, width, height)
	if err != nil {
		return Reading{}, err
	}
	return ReadImage(m, x), nil
}

// ReadImage reads a 28×28 image already laid out like MNIST's, straightened first if m was
// trained so.
func ReadImage(m *nn.Model, x []float32) Reading {
	centred := x
	if m.Deskew {
		x = digit.Deskew(x)
	}
	out := append([]float32(nil), m.Net.Predict(x)...)
	return Reading{Centred: centred, Input: x, Outputs: out, Digit: nn.ClassOf(out)}
}

// Stage describes one stage of an image network's feature maps.
type Stage struct {
	Kind     string `json:"kind"` // "conv" or "pool"
	Name     string `json:"name"` // as in the architecture: conv5x5x8same, pool2
	Height   int    `json:"height"`
	Width    int    `json:"width"`
	Channels int    `json:"channels"`
}

// FeatureMaps lays out what each stage of net's image part made of the last input it read: for
// each stage, for each channel, a Height×Width image, 0 to 255 scaled to the channel's largest
// value. A network without an image part has none.
func FeatureMaps(net *nn.Network) ([]Stage, []byte) {
	var stages []Stage
	var out []byte
	for _, f := range net.Features {
		s := f.Out()
		stages = append(stages, Stage{Kind: f.Spec().Kind, Name: f.Spec().String(), Height: s.Height, Width: s.Width, Channels: s.Channels})
		y := f.Outputs()[:s.Size()]
		for c := range s.Channels {
			top := float32(1e-6)
			for p := c; p < len(y); p += s.Channels {
				top = max(top, y[p])
			}
			for p := c; p < len(y); p += s.Channels {
				out = append(out, byte(255*max(0, y[p])/top))
			}
		}
	}
	return stages, out
}

// FirstLayer is what a network's first layer looks for: Count images of Width×Height, one byte
// a pixel with 128 for 0, above for positive weights.
type FirstLayer struct {
	Count, Width, Height int
	Kind                 string // "neurons" (an MLP's first layer) or "filters" (a conv net's first convolution)
	Images               []byte
}

// MaxFirstLayerNeurons is how many of an MLP's first-layer neurons FirstLayerImages draws.
const MaxFirstLayerNeurons = 64

// FirstLayerImages draws net's first layer: each of the first MaxFirstLayerNeurons neurons'
// 784 weights as a 28×28 image, or each first convolution filter (its first channel).
func FirstLayerImages(net *nn.Network) FirstLayer {
	var images []byte
	signed := func(w []float32) {
		var top float64
		for _, v := range w {
			top = math.Max(top, math.Abs(float64(v)))
		}
		for _, v := range w {
			images = append(images, byte(math.Round(127.5+127.5*float64(v)/math.Max(top, 1e-12))))
		}
	}
	if len(net.Features) > 0 {
		conv := net.Features[0].(*nn.Conv)
		spec := conv.Spec()
		for f := range spec.Filters {
			w := conv.Filter(f)
			ch := len(w) / (spec.Size * spec.Size) // its channels: fewer in groups
			first := make([]float32, spec.Size*spec.Size)
			for i := range first {
				first[i] = w[i*ch]
			}
			signed(first)
		}
		return FirstLayer{Count: spec.Filters, Width: spec.Size, Height: spec.Size, Kind: "filters", Images: images}
	}
	l := net.Layers[0]
	n := min(l.Units, MaxFirstLayerNeurons)
	for j := range n {
		w := make([]float32, l.Inputs)
		for i := range w {
			w[i] = l.Weight(i, j)
		}
		signed(w)
	}
	return FirstLayer{Count: n, Width: digit.Size, Height: digit.Size, Kind: "neurons", Images: images}
}
