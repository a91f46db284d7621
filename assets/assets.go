// Package assets holds the files the site ships that Go code needs too: the pretrained digit
// models, embedded so the edge worker and the local server answer the API with the same ones.
package assets

import "embed"

// Models are the pretrained models the API serves (see `make models` for how they are made):
// the paper's network, the conv net the pad reads with, and a small listening model for
// /api/hear (listen-small: 25 thousand weights, 98.8% of FSDD's test split; the page's listen
// model has 275 thousand). The best MLP (784-800-10, 2.5 MB), 784-128-10 and the page's listen
// model are left to the page: embedded too, they would push the edge worker past the free plan's
// 3 MB compressed limit (with these it is about 2.9 MB).
//
//go:embed models/paper.somehow models/conv.somehow models/listen-small.somehow
var Models embed.FS
