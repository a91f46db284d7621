package nn_test

import (
	"bytes"
	"fmt"

	"somehow/core/data"
	"somehow/core/nn"
)

// The paper's MNIST network, written as its layer sizes.
func ExampleParseArchitecture() {
	arch, err := nn.ParseArchitecture("784-16-16-16-10", nn.ReLU, nn.Sigmoid, nn.MSE)
	if err != nil {
		panic(err)
	}
	fmt.Println(arch, "has", arch.Parameters(), "weights and biases")
	// Output: 784-16-16-16-10 has 13274 weights and biases
}

// A short training loop: a 2-4-1 network learns XOR, which no single line separates.
func ExampleTrainer() {
	xor, _ := data.Generate("xor", 200, 2, 0.05, 1)
	arch, _ := nn.ParseArchitecture("2-4-1", nn.Tanh, nn.Sigmoid, nn.CrossEntropy)
	net, _ := nn.New(arch, nn.Init{Kind: nn.Xavier}, 1)
	tr, _ := nn.NewTrainer(net, &nn.Optimizer{Kind: nn.SGD, LearningRate: 0.1, Momentum: 0.9}, 10, 1)
	for range 300 {
		if _, err := tr.Epoch(xor, nil); err != nil {
			panic(err)
		}
	}
	ev, _ := nn.Evaluate(net, xor)
	fmt.Println("accuracy above 95%:", ev.Accuracy() > 0.95)
	// Output: accuracy above 95%: true
}

// A model file round trip: Save writes the network with its architecture, Load checks and
// reads it back.
func ExampleLoad() {
	arch, _ := nn.ParseArchitecture("2-3-2", nn.ReLU, nn.Softmax, nn.CrossEntropy)
	net, _ := nn.New(arch, nn.Init{Kind: nn.He}, 7)
	var file bytes.Buffer
	if err := nn.Save(&file, "tiny", net); err != nil {
		panic(err)
	}
	m, err := nn.Load(&file)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Name, m.Net.Arch)
	_, err = nn.Load(bytes.NewReader([]byte("not a model")))
	fmt.Println(err != nil)
	// Output:
	// tiny 2-3-2
	// true
}
