// Package nn is Somehow's neural-network library: dense layers, activations, losses,
// initialisers, optimisers, the classic perceptron and model files, in plain Go.
//
// Names follow the paper "Neural Networks: a thing that somehow works": a neuron's weighted sum s
// goes through an activation to give its output y; the loss C compares outputs with targets;
// backpropagation finds ∂C/∂w by the chain rule, and gradient descent steps against it.
//
// Batches are row-major: a batch of n examples with k features is a slice of n*k float32s.
package nn

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"somehow/core/linalg"
	"somehow/core/mathf"
)

// Limits on what a network may be. They keep a forged model file or a mistyped flag from asking
// for gigabytes; the largest network Somehow trains is far inside them.
const (
	MaxLayers     = 16
	MaxUnits      = 4096
	MaxParameters = 1 << 24
	// MaxMultiplyAdds bounds the work of reading one input: 50 million is about 25 ms natively
	// and 100 ms in a browser's worker, 17 times the largest preset (the conv net, 3.0 million).
	// A network of few weights can still cost minutes an input (a 15×15×256 convolution over a
	// 28×28 image of 256 channels: 11.5 billion).
	MaxMultiplyAdds = 50_000_000
)

// LayerSpec describes one dense layer: how many neurons, and their activation.
type LayerSpec struct {
	Units      int        `json:"units"`
	Activation Activation `json:"activation"`
	// Groups splits a hidden layer into that many side by side (0 or 1: one), each run of its
	// units reading only its run of the inputs: of every pixel's channels after an image part,
	// else of the previous layer's units. A vote of networks (Merge) is one: each network's
	// units read only its own network, at 1/Groups of the weights of a layer reading all.
	Groups int `json:"groups,omitempty"`
}

// groups is how many groups the layer is in (1 when Groups is unset).
func (l LayerSpec) groups() int { return max(l.Groups, 1) }

// Architecture is a network's shape: input size, an optional image part (convolutions and
// pooling over an input of shape Image), dense layers (the last one is the output layer) and
// loss.
type Architecture struct {
	Inputs   int           `json:"inputs"`
	Image    *Shape        `json:"image,omitempty"`
	Features []FeatureSpec `json:"features,omitempty"`
	Layers   []LayerSpec   `json:"layers"`
	Loss     Loss          `json:"loss"`
}

// ParseArchitecture builds an architecture from sizes like "784-16-16-16-10", with one activation
// for every hidden layer (and every convolution) and one for the output layer. A network for
// images starts with the image's shape and its convolutions and poolings:
// "28x28-conv5x5x8same-pool2-conv5x5x16same-pool3-10" (a "same" convolution keeps the image's
// size; without it the image shrinks by the filter's size less one).
func ParseArchitecture(sizes string, hidden, output Activation, loss Loss) (Architecture, error) {
	parts := strings.Split(strings.TrimSpace(sizes), "-")
	if len(parts) < 2 {
		return Architecture{}, fmt.Errorf("architecture %q needs at least an input and an output size, like 784-16-10", sizes)
	}
	a := Architecture{Loss: loss}
	if img, ok := parseImage(parts[0]); ok {
		a.Image, a.Inputs = &img, img.Size()
		parts = parts[1:]
		for len(parts) > 0 {
			f, ok := parseFeature(parts[0], hidden)
			if !ok {
				break
			}
			a.Features = append(a.Features, f)
			parts = parts[1:]
		}
	}
	var nums, groups []int
	for i, p := range parts {
		units, split, cut := strings.Cut(strings.TrimSpace(p), "/")
		v, err := strconv.Atoi(units)
		g := 0
		if cut { // 320/5: a layer in five groups; never the input size
			if g, err = strconv.Atoi(split); err == nil && (g < 1 || (i == 0 && a.Image == nil)) {
				err = errors.New("no groups here")
			}
		}
		if err != nil || v < 1 {
			return Architecture{}, fmt.Errorf("architecture %q: %q is not a positive whole number, a convolution (conv5x5x8, conv5x5x8same) or a pooling (pool2)", sizes, p)
		}
		nums, groups = append(nums, v), append(groups, g)
	}
	if a.Image == nil {
		if len(nums) < 2 {
			return Architecture{}, fmt.Errorf("architecture %q needs at least an input and an output size, like 784-16-10", sizes)
		}
		a.Inputs, nums, groups = nums[0], nums[1:], groups[1:]
	}
	if len(nums) == 0 {
		return Architecture{}, fmt.Errorf("architecture %q ends without dense layers; it needs at least the output size, like ...-10", sizes)
	}
	for i, v := range nums {
		act := hidden
		if i == len(nums)-1 {
			act = output
		}
		a.Layers = append(a.Layers, LayerSpec{Units: v, Activation: act})
		if groups[i] > 1 {
			a.Layers[i].Groups = groups[i]
		}
	}
	return a, a.Validate()
}

// String writes the architecture as ParseArchitecture reads it, e.g. "784-16-16-16-10".
func (a Architecture) String() string {
	var b strings.Builder
	if a.Image != nil {
		b.WriteString(a.Image.String())
		for _, f := range a.Features {
			b.WriteByte('-')
			b.WriteString(f.String())
		}
	} else {
		b.WriteString(strconv.Itoa(a.Inputs))
	}
	for _, l := range a.Layers {
		b.WriteByte('-')
		b.WriteString(strconv.Itoa(l.Units))
		if l.Groups > 1 {
			b.WriteString("/" + strconv.Itoa(l.Groups))
		}
	}
	return b.String()
}

// featureOut is the shape the image part hands to the dense layers (nil without one).
func (a Architecture) featureOut() *Shape {
	if a.Image == nil {
		return nil
	}
	s := *a.Image
	for _, f := range a.Features {
		s = f.out(s)
	}
	return &s
}

// denseInputs is the number of inputs of the first dense layer.
func (a Architecture) denseInputs() int {
	if s := a.featureOut(); s != nil {
		return s.Size()
	}
	return a.Inputs
}

// grouped reports whether a convolution or a dense layer is in groups (a version 3 model file).
func (a Architecture) grouped() bool {
	for _, f := range a.Features {
		if f.groups() > 1 {
			return true
		}
	}
	for _, l := range a.Layers {
		if l.groups() > 1 {
			return true
		}
	}
	return false
}

// period is how the inputs of dense layer li come in groups: runs of period/Groups inputs,
// group after group, then again: the channels at every pixel after an image part, else the
// whole previous layer once.
func (a Architecture) period(li int) int {
	if li == 0 {
		if s := a.featureOut(); s != nil {
			return s.Channels
		}
		return a.Inputs
	}
	return a.Layers[li-1].Units
}

// Outputs is the size of the output layer.
func (a Architecture) Outputs() int { return a.Layers[len(a.Layers)-1].Units }

// MultiplyAdds counts the multiplications a forward pass makes for one input.
func (a Architecture) MultiplyAdds() int {
	n := 0
	if a.Image != nil {
		s := *a.Image
		for _, f := range a.Features {
			out := f.out(s)
			if f.Kind == "conv" {
				n += out.Height * out.Width * f.Filters * f.Size * f.Size * s.Channels / f.groups()
			}
			s = out
		}
	}
	in := a.denseInputs()
	for _, l := range a.Layers {
		n += in * l.Units / l.groups()
		in = l.Units
	}
	return n
}

// Parameters counts the weights and biases.
func (a Architecture) Parameters() int {
	n := 0
	if a.Image != nil {
		s := *a.Image
		for _, f := range a.Features {
			if f.Kind == "conv" {
				n += (f.Size*f.Size*s.Channels/f.groups() + 1) * f.Filters
			}
			s = f.out(s)
		}
	}
	in := a.denseInputs()
	for _, l := range a.Layers {
		n += (in/l.groups() + 1) * l.Units
		in = l.Units
	}
	return n
}

// Validate checks that the architecture can be built and trained, with a sentence to act on if not.
func (a Architecture) Validate() error {
	if a.Inputs < 1 || a.Inputs > MaxUnits {
		return fmt.Errorf("the input size must be between 1 and %d, not %d", MaxUnits, a.Inputs)
	}
	if len(a.Layers) < 1 || len(a.Layers) > MaxLayers {
		return fmt.Errorf("a network needs between 1 and %d layers, not %d", MaxLayers, len(a.Layers))
	}
	if a.Loss != MSE && a.Loss != CrossEntropy {
		return fmt.Errorf("unknown loss %d", int(a.Loss))
	}
	if err := a.validateFeatures(); err != nil {
		return err
	}
	params, in := 0, a.denseInputs()
	for i, l := range a.Layers {
		if l.Units < 1 || l.Units > MaxUnits {
			return fmt.Errorf("layer %d must have between 1 and %d neurons, not %d", i+1, MaxUnits, l.Units)
		}
		if l.Activation < Linear || l.Activation > Softmax {
			return fmt.Errorf("layer %d has an unknown activation", i+1)
		}
		if l.Activation == Softmax && i != len(a.Layers)-1 {
			return fmt.Errorf("softmax only makes sense on the output layer, not on hidden layer %d", i+1)
		}
		if l.Activation == Step && i != len(a.Layers)-1 {
			return fmt.Errorf("hidden layer %d uses step, which gradient descent cannot train (its derivative is 0); use sigmoid, tanh or relu", i+1)
		}
		if g := l.Groups; g < 0 || g > MaxMembers || l.Units%l.groups() != 0 || a.period(i)%l.groups() != 0 {
			return fmt.Errorf("layer %d (%d units) in groups splits its units and its inputs into 1 to %d equal runs", i+1, l.Units, MaxMembers)
		}
		params += (in + 1) * l.Units
		in = l.Units
	}
	if params = a.Parameters(); params > MaxParameters {
		return fmt.Errorf("the network would have %d parameters; the limit is %d", params, MaxParameters)
	}
	if work := a.MultiplyAdds(); work > MaxMultiplyAdds {
		return fmt.Errorf("the network would need %.0f million multiply-adds to read one input; the limit is %d million (one drawing read in about a tenth of a second)", float64(work)/1e6, MaxMultiplyAdds/1_000_000)
	}
	return a.Loss.checkOutput(a.Layers[len(a.Layers)-1].Activation)
}

// MaxImageSide and MaxFeatures bound the image part of a network.
const (
	MaxImageSide = 256
	MaxFeatures  = 12
)

func (a Architecture) validateFeatures() error {
	if a.Image == nil {
		if len(a.Features) > 0 {
			return fmt.Errorf("convolutions and poolings need an image shape first, like 28x28-conv5x5x8-...")
		}
		return nil
	}
	s := *a.Image
	if s.Height > MaxImageSide || s.Width > MaxImageSide || s.Channels > 16 || s.Size() != a.Inputs {
		return fmt.Errorf("the image must be at most %d×%d with at most 16 channels, not %s", MaxImageSide, MaxImageSide, s)
	}
	if len(a.Features) > MaxFeatures {
		return fmt.Errorf("at most %d convolutions and poolings", MaxFeatures)
	}
	for i, f := range a.Features {
		switch f.Kind {
		case "conv":
			if f.Size < 1 || f.Size > 15 || f.Filters < 1 || f.Filters > 256 {
				return fmt.Errorf("stage %d (%s): filters are 1 to 15 pixels wide, 1 to 256 of them", i+1, f)
			}
			if f.Same && f.Size%2 == 0 {
				return fmt.Errorf("stage %d (%s): a \"same\" convolution needs an odd filter size", i+1, f)
			}
			if f.Activation < Linear || f.Activation > LeakyReLU || f.Activation == Step {
				return fmt.Errorf("stage %d (%s): a convolution uses sigmoid, tanh, relu, leakyrelu or linear", i+1, f)
			}
			if g := f.Groups; g < 0 || g > MaxMembers || f.Filters%f.groups() != 0 || s.Channels%f.groups() != 0 {
				return fmt.Errorf("stage %d (%s): a convolution in groups splits its filters and its %d channels into 1 to %d equal runs", i+1, f, s.Channels, MaxMembers)
			}
		case "pool":
			if f.Size < 1 || f.Size > 8 {
				return fmt.Errorf("stage %d (%s): a pooling window is 1 to 8 pixels wide", i+1, f)
			}
		default:
			return fmt.Errorf("stage %d: %q is neither conv nor pool", i+1, f.Kind)
		}
		if s = f.out(s); s.Height < 1 || s.Width < 1 {
			return fmt.Errorf("stage %d (%s) leaves no image: the picture is too small for it", i+1, f)
		}
	}
	return nil
}

// Dense is a fully connected layer: every neuron takes a weighted sum of all inputs plus its bias
// and passes it through the activation.
type Dense struct {
	Inputs, Units int
	Activation    Activation
	// Weights is Inputs×Units, row-major: Weights[i*Units+j] connects input i to neuron j.
	// (The paper writes W·y with W as Units×Inputs; this is its transpose, so a batch's
	// weighted sums are one product, inputs·Weights, with contiguous inner loops.)
	Weights []float32
	Biases  []float32
	// WeightGrads and BiasGrads hold ∂C/∂w and ∂C/∂b for the last batch passed to Backward.
	WeightGrads []float32
	BiasGrads   []float32

	// The last batch: its inputs (not owned), weighted sums, outputs and ∂C/∂s.
	inputs   []float32
	sums     []float32
	outputs  []float32
	sumGrads []float32

	// In groups (LayerSpec.Groups), Weights is one (Inputs/groups)×(Units/groups) block a group,
	// group after group; group g reads the inputs members[g] lists, in order.
	groups               int
	members              [][]int32
	gathered, part, back []float32 // each group's inputs of the last batch, and scratch
}

// Weight returns the weight from input i to neuron j (0 where a layer in groups has none).
func (d *Dense) Weight(i, j int) float32 {
	if d.groups <= 1 {
		return d.Weights[i*d.Units+j]
	}
	per, g := d.Units/d.groups, j/(d.Units/d.groups)
	if at, ok := slices.BinarySearch(d.members[g], int32(i)); ok {
		return d.Weights[g*len(d.members[g])*per+at*per+j%per]
	}
	return 0
}

// Sums returns the weighted sums of the last batch (rows×Units). It aliases internal state.
func (d *Dense) Sums() []float32 { return d.sums }

// Outputs returns the outputs of the last batch (rows×Units). It aliases internal state.
func (d *Dense) Outputs() []float32 { return d.outputs }

// SumGrads returns ∂C/∂s of the last batch (rows×Units), after Backward.
func (d *Dense) SumGrads() []float32 { return d.sumGrads }

// Network is an optional image part (convolutions and poolings) followed by a stack of dense
// layers, trained with one loss.
type Network struct {
	Arch     Architecture
	Features []Feature
	Layers   []*Dense
	// Workers is how many goroutines the matrix products may use (1 in the browser).
	Workers int

	rows        int         // rows of the last Forward
	outGrad     []float32   // scratch for ∂C/∂y passed between layers
	treeScratch [][]float32 // a level each of ShardGradient's tree
	grads       []float32   // every Param's Grad, end to end (they are windows of it)
	// meanOver, when not 0, is the batch whose mean loss Backward differentiates, when the rows
	// of the last Forward are one shard of it: the gradient is then that shard's share.
	meanOver int
}

// New builds a network with weights drawn by init from the given seed. The same architecture,
// init and seed give the same weights on every platform.
func New(arch Architecture, init Init, seed uint64) (*Network, error) {
	if err := arch.Validate(); err != nil {
		return nil, err
	}
	if err := init.Validate(); err != nil {
		return nil, err
	}
	net := newNetwork(arch)
	rng := mathf.NewRand(seed)
	for _, f := range net.Features {
		if c, ok := f.(*Conv); ok {
			init.fill(c.Weights, c.windowSize(), c.spec.Filters, rng)
		}
	}
	for _, d := range net.Layers {
		init.fill(d.Weights, d.fanIn(), d.Units, rng)
	}
	return net, nil
}

// newNetwork builds arch's layers with zero weights.
func newNetwork(arch Architecture) *Network {
	net := &Network{Arch: arch, Workers: 1}
	if arch.Image != nil {
		s := *arch.Image
		for _, f := range arch.Features {
			if f.Kind == "conv" {
				net.Features = append(net.Features, newConv(f, s))
			} else {
				net.Features = append(net.Features, newPool(f, s))
			}
			s = f.out(s)
		}
	}
	in := arch.denseInputs()
	for li, spec := range arch.Layers {
		net.Layers = append(net.Layers, newDense(in, spec.Units, spec.Activation, spec.groups(), arch.period(li)))
		in = spec.Units
	}
	net.grads = make([]float32, net.ParameterCount())
	net.gradsAt(net.grads)
	return net
}

// gradsAt makes every Param's Grad a window of g (ParameterCount long, in Params order), so a
// backward pass writes its gradient there.
func (n *Network) gradsAt(g []float32) {
	off := 0
	next := func(size int) []float32 {
		w := g[off : off+size : off+size]
		off += size
		return w
	}
	for _, f := range n.Features {
		if c, ok := f.(*Conv); ok {
			c.WeightGrads, c.BiasGrads = next(len(c.Weights)), next(len(c.Biases))
		}
	}
	for _, d := range n.Layers {
		d.WeightGrads, d.BiasGrads = next(len(d.Weights)), next(len(d.Biases))
	}
}

// newDense makes a layer of units over inputs, in groups over runs of period/groups inputs.
func newDense(inputs, units int, a Activation, groups, period int) *Dense {
	d := &Dense{Inputs: inputs, Units: units, Activation: a, groups: groups,
		Weights: make([]float32, inputs*units/groups), Biases: make([]float32, units),
		WeightGrads: make([]float32, inputs*units/groups), BiasGrads: make([]float32, units)}
	if groups > 1 {
		d.members = make([][]int32, groups)
		run := period / groups
		for i := range inputs {
			g := i % period / run
			d.members[g] = append(d.members[g], int32(i))
		}
	}
	return d
}

// fanIn is how many inputs each of the layer's units reads.
func (d *Dense) fanIn() int { return d.Inputs / max(d.groups, 1) }

// forwardGroups adds each group's weighted sums to d.sums (which hold the biases): its inputs
// gathered, times its block of weights, into its run of the units.
func (d *Dense) forwardGroups(rows, workers int) {
	in, per := d.fanIn(), d.Units/d.groups
	d.gathered = grow(d.gathered, d.groups*rows*in)
	d.part = grow(d.part, rows*per)
	for g, members := range d.members {
		x := d.gathered[g*rows*in : (g+1)*rows*in]
		for r := range rows {
			row := d.inputs[r*d.Inputs : (r+1)*d.Inputs]
			for i, m := range members {
				x[r*in+i] = row[m]
			}
		}
		for r := range rows {
			copy(d.part[r*per:(r+1)*per], d.sums[r*d.Units+g*per:r*d.Units+(g+1)*per])
		}
		linalg.MulAdd(d.part, x, d.Weights[g*in*per:(g+1)*in*per], rows, in, per, workers)
		for r := range rows {
			copy(d.sums[r*d.Units+g*per:r*d.Units+(g+1)*per], d.part[r*per:(r+1)*per])
		}
	}
}

// backwardGroups sets WeightGrads from d.sumGrads, and when dx is not nil (rows×Inputs) sets
// it to ∂C/∂inputs, group by group.
func (d *Dense) backwardGroups(dx []float32, rows, workers int) {
	in, per := d.fanIn(), d.Units/d.groups
	d.part = grow(d.part, rows*per)
	d.back = grow(d.back, rows*in)
	if dx != nil {
		clear(dx)
	}
	for g, members := range d.members {
		for r := range rows {
			copy(d.part[r*per:(r+1)*per], d.sumGrads[r*d.Units+g*per:r*d.Units+(g+1)*per])
		}
		grads := d.WeightGrads[g*in*per : (g+1)*in*per]
		clear(grads)
		linalg.MulTransAAdd(grads, d.gathered[g*rows*in:(g+1)*rows*in], d.part, rows, in, per, workers)
		if dx == nil {
			continue
		}
		linalg.MulTransB(d.back, d.part, d.Weights[g*in*per:(g+1)*in*per], rows, per, in, workers)
		for r := range rows {
			row := dx[r*d.Inputs : (r+1)*d.Inputs]
			for i, m := range members {
				row[m] = d.back[r*in+i]
			}
		}
	}
}

// Param is one tensor of a network's parameters with its gradient from the last Backward.
type Param struct {
	Value, Grad []float32
	// Decays is true for weights, which L2 weight decay shrinks, and false for biases.
	Decays bool
}

// Params lists every parameter tensor, in the order of the model file: each layer's weights,
// then its biases. The optimiser, model files, Clone and Finite each walk this one list.
func (n *Network) Params() []Param {
	ps := make([]Param, 0, 2*len(n.Layers)+2*len(n.Features))
	for _, f := range n.Features {
		ps = append(ps, f.params()...)
	}
	for _, d := range n.Layers {
		ps = append(ps, Param{d.Weights, d.WeightGrads, true}, Param{d.Biases, d.BiasGrads, false})
	}
	return ps
}

// Clone returns a deep copy of the network's weights and shape (not its batch state).
func (n *Network) Clone() *Network {
	arch := n.Arch
	arch.Layers = append([]LayerSpec(nil), n.Arch.Layers...)
	arch.Features = append([]FeatureSpec(nil), n.Arch.Features...)
	c := newNetwork(arch)
	c.Workers = n.Workers
	dst := c.Params()
	for i, p := range n.Params() {
		copy(dst[i].Value, p.Value)
	}
	return c
}

// Forward runs a batch of rows examples (rows×Inputs) through the network and returns the outputs
// (rows×Outputs). The result aliases internal state, valid until the next Forward.
func (n *Network) Forward(x []float32, rows int) []float32 {
	if len(x) < rows*n.Arch.Inputs {
		panic(fmt.Sprintf("nn: Forward got %d values for %d rows of %d inputs", len(x), rows, n.Arch.Inputs))
	}
	n.rows = rows
	for _, f := range n.Features {
		x = f.forward(x[:rows*f.In().Size()], rows, n.Workers)
	}
	for _, d := range n.Layers {
		need := rows * d.Units
		if cap(d.sums) < need {
			d.sums = make([]float32, need)
			d.outputs = make([]float32, need)
			d.sumGrads = make([]float32, need)
		}
		d.sums, d.outputs, d.sumGrads = d.sums[:need], d.outputs[:need], d.sumGrads[:need]
		d.inputs = x[:rows*d.Inputs]
		for r := 0; r < rows; r++ {
			// A loop for the playground's few-neuron layers, where a runtime call per row costs
			// more than the copy, above all in WebAssembly; copy for wide ones, where a loop's
			// every turn costs more.
			row := d.sums[r*d.Units : (r+1)*d.Units : (r+1)*d.Units]
			if d.Units >= 32 {
				copy(row, d.Biases)
				continue
			}
			for j, b := range d.Biases[:len(row)] {
				row[j] = b
			}
		}
		if d.groups > 1 {
			d.forwardGroups(rows, n.Workers)
		} else {
			linalg.MulAdd(d.sums, d.inputs, d.Weights, rows, d.Inputs, d.Units, n.Workers)
		}
		d.Activation.Forward(d.sums, d.outputs, rows, d.Units)
		x = d.outputs
	}
	return x
}

// Loss returns the loss of the last Forward against targets t (rows×Outputs), averaged over rows.
func (n *Network) Loss(t []float32) float64 {
	last := n.Layers[len(n.Layers)-1]
	return n.Arch.Loss.Value(last.Activation, last.sums, last.outputs, t, n.rows, last.Units)
}

// Backward computes ∂C/∂w and ∂C/∂b for every layer from the last Forward and its targets t
// (rows×Outputs), where C is the loss averaged over the batch. This is backpropagation: each layer
// turns ∂C/∂y into ∂C/∂s (the activation's derivative), takes its weight gradient as inputsᵀ·∂C/∂s,
// and hands ∂C/∂s·Wᵀ back to the layer before.
func (n *Network) Backward(t []float32) {
	rows := n.rows
	last := n.Layers[len(n.Layers)-1]
	loss := n.Arch.Loss
	meanOver := rows
	if n.meanOver != 0 {
		meanOver = n.meanOver
	}
	if loss.fused(last.Activation) {
		loss.outputGradient(last.Activation, last.outputs, t, last.sumGrads, rows, meanOver, last.Units)
	} else {
		dy := n.scratch(rows * last.Units)
		loss.outputGradient(last.Activation, last.outputs, t, dy, rows, meanOver, last.Units)
		last.Activation.Backward(last.sums, last.outputs, dy, last.sumGrads, rows, last.Units)
	}
	for li := len(n.Layers) - 1; li >= 0; li-- {
		d := n.Layers[li]
		if d.groups <= 1 {
			clear(d.WeightGrads)
			linalg.MulTransAAdd(d.WeightGrads, d.inputs, d.sumGrads, rows, d.Inputs, d.Units, n.Workers)
		} else if li == 0 && len(n.Features) == 0 {
			d.backwardGroups(nil, rows, n.Workers) // nobody needs ∂C/∂x of the inputs
		}
		clear(d.BiasGrads)
		for r := 0; r < rows; r++ {
			linalg.Axpy(1, d.sumGrads[r*d.Units:(r+1)*d.Units], d.BiasGrads)
		}
		if li == 0 {
			if len(n.Features) > 0 {
				n.backwardFeatures(d, rows)
			}
			break // nobody needs ∂C/∂x of the inputs
		}
		prev := n.Layers[li-1]
		dy := n.scratch(rows * prev.Units)
		d.inputGradient(dy, rows, n.Workers)
		prev.Activation.Backward(prev.sums, prev.outputs, dy, prev.sumGrads, rows, prev.Units)
	}
}

// backwardFeatures hands ∂C/∂inputs of the first dense layer back through the image part.
func (n *Network) backwardFeatures(first *Dense, rows int) {
	dy := n.scratch(rows * first.Inputs)
	first.inputGradient(dy, rows, n.Workers)
	for i := len(n.Features) - 1; i >= 0; i-- {
		dy = n.Features[i].backward(dy, rows, n.Workers, i > 0)
	}
}

// inputGradient sets dy (rows×Inputs) to ∂C/∂inputs from the layer's ∂C/∂sums; in groups it
// sets the weights' gradients too.
func (d *Dense) inputGradient(dy []float32, rows, workers int) {
	if d.groups > 1 {
		d.backwardGroups(dy, rows, workers)
		return
	}
	linalg.MulTransB(dy, d.sumGrads, d.Weights, rows, d.Units, d.Inputs, workers)
}

func (n *Network) scratch(size int) []float32 {
	if cap(n.outGrad) < size {
		n.outGrad = make([]float32, size)
	}
	return n.outGrad[:size]
}

// Predict returns the outputs for one example, in a new slice.
func (n *Network) Predict(x []float32) []float32 {
	return append([]float32(nil), n.Forward(x, 1)...)
}

// Classify returns the class the network picks for one example: the largest output, or for a
// single output, 1 when it is above one half.
func (n *Network) Classify(x []float32) int {
	return ClassOf(n.Forward(x, 1))
}

// ClassOf returns the class an output row picks: its largest entry, or for a single output, 1 when
// above one half.
func ClassOf(out []float32) int {
	if len(out) == 1 {
		if out[0] > 0.5 {
			return 1
		}
		return 0
	}
	best := 0
	for i, v := range out {
		if v > out[best] {
			best = i
		}
	}
	return best
}

// ErrDiverged is returned when training produced a loss or weight that is NaN or infinite.
var ErrDiverged = errors.New("training diverged: the loss became NaN or infinite; try a lower learning rate")

// Finite reports whether every weight and bias is a finite number.
func (n *Network) Finite() bool {
	for _, p := range n.Params() {
		for _, v := range p.Value {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false
			}
		}
	}
	return true
}
