package api

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"somehow/assets"

	"somehow/core/sound"
)

// hearingHandler serves the shipped models, the small listening model among them.
func hearingHandler(t *testing.T) (*Handler, bool) {
	t.Helper()
	h := handler(t)
	if h.hearing == nil {
		t.Fatal("the shipped models include no listening model")
	}
	return h, true
}

// One recording of each digit from FSDD's test split, a speaker each in turn, through the API:
// the small model reads 97% of the split, so at most one of the ten may be misheard.
func TestHearReadsASpokenDigit(t *testing.T) {
	h, shipped := hearingHandler(t)
	dir, err := sound.Dir()
	if err != nil {
		t.Skip(err)
	}
	speakers := []string{"george", "jackson", "lucas", "nicolas", "yweweler"}
	var wrong []string
	for d := range 10 {
		name := fmt.Sprintf("%d_%s_1.mp3", d, speakers[d%len(speakers)])
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Skip(err)
		}
		w := do(h, "POST", "/api/hear", "audio/mpeg", string(b))
		var p Prediction
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &p) != nil || len(p.Outputs) != 10 || p.Model != "listen" {
			t.Fatalf("%s: %d %s", name, w.Code, w.Body)
		}
		if p.Digit != d {
			wrong = append(wrong, fmt.Sprintf("%s as %d", name, p.Digit))
		}
	}
	if shipped && len(wrong) > 1 {
		t.Errorf("heard %d of 10 wrong: %s", len(wrong), strings.Join(wrong, ", "))
	}
}

func TestHearBadRequests(t *testing.T) {
	h, _ := hearingHandler(t)
	for _, c := range []struct {
		name, method, ctype, body string
		status                    int
		want                      string
	}{
		{"not mp3", "POST", "audio/mpeg", "this is not a recording", 400, "not an MP3"},
		{"empty", "POST", "audio/mpeg", "", 400, "empty"},
		{"json", "POST", "application/json", "{}", 415, "MP3 file"},
		{"huge", "POST", "audio/mpeg", strings.Repeat("x", sound.MaxMP3Bytes+1), 413, "over"},
		{"get", "GET", "", "", 405, "use POST"},
	} {
		w := do(h, c.method, "/api/hear", c.ctype, c.body)
		var e struct{ Error string }
		json.Unmarshal(w.Body.Bytes(), &e)
		if w.Code != c.status || !strings.Contains(e.Error, c.want) {
			t.Errorf("%s: %d %q, want %d mentioning %q", c.name, w.Code, e.Error, c.status, c.want)
		}
	}
	// Where no listening model is served, a sentence says so.
	digitsOnly := fstest.MapFS{}
	for _, name := range []string{"paper.somehow", "conv.somehow"} {
		b, err := fs.ReadFile(assets.Models, "models/"+name)
		if err != nil {
			t.Fatal(err)
		}
		digitsOnly[name] = &fstest.MapFile{Data: b}
	}
	deaf, err := New(digitsOnly)
	if err != nil {
		t.Fatal(err)
	}
	w := do(deaf, "POST", "/api/hear", "audio/mpeg", "x")
	if w.Code != http.StatusNotImplemented || !strings.Contains(w.Body.String(), "does not listen") {
		t.Errorf("without a listening model: %d %s", w.Code, w.Body)
	}
}

// An answer holding a number JSON cannot write is a 422 with a sentence, not an empty 200.
func TestANonFiniteAnswerIsASentence(t *testing.T) {
	w := httptest.NewRecorder()
	writeJSON(w, http.StatusOK, Prediction{Outputs: []float32{float32(math.Inf(1))}})
	var e struct{ Error string }
	if w.Code != http.StatusUnprocessableEntity || json.Unmarshal(w.Body.Bytes(), &e) != nil || !strings.Contains(e.Error, "overflowed") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}
