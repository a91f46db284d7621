package mathf

import (
	"math"
	"testing"
)

// Exp and Log must agree with package math to float32 precision across the range networks use.
func TestExpLogMatchMath(t *testing.T) {
	for x := -103.0; x <= 88.5; x += 0.0137 {
		got, want := float32(Exp(x)), float32(math.Exp(x))
		if want != 0 && math.Abs(float64(got-want))/float64(want) > 2e-7 {
			t.Fatalf("Exp(%v) = %v, math.Exp gives %v", x, got, want)
		}
	}
	for x := 1e-30; x < 1e30; x *= 1.37 {
		got, want := Log(x), math.Log(x)
		if math.Abs(got-want) > 1e-7*math.Max(1, math.Abs(want)) {
			t.Fatalf("Log(%v) = %v, math.Log gives %v", x, got, want)
		}
	}
	if Exp(1000) != math.Inf(1) || Exp(-1000) != 0 || !math.IsInf(Log(0), -1) || !math.IsNaN(Log(-1)) {
		t.Error("Exp/Log edge cases")
	}
}

func TestNormalHasUnitVariance(t *testing.T) {
	rng := NewRand(1)
	var s, s2 float64
	const n = 200000
	for range n {
		v := Normal(rng)
		s += v
		s2 += v * v
	}
	mean, variance := s/n, s2/n-(s/n)*(s/n)
	if math.Abs(mean) > 0.01 || math.Abs(variance-1) > 0.02 {
		t.Errorf("mean %.4f variance %.4f, want 0 and 1", mean, variance)
	}
}
