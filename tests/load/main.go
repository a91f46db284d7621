// Command load measures the local server under load, on loopback only: requests per second, p50
// and p99 of a small predict for good clients, and the server's memory, at concurrency 1, 8, 32
// and 128 with bad and slow clients mixed in, and at 32 with 8 or 32 addresses sending 300×300
// canvases; then a run of many slow-body connections, a flood of idle keep-alive connections
// from many addresses, and a crafted model (weights orthogonal to simple probes) given to the
// checkout's `somehow eval`; then classes (classes.go): one of 200 phones, 50 of 30, and 50 of 30
// with a flood from one address. Every loop is bounded in count and time. Not part of `make test`:
//
//	go run ./tests/load [-src .] [-web web] [-seconds 5] [-slow 2000] [-class-seconds 20] [-only classes]
//
// -src builds the server from another checkout (to measure a version before a change).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"somehow/core/nn"
)

func main() {
	src := flag.String("src", ".", "checkout to build the server from")
	web := flag.String("web", "web", "the page folder (with playground.wasm) the server serves")
	seconds := flag.Float64("seconds", 5, "seconds per concurrency level")
	slow := flag.Int("slow", 5000, "connections in the slow-body run, all from one address")
	slowSeconds := flag.Float64("slow-seconds", 20, "seconds of the slow-body run")
	classSeconds := flag.Float64("class-seconds", 20, "seconds of each class run")
	only := flag.String("only", "", `"classes": only the class runs`)
	flag.Parse()
	if err := run(*src, *web, time.Duration(*seconds*float64(time.Second)), *slow, time.Duration(*slowSeconds*float64(time.Second)),
		time.Duration(*classSeconds*float64(time.Second)), *only); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(src, web string, each time.Duration, slowConns int, slowFor, classFor time.Duration, only string) error {
	bin := filepath.Join(os.TempDir(), "somehow-load-server")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir, build.Stdout, build.Stderr = src, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	webAbs, _ := filepath.Abs(web)
	assets, _ := filepath.Abs(filepath.Join(src, "assets"))
	db, err := os.MkdirTemp("", "somehow-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(db)
	server := exec.Command(bin, "-addr", addr, "-web", webAbs, "-assets", assets, "-db", filepath.Join(db, "classes.db"))
	server.Stderr = io.Discard
	if err := server.Start(); err != nil {
		return err
	}
	defer server.Process.Kill()
	base := "http://" + addr
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(base + "/api/models"); err == nil {
			res.Body.Close()
			break
		}
		if time.Since(start) > 20*time.Second {
			return fmt.Errorf("the server did not start")
		}
	}
	fmt.Printf("server %s built from %s; %v per level\n", addr, src, each)
	if only == "classes" {
		return classRuns(base, classFor, server.Process.Pid)
	}
	fmt.Println("good clients: each its own address, a small predict every 50 ms; bad: as many clients on one address")
	fmt.Println("posting 512×512 canvases (0.5 MB) as fast as they can; slow: as many connections on one address sending a byte a second")
	fmt.Printf("%-5s %-9s %9s %8s %8s %8s %8s %9s %10s %10s\n", "conc", "with", "good/s", "p50 ms", "p99 ms", "errors", "limited", "bad sent", "server MB", "server CPU")
	for _, c := range []int{1, 8, 32, 128} {
		for _, mix := range []string{"", "bad", "slow", "bad+slow"} {
			cpu0 := cpuSeconds(server.Process.Pid)
			r := level(base, c, mix, each, server.Process.Pid)
			cpu := (cpuSeconds(server.Process.Pid) - cpu0) / each.Seconds()
			fmt.Printf("%-5d %-9s %9.0f %8.1f %8.1f %8d %8d %9d %10.0f %9.0f%%\n", c, or(mix, "-"), r.rps, r.p50, r.p99, r.errors, r.limited, r.bad, r.maxMB, 100*cpu)
		}
	}
	for _, addrs := range []int{8, 32} {
		mix := fmt.Sprintf("canvas×%d", addrs)
		cpu0 := cpuSeconds(server.Process.Pid)
		r := level(base, 32, mix, each, server.Process.Pid)
		cpu := (cpuSeconds(server.Process.Pid) - cpu0) / each.Seconds()
		fmt.Printf("%-5d %-9s %9.0f %8.1f %8.1f %8d %8d %9d %10.0f %9.0f%%\n", 32, mix, r.rps, r.p50, r.p99, r.errors, r.limited, r.bad, r.maxMB, 100*cpu)
	}
	r := slowRun(base, addr, slowConns, slowFor, server.Process.Pid)
	fmt.Printf("slow-body run: %d slow connections opened, the server held at most %d at once and cut %d; meanwhile %d of %d good requests succeeded, p99 %.1f ms; server %.0f MB\n",
		r.opened, r.held, r.cut, r.goodOK, r.goodTotal, r.p99, r.maxMB)
	f := idleFlood(base, addr, 70, 64, slowFor, server.Process.Pid)
	fmt.Printf("idle flood: %d keep-alive connections from 70 addresses (64 each), the server held at most %d; meanwhile %d of %d new good clients were answered, p99 %.1f ms, slowest %.0f ms\n",
		f.opened, f.held, f.goodOK, f.goodTotal, f.p99, f.slowest)
	fmt.Println("crafted model (784-1-10, weights orthogonal to blank, full and ramp inputs):", craftedModel(src))
	return classRuns(base, classFor, server.Process.Pid)
}

// smallPredict is the body of a small, good request: a 28×28 image.
var smallPredict = func() []byte {
	img := make([]float64, 784)
	for i := 100; i < 700; i += 29 {
		img[i] = 1
	}
	b, _ := json.Marshal(map[string]any{"image": img})
	return b
}()

// heavyBad is a request the server must refuse or work hard on: the largest canvas each version
// accepts or refuses (512×512 was accepted before the canvas cap).
var heavyBad = func() []byte {
	px := make([]byte, 0, 512*512*2)
	for i := 0; i < 512*512; i++ {
		if i%7 == 0 {
			px = append(px, '1', ',')
		} else {
			px = append(px, '0', ',')
		}
	}
	return []byte(`{"canvas":{"width":512,"height":512,"pixels":[` + string(px[:len(px)-1]) + `]}}`)
}()

// canvas300 is the largest canvas the server reads: 300×300 pixels, a good request that costs.
var canvas300 = func() []byte {
	px := make([]float64, 300*300)
	for y := 60; y < 240; y++ {
		for x := 140; x < 160; x++ {
			px[y*300+x] = 1
		}
	}
	b, _ := json.Marshal(map[string]any{"canvas": map[string]any{"width": 300, "height": 300, "pixels": px}})
	return b
}()

type result struct {
	rps, p50, p99, maxMB float64
	errors, limited, bad int
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// client makes an HTTP client whose connections come from the loopback address ip, so the
// server tells the clients apart as it would tell apart machines.
func client(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}}
}

// goodPause is the pause between a good client's requests: a person drawing is one request a
// stroke, so 20 a second is already a busy client.
const goodPause = 50 * time.Millisecond

func level(base string, conc int, mix string, each time.Duration, pid int) result {
	ctx, cancel := context.WithTimeout(context.Background(), each)
	defer cancel()
	var mu sync.Mutex
	var lat []float64
	var errors, limited, bad atomic.Int64
	var wg sync.WaitGroup
	stopMem := watchMemory(pid)
	for i := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(fmt.Sprintf("127.0.1.%d", 1+i%250))
			for ctx.Err() == nil {
				t0 := time.Now()
				res, err := c.Post(base+"/api/predict", "application/json", bytes.NewReader(smallPredict))
				if err != nil {
					if ctx.Err() == nil {
						errors.Add(1)
					}
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case 200:
					mu.Lock()
					lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
					mu.Unlock()
				case 429:
					limited.Add(1)
				default:
					errors.Add(1)
				}
				time.Sleep(goodPause)
			}
		}()
	}
	var canvasAddrs int
	fmt.Sscanf(mix, "canvas×%d", &canvasAddrs)
	for i := range canvasAddrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(fmt.Sprintf("127.0.11.%d", 1+i))
			for ctx.Err() == nil {
				res, err := c.Post(base+"/api/predict", "application/json", bytes.NewReader(canvas300))
				bad.Add(1)
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}
		}()
	}
	for range conc {
		if strings.Contains(mix, "bad") {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := client("127.0.2.1")
				for ctx.Err() == nil {
					res, err := c.Post(base+"/api/predict", "application/json", bytes.NewReader(heavyBad))
					bad.Add(1)
					if err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				}
			}()
		}
		if strings.Contains(mix, "slow") {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slowBody(ctx, strings.TrimPrefix(base, "http://"), "127.0.3.1")
			}()
		}
	}
	wg.Wait()
	maxMB := stopMem()
	sort.Float64s(lat)
	r := result{errors: int(errors.Load()), limited: int(limited.Load()), bad: int(bad.Load()), maxMB: maxMB}
	if n := len(lat); n > 0 {
		r.rps = float64(n) / each.Seconds()
		r.p50, r.p99 = lat[n/2], lat[min(n-1, n*99/100)]
	}
	return r
}

// slowBody opens a connection, promises a body and sends a byte a second until ctx ends or the
// server closes it; it reports whether the server cut it off.
func slowBody(ctx context.Context, addr, ip string) (opened, cut bool) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false, false
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		conn.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := conn.Write([]byte(" ")); err != nil {
			return true, true
		}
	}
	return true, false
}

type slowResult struct {
	opened, held, cut, goodOK, goodTotal int
	p99, maxMB                           float64
}

// slowRun opens n slow-body connections from one address and holds them for the run, while a
// good client from another address keeps asking.
func slowRun(base, addr string, n int, each time.Duration, pid int) slowResult {
	ctx, cancel := context.WithTimeout(context.Background(), each)
	defer cancel()
	stopMem := watchMemory(pid)
	stopConns := watchConnections(pid)
	var opened, cut atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, c := slowBody(ctx, addr, "127.0.4.1")
			if o {
				opened.Add(1)
			}
			if c {
				cut.Add(1)
			}
		}()
		if i%100 == 99 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	time.Sleep(time.Second)
	c := client("127.0.1.1")
	var lat []float64
	r := slowResult{}
	for ctx.Err() == nil {
		t0 := time.Now()
		res, err := c.Post(base+"/api/predict", "application/json", bytes.NewReader(smallPredict))
		r.goodTotal++
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				r.goodOK++
				lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()
	r.opened, r.cut, r.maxMB, r.held = int(opened.Load()), int(cut.Load()), stopMem(), stopConns()
	sort.Float64s(lat)
	if len(lat) > 0 {
		r.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return r
}

type floodResult struct {
	opened, held, goodOK, goodTotal int
	p99, slowest                    float64
}

// idleFlood opens perAddr keep-alive connections from each of addrs addresses, each asking once
// and then idling (asking again every 20 s, as a browser's keep-alive would be renewed), while
// new good clients (each a new connection from an address of its own) ask every 50 ms.
func idleFlood(base, addr string, addrs, perAddr int, each time.Duration, pid int) floodResult {
	ctx, cancel := context.WithTimeout(context.Background(), each)
	defer cancel()
	stopConns := watchConnections(pid)
	var opened atomic.Int64
	var wg sync.WaitGroup
	for a := range addrs {
		for range perAddr {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(fmt.Sprintf("127.0.12.%d", 1+a))}, Timeout: 2 * time.Second}
				conn, err := d.DialContext(ctx, "tcp", addr)
				if err != nil {
					return
				}
				defer conn.Close()
				opened.Add(1)
				br := bufio.NewReader(conn)
				for ctx.Err() == nil {
					conn.SetDeadline(time.Now().Add(5 * time.Second))
					if _, err := io.WriteString(conn, "GET /api/models HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
						return
					}
					res, err := http.ReadResponse(br, nil)
					if err != nil {
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					select {
					case <-ctx.Done():
					case <-time.After(20 * time.Second):
					}
				}
			}()
		}
	}
	time.Sleep(2 * time.Second)
	var lat []float64
	r := floodResult{}
	for i := 0; ctx.Err() == nil; i++ {
		c := client(fmt.Sprintf("127.0.13.%d", 1+i%250))
		c.Timeout = 20 * time.Second
		t0 := time.Now()
		res, err := c.Post(base+"/api/predict", "application/json", bytes.NewReader(smallPredict))
		r.goodTotal++
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == 200 {
				r.goodOK++
				lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
			}
		}
		c.CloseIdleConnections()
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	r.opened, r.held = int(opened.Load()), stopConns()
	sort.Float64s(lat)
	if n := len(lat); n > 0 {
		r.p99, r.slowest = lat[min(n-1, n*99/100)], lat[n-1]
	}
	return r
}

// craftedModel writes a 784-1-10 model whose hidden weights cancel on blank, full and ramp-like
// inputs but overflow on a drawn 1, and says what the checkout's `somehow eval` makes of it.
func craftedModel(src string) string {
	arch, err := nn.ParseArchitecture("784-1-10", nn.ReLU, nn.Softmax, nn.CrossEntropy)
	if err != nil {
		return err.Error()
	}
	net, err := nn.New(arch, nn.Init{Kind: nn.He}, 1)
	if err != nil {
		return err.Error()
	}
	for i := range net.Layers[0].Weights {
		switch i % 28 {
		case 10:
			net.Layers[0].Weights[i] = 1e37
		case 11:
			net.Layers[0].Weights[i] = -1e37
		default:
			net.Layers[0].Weights[i] = 0
		}
	}
	path := filepath.Join(os.TempDir(), "somehow-crafted.somehow")
	f, err := os.Create(path)
	if err != nil {
		return err.Error()
	}
	err = nn.Save(f, "crafted", net)
	f.Close()
	if err != nil {
		return err.Error()
	}
	cmd := exec.Command("go", "run", "./cmd/somehow", "eval", path)
	cmd.Dir = src
	out, _ := cmd.CombinedOutput()
	text := strings.TrimSpace(string(out))
	switch {
	case strings.Contains(text, "NaN"):
		return "loaded, and read as NaN: " + firstLine(text)
	case strings.Contains(text, "overflow"):
		return "refused: " + firstLine(text)
	}
	return firstLine(text)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// watchMemory samples the server's resident memory until the returned function is called,
// which returns the largest sample in MB.
func watchMemory(pid int) func() float64 {
	stop := watch(50*time.Millisecond, func() int64 {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		for _, line := range strings.Split(string(b), "\n") {
			var kb int64
			if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
				return kb
			}
		}
		return 0
	})
	return func() float64 { return float64(stop()) / 1024 }
}

// watchConnections samples how many sockets the server holds open until the returned function
// is called, which returns the largest sample less those it held at the start: what the server
// held of the connections opened meanwhile, not what clients opened.
func watchConnections(pid int) func() int {
	sockets := func() int64 {
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		n := int64(0)
		for _, fd := range fds {
			if target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name())); err == nil && strings.HasPrefix(target, "socket:") {
				n++
			}
		}
		return n
	}
	before := sockets()
	stop := watch(200*time.Millisecond, sockets)
	return func() int { return int(max(0, stop()-before)) }
}

// watch takes a sample every so often until the returned function is called, which returns the
// largest.
func watch(every time.Duration, sample func() int64) func() int64 {
	done := make(chan struct{})
	var most atomic.Int64
	go func() {
		for {
			if v := sample(); v > most.Load() {
				most.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(every):
			}
		}
	}()
	return func() int64 {
		close(done)
		return most.Load()
	}
}

// cpuSeconds is the CPU time the process has used so far (user and system), from /proc.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which is in parentheses and may hold spaces).
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	var user, sys float64
	fmt.Sscan(fields[11], &user)
	fmt.Sscan(fields[12], &sys)
	return (user + sys) / 100 // clock ticks; 100 a second on Linux
}
