package mnist

import "testing"

func TestRealMNIST(t *testing.T) {
	train, test, err := Load("")
	if err != nil {
		t.Skip(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || train.Rows != 28 || train.Cols != 28 {
		t.Fatalf("train %d×%d×%d, test %d", train.Len(), train.Rows, train.Cols, test.Len())
	}
	// The well-known first labels of each set.
	if got := []int{train.Label(0), train.Label(1), train.Label(2)}; got[0] != 5 || got[1] != 0 || got[2] != 4 {
		t.Errorf("first training labels %v, want [5 0 4]", got)
	}
	if got := []int{test.Label(0), test.Label(1), test.Label(2)}; got[0] != 7 || got[1] != 2 || got[2] != 1 {
		t.Errorf("first test labels %v, want [7 2 1]", got)
	}
	zeros := 0
	for _, p := range train.Pixels {
		if p == 0 {
			zeros++
		}
	}
	if frac := float64(zeros) / float64(len(train.Pixels)); frac < 0.78 || frac > 0.84 {
		t.Errorf("%.1f%% of pixels are 0, expected about 81%%", 100*frac)
	}
	x := make([]float32, 784)
	train.Input(0, x)
	for _, v := range x {
		if v < 0 || v > 1 {
			t.Fatalf("pixel value %v outside [0, 1]", v)
		}
	}
}
