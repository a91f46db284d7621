package sound

import "testing"

// BenchmarkResample is two seconds of a 44.1 kHz microphone brought to 16 kHz.
func BenchmarkResample(b *testing.B) {
	x := tone(440, 2, 44100)
	for b.Loop() {
		Resample(x, 44100, SampleRate)
	}
}
