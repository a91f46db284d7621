// Package assets holds the files the site ships that Go code needs too: the pretrained digit
// models, embedded so the edge worker and the local server answer the API with the same ones.
package assets

import "embed"

// Models are the pretrained models the API serves (see `make models` for how they are made):
// the paper's network and the conv net the pad reads with. The best MLP (784-800-10, 2.5 MB) and
// 784-128-10 are left to the page: embedded too, they would push the edge worker past the free
// plan's 3 MB compressed limit (with the conv net it is about 2.7 MB).
//
//go:embed models/paper.somehow models/conv.somehow
var Models embed.FS
