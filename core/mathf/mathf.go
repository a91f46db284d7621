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
	// Taylor series to r**8/8!: the next term is below 2e-10 relative for |r| <= 0.35, far
	// inside float32's 6e-8.
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+r*(1.0/40320))))))))
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

// Exp32 returns e**x in float32 arithmetic, within 2 ulp, +Inf above 88.72 and 0 below -87.3
// (no subnormals). Like Exp it gives the same bits on every platform (the float32 conversions
// forbid fused multiply-adds). For many values, Exp32Slice is faster.
func Exp32(x float32) float32 {
	v := [1]float32{x}
	Exp32Slice(v[:], v[:])
	return v[0]
}

// Exp32Slice sets dst[i] = Exp32(src[i]) for every i < len(src); dst may be src. Doing a whole
// slice in one call matters in WebAssembly, where Go's function calls are costly.
func Exp32Slice(dst, src []float32) {
	const (
		log2e32 = 1.4426950408889634
		ln2Hi32 = 0.693145751953125 // ln 2 to 16 bits: k*ln2Hi32 is exact
		ln2Lo32 = 1.428606765330187e-06
	)
	dst = dst[:len(src)]
	for i, x := range src {
		switch {
		case x != x:
			dst[i] = x
			continue
		case x > 88.72:
			dst[i] = float32(math.Inf(1))
			continue
		case x < -87.3:
			dst[i] = 0
			continue
		}
		kf := float32(x * log2e32)
		k := int32(kf + 0.5)
		if kf < -0.5 {
			k = int32(kf - 0.5)
		}
		fk := float32(k)
		r := float32(x - float32(fk*ln2Hi32))
		r = float32(r - float32(fk*ln2Lo32)) // |r| <= ln2/2
		// Taylor to r**7/7!: the next term is below 6e-9 relative. Estrin's scheme: short
		// independent chains instead of one long one, so the CPU overlaps them.
		r2 := float32(r * r)
		a := float32(1 + r)
		b := float32(0.5 + float32(r*(1.0/6)))
		c := float32(1.0/24 + float32(r*(1.0/120)))
		d := float32(1.0/720 + float32(r*(1.0/5040)))
		r4 := float32(r2 * r2)
		p := float32(float32(a+float32(r2*b)) + float32(r4*float32(c+float32(r2*d))))
		switch {
		case k > 127: // 2**k itself would overflow: apply it in two steps
			dst[i] = p * 2 * math.Float32frombits(uint32(k-1+127)<<23)
		case k < -126: // 2**k would be subnormal: apply it in two steps
			dst[i] = p * math.Float32frombits(uint32(k+126+127)<<23) * math.Float32frombits(1<<23)
		default:
			dst[i] = p * math.Float32frombits(uint32(k+127)<<23)
		}
	}
}
