// Package mathf holds the few transcendental functions and the random source that Somehow's
// numbers depend on, written in plain Go so that a seed gives bit-identical networks natively and
// in js/wasm. (Package math uses assembly for Exp and Log on amd64 and Go elsewhere: the last bits
// can differ.)
package mathf

import (
	"math"
	"math/rand/v2"
)

// Exp and Log work in float64 and are exact to float32 precision.

const (
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	log2e = 1.44269504088896338700e+00
)

// Exp returns e**x, to float32 precision, with +Inf above the float32 range and 0 below it.
func Exp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 88.8:
		return math.Inf(1)
	case x < -104:
		return 0
	}
	k := math.Floor(x*log2e + 0.5)
	r := x - k*ln2Hi - k*ln2Lo // |r| <= ln2/2
	// Taylor series to r**11/11!: relative error below 1e-14 for |r| <= 0.35.
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+
		r*(1.0/40320+r*(1.0/362880+r*(1.0/3628800+r*(1.0/39916800)))))))))))
	return p * math.Float64frombits(uint64(int64(k)+1023)<<52)
}

// Log returns the natural logarithm of x to float32 precision; log(0) is -Inf, log(<0) is NaN.
func Log(x float64) float64 {
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	m, e := math.Frexp(x) // x = m * 2**e, m in [0.5, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	s := (m - 1) / (m + 1) // |s| <= 0.172
	s2 := s * s
	// atanh series: log(m) = 2(s + s³/3 + s⁵/5 + ...), to s**17.
	p := s * (2 + s2*(2.0/3+s2*(2.0/5+s2*(2.0/7+s2*(2.0/9+s2*(2.0/11+s2*(2.0/13+s2*(2.0/15+s2*2.0/17))))))))
	return p + float64(e)*ln2Hi + float64(e)*ln2Lo
}

// NewRand returns the random source Somehow uses everywhere: PCG, seeded, the same on every
// platform.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x536f6d65686f77)) // "Somehow"
}

// Normal draws from the standard normal distribution by the Box-Muller transform.
func Normal(rng *rand.Rand) float64 {
	u1 := 1 - rng.Float64() // (0, 1]: Log(0) never happens
	u2 := rng.Float64()
	return math.Sqrt(-2*Log(u1)) * math.Cos(2*math.Pi*u2)
}
