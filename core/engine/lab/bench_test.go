package lab

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkTrainFrame is one animation frame of the lab at its heaviest everyday setting: both
// panes a 2-8-8-1 MLP on 500 points, one epoch each, the 100×100 heatmaps and the JSON reply (the bytes travel beside it);
// and the same with the network view the page asks for every sixth frame.
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
	for _, network := range []bool{false, true} {
		msg := fmt.Sprintf(`{"type":"train","epochs":1,"network":%v}`, network)
		b.Run(fmt.Sprintf("network=%v", network), func(b *testing.B) {
			for b.Loop() {
				reply, _, err := send(l, msg)
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
