package mnist

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"testing"

	"somehow/core/digit"
)

var update = flag.Bool("update", false, "write testdata/people.json anew from the generator")

// peopleGallery is the committed set of people's digits: strokes, not pixels, made once by
// People (go test ./core/mnist -run TestPeopleGallery -update), so that the measure stays put
// when the generator changes.
type peopleGallery struct {
	Note   string `json:"note"`
	Digits []struct {
		Style   string      `json:"style"` // "7 z crossed"
		Label   int         `json:"label"`
		Strokes [][]float64 `json:"strokes"` // x0, y0, x1, y1, ... in the pad's pixels
	} `json:"digits"`
}

const galleryPath = "testdata/people.json"

func styleName(s Style) string { return fmt.Sprintf("%d %s", s.Digit, s.Name) }

// The shipped reader reads each of people's styles of writing, as the committed gallery has
// them: a change that hurts one style fails here. The floors are what the reader shipped with
// reads, less a margin.
func TestPeopleGallery(t *testing.T) {
	if *update {
		var g peopleGallery
		g.Note = "made by mnist.People(8, 2026); strokes in the pad's pixels (280x280), one decimal"
		for _, d := range People(8, 2026) {
			var strokes [][]float64
			for _, s := range d.Strokes {
				var flat []float64
				for _, p := range s {
					flat = append(flat, math.Round(p[0]*10)/10, math.Round(p[1]*10)/10)
				}
				strokes = append(strokes, flat)
			}
			g.Digits = append(g.Digits, struct {
				Style   string      `json:"style"`
				Label   int         `json:"label"`
				Strokes [][]float64 `json:"strokes"`
			}{styleName(Styles[d.Style]), d.Label, strokes})
		}
		b, _ := json.Marshal(g)
		if err := os.WriteFile(galleryPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(galleryPath)
	if err != nil {
		t.Fatal(err)
	}
	var g peopleGallery
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	m := shippedModel(t, "conv")
	right, read := map[string]int{}, map[string]int{}
	total := 0
	for _, d := range g.Digits {
		var strokes []Stroke
		for _, flat := range d.Strokes {
			var s Stroke
			for i := 0; i+1 < len(flat); i += 2 {
				s = append(s, [2]float64{flat[i], flat[i+1]})
			}
			strokes = append(strokes, s)
		}
		r, err := ReadDrawing(m, digit.Gray(Ink(strokes)), PadSide, PadSide)
		read[d.Style]++
		if err == nil && r.Digit == d.Label {
			right[d.Style]++
			total++
		}
	}
	for _, s := range Styles {
		name := styleName(s)
		if read[name] == 0 {
			t.Errorf("the gallery has no %q: run the test with -update", name)
			continue
		}
		if share := float64(right[name]) / float64(read[name]); share < 0.75 {
			t.Errorf("%s: %d of %d read right", name, right[name], read[name])
		}
	}
	if share := float64(total) / float64(len(g.Digits)); share < 0.95 {
		t.Errorf("people's digits: %.1f%% read right", 100*share)
	}
	t.Logf("people's digits in the gallery: %d of %d read right", total, len(g.Digits))
}
