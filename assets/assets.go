// Package assets holds the files the site ships that Go code needs too: the pretrained digit
// models, embedded so the edge worker and the local server answer the API with the same ones.
package assets

import "embed"

// Models are the pretrained models the API serves (see `make models` for how they are made):
// the paper's network and 784-128-10. The best MLP (784-800-10, 2.5 MB) is left to the page,
// which fetches it: embedded, it would push the edge worker past the 3 MB free-plan limit.
//
//go:embed models/paper.somehow models/fast.somehow
var Models embed.FS
