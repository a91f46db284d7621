package mnist

import "testing"

// Ink draws every people's digit the conv preset trains on, and every drawing a class sends.
func BenchmarkInk(b *testing.B) {
	digits := People(1, 3)
	b.ResetTimer()
	for i := range b.N {
		Ink(digits[i%len(digits)].Strokes)
	}
}
