package lab

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkTrainFrame is one animation frame of the lab at its heaviest everyday setting: both
// panes a 2-8-8-1 MLP on 500 points, one epoch each, the 100×100 heatmaps and the JSON reply (the
// bytes travel beside it); the same with the network view the page asks for every sixth frame;
// and what each of the page's two workers is asked the other frames: its own pane, coarse.
func BenchmarkTrainFrame(b *testing.B) {
	l := New()
	if _, _, err := send(l, `{"type":"setData","data":{"kind":"xor","points":500,"classes":2,"noise":0.05,"testFraction":0.3,"seed":1}}`); err != nil {
		b.Fatal(err)
	}
	for i := range 2 {
		if _, _, err := send(l, fmt.Sprintf(`{"type":"setModel","pane":%d,"model":{"kind":"mlp","hidden":[8,8],"activation":"tanh","learningRate":0.1,"momentum":0.9,"batch":10,"seed":%d}}`, i, i+1)); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct{ name, msg string }{
		{"network=false", `{"type":"train","epochs":1,"network":false}`},
		{"network=true", `{"type":"train","epochs":1,"network":true}`},
		{"pane=coarse", `{"type":"train","epochs":1,"panes":[0],"coarse":true}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				reply, _, err := send(l, c.msg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(reply); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
