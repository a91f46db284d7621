package api

// A class: phones draw, the projector reads the whole class (package class keeps it).
//
//	POST   /api/class                    open a class → {code, key, expires, links, local}
//	GET    /api/class/{code}             {code, asked, expires, modelVersion, links, local, live}
//	POST   /api/class/{code}/join        a phone joins → {device, name, colour}
//	POST   /api/class/{code}/drawings    a phone sends {device, client, asked, said?, strokes}
//	                                     → the drawing as read {id, digit, outputs, ...}
//	GET    /api/class/{code}/mine        a phone's own drawings (header X-Somehow-Device)
//
// The teacher's, with the header "Authorization: Bearer <key>":
//
//	GET    /api/class/{code}/drawings?after=SEQ   {asked, modelVersion, drawings (by seq)}
//	GET    /api/class/{code}/events?after=SEQ     the same as server-sent events, where the
//	                                               server keeps a stream open (live: "events")
//	PUT    /api/class/{code}/asked       {digit}: 0 to 9, or -1 for any digit
//	POST   /api/class/{code}/drawings/{id}/hide
//	PUT    /api/class/{code}/model       a model file (the reader taught on the class's digits)
//	GET    /api/class/{code}/export?format=examples|images|labels|strokes
//	DELETE /api/class/{code}             the class ends, and everything of it is deleted
//
// Strokes are lists of [x, y] points in the pad's pixels (0 to 280, as mnist.PadSide).

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"somehow/class"
	"somehow/core/data"
	"somehow/core/digit"
	"somehow/core/mnist"
	"somehow/core/nn"
)

// ClassOptions are what differs between the local server and the edge.
type ClassOptions struct {
	// Links are the join links' origins for a request (e.g. "http://192.168.1.20:8080"); nil:
	// the request's own.
	Links func(r *http.Request) []string
	// Events keeps a server-sent event stream open for the projector (the local server); without
	// it the projector polls (the edge, where each request may meet another instance).
	Events bool
	// SharedMisses counts wrong codes in the database rather than in memory, so that every
	// instance of the edge worker sees them (the local server is one process).
	SharedMisses bool
}

// MaxDrawingBytes bounds a drawing's body (3000 points of short numbers fit).
const MaxDrawingBytes = 64 << 10

// classes serves the class routes.
type classes struct {
	store *class.Store
	opts  ClassOptions
	h     *Handler
	// readers are the classes' taught models, by code, at their version.
	mu      sync.Mutex
	readers map[string]classReader
	live    *hub
	misses  missCounter
	busy    *classBuckets
}

type classReader struct {
	version int
	served  *served
}

// EnableClasses adds the class routes, kept in store.
func (h *Handler) EnableClasses(store *class.Store, opts ClassOptions) {
	c := &classes{store: store, opts: opts, h: h, readers: map[string]classReader{}, live: newHub(), misses: newMissLimiter(), busy: newClassBuckets()}
	if opts.SharedMisses {
		c.misses = storedMisses{store}
	}
	m := h.mux
	m.HandleFunc("POST /api/class", c.open)
	m.HandleFunc("GET /api/class/{code}", c.info)
	m.HandleFunc("POST /api/class/{code}/join", c.join)
	m.HandleFunc("POST /api/class/{code}/drawings", c.send)
	m.HandleFunc("GET /api/class/{code}/mine", c.mine)
	m.HandleFunc("GET /api/class/{code}/drawings", c.teacher(c.changes))
	m.HandleFunc("GET /api/class/{code}/events", c.teacher(c.events))
	m.HandleFunc("PUT /api/class/{code}/asked", c.teacher(c.ask))
	m.HandleFunc("POST /api/class/{code}/drawings/{id}/hide", c.teacher(c.hide))
	m.HandleFunc("PUT /api/class/{code}/model", c.teacher(c.setModel))
	m.HandleFunc("GET /api/class/{code}/export", c.teacher(c.export))
	m.HandleFunc("DELETE /api/class/{code}", c.teacher(c.close))
	m.HandleFunc("/api/class/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, bad(http.StatusNotFound, "no such class endpoint, or not with %s", r.Method))
	})
	h.classes = c
}

// ClientAddress is who a request comes from, as limits count clients: the edge's
// CF-Connecting-IP where Cloudflare set it, else the connection's address; IPv6 by /64.
func ClientAddress(r *http.Request) string {
	if ip := r.Header.Get("CF-Connecting-IP"); ip != "" && r.RemoteAddr == "" {
		return ClientKey(ip)
	}
	return ClientKey(r.RemoteAddr)
}

// ClientKey keys a client by its IPv4 address or its IPv6 /64 (one household or phone's
// addresses), from "host:port" or a bare host.
func ClientKey(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// classError gives package class's errors their status.
func classError(err error) error {
	var re *requestError
	switch {
	case errors.As(err, &re):
		return err
	case errors.Is(err, class.ErrNoClass), errors.Is(err, class.ErrNoSuchDigit):
		return &requestError{http.StatusNotFound, err.Error()}
	case errors.Is(err, class.ErrEnded):
		return &requestError{http.StatusGone, err.Error()}
	case errors.Is(err, class.ErrWrongKey):
		return &requestError{http.StatusForbidden, err.Error()}
	case errors.Is(err, class.ErrNoDevice):
		return &requestError{http.StatusForbidden, err.Error()}
	case errors.Is(err, class.ErrTooFast), errors.Is(err, class.ErrTooMany):
		return &requestError{http.StatusTooManyRequests, err.Error()}
	case errors.Is(err, class.ErrFull), errors.Is(err, class.ErrRoomFull):
		return &requestError{http.StatusConflict, err.Error()}
	case errors.Is(err, class.ErrEmptyDrawing), errors.As(err, new(*class.Invalid)):
		return &requestError{http.StatusBadRequest, err.Error()}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &requestError{http.StatusServiceUnavailable, "the class's storage did not answer in time: try again"}
	}
	return &requestError{http.StatusInternalServerError, "the class's storage failed: " + err.Error()}
}

// code reads the path's class code; a code that cannot be one, or a wrong one, counts against
// the address (codes cannot be guessed by trying).
func (c *classes) code(w http.ResponseWriter, r *http.Request) (string, bool) {
	who := ClientAddress(r)
	if wait := c.misses.wait(r.Context(), who); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeError(w, bad(http.StatusTooManyRequests, "too many wrong class codes from this network: try again in %d minutes", int(wait.Minutes())+1))
		return "", false
	}
	code := class.NormaliseCode(r.PathValue("code"))
	if code == "" {
		c.misses.miss(r.Context(), who)
		writeError(w, bad(http.StatusNotFound, "%q is not a class code: a code is %d letters and digits, as the projector shows it", clip(r.PathValue("code"), 20), class.CodeLength))
		return "", false
	}
	if wait := c.busy.take(code); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeError(w, bad(http.StatusTooManyRequests, "this class is sending more than the server takes from one class: try again in a moment"))
		return "", false
	}
	return code, true
}

// fail answers err, counting a code that names no class against the address.
func (c *classes) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, class.ErrNoClass) {
		c.misses.miss(r.Context(), ClientAddress(r))
	}
	writeError(w, classError(err))
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// teacher wraps a teacher's route: the class must exist and the key be its own.
func (c *classes) teacher(next func(w http.ResponseWriter, r *http.Request, code string, info class.Info)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		code, ok := c.code(w, r)
		if !ok {
			return
		}
		key, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		info, err := c.store.Teacher(r.Context(), code, strings.TrimSpace(key))
		if err != nil {
			c.h.drain(r)
			c.fail(w, r, err)
			return
		}
		next(w, r, code, info)
	}
}

// Invite is how phones join: the links, one for each address the server has, the likeliest
// first. (The page's worker draws the QR code: the edge worker has no room for the encoder.)
type Invite struct {
	Links []string `json:"links"`
	// Local says the page was served on this machine only and no other address was found:
	// phones cannot reach it.
	Local bool `json:"local,omitempty"`
}

func (c *classes) inviteFor(r *http.Request, code string) Invite {
	var origins []string
	if c.opts.Links != nil {
		origins = c.opts.Links(r)
	}
	if len(origins) == 0 {
		scheme := "https"
		if r.TLS == nil && r.Header.Get("X-Forwarded-Proto") != "https" && !strings.HasSuffix(r.Host, ".workers.dev") {
			scheme = "http"
		}
		origins = []string{scheme + "://" + r.Host}
	}
	inv := Invite{}
	for _, o := range origins {
		inv.Links = append(inv.Links, o+"/#class="+code)
	}
	host := strings.TrimPrefix(strings.TrimPrefix(origins[0], "http://"), "https://")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	inv.Local = host == "localhost" || net.ParseIP(host).IsLoopback()
	return inv
}

func (c *classes) open(w http.ResponseWriter, r *http.Request) {
	c.h.drain(r)
	o, err := c.store.Create(r.Context(), ClientAddress(r))
	if err != nil {
		writeError(w, classError(err))
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		class.Opened
		Invite
	}{o, c.inviteFor(r, o.Code)})
}

// ClassInfo is GET /api/class/{code}: the class, how to join it, and how the projector hears of
// new drawings.
type ClassInfo struct {
	class.Info
	Invite
	Live string `json:"live"` // "events" or "poll"
}

func (c *classes) liveMode() string {
	if c.opts.Events {
		return "events"
	}
	return "poll"
}

func (c *classes) info(w http.ResponseWriter, r *http.Request) {
	code, ok := c.code(w, r)
	if !ok {
		return
	}
	info, err := c.store.Info(r.Context(), code)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ClassInfo{info, c.inviteFor(r, code), c.liveMode()})
}

func (c *classes) join(w http.ResponseWriter, r *http.Request) {
	c.h.drain(r)
	code, ok := c.code(w, r)
	if !ok {
		return
	}
	d, err := c.store.Join(r.Context(), code)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.live.notify(code) // the projector counts the phones in
	writeJSON(w, http.StatusCreated, d)
}

// SendRequest is a phone's drawing.
type SendRequest struct {
	Device  string          `json:"device"`
	Client  string          `json:"client"`
	Asked   int             `json:"asked"`
	Said    *int            `json:"said,omitempty"`
	Strokes [][]class.Point `json:"strokes"`
}

func (c *classes) send(w http.ResponseWriter, r *http.Request) {
	code, ok := c.code(w, r)
	if !ok {
		c.h.drain(r)
		return
	}
	if r.ContentLength > MaxDrawingBytes {
		c.h.drain(r)
		writeError(w, bad(http.StatusRequestEntityTooLarge, "a drawing is at most %d KB", MaxDrawingBytes>>10))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxDrawingBytes+1))
	if err != nil {
		writeError(w, bad(http.StatusBadRequest, "could not read the whole body"))
		return
	}
	if len(body) > MaxDrawingBytes {
		writeError(w, bad(http.StatusRequestEntityTooLarge, "a drawing is at most %d KB", MaxDrawingBytes>>10))
		return
	}
	var req SendRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, bad(http.StatusBadRequest, "the body is not a drawing ({device, client, asked, said?, strokes}): %v", err))
		return
	}
	said := req.Asked
	switch {
	case req.Asked < class.Any || req.Asked > 9:
		err = bad(http.StatusBadRequest, "the digit asked is 0 to 9, or %d for any digit, not %d", class.Any, req.Asked)
	case req.Asked == class.Any && (req.Said == nil || *req.Said < 0 || *req.Said > 9):
		err = bad(http.StatusBadRequest, "say which digit you drew (0 to 9)")
	case req.Asked == class.Any:
		said = *req.Said
	}
	if err == nil {
		err = class.CheckStrokes(req.Strokes, mnist.PadSide)
	}
	if err != nil {
		writeError(w, classError(err))
		return
	}
	info, err := c.store.Info(r.Context(), code)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d, err := c.store.Add(r.Context(), code, req.Device, class.Sent{Client: req.Client, Asked: req.Asked, Said: said, Strokes: req.Strokes},
		func() (int, []float32, error) {
			reading, err := c.read(r.Context(), code, info.ModelVersion, req.Strokes)
			return reading.Digit, reading.Outputs, err
		})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.live.notify(code)
	writeJSON(w, http.StatusCreated, d)
}

// read reads strokes with the class's taught reader, or the pad's (the default model).
func (c *classes) read(ctx context.Context, code string, version int, strokes [][]class.Point) (mnist.Reading, error) {
	s := c.h.models[DefaultModel]
	if version > 0 {
		c.mu.Lock()
		cr, ok := c.readers[code]
		c.mu.Unlock()
		if !ok || cr.version != version {
			model, v, err := c.store.Model(ctx, code)
			if err != nil {
				return mnist.Reading{}, err
			}
			if model != nil {
				m, err := nn.Parse(model)
				if err != nil {
					return mnist.Reading{}, err
				}
				cr = classReader{version: v, served: newServed(m)}
				c.mu.Lock()
				if len(c.readers) >= 32 { // a few classes' models in memory, not every class's
					for k := range c.readers {
						delete(c.readers, k)
						break
					}
				}
				c.readers[code] = cr
				c.mu.Unlock()
			}
		}
		if cr.served != nil {
			s = cr.served
		}
	}
	st := make([]mnist.Stroke, len(strokes))
	for i, p := range strokes {
		st[i] = mnist.Stroke(p)
	}
	// Drawn on the pad as the pad draws, then read as the pad's drawings are.
	return s.read(Input{Drawing: digit.Gray(mnist.Ink(st)), Width: mnist.PadSide, Height: mnist.PadSide})
}

func (c *classes) mine(w http.ResponseWriter, r *http.Request) {
	code, ok := c.code(w, r)
	if !ok {
		return
	}
	dev, list, err := c.store.Mine(r.Context(), code, r.Header.Get("X-Somehow-Device"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	info, err := c.store.Info(r.Context(), code)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		class.Info
		Device   class.Device    `json:"device"`
		Drawings []class.Drawing `json:"drawings"`
	}{info, dev, list})
}

// Changes is what the projector reads: the class now, and the drawings changed after a seq.
type Changes struct {
	class.Info
	Drawings []class.Drawing `json:"drawings"`
	// Seq is the last change's; ask after it next.
	Seq int64 `json:"seq"`
	// More says there are more changes than one answer holds: ask again at once.
	More bool `json:"more,omitempty"`
	// Phones is how many phones have joined.
	Phones int `json:"phones"`
}

const changesPerAnswer = 500

func (c *classes) changesAfter(ctx context.Context, code string, info class.Info, after int64) (Changes, error) {
	list, err := c.store.Changes(ctx, code, after, changesPerAnswer+1)
	if err != nil {
		return Changes{}, err
	}
	phones, err := c.store.Phones(ctx, code)
	if err != nil {
		return Changes{}, err
	}
	ch := Changes{Info: info, Drawings: list, Seq: after, Phones: phones}
	if len(list) > changesPerAnswer {
		ch.Drawings, ch.More = list[:changesPerAnswer], true
	}
	if n := len(ch.Drawings); n > 0 {
		ch.Seq = ch.Drawings[n-1].Seq
	}
	return ch, nil
}

func afterParam(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("after")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, bad(http.StatusBadRequest, "after is the last seq seen, a whole number ≥ 0, not %q", clip(s, 20))
	}
	return n, nil
}

func (c *classes) changes(w http.ResponseWriter, r *http.Request, code string, info class.Info) {
	after, err := afterParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	ch, err := c.changesAfter(r.Context(), code, info, after)
	if err != nil {
		writeError(w, classError(err))
		return
	}
	writeJSON(w, http.StatusOK, ch)
}

// events streams the changes as server-sent events ("data: <Changes>"), one at once and one each
// time the class changes, with a comment every 15 s so that proxies keep the stream open.
func (c *classes) events(w http.ResponseWriter, r *http.Request, code string, info class.Info) {
	if !c.opts.Events {
		writeError(w, bad(http.StatusNotImplemented, "this server does not keep event streams open: ask /api/class/%s/drawings?after=SEQ about every half second", code))
		return
	}
	after, err := afterParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	changed, stop := c.live.listen(code)
	defer stop()
	send := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(30 * time.Second)) // a stream outlives the server's write timeout
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	heartbeat := time.NewTicker(15 * time.Second)
	defer heartbeat.Stop()
	for {
		info, err := c.store.Info(r.Context(), code)
		if err != nil {
			b, _ := json.Marshal(map[string]string{"error": err.Error()})
			send([]byte("event: ended\ndata: " + string(b) + "\n\n"))
			return
		}
		for {
			ch, err := c.changesAfter(r.Context(), code, info, after)
			if err != nil {
				return
			}
			b, _ := json.Marshal(ch)
			if !send([]byte("data: " + string(b) + "\n\n")) {
				return
			}
			after = ch.Seq
			if !ch.More {
				break
			}
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-heartbeat.C:
			if !send([]byte(": still here\n\n")) {
				return
			}
		}
	}
}

func (c *classes) ask(w http.ResponseWriter, r *http.Request, code string, _ class.Info) {
	var req struct {
		Digit *int `json:"digit"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1024)).Decode(&req); err != nil || req.Digit == nil {
		writeError(w, bad(http.StatusBadRequest, `the body is {"digit": 0 to 9, or -1 for any digit}`))
		return
	}
	if err := c.store.Ask(r.Context(), code, *req.Digit); err != nil {
		writeError(w, bad(http.StatusBadRequest, "%v", err))
		return
	}
	c.live.notify(code)
	info, err := c.store.Info(r.Context(), code)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

func (c *classes) hide(w http.ResponseWriter, r *http.Request, code string, _ class.Info) {
	c.h.drain(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, bad(http.StatusNotFound, "no such drawing in this class"))
		return
	}
	if err := c.store.Hide(r.Context(), code, id); err != nil {
		writeError(w, classError(err))
		return
	}
	c.live.notify(code)
	writeJSON(w, http.StatusOK, map[string]any{"hidden": id})
}

func (c *classes) setModel(w http.ResponseWriter, r *http.Request, code string, _ class.Info) {
	if r.ContentLength > class.MaxModelBytes {
		c.h.drain(r)
		writeError(w, bad(http.StatusRequestEntityTooLarge, "a class's model is at most %d MB", class.MaxModelBytes>>20))
		return
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, class.MaxModelBytes+1))
	if err != nil || len(b) > class.MaxModelBytes {
		writeError(w, bad(http.StatusRequestEntityTooLarge, "a class's model is at most %d MB", class.MaxModelBytes>>20))
		return
	}
	m, err := nn.Parse(b)
	if err != nil {
		writeError(w, bad(http.StatusBadRequest, "this is not a Somehow model: %v", err))
		return
	}
	if m.Net.Arch.Inputs != mnist.ImageSize || m.Net.Arch.Outputs() != 10 {
		writeError(w, bad(http.StatusBadRequest, "this model does not read 28×28 digits"))
		return
	}
	version, err := c.store.SetModel(r.Context(), code, b)
	if err != nil {
		writeError(w, classError(err))
		return
	}
	c.live.notify(code)
	writeJSON(w, http.StatusOK, map[string]int{"modelVersion": version})
}

// export gives the class's drawings (not the hidden ones) as a file: "examples" (a Somehow
// handwriting file, each digit's writer its phone's name: for teaching), "images" and "labels"
// (MNIST's IDX files: the 28×28 images the pad makes, and the digits meant) or "strokes" (a CSV,
// a row a point).
func (c *classes) export(w http.ResponseWriter, r *http.Request, code string, _ class.Info) {
	format := r.URL.Query().Get("format")
	all, err := c.store.All(r.Context(), code)
	if err != nil {
		writeError(w, classError(err))
		return
	}
	if len(all) == 0 && format != "strokes" {
		writeError(w, bad(http.StatusConflict, "the class has no drawings yet"))
		return
	}
	examples := func() ([]mnist.Example, error) {
		out := make([]mnist.Example, 0, len(all))
		for _, d := range all {
			st := make([]mnist.Stroke, len(d.Strokes))
			for i, p := range d.Strokes {
				st[i] = mnist.Stroke(p)
			}
			e, err := mnist.ExampleOf(st, d.Label())
			if err != nil {
				return nil, err
			}
			e.Writer = d.Name
			out = append(out, e)
		}
		return out, nil
	}
	name := "class-" + code
	var body []byte
	switch format {
	case "examples":
		ex, err := examples()
		if err != nil {
			writeError(w, classError(err))
			return
		}
		body, _ = json.Marshal(mnist.ExampleFile{Format: mnist.ExampleFormat, Examples: ex})
		name += "-handwriting.json"
		w.Header().Set("Content-Type", "application/json")
	case "images", "labels":
		ex, err := examples()
		if err != nil {
			writeError(w, classError(err))
			return
		}
		idx := &data.IDX{Dims: []int{len(ex)}}
		if format == "images" {
			idx.Dims = append(idx.Dims, 28, 28)
			for _, e := range ex {
				idx.Data = append(idx.Data, e.Image...)
			}
			name += "-images-idx3-ubyte"
		} else {
			for _, e := range ex {
				idx.Data = append(idx.Data, byte(e.Digit))
			}
			name += "-labels-idx1-ubyte"
		}
		body = idx.Bytes()
		w.Header().Set("Content-Type", "application/octet-stream")
	case "strokes":
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		cw.Write([]string{"drawing", "device", "asked", "digit", "read_as", "time", "stroke", "x", "y"})
		for _, d := range all {
			asked := "any"
			if d.Asked != class.Any {
				asked = strconv.Itoa(d.Asked)
			}
			t := time.UnixMilli(d.Time).UTC().Format(time.RFC3339)
			for si, st := range d.Strokes {
				for _, p := range st {
					cw.Write([]string{strconv.FormatInt(d.ID, 10), d.Name, asked, strconv.Itoa(d.Said), strconv.Itoa(d.Digit), t,
						strconv.Itoa(si + 1), strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64)})
				}
			}
		}
		cw.Flush()
		body = buf.Bytes()
		name += "-strokes.csv"
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	default:
		writeError(w, bad(http.StatusBadRequest, "format is examples, images, labels or strokes, not %q", clip(format, 20)))
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

func (c *classes) close(w http.ResponseWriter, r *http.Request, code string, _ class.Info) {
	if err := c.store.Close(r.Context(), code); err != nil {
		writeError(w, classError(err))
		return
	}
	c.mu.Lock()
	delete(c.readers, code)
	c.mu.Unlock()
	c.live.notify(code)
	writeJSON(w, http.StatusOK, map[string]string{"closed": code})
}

// hub tells the open event streams of a class that it changed.
type hub struct {
	mu        sync.Mutex
	listeners map[string]map[chan struct{}]bool
}

func newHub() *hub { return &hub{listeners: map[string]map[chan struct{}]bool{}} }

func (h *hub) listen(code string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.listeners[code] == nil {
		h.listeners[code] = map[chan struct{}]bool{}
	}
	h.listeners[code][ch] = true
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.listeners[code], ch)
		if len(h.listeners[code]) == 0 {
			delete(h.listeners, code)
		}
		h.mu.Unlock()
	}
}

func (h *hub) notify(code string) {
	h.mu.Lock()
	for ch := range h.listeners[code] {
		select {
		case ch <- struct{}{}:
		default: // already told; it reads every change since its last seq anyway
		}
	}
	h.mu.Unlock()
}

// missCounter counts wrong class codes by address: in memory (missLimiter) or in the class
// database (storedMisses, the edge).
type missCounter interface {
	wait(ctx context.Context, who string) time.Duration
	miss(ctx context.Context, who string)
}

// storedMisses keeps the counts in the store. If the database does not answer, nobody is held
// back (the wrong code itself still fails).
type storedMisses struct{ store *class.Store }

func (m storedMisses) wait(ctx context.Context, who string) time.Duration {
	d, _ := m.store.MissWait(ctx, who, missesAllowed, missWindow)
	return d
}

func (m storedMisses) miss(ctx context.Context, who string) { m.store.Miss(ctx, who) }

// missLimiter counts wrong class codes by address: past missesAllowed in missWindow, the address
// waits until the window's oldest miss is old enough. Right codes never count, so a class of 30
// phones behind one school address is never held back by it.
type missLimiter struct {
	mu     sync.Mutex
	misses map[string][]time.Time
	now    func() time.Time
}

// missesAllowed wrong codes in missWindow: a school's classes share one address, and their
// students mistype codes (a few a class), so it is generous; guessing at this rate finds one of a
// thousand open classes among 887 million codes about once a month.
const (
	missesAllowed = 200
	missWindow    = 10 * time.Minute
)

func newMissLimiter() *missLimiter {
	return &missLimiter{misses: map[string][]time.Time{}, now: time.Now}
}

func (l *missLimiter) recent(who string, now time.Time) []time.Time {
	list := l.misses[who]
	for len(list) > 0 && now.Sub(list[0]) > missWindow {
		list = list[1:]
	}
	if len(list) == 0 {
		delete(l.misses, who)
		return nil
	}
	l.misses[who] = list
	return list
}

func (l *missLimiter) wait(_ context.Context, who string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	list := l.recent(who, now)
	if len(list) < missesAllowed {
		return 0
	}
	return missWindow - now.Sub(list[len(list)-missesAllowed])
}

func (l *missLimiter) miss(_ context.Context, who string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.misses) > 100000 { // an address flood: forget the stale ones
		for k := range l.misses {
			l.recent(k, now)
		}
	}
	l.misses[who] = append(l.recent(who, now), now)
}

// classBuckets share the server between classes: each class may make classRate requests a second
// on average (classBurst at once), whatever addresses its phones have, so a class flooding the
// server (or a flood sent in one class's name) waits while the other classes carry on. 200
// phones polling every 2.5 s and sending a drawing every 10 s are about 100 a second.
type classBuckets struct {
	mu      sync.Mutex
	buckets map[string]*classBucket
	now     func() time.Time
}

type classBucket struct {
	tokens float64
	last   time.Time
}

const (
	classRate  = 250.0
	classBurst = 500.0
)

func newClassBuckets() *classBuckets {
	return &classBuckets{buckets: map[string]*classBucket{}, now: time.Now}
}

// take spends one of the class's tokens, or says how long until there is one.
func (cb *classBuckets) take(code string) time.Duration {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	now := cb.now()
	if len(cb.buckets) > 10000 { // forget the full ones: a class that has rested has its burst back
		for k, b := range cb.buckets {
			if now.Sub(b.last).Seconds()*classRate >= classBurst {
				delete(cb.buckets, k)
			}
		}
	}
	b, ok := cb.buckets[code]
	if !ok {
		b = &classBucket{tokens: classBurst, last: now}
		cb.buckets[code] = b
	}
	b.tokens = min(classBurst, b.tokens+now.Sub(b.last).Seconds()*classRate)
	b.last = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) / classRate * float64(time.Second))
	}
	b.tokens--
	return 0
}
