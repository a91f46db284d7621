package nn

import "somehow/core/mathf"

// The sigmoid and tanh of a whole slice at a time: in WebAssembly a Go function call per
// element costs more than the arithmetic, so the exp is done for the slice in one call
// (mathf.Exp32Slice) and the rest inline. The scalar forms go through the same code, so a
// neuron's output is the same bits however it is computed.

// sigmoidSlice sets y[i] = 1/(1+e**-s[i]), written so neither tail overflows. y must not
// overlap s.
func sigmoidSlice(s, y []float32) {
	y = y[:len(s)]
	for i, v := range s {
		if v > 0 {
			v = -v
		}
		y[i] = v // e**-|s|
	}
	mathf.Exp32Slice(y, y)
	for i, v := range s {
		e := y[i]
		if v >= 0 {
			y[i] = 1 / (1 + e)
		} else {
			y[i] = e / (1 + e)
		}
	}
}

// tanhSlice sets y[i] = tanh(s[i]). y must not overlap s.
func tanhSlice(s, y []float32) {
	y = y[:len(s)]
	// e**2|s| is needed only where |s| >= 0.625 (a series covers the rest, most of a trained
	// network's sums): those are gathered at the front of y, raised in one call, and read back
	// from the end, so that no value is overwritten before it is read.
	n := 0
	for _, v := range s {
		if a := abs32(v); !(a < 0.625) { // NaN too, as below
			y[n] = 2 * a
			n++
		}
	}
	mathf.Exp32Slice(y[:n], y[:n])
	for i := len(s) - 1; i >= 0; i-- {
		v := s[i]
		a := abs32(v)
		var t float32
		if a < 0.625 {
			// 1 - 2/(e+1) would cancel here. The odd Taylor series of tanh, to a**19 in
			// float64: its next term is below 1e-9 of the result for a < 0.625.
			x := float64(a)
			x2 := x * x
			t = float32(x * (1 + x2*(-1.0/3+x2*(2.0/15+x2*(-17.0/315+x2*(62.0/2835+x2*(-1382.0/155925+
				x2*(21844.0/6081075+x2*(-929569.0/638512875+x2*(6404582.0/10854718875+x2*(-443861162.0/1856156927625)))))))))))
		} else {
			n--
			t = 1 - 2/(y[n]+1)
		}
		if v < 0 {
			t = -t
		}
		y[i] = t
	}
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

func sigmoid(s float32) float32 {
	in, out := [1]float32{s}, [1]float32{}
	sigmoidSlice(in[:], out[:])
	return out[0]
}

func tanh(s float32) float32 {
	in, out := [1]float32{s}, [1]float32{}
	tanhSlice(in[:], out[:])
	return out[0]
}
