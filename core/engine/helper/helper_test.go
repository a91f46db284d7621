package helper

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"somehow/core/nn"
)

// A helper's answer is the shards' gradient the leader would compute itself, and a job that does
// not add up is refused with a sentence.
func TestHelperAnswersTheShardsGradient(t *testing.T) {
	arch, err := nn.ParseArchitecture("3-5-2", nn.Tanh, nn.Softmax, nn.CrossEntropy)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(arch, nn.Init{Kind: nn.Xavier}, 9)
	if err != nil {
		t.Fatal(err)
	}
	weights := make([]float32, net.ParameterCount())
	net.WeightsInto(weights)
	const batch = 10
	lo, hi := nn.ShardRows(batch, 2, 2)
	x := make([]float32, (hi-lo)*3)
	tg := make([]float32, (hi-lo)*2)
	for i := range x {
		x[i] = float32(i%7) / 7
	}
	for r := range hi - lo {
		tg[r*2+r%2] = 1
	}
	want := make([]float32, net.ParameterCount())
	wantLoss := net.ShardGradient(x, tg, batch, 2, 2, want)

	archJSON, _ := json.Marshal(arch)
	body := func(first, count int) []byte {
		b, _ := json.Marshal(map[string]any{"page": "helper", "type": "gradient", "architecture": json.RawMessage(archJSON), "batch": batch, "first": first, "count": count})
		return b
	}
	bytes := map[string][]byte{"weights": nn.FloatBytes(weights), "inputs": nn.FloatBytes(x), "targets": nn.FloatBytes(tg)}
	h := New()
	for range 2 { // the second job reuses the network
		reply, out, err := h.Handle("gradient", body(2, 2), bytes)
		if err != nil {
			t.Fatal(err)
		}
		if got := reply.(Gradient).Loss; got != wantLoss {
			t.Fatalf("loss %v, want %v", got, wantLoss)
		}
		got, _ := nn.FloatsFromBytes(out["gradient"])
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("gradient %d: %v, want %v", i, got[i], want[i])
			}
		}
	}
	for _, c := range []struct {
		body  []byte
		bytes map[string][]byte
		want  string
	}{
		{body(1, 2), bytes, "not a part of"},
		{body(2, 2), map[string][]byte{"weights": bytes["weights"][:8], "inputs": bytes["inputs"], "targets": bytes["targets"]}, "parameters"},
		{body(2, 2), map[string][]byte{"weights": bytes["weights"], "inputs": bytes["inputs"][:12], "targets": bytes["targets"]}, "do not hold"},
		{body(2, 2), map[string][]byte{"weights": bytes["weights"][:7], "inputs": bytes["inputs"], "targets": bytes["targets"]}, "multiple of 4"},
		{[]byte(`{"architecture": {"inputs": 0}, "batch": 4, "first": 0, "count": 4}`), bytes, "input"},
	} {
		if _, _, err := h.Handle("gradient", c.body, c.bytes); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.body, err, c.want)
		}
	}
}
