package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"somehow/core/engine/digits"
	"somehow/core/engine/helper"
	"somehow/core/engine/lab"
	"somehow/core/engine/lessons"
	"somehow/core/engine/listen"
	"somehow/core/nn"
	"somehow/core/sentence"
)

// Handler is one page's message handler. Handle carries out one message: msgType is the
// envelope's type, body the whole JSON message (the handler decodes its own fields from it, and
// ignores the envelope's), in the bytes that came with it. The reply is marshalled to JSON; out
// are bytes that travel beside it. An error is a sentence for the person using the page.
type Handler interface {
	Handle(msgType string, body []byte, in map[string][]byte) (reply any, out map[string][]byte, err error)
}

// handlers make each page's handler, the first time a message names the page; those that train
// are handed the worker's team.
var handlers = map[string]func(team *nn.Team) Handler{
	"lab":     func(*nn.Team) Handler { return lab.New() },
	"digits":  func(team *nn.Team) Handler { return digits.New(team) },
	"lessons": func(*nn.Team) Handler { return lessons.New() },
	"listen":  func(team *nn.Team) Handler { return listen.New(team) },
	"helper":  func(*nn.Team) Handler { return helper.New() },
}

// Router owns one worker's page handlers and the envelope.
type Router struct {
	live map[string]Handler
	// Team is the workers this worker trains with (itself alone until the page hands it
	// helpers); the digits and listen handlers train every batch with it.
	Team *nn.Team
}

// New returns a router with no handler made yet, training alone.
func New() *Router { return &Router{live: map[string]Handler{}, Team: &nn.Team{}} }

// Handle carries out one message and returns the JSON reply and the bytes that go with it. It
// never panics: a bad message, or a bug, becomes an error reply, and the handler keeps its state.
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
	h, err := r.handler(env.Page)
	if err != nil {
		return errorReply(err), nil
	}
	if env.Type == "" {
		return errorReply(errors.New("the message has no type")), nil
	}
	if !slices.Contains(Messages[env.Page], env.Type) {
		return errorReply(fmt.Errorf("unknown message type %q for the %s page: use one of %s", sentence.Truncate(env.Type, 40), env.Page, strings.Join(Messages[env.Page], ", "))), nil
	}
	body, out, err := h.Handle(env.Type, msg, in)
	if err != nil {
		return errorReply(describe(err)), nil
	}
	return marshal(body), out
}

// Pages lists the pages that have handlers, sorted.
func Pages() []string {
	var names []string
	for n := range handlers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (r *Router) handler(page string) (Handler, error) {
	if h, ok := r.live[page]; ok {
		return h, nil
	}
	make, ok := handlers[page]
	if !ok {
		return nil, fmt.Errorf("there is no page %q: use one of %s", sentence.Truncate(page, 40), strings.Join(Pages(), ", "))
	}
	h := make(r.Team)
	r.live[page] = h
	return h, nil
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	var inf *json.UnsupportedValueError
	if errors.As(err, &inf) {
		// A model whose weights are too large gives sums past what a float holds: say so.
		return errorReply(errors.New("the network's numbers overflowed (infinite or not a number): this model's weights are too large to read this"))
	}
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
// message; other errors are already sentences.
func describe(err error) error {
	if s, ok := sentence.JSON(err, "the message"); ok {
		return errors.New(s)
	}
	return err
}
