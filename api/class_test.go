package api

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"somehow/assets"
	"somehow/class"
	"somehow/core/data"
	"somehow/core/digit"
	"somehow/core/mnist"
)

// classServer is the API with classes kept in a real SQLite file, on a clock the test moves.
type classServer struct {
	t     testing.TB
	h     *Handler
	srv   *httptest.Server
	mu    sync.Mutex
	clock time.Time
}

func newClassServer(t testing.TB, events bool) *classServer {
	return newClassServerWith(t, ClassOptions{Events: events}, "")
}

// newClassServerWith serves classes kept in the SQLite file at path (a new one if "").
func newClassServerWith(t testing.TB, opts ClassOptions, path string) *classServer {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "classes.db")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cs := &classServer{t: t, clock: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	store, err := class.Open(context.Background(), db, cs.now)
	if err != nil {
		t.Fatal(err)
	}
	cs.h = handler(t)
	cs.h.EnableClasses(store, opts)
	cs.h.classes.busy.now = cs.now // a class's share of the server refills as the test's clock moves
	cs.srv = httptest.NewServer(cs.h)
	t.Cleanup(cs.srv.Close)
	return cs
}

func (cs *classServer) now() time.Time {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.clock
}

func (cs *classServer) wait(d time.Duration) {
	cs.mu.Lock()
	cs.clock = cs.clock.Add(d)
	cs.mu.Unlock()
}

// call sends a request and decodes a JSON answer into out (if not nil); it returns the status
// and the error sentence, if any.
func (cs *classServer) call(method, path, key string, body any, out any) (int, string) {
	cs.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, cs.srv.URL+path, rd)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cs.t.Fatal(err)
	}
	defer res.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(res.Body)
	var e struct {
		Error string `json:"error"`
	}
	json.Unmarshal(raw.Bytes(), &e)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw.Bytes(), out); err != nil {
			cs.t.Fatalf("%s %s: %v in %s", method, path, err, raw.String())
		}
	}
	return res.StatusCode, e.Error
}

type opened struct {
	Code  string   `json:"code"`
	Key   string   `json:"key"`
	Links []string `json:"links"`
}

func (cs *classServer) open() opened {
	var o opened
	if st, msg := cs.call("POST", "/api/class", "", nil, &o); st != http.StatusCreated {
		cs.t.Fatalf("opening a class: %d %s", st, msg)
	}
	return o
}

func (cs *classServer) join(code string) class.Device {
	var d class.Device
	if st, msg := cs.call("POST", "/api/class/"+code+"/join", "", nil, &d); st != http.StatusCreated {
		cs.t.Fatalf("joining: %d %s", st, msg)
	}
	return d
}

// people are digits drawn on the pad by made-up writers in people's styles (mnist.People), which
// the shipped reader reads right.
func people(t testing.TB) map[int][][]class.Point {
	out := map[int][][]class.Point{}
	for _, d := range mnist.People(1, 7) {
		if _, ok := out[d.Label]; ok {
			continue
		}
		st := make([][]class.Point, len(d.Strokes))
		for i, s := range d.Strokes {
			st[i] = s
		}
		out[d.Label] = st
	}
	return out
}

func TestAClassFromOpeningToClosing(t *testing.T) {
	cs := newClassServer(t, false)
	o := cs.open()
	if len(o.Code) != class.CodeLength || len(o.Key) != 32 {
		t.Fatalf("code %q, key %q: want a %d-letter code and a 128-bit key in hex", o.Code, o.Key, class.CodeLength)
	}
	if !strings.HasSuffix(o.Links[0], "/#class="+o.Code) {
		t.Fatalf("invite: links %v", o.Links)
	}
	var info ClassInfo
	// A code is read off a projector and typed on a phone: case and spaces do not matter.
	if st, msg := cs.call("GET", "/api/class/"+strings.ToLower(o.Code[:3])+"%20"+o.Code[3:], "", nil, &info); st != 200 || info.Asked != class.Any || info.Live != "poll" {
		t.Fatalf("class info: %d %s %+v", st, msg, info)
	}
	if st, _ := cs.call("PUT", "/api/class/"+o.Code+"/asked", o.Key, map[string]int{"digit": 7}, nil); st != 200 {
		t.Fatalf("asking for 7: %d", st)
	}
	digits := people(t)
	var phones []class.Device
	for range 3 {
		phones = append(phones, cs.join(o.Code))
	}
	if phones[0].Name == phones[1].Name || phones[0].Token == phones[1].Token {
		t.Fatalf("two phones share a name or a token: %+v", phones[:2])
	}
	// Each phone draws a 7; the reader reads it.
	for i, p := range phones {
		var d class.Drawing
		st, msg := cs.call("POST", "/api/class/"+o.Code+"/drawings", "", SendRequest{Device: p.Token, Client: fmt.Sprint("a", i), Asked: 7, Strokes: digits[7]}, &d)
		if st != http.StatusCreated || d.Digit != 7 || d.Said != 7 || d.Name != p.Name || len(d.Outputs) != 10 {
			t.Fatalf("phone %d sent a 7: %d %s %+v", i, st, msg, d)
		}
	}
	// A resend of the same drawing (its answer was lost) is the same drawing.
	var again class.Drawing
	cs.call("POST", "/api/class/"+o.Code+"/drawings", "", SendRequest{Device: phones[0].Token, Client: "a0", Asked: 7, Strokes: digits[7]}, &again)
	// Any digit: the student says which.
	three := 3
	var any class.Drawing
	if st, msg := cs.call("POST", "/api/class/"+o.Code+"/drawings", "", SendRequest{Device: phones[1].Token, Client: "b", Asked: class.Any, Said: &three, Strokes: digits[3]}, &any); st != 201 || any.Said != 3 || any.Digit != 3 {
		t.Fatalf("any digit, said 3: %d %s %+v", st, msg, any)
	}
	var ch Changes
	if st, msg := cs.call("GET", "/api/class/"+o.Code+"/drawings?after=0", o.Key, nil, &ch); st != 200 || len(ch.Drawings) != 4 || ch.Seq != 4 || ch.Asked != 7 {
		t.Fatalf("the projector's list: %d %s, %d drawings, seq %d, asked %d", st, msg, len(ch.Drawings), ch.Seq, ch.Asked)
	}
	if again.ID != ch.Drawings[0].ID {
		t.Errorf("a resend made drawing %d; the first was %d", again.ID, ch.Drawings[0].ID)
	}
	// Hiding: the projector hears of it (a later seq, no strokes), the phone no longer has it.
	if st, _ := cs.call("POST", fmt.Sprintf("/api/class/%s/drawings/%d/hide", o.Code, ch.Drawings[0].ID), o.Key, nil, nil); st != 200 {
		t.Fatalf("hide: %d", st)
	}
	var later Changes
	cs.call("GET", fmt.Sprintf("/api/class/%s/drawings?after=%d", o.Code, ch.Seq), o.Key, nil, &later)
	if len(later.Drawings) != 1 || !later.Drawings[0].Hidden || later.Drawings[0].Strokes != nil || later.Seq != 5 {
		t.Fatalf("after hiding, the projector got %+v", later)
	}
	req, _ := http.NewRequest("GET", cs.srv.URL+"/api/class/"+o.Code+"/mine", nil)
	req.Header.Set("X-Somehow-Device", phones[0].Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var mine struct {
		Drawings []class.Drawing `json:"drawings"`
	}
	json.NewDecoder(res.Body).Decode(&mine)
	res.Body.Close()
	if len(mine.Drawings) != 0 {
		t.Errorf("the phone still has its hidden drawing: %+v", mine.Drawings)
	}
	// Export: the three drawings not hidden, as MNIST's IDX files and strokes.
	get := func(format string) []byte {
		req, _ := http.NewRequest("GET", cs.srv.URL+"/api/class/"+o.Code+"/export?format="+format, nil)
		req.Header.Set("Authorization", "Bearer "+o.Key)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("export %s: %v %v", format, err, res.Status)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		return b.Bytes()
	}
	images, err := data.ReadIDX(bytes.NewReader(get("images")))
	if err != nil || fmt.Sprint(images.Dims) != "[3 28 28]" {
		t.Fatalf("images: %v %v", err, images)
	}
	labels, err := data.ReadIDX(bytes.NewReader(get("labels")))
	if err != nil || fmt.Sprint(labels.Data) != "[7 7 3]" {
		t.Fatalf("labels: %v %v", err, labels)
	}
	set, err := data.ReadMNIST(bytes.NewReader(get("images")), bytes.NewReader(get("labels")))
	if err != nil || set.Count != 3 {
		t.Fatalf("the IDX files as MNIST: %v", err)
	}
	rows, err := csv.NewReader(bytes.NewReader(get("strokes"))).ReadAll()
	if err != nil || len(rows) < 10 || strings.Join(rows[0], ",") != "drawing,device,asked,digit,read_as,time,stroke,x,y" {
		t.Fatalf("strokes CSV: %v, %d rows", err, len(rows))
	}
	examples, err := mnist.ReadExamples(get("examples"))
	if err != nil || len(examples) != 3 || examples[2].Writer != phones[1].Name {
		t.Fatalf("examples: %v %+v", err, examples)
	}
	// Closing: everything goes, and the code says so.
	if st, _ := cs.call("DELETE", "/api/class/"+o.Code, o.Key, nil, nil); st != 200 {
		t.Fatalf("close: %d", st)
	}
	if st, msg := cs.call("GET", "/api/class/"+o.Code, "", nil, nil); st != http.StatusGone || !strings.Contains(msg, "ended") {
		t.Fatalf("a closed class: %d %q", st, msg)
	}
	if st, _ := cs.call("POST", "/api/class/"+o.Code+"/drawings", "", SendRequest{Device: phones[2].Token, Client: "late", Asked: 7, Strokes: digits[7]}, nil); st != http.StatusGone {
		t.Fatalf("a drawing sent to a closed class: %d", st)
	}
	if st, _ := cs.call("GET", "/api/class/"+o.Code+"/drawings", o.Key, nil, nil); st != http.StatusGone {
		t.Fatalf("the teacher reading a closed class: %d", st)
	}
}

func TestWhoMayDoWhat(t *testing.T) {
	cs := newClassServer(t, false)
	o := cs.open()
	other := cs.open()
	phone := cs.join(o.Code)
	base := "/api/class/" + o.Code
	for _, c := range []struct{ method, path, key string }{
		{"GET", base + "/drawings", ""},
		{"GET", base + "/drawings", "0123456789abcdef0123456789abcdef"},
		{"GET", base + "/drawings", other.Key}, // another class's teacher
		{"GET", base + "/drawings", phone.Token},
		{"GET", base + "/export?format=images", ""},
		{"PUT", base + "/asked", other.Key},
		{"DELETE", base, phone.Token},
		{"POST", base + "/drawings/1/hide", ""},
	} {
		if st, msg := cs.call(c.method, c.path, c.key, `{"digit":3}`, nil); st != http.StatusForbidden || msg == "" {
			t.Errorf("%s %s with key %.8q: %d %q, want 403 with a sentence", c.method, c.path, c.key, st, msg)
		}
	}
	// A phone of one class cannot send to another.
	st, msg := cs.call("POST", "/api/class/"+other.Code+"/drawings", "", SendRequest{Device: phone.Token, Client: "x", Asked: 1, Strokes: people(t)[1]}, nil)
	if st != http.StatusForbidden || !strings.Contains(msg, "join") {
		t.Errorf("a phone sending to a class it did not join: %d %q", st, msg)
	}
}

func TestExpiredClassesSaySoAndTheirDrawingsGo(t *testing.T) {
	cs := newClassServer(t, false)
	o := cs.open()
	p := cs.join(o.Code)
	cs.call("POST", "/api/class/"+o.Code+"/drawings", "", SendRequest{Device: p.Token, Client: "x", Asked: 1, Strokes: people(t)[1]}, nil)
	cs.wait(class.Lifetime + time.Minute)
	if st, msg := cs.call("GET", "/api/class/"+o.Code, "", nil, nil); st != http.StatusGone || !strings.Contains(msg, "ended") {
		t.Fatalf("an expired class: %d %q", st, msg)
	}
	cs.open() // sweeps
	if st, _ := cs.call("GET", "/api/class/"+o.Code+"/export?format=strokes", o.Key, nil, nil); st != http.StatusGone {
		t.Fatalf("exporting an expired class: %d", st)
	}
	cs.wait(class.Lifetime)
	cs.open()
	if st, msg := cs.call("GET", "/api/class/"+o.Code, "", nil, nil); st != http.StatusNotFound || !strings.Contains(msg, "no class") {
		t.Fatalf("a class gone a day: %d %q", st, msg)
	}
}

func TestClassLimitsAndHostileBodies(t *testing.T) {
	cs := newClassServer(t, false)
	o := cs.open()
	p := cs.join(o.Code)
	seven := people(t)[7]
	send := func(body any) (int, string) {
		return cs.call("POST", "/api/class/"+o.Code+"/drawings", "", body, nil)
	}
	many := make([][]class.Point, class.MaxStrokes+1)
	for i := range many {
		many[i] = []class.Point{{10, 10}}
	}
	long := make([][]class.Point, 1)
	for range class.MaxPoints + 1 {
		long[0] = append(long[0], class.Point{1, 1})
	}
	for name, c := range map[string]struct {
		body any
		want int
	}{
		"off the pad":         {SendRequest{Device: p.Token, Client: "a", Asked: 7, Strokes: [][]class.Point{{{-5, 3}, {20, 20}}}}, 400},
		"far off the pad":     {`{"device":"` + p.Token + `","client":"a","asked":7,"strokes":[[[1e308,3]]]}`, 400},
		"too many strokes":    {SendRequest{Device: p.Token, Client: "a", Asked: 7, Strokes: many}, 400},
		"too many points":     {SendRequest{Device: p.Token, Client: "a", Asked: 7, Strokes: long}, 400},
		"empty":               {SendRequest{Device: p.Token, Client: "a", Asked: 7}, 400},
		"asked 12":            {SendRequest{Device: p.Token, Client: "a", Asked: 12, Strokes: seven}, 400},
		"any, not said":       {SendRequest{Device: p.Token, Client: "a", Asked: class.Any, Strokes: seven}, 400},
		"no client id":        {SendRequest{Device: p.Token, Asked: 7, Strokes: seven}, 400},
		"unknown field":       {`{"device":"` + p.Token + `","client":"a","asked":7,"strokes":[[[1,1]]],"html":"<b>"}`, 400},
		"not JSON":            {"<script>alert(1)</script>", 400},
		"no device":           {SendRequest{Client: "a", Asked: 7, Strokes: seven}, 403},
		"a name as HTML":      {SendRequest{Device: "<img src=x onerror=alert(1)>", Client: "a", Asked: 7, Strokes: seven}, 403},
		"a megabyte of noise": {strings.Repeat("[", 1<<20), 413},
	} {
		if st, msg := send(c.body); st != c.want || msg == "" {
			t.Errorf("%s: %d %q, want %d with a sentence", name, st, msg, c.want)
		}
	}
	// Per phone per minute.
	for i := range class.DrawingsPerDeviceMinute {
		if st, msg := send(SendRequest{Device: p.Token, Client: fmt.Sprint(i), Asked: 7, Strokes: seven}); st != 201 {
			t.Fatalf("drawing %d: %d %s", i, st, msg)
		}
	}
	if st, msg := send(SendRequest{Device: p.Token, Client: "one more", Asked: 7, Strokes: seven}); st != http.StatusTooManyRequests || !strings.Contains(msg, "minute") {
		t.Fatalf("past the phone's minute: %d %q", st, msg)
	}
	// ... while another phone of the same class (behind the same address) still sends.
	q := cs.join(o.Code)
	if st, msg := send(SendRequest{Device: q.Token, Client: "q", Asked: 7, Strokes: seven}); st != 201 {
		t.Fatalf("another phone: %d %s", st, msg)
	}
	cs.wait(time.Minute + time.Second)
	if st, msg := send(SendRequest{Device: p.Token, Client: "after a minute", Asked: 7, Strokes: seven}); st != 201 {
		t.Fatalf("a minute later: %d %s", st, msg)
	}
	// Classes per address per hour (this test already opened one).
	for i := 1; i < class.ClassesPerAddressHour; i++ {
		cs.open()
	}
	if st, msg := cs.call("POST", "/api/class", "", nil, nil); st != http.StatusTooManyRequests || !strings.Contains(msg, "hour") {
		t.Fatalf("one class too many: %d %q", st, msg)
	}
	// Guessing codes: after missesAllowed wrong ones, the address waits, even for a right one.
	for i := range missesAllowed {
		if st, _ := cs.call("GET", fmt.Sprintf("/api/class/ZZZZ%02d", i%100), "", nil, nil); st != http.StatusNotFound {
			t.Fatalf("a wrong code: %d", st)
		}
	}
	if st, msg := cs.call("GET", "/api/class/"+o.Code, "", nil, nil); st != http.StatusTooManyRequests || !strings.Contains(msg, "wrong class codes") {
		t.Fatalf("after %d wrong codes: %d %q", missesAllowed, st, msg)
	}
}

func TestAClassesDrawingsReachTheProjectorAsEvents(t *testing.T) {
	cs := newClassServer(t, true)
	o := cs.open()
	p := cs.join(o.Code)
	req, _ := http.NewRequest("GET", cs.srv.URL+"/api/class/"+o.Code+"/events?after=0", nil)
	req.Header.Set("Authorization", "Bearer "+o.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	events := make(chan Changes, 8)
	go func() {
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var ch Changes
				json.Unmarshal([]byte(line), &ch)
				events <- ch
			}
		}
		close(events)
	}()
	first := <-events
	if len(first.Drawings) != 0 || first.Code != o.Code {
		t.Fatalf("the stream's first event: %+v", first)
	}
	sent := time.Now()
	cs.call("POST", "/api/class/"+o.Code+"/drawings", "", SendRequest{Device: p.Token, Client: "x", Asked: 4, Strokes: people(t)[4]}, nil)
	select {
	case ch := <-events:
		if len(ch.Drawings) != 1 || ch.Drawings[0].Digit != 4 {
			t.Fatalf("the event after a drawing: %+v", ch)
		}
		t.Logf("a drawing reached the stream %v after it was sent", time.Since(sent))
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s of a drawing")
	}
}

func TestATaughtModelReadsTheClassesNextDrawings(t *testing.T) {
	cs := newClassServer(t, false)
	o := cs.open()
	p := cs.join(o.Code)
	// Any model file that reads digits: here the paper's network, which reads some of the
	// people's digits differently from the conv net.
	paper, err := assets.Models.ReadFile("models/paper.somehow")
	if err != nil {
		t.Fatal(err)
	}
	if st, msg := cs.call("PUT", "/api/class/"+o.Code+"/model", o.Key, []byte("not a model"), nil); st != 400 || msg == "" {
		t.Fatalf("a bad model: %d %q", st, msg)
	}
	var v struct {
		ModelVersion int `json:"modelVersion"`
	}
	if st, msg := cs.call("PUT", "/api/class/"+o.Code+"/model", o.Key, paper, &v); st != 200 || v.ModelVersion != 1 {
		t.Fatalf("a taught model: %d %q %+v", st, msg, v)
	}
	var info ClassInfo
	cs.call("GET", "/api/class/"+o.Code, "", nil, &info)
	if info.ModelVersion != 1 {
		t.Fatalf("the class's model version is %d", info.ModelVersion)
	}
	// The drawing is read by the paper's network now: its outputs are that network's.
	var d class.Drawing
	cs.call("POST", "/api/class/"+o.Code+"/drawings", "", SendRequest{Device: p.Token, Client: "x", Asked: 5, Strokes: people(t)[5]}, &d)
	want, err := cs.h.models["paper"].read(Input{Drawing: digit.Gray(mnist.Ink(strokesOf(people(t)[5]))), Width: mnist.PadSide, Height: mnist.PadSide})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(d.Outputs) != fmt.Sprint(want.Outputs) {
		t.Fatalf("read with %v, the paper's network says %v", d.Outputs, want.Outputs)
	}
}

func strokesOf(points [][]class.Point) []mnist.Stroke {
	st := make([]mnist.Stroke, len(points))
	for i, s := range points {
		st[i] = s
	}
	return st
}
