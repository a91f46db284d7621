package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// numericGradient returns ∂C/∂p by central differences, computing C in float64 from the
// network's own forward pass.
func numericGradient(net *Network, x, t []float32, rows int, p *float32) float64 {
	const h = 1e-2
	orig := *p
	*p = orig + h
	net.Forward(x, rows)
	up := net.Loss(t)
	*p = orig - h
	net.Forward(x, rows)
	down := net.Loss(t)
	*p = orig
	return (up - down) / (2 * h)
}

// TestGradientsMatchFiniteDifferences checks backpropagation against central differences for
// every activation, both losses and several depths: the number a user trusts when a network
// learns.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	cases := []struct {
		hidden, output Activation
		loss           Loss
		sizes          string
	}{
		{Sigmoid, Sigmoid, MSE, "3-4-2"},
		{Tanh, Linear, MSE, "3-5-4-2"},
		{ReLU, Sigmoid, MSE, "4-6-5-5-3"},
		{LeakyReLU, Softmax, CrossEntropy, "3-4-4-3"},
		{ReLU, Softmax, CrossEntropy, "5-8-4"},
		{Sigmoid, Softmax, MSE, "3-4-3"},
		{Tanh, Sigmoid, CrossEntropy, "2-3-1"},
		{Linear, Tanh, MSE, "2-3-2"},
		{Sigmoid, LeakyReLU, MSE, "3-3-2"},
		{Tanh, ReLU, MSE, "3-4-2"},
		// Convolutions (valid and same padding, several channels) and max pooling.
		{Tanh, Softmax, CrossEntropy, "6x6-conv3x3x2-pool2-3"},
		{ReLU, Softmax, CrossEntropy, "7x7-conv3x3x3same-pool2-conv3x3x2same-4-3"},
		{Sigmoid, Sigmoid, MSE, "5x5x2-conv3x3x2-2"},
		{LeakyReLU, Softmax, CrossEntropy, "8x8-conv5x5x2same-pool3-3"},
		// Convolutions in groups (a merged vote's): after another, over an image's own
		// channels, and one filter a channel.
		{ReLU, Softmax, CrossEntropy, "7x7-conv3x3x4same-pool2-conv3x3x6same/2-4-3"},
		{Tanh, Sigmoid, MSE, "5x5x2-conv3x3x4/2-2"},
		{Sigmoid, Softmax, CrossEntropy, "6x6x3-conv3x3x3same/3-conv3x3x6/3-pool2-3"},
		// Dense layers in groups: over the inputs, over another layer, over every pixel's
		// channels after convolutions.
		{Tanh, Sigmoid, MSE, "6-4/2-3"},
		{ReLU, Softmax, CrossEntropy, "4-6-4/2-3"},
		{LeakyReLU, Softmax, CrossEntropy, "6x6x2-conv3x3x4same/2-pool2-4/2-6/2-3"},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s-%s-%s-%s", c.sizes, c.hidden, c.output, c.loss)
		t.Run(name, func(t *testing.T) {
			arch, err := ParseArchitecture(c.sizes, c.hidden, c.output, c.loss)
			if err != nil {
				t.Fatal(err)
			}
			net, err := New(arch, Init{Kind: Xavier}, 7)
			if err != nil {
				t.Fatal(err)
			}
			rng := NewTestRand(3)
			for _, p := range net.Params() {
				if !p.Decays { // biases: not all zero, so every path matters
					for i := range p.Value {
						p.Value[i] = float32(rng.Float64() - 0.5)
					}
				}
			}
			const rows = 3
			x := make([]float32, rows*arch.Inputs)
			for i := range x {
				x[i] = float32(2*rng.Float64() - 1)
			}
			out := arch.Outputs()
			tg := make([]float32, rows*out)
			for r := range rows {
				if c.loss == CrossEntropy && c.output == Softmax {
					tg[r*out+rng.IntN(out)] = 1
				} else {
					for j := range out {
						tg[r*out+j] = float32(rng.Float64())
					}
				}
			}
			net.Forward(x, rows)
			net.Backward(tg)
			checked := 0
			for pi, p := range net.Params() {
				for i := range p.Value {
					// Skip only a parameter whose difference step moves some ReLU sum
					// across its kink, or changes a pooling window's winner: there no
					// derivative matches the difference.
					if crossesKink(net, x, rows, &p.Value[i]) {
						continue
					}
					want := numericGradient(net, x, tg, rows, &p.Value[i])
					got := float64(p.Grad[i])
					if math.Abs(got-want) > 1e-4+1e-2*math.Abs(want) {
						t.Errorf("parameter tensor %d [%d]: backprop %.6f, finite differences %.6f", pi, i, got, want)
					}
					checked++
				}
			}
			if checked < arch.Parameters()/2 {
				t.Errorf("only %d of %d parameters checked", checked, arch.Parameters())
			}
		})
	}
}

// crossesKink reports whether moving *p by the difference step either way changes the sign of
// some ReLU-like weighted sum: then the loss has a kink inside the step.
func crossesKink(net *Network, x []float32, rows int, p *float32) bool {
	const h = 1e-2 // numericGradient's step
	signs := func() []bool {
		net.Forward(x, rows)
		var out []bool
		for _, f := range net.Features {
			switch f := f.(type) {
			case *Conv:
				if f.spec.Activation == ReLU || f.spec.Activation == LeakyReLU {
					for _, s := range f.sums {
						out = append(out, s > 0)
					}
				}
			case *Pool:
				for _, i := range f.argmax {
					for b := range 20 { // the winner's index, bit by bit
						out = append(out, i>>b&1 == 1)
					}
				}
			}
		}
		for _, d := range net.Layers {
			if d.Activation == ReLU || d.Activation == LeakyReLU {
				for _, s := range d.sums {
					out = append(out, s > 0)
				}
			}
		}
		return out
	}
	orig := *p
	defer func() { *p = orig }()
	at := signs()
	for _, v := range []float32{orig + h, orig - h} {
		*p = v
		for k, pos := range signs() {
			if pos != at[k] {
				return true
			}
		}
	}
	return false
}

// A slice gives each element the bits the element alone would get, whatever its neighbours:
// small and large sums take different roads through tanhSlice.
func TestTanhSliceMatchesElementwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	s := []float32{0, float32(math.Copysign(0, -1)), 0.625, -0.625, 0.62499997, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 40, -40}
	for range 5000 {
		s = append(s, float32(rng.NormFloat64()*[]float64{0.1, 1, 5}[rng.IntN(3)]))
	}
	y := make([]float32, len(s))
	tanhSlice(s, y)
	for i, v := range s {
		if want := tanh(v); math.Float32bits(y[i]) != math.Float32bits(want) {
			t.Fatalf("tanh of element %d (%v) in a slice is %v, alone %v", i, v, y[i], want)
		}
	}
}

func TestSigmoidAndTanhAreAccurate(t *testing.T) {
	for x64 := -30.0; x64 <= 30; x64 += 0.001 {
		x := float64(float32(x64))
		if got, want := float64(sigmoid(float32(x))), 1/(1+math.Exp(-x)); math.Abs(got-want)/want > 3e-7 {
			t.Fatalf("sigmoid(%v) = %v, want %v", x, got, want)
		}
		if got, want := float64(tanh(float32(x))), math.Tanh(x); math.Abs(got-want) > 5e-7*math.Max(math.Abs(want), 0.01) {
			t.Fatalf("tanh(%v) = %v, want %v", x, got, want)
		}
	}
}
