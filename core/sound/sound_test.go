package sound

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tone is seconds of a sine at hz, sampled at rate, with a little silence before and after.
func tone(hz float64, seconds float64, rate int) []float32 {
	n, pad := int(seconds*float64(rate)), rate/10
	x := make([]float32, n+2*pad)
	for i := range n {
		x[pad+i] = float32(0.5 * math.Sin(2*math.Pi*hz*float64(i)/float64(rate)))
	}
	return x
}

// What a microphone hears above 4 kHz (FSDD, recorded at 8 kHz, holds nothing there) leaves the
// picture as it was: a voiced sound with a loud 6 kHz whistle in it looks like the sound alone.
func TestSoundAbove4kHzIsNotSeen(t *testing.T) {
	voiced := glidingVoice()
	whistled := append([]float32(nil), voiced...)
	for i := range whistled {
		if s := float64(i) / float64(len(voiced)); s > 0.25 && s < 0.5 {
			// A hiss in the word's second quarter, as in "six", faded in and out.
			g := math.Sin(math.Pi * (s - 0.25) / 0.25)
			whistled[i] += float32(0.3 * g * g * math.Sin(2*math.Pi*6000*float64(i)/SampleRate))
		}
	}
	if d := largestChange(Spectrogram(voiced), Spectrogram(whistled)); d > 0.01 {
		t.Errorf("a 6 kHz whistle changed the spectrogram by up to %.3f (of a picture with standard deviation 1)", d)
	}
}

// Trimming finds the word by what is heard under 4 kHz: a loud whistle above it before the word
// (a hiss, a squeak of the microphone) is cut off with the silence, not kept as part of the word.
func TestTrimHearsUnder4kHz(t *testing.T) {
	word := glidingVoice()
	lead := SampleRate / 4
	x := make([]float32, lead+len(word))
	for i := range lead {
		g := math.Sin(math.Pi * float64(i) / float64(lead)) // faded in and out
		x[i] = float32(0.3 * g * g * math.Sin(2*math.Pi*6000*float64(i)/SampleRate))
	}
	copy(x[lead:], word)
	trimmed, err := Trim(x)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := Trim(word)
	if err != nil {
		t.Fatal(err)
	}
	if d := len(trimmed) - len(alone); d < 0 || d > 3*trimFrame {
		t.Errorf("the word alone trims to %d samples, after a 6 kHz whistle to %d: the whistle was kept", len(alone), len(trimmed))
	}
}

// A quiet room does not change the picture: the same word over a hiss 60 dB under it looks like
// the word over digital silence (FSDD's speakers each recorded in their own room and a network
// learnt their rooms' quiet detail).
func TestQuietRoomIsNotSeen(t *testing.T) {
	voiced := glidingVoice()
	roomy := append([]float32(nil), voiced...)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range roomy {
		roomy[i] += float32(5e-5 * rng.NormFloat64())
	}
	if d := largestChange(Spectrogram(voiced), Spectrogram(roomy)); d > 0.05 {
		t.Errorf("a hiss 60 dB under the word changed the spectrogram by up to %.3f (of a picture with standard deviation 1)", d)
	}
}

// glidingVoice is half a second of a voice gliding from 100 to 140 Hz, its harmonics falling
// off, swelling and fading.
func glidingVoice() []float32 {
	x := make([]float32, SampleRate/2)
	phase := 0.0
	for i := range x {
		s := float64(i) / float64(len(x))
		phase += 2 * math.Pi * (100 + 40*s) / SampleRate
		var v float64
		for k := 1.0; k < 30; k++ {
			v += 0.05 / k * math.Sin(k*phase)
		}
		x[i] = float32(v * math.Sin(math.Pi*s))
	}
	return x
}

func largestChange(a, b []float32) float64 {
	var worst float64
	for i := range a {
		worst = math.Max(worst, math.Abs(float64(a[i]-b[i])))
	}
	return worst
}

// The spectrogram of a pure tone puts its energy in the mel band that holds the tone's
// frequency, whatever the rate it was recorded at.
func TestToneLandsInItsBand(t *testing.T) {
	for _, c := range []struct {
		hz   float64
		rate int
	}{{300, 16000}, {1000, 48000}, {3000, 44100}, {3800, 16000}} {
		_, trimmed, err := Features(tone(c.hz, 0.5, c.rate), c.rate)
		if err != nil {
			t.Fatal(err)
		}
		f := LogMel(trimmed)
		if d := len(trimmed) - SampleRate/2; d < 0 || d > SampleRate/20 {
			t.Errorf("%g Hz: %d samples after trimming, want about %d", c.hz, len(trimmed), SampleRate/2)
		}
		loudest, best := -math.MaxFloat64, -1
		for b := range Bands {
			var sum float64
			for fr := range Frames {
				sum += float64(f[b*Frames+fr])
			}
			if sum > loudest {
				loudest, best = sum, b
			}
		}
		// The band whose centre is nearest the tone.
		want, nearest := -1, math.MaxFloat64
		for b, taps := range melFilter {
			var centre, weight float64
			for _, tp := range taps {
				centre += float64(tp.bin) * tp.weight
				weight += tp.weight
			}
			hz := centre / weight * SampleRate / window
			if d := math.Abs(hz - c.hz); d < nearest {
				nearest, want = d, b
			}
		}
		if best < want-1 || best > want+1 {
			t.Errorf("%g Hz at %d Hz: the loudest band is %d, the tone's is %d", c.hz, c.rate, best, want)
		}
	}
}

func TestBadSoundIsASentence(t *testing.T) {
	for name, c := range map[string]struct {
		b    []byte
		want string
	}{
		"empty":     {nil, "empty"},
		"not mp3":   {[]byte("hello, this is not an mp3 file at all"), "not an MP3"},
		"mpeg-2.5":  {append([]byte{0xff, 0xe2, 0x90, 0x64}, make([]byte, 400)...), "MPEG-2.5"},
		"too large": {make([]byte, MaxMP3Bytes+1), "at most"},
	} {
		_, _, err := FeaturesMP3(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
	if _, _, err := Features(make([]float32, 16000), 16000); err != ErrSilent {
		t.Errorf("silence: %v", err)
	}
	if _, _, err := Features(tone(440, 5, 16000), 16000); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("5 s: %v", err)
	}
	if _, _, err := Features([]float32{float32(math.NaN())}, 16000); err == nil {
		t.Error("NaN samples: no error")
	}
}

func fsddFile(t *testing.T, name string) []byte {
	dir, err := Dir()
	if err != nil {
		t.Skip(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Skip(err)
	}
	return b
}

// Decoding gives the same samples natively and in wasm: the hash is the same in both runs of
// this test (make test runs it natively and under js/wasm).
func TestDecodingIsTheSameEverywhere(t *testing.T) {
	samples, rate, err := DecodeMP3(fsddFile(t, "7_jackson_32.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	if rate != SampleRate || len(samples) < 8000 || len(samples) > 12000 {
		t.Fatalf("%d samples at %d Hz", len(samples), rate)
	}
	f, trimmed, err := Features(samples, rate)
	if err != nil {
		t.Fatal(err)
	}
	if len(trimmed) >= len(samples)-1000 {
		t.Errorf("trimming kept %d of %d samples: the encoder's silence is still there", len(trimmed), len(samples))
	}
	h := sha256.New()
	binary.Write(h, binary.LittleEndian, samples)
	binary.Write(h, binary.LittleEndian, f)
	got := fmt.Sprintf("%x", h.Sum(nil))[:16]
	const want = "aeb45d8f96c76e32"
	if got != want {
		t.Errorf("samples and features hash to %s, want %s (the same natively and in wasm)", got, want)
	}
}

// FuzzFeaturesMP3: any bytes give features or a sentence, never a panic or a hang.
func FuzzFeaturesMP3(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("ID3\x03\x00\x00\x00\x00\x00\x10"))
	f.Add(append([]byte{0xff, 0xf3, 0x64, 0xc4}, make([]byte, 200)...))
	f.Add(append([]byte{0xff, 0xe2, 0x90, 0x64}, make([]byte, 200)...))
	if dir, err := Dir(); err == nil {
		if b, err := os.ReadFile(filepath.Join(dir, "0_george_0.mp3")); err == nil {
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		feats, _, err := FeaturesMP3(b)
		if err != nil {
			if !strings.Contains(err.Error(), " ") {
				t.Fatalf("error %q is not a sentence", err)
			}
			return
		}
		if len(feats) != Bands*Frames {
			t.Fatalf("%d features", len(feats))
		}
		for _, v := range feats {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatal("a feature is not a number")
			}
		}
	})
}

// BenchmarkFeaturesMP3 is one FSDD clip from MP3 bytes to the network's input: decoding,
// trimming and the spectrogram.
func BenchmarkFeaturesMP3(b *testing.B) {
	dir, err := Dir()
	if err != nil {
		b.Skip(err)
	}
	mp3, err := os.ReadFile(filepath.Join(dir, "7_jackson_32.mp3"))
	if err != nil {
		b.Skip(err)
	}
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := DecodeMP3(mp3); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode+features", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := FeaturesMP3(mp3); err != nil {
				b.Fatal(err)
			}
		}
	})
}
