// Package sound turns a spoken digit into what a network reads, the same way for a recording and
// for a microphone: MP3 bytes (decoded by github.com/hajimehoshi/go-mp3) or raw PCM at any rate
// become mono samples at SampleRate, the silence around the word is trimmed, and the word becomes
// a log-mel spectrogram of Bands × Frames: a small picture of the sound, which the same kinds of
// networks that read digits (MLPs, conv nets) can read.
package sound

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/hajimehoshi/go-mp3"

	"somehow/core/mathf"
)

// The features' shape: Bands mel bands (rows, the lowest first) by Frames frames in time
// (columns). The network sees it as a Bands×Frames image.
const (
	SampleRate = 16000
	Bands      = 40
	Frames     = 32
	// MaxSeconds bounds a clip: a spoken digit takes about a second.
	MaxSeconds = 4
	// MaxMP3Bytes bounds an MP3 file (a 4 s clip at 320 kbit/s is 160 KB).
	MaxMP3Bytes = 1 << 20
	// Version is the features' version, written into every listening model file (nn.Model.Sound):
	// raise it whenever Features makes something else of the same sound (the trim, the bands,
	// the floor, the normalisation), and the models trained on the old features are refused by
	// Listens until they are trained again (make models), not misread.
	Version = 1
)

// Errors a person can act on.
var (
	ErrEmpty  = errors.New("the recording is empty")
	ErrSilent = errors.New("the recording is silent: nothing was heard above the noise")
)

// DecodeMP3 decodes an MP3 file into mono samples in [-1, 1] and their rate. It refuses bytes
// that are not MPEG-1 or MPEG-2 Layer III (go-mp3 cannot read MPEG-2.5, which an 8 kHz MP3 is),
// files over MaxMP3Bytes and clips over MaxSeconds, with a sentence.
func DecodeMP3(b []byte) (samples []float32, rate int, err error) {
	if len(b) == 0 {
		return nil, 0, ErrEmpty
	}
	if len(b) > MaxMP3Bytes {
		return nil, 0, fmt.Errorf("the file is %d KB; an MP3 of a spoken digit is at most %d KB", len(b)>>10, MaxMP3Bytes>>10)
	}
	defer func() {
		// go-mp3 is not written for hostile bytes: a damaged file must be an error, not a crash.
		if p := recover(); p != nil {
			samples, rate, err = nil, 0, errors.New("that is not an MP3 file that can be read (it is damaged)")
		}
	}()
	if mpeg25(b) {
		return nil, 0, errors.New("that MP3 is MPEG-2.5 (8 kHz or less), which cannot be read: convert it to 16 kHz (the README says how)")
	}
	d, err := mp3.NewDecoder(bytes.NewReader(b))
	if err != nil {
		return nil, 0, fmt.Errorf("that is not an MP3 file that can be read: %v", err)
	}
	rate = d.SampleRate()
	if rate < 8000 || rate > 48000 {
		return nil, 0, fmt.Errorf("the MP3's sample rate is %d Hz; it must be between 8000 and 48000", rate)
	}
	// go-mp3 gives 16-bit little-endian stereo, left then right.
	max := int64(MaxSeconds*rate) * 4
	pcm, err := io.ReadAll(io.LimitReader(d, max+4))
	if err != nil && len(pcm) == 0 {
		return nil, 0, fmt.Errorf("that MP3 could not be decoded: %v", err)
	}
	if int64(len(pcm)) > max {
		return nil, 0, fmt.Errorf("the recording is longer than %d seconds; a spoken digit takes about one", MaxSeconds)
	}
	n := len(pcm) / 4
	if n == 0 {
		return nil, 0, ErrEmpty
	}
	samples = make([]float32, n)
	for i := range n {
		l := int16(binary.LittleEndian.Uint16(pcm[4*i:]))
		r := int16(binary.LittleEndian.Uint16(pcm[4*i+2:]))
		samples[i] = (float32(l) + float32(r)) / 65536
	}
	return samples, rate, nil
}

// mpeg25 reports whether b's first MPEG audio frame header says MPEG-2.5 (go-mp3 would loop or
// fail on it), skipping an ID3v2 tag.
func mpeg25(b []byte) bool {
	i := 0
	if len(b) >= 10 && string(b[:3]) == "ID3" {
		size := int(b[6]&0x7f)<<21 | int(b[7]&0x7f)<<14 | int(b[8]&0x7f)<<7 | int(b[9]&0x7f)
		i = 10 + size
	}
	for ; i+1 < len(b) && i < 64<<10; i++ {
		if b[i] == 0xff && b[i+1]&0xe0 == 0xe0 {
			return b[i+1]&0x18 == 0 // version bits 00: MPEG-2.5
		}
	}
	return false
}

// Resample changes samples from one rate to another with a windowed-sinc filter: each output
// sample is the input's band-limited value at its time, cut off at the lower rate's Nyquist
// frequency, so a microphone's 44.1 or 48 kHz does not fold its high sounds into the bands that
// matter.
func Resample(x []float32, from, to int) []float32 {
	if from == to || len(x) == 0 {
		return append([]float32(nil), x...)
	}
	cutoff := 0.5 * float64(min(from, to)) / float64(from) // cycles per input sample
	half := int(math.Ceil(8 / (2 * cutoff)))               // the kernel's half-width, in input samples
	// The kernel at resamplePhases fractional offsets, made once a call: the sine and cosine stay
	// out of the per-sample loop (it took 57 ms for two seconds of 44.1 kHz sound, 2 ms now).
	taps := 2 * half
	table := make([]float32, (resamplePhases+1)*taps)
	for ph := 0; ph <= resamplePhases; ph++ {
		frac := float64(ph) / resamplePhases
		row := table[ph*taps : (ph+1)*taps]
		var sum float64
		for j := range row {
			t := frac + float64(half-1-j) // distance from the output's time to input c-half+1+j
			if math.Abs(t) >= float64(half) {
				continue
			}
			w := 2 * cutoff * sinc(2*cutoff*t) * (0.5 + 0.5*math.Cos(math.Pi*t/float64(half)))
			row[j], sum = float32(w), sum+w
		}
		for j := range row {
			row[j] /= float32(sum) // unity gain
		}
	}
	n := int(int64(len(x)) * int64(to) / int64(from))
	out := make([]float32, n)
	step := float64(from) / float64(to)
	for i := range out {
		p := float64(i) * step
		c := int(p)
		row := table[int(math.Round((p-float64(c))*resamplePhases))*taps:][:taps]
		var sum float32
		for j, w := range row {
			if k := c - half + 1 + j; k >= 0 && k < len(x) {
				sum += w * x[k]
			}
		}
		out[i] = sum
	}
	return out
}

// resamplePhases is how finely Resample's kernel is tabulated between two input samples.
const resamplePhases = 256

func sinc(t float64) float64 {
	if t == 0 {
		return 1
	}
	return math.Sin(math.Pi*t) / (math.Pi * t)
}

// trimFrame is the length of the frames silence is judged on: 10 ms.
const trimFrame = SampleRate / 100

// Trim cuts the silence before and after the loudest stretch of sound: frames of 10 ms whose
// loudness (RMS) under 4 kHz, where the spectrogram looks, is under a tenth of the loudest frame's
// count as silence, and 20 ms is kept on each side. A recording with nothing above the noise is
// ErrSilent. (Judged over every frequency, a hiss above 4 kHz as loud as the word hid where the
// word was, and FSDD's test split was read 58% right with it.)
func Trim(x []float32) ([]float32, error) {
	if len(x) == 0 {
		return nil, ErrEmpty
	}
	low := Resample(x, SampleRate, 2*int(melHigh))
	lowFrame := trimFrame * 2 * int(melHigh) / SampleRate
	frames := (len(x) + trimFrame - 1) / trimFrame
	rms := make([]float64, frames)
	loudest := 0.0
	for f := range frames {
		var sum float64
		seg := low[min(f*lowFrame, len(low)):min((f+1)*lowFrame, len(low))]
		if len(seg) == 0 {
			continue
		}
		for _, v := range seg {
			sum += float64(v) * float64(v)
		}
		rms[f] = math.Sqrt(sum / float64(len(seg)))
		loudest = math.Max(loudest, rms[f])
	}
	if loudest < 2e-3 || math.IsNaN(loudest) {
		return nil, ErrSilent
	}
	first, last := -1, -1
	for f, r := range rms {
		if r >= loudest/10 {
			if first < 0 {
				first = f
			}
			last = f
		}
	}
	start := max(0, (first-2)*trimFrame)
	end := min(len(x), (last+3)*trimFrame)
	return x[start:end], nil
}

// The spectrogram's frames: 32 ms windows, their spacing chosen so that Frames of them span the
// trimmed word (a slow and a quick "seven" give the same picture, stretched).
//
// The bands stop at 4 kHz because FSDD was recorded at 8 kHz: nothing it holds is higher, so a
// network trained on it has never seen sound there, and a microphone hears plenty (the hiss of
// "six", "seven", a room). With bands up to 8 kHz, hiss above 4 kHz as loud as the word took a
// network from 97% of FSDD's test split to about 50%; these bands do not see it.
const (
	window  = 512
	melLow  = 60.0   // Hz
	melHigh = 4000.0 // Hz
	// quietest is how far under the word's loudest the spectrogram reaches: 35 dB, in the
	// natural log of energy that LogMel gives (35 dB is a ratio of 10^3.5, e^8.06).
	quietest = 8
)

var (
	hann      = hannWindow(window)
	melFilter = melBank(Bands, window, SampleRate, melLow, melHigh)
)

// Spectrogram is the trimmed word's log-mel spectrogram, Bands × Frames, row by row (band 0, the
// lowest, first): floored 35 dB under its loudest, each band less its mean over the word, then
// normalised to mean 0 and standard deviation 1 so that a quiet and a loud voice look alike.
func Spectrogram(x []float32) []float32 {
	out := LogMel(x)
	// Nothing is quieter than quietest, 35 dB under the word's loudest cell: below that is the
	// room, the microphone and the encoder, which differ from one recording to the next and
	// say nothing about the word. (Without the floor, a network read the quiet detail of the
	// voices it was trained on: a speaker never heard was read 76% right; with it, 82%.)
	loudest := out[0]
	for _, v := range out {
		loudest = max(loudest, v)
	}
	for i, v := range out {
		out[i] = max(v, loudest-quietest)
	}
	// Each band less its mean over the word: what a voice or a microphone adds to a band
	// throughout (its colour) goes, what the word does over time stays. (A speaker never heard
	// was read 75-79% right with it after 10 epochs, 61% without after 5.)
	for b := range Bands {
		row := out[b*Frames : (b+1)*Frames]
		var mean float32
		for _, v := range row {
			mean += v
		}
		mean /= Frames
		for f := range row {
			row[f] -= mean
		}
	}
	normalise(out)
	return out
}

// LogMel is the word's log-mel energies, Bands × Frames as Spectrogram lays them out, before
// any normalising: the log of each band's energy in each frame.
func LogMel(x []float32) []float32 {
	out := make([]float32, Bands*Frames)
	hop := 0.0
	if len(x) > window {
		hop = float64(len(x)-window) / float64(Frames-1)
	}
	re, im := make([]float64, window), make([]float64, window)
	power := make([]float64, window/2+1)
	for f := range Frames {
		start := int(math.Round(float64(f) * hop))
		for i := range window {
			v := 0.0
			if start+i < len(x) {
				v = float64(x[start+i])
			}
			re[i], im[i] = v*hann[i], 0
		}
		fft(re, im)
		for k := range power {
			power[k] = re[k]*re[k] + im[k]*im[k]
		}
		for b := range Bands {
			var e float64
			for _, t := range melFilter[b] {
				e += power[t.bin] * t.weight
			}
			out[b*Frames+f] = float32(mathf.Log(e + 1e-6))
		}
	}
	return out
}

func normalise(v []float32) {
	var mean, sq float64
	for _, x := range v {
		mean += float64(x)
	}
	mean /= float64(len(v))
	for _, x := range v {
		sq += (float64(x) - mean) * (float64(x) - mean)
	}
	sd := math.Sqrt(sq/float64(len(v))) + 1e-6
	for i, x := range v {
		v[i] = float32((float64(x) - mean) / sd)
	}
}

// Features is the one road from sound to a network's input: samples at rate become mono at
// SampleRate, trimmed, then the spectrogram. It also returns the trimmed samples (the page draws
// them).
func Features(samples []float32, rate int) (features, trimmed []float32, err error) {
	if len(samples) == 0 {
		return nil, nil, ErrEmpty
	}
	if rate < 8000 || rate > 192000 {
		return nil, nil, fmt.Errorf("the sample rate must be between 8000 and 192000 Hz, not %d", rate)
	}
	if len(samples) > MaxSeconds*rate {
		return nil, nil, fmt.Errorf("the recording is longer than %d seconds; a spoken digit takes about one", MaxSeconds)
	}
	for _, v := range samples {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, nil, errors.New("the recording holds values that are not numbers")
		}
	}
	x := Resample(samples, rate, SampleRate)
	trimmed, err = Trim(x)
	if err != nil {
		return nil, nil, err
	}
	return Spectrogram(trimmed), trimmed, nil
}

// FeaturesMP3 is Features for an MP3 file.
func FeaturesMP3(b []byte) (features, trimmed []float32, err error) {
	samples, rate, err := DecodeMP3(b)
	if err != nil {
		return nil, nil, err
	}
	return Features(samples, rate)
}

func hannWindow(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1))
	}
	return w
}

type tap struct {
	bin    int
	weight float64
}

// melBank makes bands triangular filters, evenly spaced on the mel scale from low to high Hz,
// over the bins of an n-point FFT at rate.
func melBank(bands, n, rate int, low, high float64) [][]tap {
	// mathf's exp and log give the same bits natively and in wasm (the filters must match).
	mel := func(hz float64) float64 { return 2595 * mathf.Log(1+hz/700) / math.Ln10 }
	hz := func(m float64) float64 { return 700 * (mathf.Exp(m/2595*math.Ln10) - 1) }
	edges := make([]float64, bands+2)
	for i := range edges {
		edges[i] = hz(mel(low) + (mel(high)-mel(low))*float64(i)/float64(bands+1))
	}
	binHz := float64(rate) / float64(n)
	bank := make([][]tap, bands)
	for b := range bands {
		lo, mid, hi := edges[b], edges[b+1], edges[b+2]
		for k := 0; k <= n/2; k++ {
			f := float64(k) * binHz
			var w float64
			switch {
			case f > lo && f <= mid:
				w = (f - lo) / (mid - lo)
			case f > mid && f < hi:
				w = (hi - f) / (hi - mid)
			}
			if w > 0 {
				bank[b] = append(bank[b], tap{k, w})
			}
		}
		if len(bank[b]) == 0 { // a band narrower than a bin takes the nearest bin
			bank[b] = []tap{{int(math.Round(mid / binHz)), 1}}
		}
	}
	return bank
}

// fft transforms re + i·im in place (radix 2; len a power of two).
func fft(re, im []float64) {
	n := len(re)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		step := -2 * math.Pi / float64(size)
		for start := 0; start < n; start += size {
			for k := range size / 2 {
				c, s := math.Cos(step*float64(k)), math.Sin(step*float64(k))
				a, b := start+k, start+k+size/2
				tr := re[b]*c - im[b]*s
				ti := re[b]*s + im[b]*c
				re[b], im[b] = re[a]-tr, im[a]-ti
				re[a], im[a] = re[a]+tr, im[a]+ti
			}
		}
	}
}
