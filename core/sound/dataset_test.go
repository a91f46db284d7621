package sound

import (
	"math"
	"slices"
	"testing"
)

// A mixed read is two clips blended, and its target is their two digits in the same shares: the
// clip of digit d is d+1 everywhere, so a cell the augmentation did not mask reads Σ t[d]·(d+1).
// The same read comes out the same every time; an unaugmented set, or Mix 0, never mixes.
func TestMixedReadsBlendTwoClipsAndTheirDigits(t *testing.T) {
	var clips []Clip
	for d := range 10 {
		f := make([]float32, Bands*Frames)
		for k := range f {
			f[k] = float32(d + 1)
		}
		clips = append(clips, Clip{Digit: d, Features: f})
	}
	epoch := 0
	set := &Set{Clips: clips, Augment: true, Mix: 0.5, Seed: 7, Epoch: func() int { return epoch }}
	x, again := make([]float32, Bands*Frames), make([]float32, Bands*Frames)
	target := make([]float32, 10)
	mixed := 0
	for epoch = range 20 {
		for i := range clips {
			set.Input(i, x)
			set.Target(i, target)
			set.Input(i, again)
			if !slices.Equal(x, again) {
				t.Fatalf("epoch %d clip %d: two reads differ", epoch, i)
			}
			var sum, want float32
			for d, share := range target {
				sum += share
				want += share * float32(d+1)
			}
			if math.Abs(float64(sum-1)) > 1e-6 || target[i] < 1-MaxMixWeight-1e-6 {
				t.Fatalf("epoch %d clip %d: target %v", epoch, i, target)
			}
			if target[i] < 1 {
				mixed++
			}
			if v := mostCommon(x); math.Abs(float64(v-want)) > 1e-5 {
				t.Fatalf("epoch %d clip %d: the read is mostly %g, its target %v says %g", epoch, i, v, target, want)
			}
		}
	}
	// Half the reads are mixed, and a mixed read may draw its own clip (1 in 10).
	if mixed < 60 || mixed > 120 {
		t.Errorf("%d of 200 reads mixed, want about 90", mixed)
	}
	for _, s := range []*Set{{Clips: clips, Augment: true, Seed: 7}, {Clips: clips, Mix: 1, Seed: 7}} {
		for i := range clips {
			s.Target(i, target)
			s.Input(i, x)
			if target[i] != 1 || mostCommon(x) != float32(i+1) {
				t.Errorf("Augment %v, Mix %g: clip %d read as %g with target %v", s.Augment, s.Mix, i, mostCommon(x), target)
			}
		}
	}
}

func mostCommon(x []float32) float32 {
	count := map[float32]int{}
	best := x[0]
	for _, v := range x {
		if count[v]++; count[v] > count[best] {
			best = v
		}
	}
	return best
}
