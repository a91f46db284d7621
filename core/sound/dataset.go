package sound

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"somehow/core/mathf"
)

// Clip is one recording of a spoken digit, as its features: who said which digit (FSDD's file
// name, {digit}_{speaker}_{index}.mp3) and the spectrogram the network reads.
type Clip struct {
	Digit    int
	Speaker  string
	Index    int
	Features []float32 // Bands × Frames
}

// ParseName reads FSDD's file name {digit}_{speaker}_{index}.mp3.
func ParseName(name string) (digit int, speaker string, index int, err error) {
	base := strings.TrimSuffix(filepath.Base(name), ".mp3")
	parts := strings.Split(base, "_")
	if len(parts) != 3 {
		return 0, "", 0, fmt.Errorf("%s is not named {digit}_{speaker}_{index}.mp3", name)
	}
	digit, err1 := strconv.Atoi(parts[0])
	index, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || digit < 0 || digit > 9 || index < 0 || parts[1] == "" {
		return 0, "", 0, fmt.Errorf("%s is not named {digit}_{speaker}_{index}.mp3", name)
	}
	return digit, parts[1], index, nil
}

// ReadClip makes a Clip from an FSDD file's name and bytes.
func ReadClip(name string, mp3 []byte) (Clip, error) {
	digit, speaker, index, err := ParseName(name)
	if err != nil {
		return Clip{}, err
	}
	f, _, err := FeaturesMP3(mp3)
	if err != nil {
		return Clip{}, fmt.Errorf("%s: %w", name, err)
	}
	return Clip{Digit: digit, Speaker: speaker, Index: index, Features: f}, nil
}

// MaxBundleFiles bounds a bundle: FSDD has 2500 clips.
const MaxBundleFiles = 10000

// Bundle is a tar archive of FSDD's MP3 files (what `make fsdd` writes as assets/fsdd/fsdd.tar
// for the page), read a slice at a time: decoding 2500 clips takes over a minute in a browser's
// worker, which must answer in between.
type Bundle struct {
	names []string
	files [][]byte
	clips []Clip
}

// OpenBundle lists a bundle's MP3 files without decoding them.
func OpenBundle(b []byte) (*Bundle, error) {
	tr := tar.NewReader(bytes.NewReader(b))
	bd := &Bundle{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the FSDD bundle is damaged: %v", err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".mp3") {
			continue
		}
		if len(bd.names) >= MaxBundleFiles || h.Size > MaxMP3Bytes {
			return nil, errors.New("the FSDD bundle is larger than any this page reads")
		}
		data, err := io.ReadAll(io.LimitReader(tr, MaxMP3Bytes))
		if err != nil {
			return nil, fmt.Errorf("the FSDD bundle is damaged: %v", err)
		}
		bd.names, bd.files = append(bd.names, h.Name), append(bd.files, data)
	}
	if len(bd.names) == 0 {
		return nil, errors.New("the FSDD bundle holds no clips")
	}
	return bd, nil
}

// Limit keeps only the first n files (in the bundle's order), for a quicker test of a page.
func (bd *Bundle) Limit(n int) {
	if n > 0 && n < len(bd.names) {
		bd.names, bd.files = bd.names[:n], bd.files[:n]
	}
}

// Decode decodes clips until budget has passed (measured with now) or all are done.
func (bd *Bundle) Decode(budget time.Duration, now func() time.Time) error {
	start := now()
	for !bd.Done() && now().Sub(start) < budget {
		i := len(bd.clips)
		c, err := ReadClip(bd.names[i], bd.files[i])
		if err != nil {
			return err
		}
		bd.clips = append(bd.clips, c)
		bd.files[i] = nil // decoded: the bytes can go
	}
	return nil
}

// Done reports whether every clip is decoded; Decoded and Total count them.
func (bd *Bundle) Done() bool   { return len(bd.clips) == len(bd.names) }
func (bd *Bundle) Decoded() int { return len(bd.clips) }
func (bd *Bundle) Total() int   { return len(bd.names) }

// Clips are the decoded clips, sorted by speaker, digit and index.
func (bd *Bundle) Clips() []Clip {
	out := append([]Clip(nil), bd.clips...)
	sortClips(out)
	return out
}

func sortClips(clips []Clip) {
	sort.Slice(clips, func(i, j int) bool {
		a, b := clips[i], clips[j]
		if a.Speaker != b.Speaker {
			return a.Speaker < b.Speaker
		}
		if a.Digit != b.Digit {
			return a.Digit < b.Digit
		}
		return a.Index < b.Index
	})
}

// Dir finds FSDD's MP3 files: $SOMEHOW_FSDD, else assets/fsdd/mp3 in this checkout (copied there
// by make from ../shared/data/fsdd), looked for from the working folder upwards.
func Dir() (string, error) {
	if d := os.Getenv("SOMEHOW_FSDD"); d != "" {
		if !exists(d) {
			return "", errors.New(MissingFSDD)
		}
		return d, nil
	}
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				if d := filepath.Join(dir, "assets", "fsdd", "mp3"); exists(d) {
					return d, nil
				}
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "", errors.New(MissingFSDD)
}

// MissingFSDD says where FSDD is when it is not here.
const MissingFSDD = "the spoken digits (FSDD) are not here: `make fsdd` copies them from ../shared/data/fsdd, or see the README for making them from the Free Spoken Digit Dataset (16 kHz MP3)"

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// Load reads every clip in dir ("" = Dir()).
func Load(dir string) ([]Clip, error) {
	if dir == "" {
		var err error
		if dir, err = Dir(); err != nil {
			return nil, err
		}
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.mp3"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no MP3 files in %s", dir)
	}
	clips := make([]Clip, 0, len(names))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		c, err := ReadClip(n, b)
		if err != nil {
			return nil, err
		}
		clips = append(clips, c)
	}
	sortClips(clips)
	return clips, nil
}

// Speakers lists the speakers of clips, sorted.
func Speakers(clips []Clip) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range clips {
		if !seen[c.Speaker] {
			seen[c.Speaker] = true
			out = append(out, c.Speaker)
		}
	}
	sort.Strings(out)
	return out
}

// SplitFSDD is FSDD's own split: indices 0-4 of every digit and speaker are the test set.
func SplitFSDD(clips []Clip) (train, test []Clip) {
	for _, c := range clips {
		if c.Index < 5 {
			test = append(test, c)
		} else {
			train = append(train, c)
		}
	}
	return train, test
}

// LeaveOut tests on one speaker and trains on the others: how well a voice never heard is read.
func LeaveOut(clips []Clip, speaker string) (train, test []Clip) {
	for _, c := range clips {
		if c.Speaker == speaker {
			test = append(test, c)
		} else {
			train = append(train, c)
		}
	}
	return train, test
}

// Set is clips as a network's samples (nn.Samples). A training set can be augmented: each time a
// clip is read it comes out changed a little, as another voice or another take would change it,
// the same way for the same seed, epoch and clip, natively and in wasm.
type Set struct {
	Clips   []Clip
	Augment bool
	// Mix is the share of an augmented set's reads that come mixed with another clip (mixup):
	// up to MaxMixWeight of the other's spectrogram and of its digit in the target. A network
	// taught on such blends leans less on what tells four speakers apart (unseen speakers read
	// about two points better at ten epochs, on both seeds tried).
	Mix  float64
	Seed uint64
	// Epoch says which epoch is being read (Trainer.Epochs), for the augmentation.
	Epoch func() int
}

// MaxMixWeight is the most of another clip a mixed read holds.
const MaxMixWeight = 0.4

func (s *Set) Len() int        { return len(s.Clips) }
func (s *Set) InputSize() int  { return Bands * Frames }
func (s *Set) Label(i int) int { return s.Clips[i].Digit }

// Input writes clip i's features, augmented if the set is.
func (s *Set) Input(i int, x []float32) {
	if !s.Augment {
		copy(x, s.Clips[i].Features)
		return
	}
	Augment(x, s.Clips[i].Features, s.rand(i, 0))
	if j, w := s.partner(i); w > 0 {
		other := make([]float32, len(x))
		Augment(other, s.Clips[j].Features, s.rand(i, 1))
		for k, v := range other {
			x[k] = (1-w)*x[k] + w*v
		}
	}
}

// Target is clip i's target: its digit, or for a mixed read the two digits in the shares the
// spectrograms were mixed.
func (s *Set) Target(i int, t []float32) {
	clear(t)
	t[s.Clips[i].Digit] = 1
	if j, w := s.partner(i); w > 0 {
		t[s.Clips[i].Digit] -= w
		t[s.Clips[j].Digit] += w
	}
}

// rand is the random stream of clip i's read in this epoch: stream 0 changes the clip, stream 1
// the clip mixed into it, stream 2 picks that clip (so Input and Target agree on it).
func (s *Set) rand(i int, stream uint64) *rand.Rand {
	epoch := 0
	if s.Epoch != nil {
		epoch = s.Epoch()
	}
	return mathf.NewRand(s.Seed*0x9e3779b97f4a7c15 ^ uint64(epoch)*0xbf58476d1ce4e5b9 ^ uint64(i)*0x94d049bb133111eb ^ stream*0xd6e8feb86659fd93)
}

// partner is the clip mixed into clip i's read and its weight, 0 when the read is not mixed.
func (s *Set) partner(i int) (int, float32) {
	if !s.Augment || s.Mix <= 0 {
		return 0, 0
	}
	rng := s.rand(i, 2)
	if rng.Float64() >= s.Mix {
		return 0, 0
	}
	return rng.IntN(len(s.Clips)), float32(MaxMixWeight * rng.Float64())
}

// Augment writes into dst a changed copy of a spectrogram: shifted up or down by up to two mel
// bands (a higher or lower voice), stretched or squeezed in time by up to 15% (a slower or
// quicker word), with up to two bands and four frames masked (a noise, a dropped sound).
func Augment(dst, src []float32, rng *rand.Rand) {
	shift := rng.IntN(5) - 2
	stretch := 0.85 + 0.3*rng.Float64()
	for b := range Bands {
		sb := min(max(b-shift, 0), Bands-1)
		for f := range Frames {
			// Stretch about the middle frame.
			p := (float64(f)-float64(Frames-1)/2)/stretch + float64(Frames-1)/2
			p = min(max(p, 0), float64(Frames-1))
			j := int(p)
			t := float32(p - float64(j))
			v := src[sb*Frames+j]
			if j+1 < Frames {
				v = v*(1-t) + src[sb*Frames+j+1]*t
			}
			dst[b*Frames+f] = v
		}
	}
	if w := rng.IntN(3); w > 0 {
		b0 := rng.IntN(Bands - w)
		for b := b0; b < b0+w; b++ {
			for f := range Frames {
				dst[b*Frames+f] = 0
			}
		}
	}
	if w := rng.IntN(5); w > 0 {
		f0 := rng.IntN(Frames - w)
		for b := range Bands {
			for f := f0; f < f0+w; f++ {
				dst[b*Frames+f] = 0
			}
		}
	}
}
