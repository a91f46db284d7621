// The playground page. It will talk to the Go core through a web worker (see worker.js, coming
// with the lab); for now it only says the page loaded.
document.documentElement.dataset.ready = "true";
