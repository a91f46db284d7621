package sentence

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestTruncateNeverSplitsACharacter(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{{"short", 10, "short"}, {"abcdef", 3, "abc…"}, {"ééé", 3, "é…"}, {"ééé", 4, "éé…"}} {
		if got := Truncate(c.in, c.n); got != c.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestJSONErrorsSpeakOfTheMessage(t *testing.T) {
	var v struct {
		Rate  float64 `json:"rate"`
		Seeds []int   `json:"seeds"`
	}
	for body, want := range map[string]string{
		`{"rate":`:        "the message is not valid JSON",
		`nonsense`:        "the message is not valid JSON",
		`{"rate":"fast"}`: `"rate" has the wrong kind of value (string): it must be a number`,
		`{"seeds":1}`:     `"seeds" has the wrong kind of value (number): it must be a list`,
		`[1]`:             "the message has a array where something else belongs",
	} {
		err := json.Unmarshal([]byte(body), &v)
		got, ok := JSON(err, "the message")
		if !ok || got != want {
			t.Errorf("%s: got %q (%v), want %q", body, got, ok, want)
		}
		if strings.Contains(got, "float64") || strings.Contains(got, "Go struct") {
			t.Errorf("%s: the sentence speaks Go: %q", body, got)
		}
	}
	if _, ok := JSON(errors.New("the learning rate must be above 0"), "the message"); ok {
		t.Error("an error that is not about JSON was rewritten")
	}
}
