package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"somehow/core/engine/digits"
	"somehow/core/engine/lab"
	"somehow/core/engine/lessons"
)

// Engine is one page's engine. Handle carries out one message: msgType is the envelope's type,
// body the whole JSON message (the engine decodes its own fields from it, and ignores the
// envelope's), in the bytes that came with it. The reply is marshalled to JSON; out are bytes
// that travel beside it. An error is a sentence for the person using the page.
type Engine interface {
	Handle(msgType string, body []byte, in map[string][]byte) (reply any, out map[string][]byte, err error)
}

// engines are the page engines by name, each made the first time a message names it.
var engines = map[string]func() Engine{
	"lab":     func() Engine { return lab.New() },
	"digits":  func() Engine { return digits.New() },
	"lessons": func() Engine { return lessons.New() },
}

// MaxBytes caps one byte buffer handed to the worker (the MNIST training images are 9.9 MB
// compressed, the largest model 2.5 MB); the bridge checks it before copying anything.
const MaxBytes = 80 << 20

// Version is reported by hello; the page checks it to catch a stale cached worker.
const Version = 2

// Router owns one worker's engines and the envelope.
type Router struct {
	live map[string]Engine
}

// New returns a router with no engine started yet.
func New() *Router { return &Router{live: map[string]Engine{}} }

// Envelope is what every message carries besides its body.
type Envelope struct {
	Engine string `json:"engine"`
	Type   string `json:"type"`
}

// Hello is the reply to {type: "hello"}.
type Hello struct {
	Type    string   `json:"type"` // "hello"
	Version int      `json:"version"`
	Engines []string `json:"engines"`
}

// ErrorReply is the reply to a message that could not be carried out.
type ErrorReply struct {
	Type  string `json:"type"` // "error"
	Error string `json:"error"`
}

// Handle carries out one message and returns the JSON reply and the bytes that go with it. It
// never panics: a bad message, or a bug, becomes an error reply, and the engine keeps its state.
func (r *Router) Handle(msg []byte, in map[string][]byte) (reply []byte, out map[string][]byte) {
	defer func() {
		if p := recover(); p != nil {
			reply, out = errorReply(fmt.Errorf("internal error: %v", p)), nil
		}
	}()
	var env Envelope
	if err := json.Unmarshal(msg, &env); err != nil {
		return errorReply(describe(err)), nil
	}
	if env.Type == "hello" && env.Engine == "" {
		return marshal(Hello{Type: "hello", Version: Version, Engines: Names()}), nil
	}
	e, err := r.engine(env.Engine)
	if err != nil {
		return errorReply(err), nil
	}
	if env.Type == "" {
		return errorReply(errors.New("the message has no type")), nil
	}
	body, out, err := e.Handle(env.Type, msg, in)
	if err != nil {
		return errorReply(describe(err)), nil
	}
	return marshal(body), out
}

// Names lists the engines, sorted.
func Names() []string {
	var names []string
	for n := range engines {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (r *Router) engine(name string) (Engine, error) {
	if e, ok := r.live[name]; ok {
		return e, nil
	}
	make, ok := engines[name]
	if !ok {
		return nil, fmt.Errorf("there is no engine %q: use one of %s", truncate(name, 40), strings.Join(Names(), ", "))
	}
	e := make()
	r.live[name] = e
	return e, nil
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return errorReply(fmt.Errorf("internal error: the reply could not be written: %v", err))
	}
	return b
}

func errorReply(err error) []byte {
	b, _ := json.Marshal(ErrorReply{Type: "error", Error: err.Error()})
	return b
}

// describe rewrites the JSON decoder's errors, which speak of Go types, as sentences about the
// message.
func describe(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return errors.New("the message is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return fmt.Errorf("the message has a %s where something else belongs", typ.Value)
		}
		return fmt.Errorf("%q has the wrong kind of value (%s): %s", truncate(field, 60), typ.Value, expected(typ.Type.Kind().String()))
	}
	return err
}

// expected says in words what kind of JSON value a Go kind is read from.
func expected(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "it must be a whole number in range"
	case strings.HasPrefix(kind, "float"):
		return "it must be a number"
	case kind == "string":
		return "it must be text"
	case kind == "bool":
		return "it must be true or false"
	case kind == "slice", kind == "array":
		return "it must be a list"
	}
	return "it must be an object"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
