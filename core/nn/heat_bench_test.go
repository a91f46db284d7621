package nn

import "testing"

func BenchmarkHeatmapForward(b *testing.B) {
	for _, act := range []Activation{Tanh, Linear, ReLU} {
		b.Run(act.String(), func(b *testing.B) {
			arch, _ := ParseArchitecture("2-8-8-1", act, Sigmoid, CrossEntropy)
			net, _ := New(arch, Init{Kind: Xavier}, 1)
			x := make([]float32, 20000)
			for i := range x {
				x[i] = float32(i%200)/100 - 1
			}
			for b.Loop() {
				net.Forward(x, 10000)
			}
		})
	}
}
