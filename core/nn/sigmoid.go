package nn

import (
	"math"

	"somehow/core/mathf"
)

// sigmoid is the logistic function 1/(1+e**-x), written so neither tail overflows.
func sigmoid(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + mathf.Exp(-float64(x))))
	}
	e := mathf.Exp(float64(x))
	return float32(e / (1 + e))
}

// tanh is the hyperbolic tangent, through exp so it is reproducible everywhere.
func tanh(x float32) float32 {
	a := math.Abs(float64(x))
	if a > 20 {
		return float32(math.Copysign(1, float64(x)))
	}
	e := mathf.Exp(2 * a)
	return float32(math.Copysign(1-2/(e+1), float64(x)))
}
