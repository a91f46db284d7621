package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The class scenarios: students (one phone each) behind one school address sending drawings and
// polling for their own, and a projector per class on its event stream. Measured: p50/p99 of a
// send, how long a drawing takes from the phone's Send to the projector, the server's memory;
// and the same with one address flooding the server meanwhile, at floodRate requests a second
// (a misbehaving script on the school's network; unbounded, the flooding goroutines of this tool
// take the CPU the server needs, on the same two cores, and the run measures the machine).

// sevenStrokes is a 7 on the pad (pad pixels), as a phone sends it.
var sevenStrokes = [][][2]float64{{{70, 56}, {110, 56}, {150, 56}, {210, 56}}, {{210, 56}, {180, 130}, {150, 200}, {126, 238}}}

type classResult struct {
	sends, refused, errors int
	p50, p99               float64 // a send's answer, ms
	seenP50, seenP99       float64 // Send → on the projector, ms
	unseen                 int     // acknowledged, never on the projector
	maxMB                  float64
	polls                  int
}

// classLoad runs classes classes of students each for d: each phone sends a 7 every sendEvery
// (a random start) and asks for its own drawings every 2.5 s, like the page; with flood, one
// other address sends as fast as 64 connections can (joins, wrong codes, sends to its own class).
func classLoad(base string, classes, students int, sendEvery, d time.Duration, floodRate int, pid int) (classResult, error) {
	type room struct{ code, key string }
	rooms := make([]room, classes)
	for i := range rooms {
		// A teacher's own address (10 classes an address an hour).
		c := client(fmt.Sprintf("127.0.%d.%d", 20+i/200, 1+i%200))
		var o struct{ Code, Key string }
		if err := postJSON(c, base+"/api/class", nil, &o); err != nil {
			return classResult{}, fmt.Errorf("opening class %d: %w", i, err)
		}
		rooms[i] = room{o.Code, o.Key}
	}
	// Every class's phones share one address, as behind a school's NAT.
	type phone struct {
		room   int
		device string
		c      *http.Client
	}
	var phones []phone
	for i, r := range rooms {
		c := client(fmt.Sprintf("127.0.30.%d", 1+i%250))
		for range students {
			var dev struct{ Device string }
			if err := postJSON(c, base+"/api/class/"+r.code+"/join", nil, &dev); err != nil {
				return classResult{}, fmt.Errorf("joining: %w", err)
			}
			phones = append(phones, phone{i, dev.Device, c})
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	stopMem := watchMemory(pid)
	var mu sync.Mutex
	var lat []float64
	sentAt := map[string]time.Time{}
	var seen []float64
	var errs, refused, polls atomic.Int64
	var wg sync.WaitGroup
	// The projectors, on their event streams.
	for _, r := range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/class/"+r.code+"/events?after=0", nil)
			req.Header.Set("Authorization", "Bearer "+r.key)
			res, err := (&http.Client{}).Do(req)
			if err != nil {
				return
			}
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			sc.Buffer(nil, 8<<20)
			for sc.Scan() {
				line, ok := strings.CutPrefix(sc.Text(), "data: ")
				if !ok {
					continue
				}
				var ch struct {
					Drawings []struct{ Client string }
				}
				json.Unmarshal([]byte(line), &ch)
				now := time.Now()
				mu.Lock()
				for _, dr := range ch.Drawings {
					if t, ok := sentAt[dr.Client]; ok {
						seen = append(seen, float64(now.Sub(t).Microseconds())/1000)
						delete(sentAt, dr.Client)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for pi, p := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := rooms[p.room].code
			rng := rand.New(rand.NewPCG(uint64(pi), 7))
			nextSend := time.Now().Add(time.Duration(rng.Int64N(int64(sendEvery))))
			nextPoll := time.Now().Add(time.Duration(rng.Int64N(int64(2500 * time.Millisecond))))
			for n := 0; ctx.Err() == nil; {
				wait := min(time.Until(nextSend), time.Until(nextPoll))
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
				if time.Now().After(nextPoll) {
					req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/class/"+code+"/mine", nil)
					req.Header.Set("X-Somehow-Device", p.device)
					if res, err := p.c.Do(req); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						polls.Add(1)
					}
					nextPoll = nextPoll.Add(2500 * time.Millisecond)
					continue
				}
				client := fmt.Sprintf("p%d-%d", pi, n)
				n++
				body, _ := json.Marshal(map[string]any{"device": p.device, "client": client, "asked": 7, "strokes": sevenStrokes})
				t0 := time.Now()
				mu.Lock()
				sentAt[client] = t0
				mu.Unlock()
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/class/"+code+"/drawings", bytes.NewReader(body))
				res, err := p.c.Do(req)
				nextSend = nextSend.Add(sendEvery)
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
					}
					mu.Lock()
					delete(sentAt, client)
					mu.Unlock()
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				switch res.StatusCode {
				case 201:
					mu.Lock()
					lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
					mu.Unlock()
				case 429:
					refused.Add(1)
					mu.Lock()
					delete(sentAt, client)
					mu.Unlock()
				default:
					errs.Add(1)
					mu.Lock()
					delete(sentAt, client)
					mu.Unlock()
				}
			}
		}()
	}
	if floodRate > 0 {
		var f struct{ Code string }
		const conns = 64
		fc := client("127.0.40.1")
		fc.Transport.(*http.Transport).MaxIdleConnsPerHost = conns // keep-alive, as a script would
		postJSON(fc, base+"/api/class", nil, &f)
		pause := time.Duration(float64(conns) / float64(floodRate) * float64(time.Second))
		for i := range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := time.Now()
				for k := 0; ctx.Err() == nil; k++ {
					next = next.Add(pause)
					time.Sleep(time.Until(next))
					var url string
					var body []byte
					switch k % 3 {
					case 0:
						url = base + "/api/class/" + f.Code + "/join"
					case 1:
						url = fmt.Sprintf("%s/api/class/ZZ%04d", base, (i*7919+k)%10000)
					default:
						url = base + "/api/class/" + f.Code + "/drawings"
						body, _ = json.Marshal(map[string]any{"device": "nobody", "client": fmt.Sprint(k), "asked": 7, "strokes": sevenStrokes})
					}
					method := "POST"
					if k%3 == 1 {
						method = "GET"
					}
					req, _ := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
					if res, err := fc.Do(req); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				}
			}()
		}
	}
	wg.Wait()
	r := classResult{maxMB: stopMem(), errors: int(errs.Load()), refused: int(refused.Load()), polls: int(polls.Load())}
	sort.Float64s(lat)
	sort.Float64s(seen)
	r.sends = len(lat)
	if n := len(lat); n > 0 {
		r.p50, r.p99 = lat[n/2], lat[min(n-1, n*99/100)]
	}
	if n := len(seen); n > 0 {
		r.seenP50, r.seenP99 = seen[n/2], seen[min(n-1, n*99/100)]
	}
	// Sends still unanswered when the run ended are not counted as unseen.
	r.unseen = max(0, r.sends-len(seen))
	return r, nil
}

func postJSON(c *http.Client, url string, body any, out any) error {
	var rd io.Reader = http.NoBody
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	res, err := c.Post(url, "application/json", rd)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("%s: %d %s", url, res.StatusCode, b)
	}
	return json.NewDecoder(res.Body).Decode(out)
}

func classRuns(base string, each time.Duration, pid int) error {
	fmt.Println("classes: each phone sends a 7 every few seconds (below) and asks for its own drawings every 2.5 s, as the page does; a class's phones share one address; each class's projector follows its event stream")
	fmt.Printf("%-24s %7s %8s %8s %10s %10s %7s %8s %8s %9s\n", "run", "sends", "p50 ms", "p99 ms", "seen p50", "seen p99", "unseen", "refused", "errors", "server MB")
	for _, run := range []struct {
		name              string
		classes, students int
		every             time.Duration
		flood             int
	}{
		{"1 class × 200, 4 s", 1, 200, 4 * time.Second, 0},
		{"50 classes × 30, 10 s", 50, 30, 10 * time.Second, 0},
		{"the same + 2000/s flood", 50, 30, 10 * time.Second, 2000},
		{"the same + 5000/s flood", 50, 30, 10 * time.Second, 5000},
		{"50 classes × 30, 4 s", 50, 30, 4 * time.Second, 0},
	} {
		cpu0 := cpuSeconds(pid)
		r, err := classLoad(base, run.classes, run.students, run.every, each, run.flood, pid)
		if err != nil {
			return err
		}
		fmt.Printf("%-24s %7d %8.1f %8.1f %10.1f %10.1f %7d %8d %8d %9.0f   (%d polls, server CPU %.0f%%)\n", run.name, r.sends, r.p50, r.p99, r.seenP50, r.seenP99, r.unseen, r.refused, r.errors, r.maxMB, r.polls,
			100*(cpuSeconds(pid)-cpu0)/each.Seconds())
	}
	return nil
}
