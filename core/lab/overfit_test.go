package lab

import (
	"fmt"
	"testing"
)

// The overfitting scene (web/state.js) must show its point whatever the seed: after 500 epochs
// the big network's test loss is well above its training loss and above the small network's.
func TestOverfittingSceneShowsReliably(t *testing.T) {
	for seed := 1; seed <= 5; seed++ {
		l := New()
		frame(t, l, fmt.Sprintf(`{"type":"setScene","data":{"kind":"circles","points":80,"classes":2,"noise":0.22,"testFraction":0.5,"seed":%d},"models":[`+
			`{"kind":"mlp","hidden":[3],"activation":"tanh","output":"sigmoid","loss":"crossentropy","init":"xavier","optimizer":"adam","learningRate":0.02,"batch":5,"seed":%d},`+
			`{"kind":"mlp","hidden":[16,16,16,16],"activation":"relu","output":"sigmoid","loss":"crossentropy","init":"he","optimizer":"adam","learningRate":0.01,"batch":5,"seed":%d}]}`, seed, seed, seed))
		var f Frame
		minBigTest := 1e9
		for range 50 {
			f = frame(t, l, `{"type":"train","epochs":10,"budgetMs":200}`)
			minBigTest = min(minBigTest, f.Panes[1].TestLoss)
		}
		small, big := f.Panes[0], f.Panes[1]
		if big.TestLoss < 3*big.TrainLoss || big.TestLoss < 2*minBigTest || big.TestLoss <= small.TestLoss {
			t.Errorf("seed %d, epoch %d: small train %.3f test %.3f; big train %.3f test %.3f (lowest %.3f): the big network does not clearly overfit",
				seed, big.Epoch, small.TrainLoss, small.TestLoss, big.TrainLoss, big.TestLoss, minBigTest)
		}
	}
}
