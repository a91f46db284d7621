package nn

import (
	"errors"
	"fmt"
	"reflect"
)

// Merge builds one network that computes what nets compute together: its convolutions and
// hidden layers hold every network's side by side (channels and units concatenated, no weight
// crossing from one network's part to another's), and its output layer's weighted sums are the
// mean of theirs. For softmax outputs that is the networks' vote, each output the normalised
// geometric mean of theirs: an ensemble as one network of the same kinds of layers, which a
// model file holds and every reader (page, API, CLI) runs as it is. Every convolution after the
// first, and every hidden layer after one, is in groups, one a network (its filters or units see
// only its own network's): stored as full layers with zeros between the networks, five networks'
// would be 25/5 the weights and multiply-adds of theirs.
func Merge(nets ...*Network) (*Network, error) {
	if len(nets) == 0 {
		return nil, errors.New("no networks to merge")
	}
	k := len(nets)
	a := nets[0].Arch
	for _, n := range nets[1:] {
		// The whole architecture, activations and loss too: the sizes alone (String) would let
		// a sigmoid network be merged into a ReLU one and run with the wrong activation.
		if !reflect.DeepEqual(n.Arch, a) {
			return nil, fmt.Errorf("networks of different shapes or activations cannot be merged: %s and %s", a, n.Arch)
		}
	}
	if k == 1 {
		return nets[0].Clone(), nil
	}
	m := a
	m.Features = append([]FeatureSpec(nil), a.Features...)
	seenConv := false
	for i, f := range m.Features {
		if f.Kind != "conv" {
			continue
		}
		if f.groups() > 1 {
			return nil, fmt.Errorf("a network with a convolution in groups (%s) cannot be merged", a)
		}
		m.Features[i].Filters *= k
		if seenConv { // the first reads the image, which every network shares
			m.Features[i].Groups = k
		}
		seenConv = true
	}
	m.Layers = append([]LayerSpec(nil), a.Layers...)
	for i, l := range m.Layers {
		if l.groups() > 1 {
			return nil, fmt.Errorf("a network with a layer in groups (%s) cannot be merged", a)
		}
		if i == len(m.Layers)-1 {
			break // the output layer: every network's sums, averaged
		}
		m.Layers[i].Units *= k
		if i > 0 || seenConv { // the first hidden layer after no convolution reads inputs all share
			m.Layers[i].Groups = k
		}
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("the merged network would be too large: %v", err)
	}
	out := newNetwork(m)
	shape := Shape{}
	if a.Image != nil {
		shape = *a.Image
	}
	first := true // the image's own channels are shared by every network, not repeated
	for fi, f := range out.Features {
		c, ok := f.(*Conv)
		if !ok {
			shape = a.Features[fi].out(shape)
			continue
		}
		size, filters := c.spec.Size, a.Features[fi].Filters
		inC := shape.Channels
		for j, n := range nets {
			src := n.Features[fi].(*Conv)
			if first { // every network's filters side by side over the image's channels
				for w := range size * size * inC {
					copy(c.Weights[w*filters*k+j*filters:], src.Weights[w*filters:(w+1)*filters])
				}
			} else { // group j is network j's convolution as it is
				copy(c.Weights[j*len(src.Weights):], src.Weights)
			}
			copy(c.Biases[j*filters:], src.Biases)
		}
		first = false
		shape = a.Features[fi].out(shape)
	}
	// The first dense layer reads the image part's channels-last output (every network's
	// channels side by side at each pixel) or the shared inputs.
	pixels, perNet := 1, a.denseInputs()
	shared := first // no convolution: the dense layer reads the inputs (or pooled image) itself
	if !shared {
		pixels, perNet = shape.Height*shape.Width, shape.Channels
	}
	for li, d := range out.Layers {
		units := a.Layers[li].Units
		last := li == len(out.Layers)-1
		for j, n := range nets {
			src := n.Layers[li]
			if d.groups > 1 { // group j is network j's layer as it is, over its own maps or units
				copy(d.Weights[j*len(src.Weights):], src.Weights)
				copy(d.Biases[j*units:], src.Biases)
				continue
			}
			for p := range pixels {
				for i := range perNet {
					from := p*perNet + i
					to := from
					switch {
					case li > 0:
						to = j*src.Inputs + i
					case !shared:
						to = p*perNet*k + j*perNet + i
					}
					for u := range units {
						w := src.Weights[from*units+u]
						if last {
							d.Weights[to*units+u] += w / float32(k)
						} else {
							d.Weights[to*d.Units+j*units+u] = w
						}
					}
				}
			}
			for u := range units {
				if last {
					d.Biases[u] += src.Biases[u] / float32(k)
				} else {
					d.Biases[j*units+u] = src.Biases[u]
				}
			}
		}
		pixels, perNet = 1, units
		shared = false
	}
	return out, nil
}
