package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"somehow/api"
	"somehow/class"
	"somehow/core/mnist"
)

// startServer runs the real server binary on a free port with the class database at db.
func startServer(t *testing.T, bin, web, db string) (*exec.Cmd, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "-addr", addr, "-web", web, "-db", db)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + addr
	for range 200 {
		if res, err := http.Get(base + "/api/models"); err == nil {
			res.Body.Close()
			return cmd, base
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatal("the server did not start")
	return nil, ""
}

func post(t *testing.T, url, key string, body any, out any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body == nil {
		req.Body = http.NoBody
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode
}

// A drawing the server acknowledged to a phone is still there after the server is killed
// (SIGKILL: no shutdown, no flush) and started again on the same file.
func TestAnAcknowledgedDrawingSurvivesKillMinus9(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "serve")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	web := t.TempDir()
	os.WriteFile(filepath.Join(web, "playground.wasm"), []byte("\x00asm"), 0o644)
	db := filepath.Join(dir, "classes.db")
	cmd, base := startServer(t, bin, web, db)
	var o struct{ Code, Key string }
	if st := post(t, base+"/api/class", "", nil, &o); st != 201 {
		t.Fatalf("open: %d", st)
	}
	var dev class.Device
	post(t, base+"/api/class/"+o.Code+"/join", "", nil, &dev)
	var strokes [][]class.Point
	for _, s := range mnist.People(1, 3)[0].Strokes {
		strokes = append(strokes, s)
	}
	var acked []int64
	for i := range 10 {
		var d class.Drawing
		if st := post(t, base+"/api/class/"+o.Code+"/drawings", "", api.SendRequest{Device: dev.Token, Client: fmt.Sprint(i), Asked: class.Any, Said: new(int), Strokes: strokes}, &d); st != 201 {
			t.Fatalf("drawing %d: %d", i, st)
		}
		acked = append(acked, d.ID)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	_, base = startServer(t, bin, web, db)
	req, _ := http.NewRequest("GET", base+"/api/class/"+o.Code+"/drawings", nil)
	req.Header.Set("Authorization", "Bearer "+o.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var ch api.Changes
	json.NewDecoder(res.Body).Decode(&ch)
	if len(ch.Drawings) != len(acked) {
		t.Fatalf("after kill -9: %d drawings, %d were acknowledged", len(ch.Drawings), len(acked))
	}
	for i, d := range ch.Drawings {
		if d.ID != acked[i] || len(d.Strokes) != len(strokes) {
			t.Fatalf("drawing %d came back as %+v", acked[i], d)
		}
	}
}

// Listening on every address, the join links are this machine's own non-loopback IPv4
// addresses, private ones first; listening on localhost there are none (the page says so).
func TestLANLinks(t *testing.T) {
	if got := lanLinks(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})(nil); got != nil {
		t.Fatalf("on localhost: %v", got)
	}
	links := lanLinks(&net.TCPAddr{IP: net.IPv4zero, Port: 8080})(nil)
	addrs, _ := net.InterfaceAddrs()
	want := 0
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			want++
		}
	}
	if len(links) != want {
		t.Fatalf("%d links for %d addresses: %v", len(links), want, links)
	}
	for i, l := range links {
		host, port, err := net.SplitHostPort(strings.TrimPrefix(l, "http://"))
		ip := net.ParseIP(host)
		if err != nil || port != "8080" || ip == nil || ip.IsLoopback() {
			t.Fatalf("link %q", l)
		}
		if i > 0 && ip.IsPrivate() && !net.ParseIP(strings.Split(strings.TrimPrefix(links[i-1], "http://"), ":")[0]).IsPrivate() {
			t.Fatalf("a private address after a public one: %v", links)
		}
	}
	t.Logf("join links here: %v", links)
}
