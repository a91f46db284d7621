// Package sentence turns what Go reports into sentences a person can act on: a long value cut
// to a readable length, and a JSON decoder's error told in words about the message instead of
// Go's types. The worker's router and the HTTP API both speak through it.
package sentence

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Truncate shortens s to at most n bytes, never inside a UTF-8 character, marking a cut with "…".
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// JSON says what the JSON decoder found wrong with subject ("the message", "it"), and whether
// err came from decoding JSON at all (an error of another kind is left to its caller).
func JSON(err error, subject string) (string, bool) {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return subject + " is not valid JSON", true
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("%s has a %s where something else belongs", subject, typ.Value), true
		}
		return fmt.Sprintf("%q has the wrong kind of value (%s): %s", Truncate(typ.Field, 60), typ.Value, expected(typ.Type.Kind().String())), true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return subject + " is cut short", true
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return subject + " has an " + strings.TrimPrefix(err.Error(), "json: "), true
	}
	return "", false
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
