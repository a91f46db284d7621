package listen

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"somehow/core/nn"
	"strings"
	"testing"

	"somehow/core/sound"
	"somehow/core/sound/soundtest"
)

func TestHearAMicrophoneAndAFile(t *testing.T) {
	h := New(&nn.Team{})
	if _, _, err := h.Handle("hear", []byte(`{}`), map[string][]byte{"pcm": make([]byte, 400)}); err == nil || !strings.Contains(err.Error(), "no model") {
		t.Errorf("before a model: %v", err)
	}
	if _, _, err := h.Handle("loadModel", []byte(`{}`), map[string][]byte{"model": []byte("junk")}); err == nil {
		t.Error("a damaged model was taken")
	}
	// A model trained on another version of the spectrogram would misread every word.
	old, err := nn.Parse(soundtest.SmallModel())
	if err != nil {
		t.Fatal(err)
	}
	old.Sound = sound.Version + 1
	var file bytes.Buffer
	if err := nn.SaveModel(&file, old); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Handle("loadModel", []byte(`{}`), map[string][]byte{"model": file.Bytes()}); err == nil || !strings.Contains(err.Error(), "another spectrogram") {
		t.Errorf("a model of another spectrogram: %v", err)
	}
	if _, _, err := h.Handle("loadModel", []byte(`{}`), map[string][]byte{"model": soundtest.SmallModel()}); err != nil {
		t.Fatal(err)
	}
	// A microphone at 44.1 kHz: half a second of a 500 Hz tone between silences.
	rate := 44100
	var pcm bytes.Buffer
	for i := range rate {
		v := 0.0
		if i > rate/4 && i < 3*rate/4 {
			v = 0.3 * math.Sin(2*math.Pi*500*float64(i)/float64(rate))
		}
		binary.Write(&pcm, binary.LittleEndian, float32(v))
	}
	reply, out, err := h.Handle("hear", []byte(`{"rate":44100,"features":true}`), map[string][]byte{"pcm": pcm.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	heard := reply.(Heard)
	if len(heard.Outputs) != 10 || math.Abs(heard.Seconds-0.5) > 0.06 || len(out["spectrogram"]) != sound.Bands*sound.Frames ||
		len(out["waveform"]) != 2*WaveformPoints || len(heard.Stages) == 0 || len(out["features"]) == 0 {
		t.Errorf("heard %+v, bytes %d %d %d", heard, len(out["spectrogram"]), len(out["waveform"]), len(out["features"]))
	}
	if _, err := json.Marshal(reply); err != nil {
		t.Error(err)
	}
	for name, in := range map[string]map[string][]byte{
		"odd pcm":  {"pcm": make([]byte, 7)},
		"silence":  {"pcm": make([]byte, 4*16000)},
		"not mp3":  {"mp3": []byte("not an mp3")},
		"nothing":  {},
		"too long": {"pcm": make([]byte, MaxPCMBytes+4)},
	} {
		if _, _, err := h.Handle("hear", []byte(`{"rate":16000}`), in); err == nil || !strings.Contains(err.Error(), " ") {
			t.Errorf("%s: %v", name, err)
		}
	}
	dir, err := sound.Dir()
	if err != nil {
		t.Skip(err)
	}
	mp3, err := os.ReadFile(filepath.Join(dir, "5_nicolas_4.mp3"))
	if err != nil {
		t.Skip(err)
	}
	if _, out, err := h.Handle("hear", []byte(`{}`), map[string][]byte{"mp3": mp3}); err != nil || len(out["spectrogram"]) != sound.Bands*sound.Frames {
		t.Errorf("an FSDD recording: %v", err)
	}
	w, out, err := h.Handle("weights", []byte(`{}`), nil)
	if err != nil || w.(Weights).Count != 4 || len(out["weights"]) != 4*9 {
		t.Errorf("weights: %+v %v", w, err)
	}
}

// smallBundle is a tar of 200 FSDD clips: two speakers, ten digits, takes 0-9.
func smallBundle(t *testing.T) []byte {
	t.Helper()
	recs, err := soundtest.Recordings([]string{"george", "jackson"}, 10)
	if err != nil {
		t.Skip(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, r := range recs {
		tw.WriteHeader(&tar.Header{Name: "mp3/" + r.Name, Mode: 0o644, Size: int64(len(r.MP3))})
		tw.Write(r.MP3)
	}
	tw.Close()
	return buf.Bytes()
}

// Training in the page's worker, a slice at a time: the bundle decoded in slices, one speaker
// left out, epochs scored on their clips, and the trained network then listens.
func TestTrainInSlices(t *testing.T) {
	h := New(&nn.Team{})
	reply, _, err := h.Handle("loadFSDD", []byte(`{"budgetMs":5}`), map[string][]byte{"fsdd": smallBundle(t)})
	if err != nil {
		t.Fatal(err)
	}
	for l := reply.(FSDDLoaded); !l.Done; l = reply.(FSDDLoaded) {
		if l.Total != 200 || l.Decoded > 200 {
			t.Fatalf("loading: %+v", l)
		}
		if reply, _, err = h.Handle("loadFSDD", []byte(`{"budgetMs":50}`), nil); err != nil {
			t.Fatal(err)
		}
	}
	if l := reply.(FSDDLoaded); len(l.Speakers) != 2 {
		t.Fatalf("loaded: %+v", l)
	}
	if _, _, err := h.Handle("trainStart", []byte(`{"train":{"fold":"nobody","epochs":2}}`), nil); err == nil {
		t.Error("a speaker who is not there was left out")
	}
	reply, _, err = h.Handle("trainStart", []byte(`{"train":{"fold":"jackson","epochs":3,"seed":1}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := reply.(Progress)
	for i := 0; i < 1000 && !p.Finished; i++ {
		reply, _, err = h.Handle("trainSlice", []byte(`{"budgetMs":20}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		p = reply.(Progress)
	}
	if !p.Finished || len(p.History) != 3 || p.Held != 100 || p.Total != 100 {
		t.Fatalf("after training: %+v", p)
	}
	if last := p.History[2]; last.TrainLoss >= p.History[0].TrainLoss || last.Accuracy < 0.2 {
		t.Errorf("three epochs on 100 of george's clips: %+v", p.History)
	}
	if reply, _, err := h.Handle("useTrained", []byte(`{}`), nil); err != nil || reply.(Loaded).Parameters == 0 {
		t.Fatalf("useTrained: %v %+v", err, reply)
	}
	dir, _ := sound.Dir()
	mp3, _ := os.ReadFile(filepath.Join(dir, "3_jackson_7.mp3"))
	if _, _, err := h.Handle("hear", []byte(`{}`), map[string][]byte{"mp3": mp3}); err != nil {
		t.Errorf("the trained network does not listen: %v", err)
	}
}
