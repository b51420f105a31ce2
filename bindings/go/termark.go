// Package termark renders Markdown to styled terminal lines while the text streams in
// (LLM output), over termark's C ABI (libtermark, built from bindings/c).
//
// A Renderer holds frozen options and is shared by every message; a Stream is one message:
// Push (or Write) text as it arrives, print the lines NewCommitted returns (they are final
// and never change), redraw the tail (Tentative or Tail) below them, and Finalize when the
// message ends. Each push costs work in proportion to the new bytes and the open block,
// never the whole message.
//
//	r, err := termark.NewRenderer(termark.DefaultOptions())
//	if err != nil { ... }
//	defer r.Close()
//	s, _ := r.NewStream()
//	defer s.Close()
//	for chunk := range chunks {
//		s.PushString(chunk)
//		lines, _ := s.NewCommitted()
//		for _, l := range lines { fmt.Println(l.ANSI) }
//	}
//	s.Finalize()
//	lines, _ := s.NewCommitted()
//
// # Handles and memory
//
// Renderer and Stream wrap C handles. Close frees one at once; a finalizer frees a handle
// that was never closed when the garbage collector finds it unreachable, as a safety net
// only (the C side holds memory the Go collector does not see, so close what you open).
// Close is idempotent; any call on a closed handle returns ErrClosed. Every Line, Span and
// string returned is a Go copy: nothing points into C memory, and no Go pointer is kept
// on the C side.
//
// # Goroutines
//
// A Renderer may be used from many goroutines at once. A Stream serializes its calls with
// a mutex, so it is safe to share, but one message is naturally driven by one goroutine.
// A Stream stays usable after its Renderer is closed.
//
// # Errors
//
// Calls return *Error, whose Code says what went wrong (errors.Is(err, ErrInvalidOption)
// and the like match by code) and whose Message is termark's own, naming the option, the
// value and what is valid. Bad Markdown is never an error.
package termark

/*
#cgo CFLAGS: -I${SRCDIR}/../c/include
#cgo LDFLAGS: -ltermark -lm -ldl -lpthread
#include <stdlib.h>
#include "termark.h"
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// Version is the version of the termark library linked in, such as "0.1.0".
func Version() string { return C.GoString(C.termark_version()) }

// ColorDepth is how many colors the ANSI bytes of a line use.
type ColorDepth uint32

const (
	// TrueColor writes 24-bit colors (SGR 38;2 / 48;2).
	TrueColor ColorDepth = C.TERMARK_COLOR_DEPTH_TRUECOLOR
	// Ansi256 writes entries of the xterm 256-color palette.
	Ansi256 ColorDepth = C.TERMARK_COLOR_DEPTH_256
	// Ansi16 writes the 16 ANSI colors.
	Ansi16 ColorDepth = C.TERMARK_COLOR_DEPTH_16
	// NoColor writes attributes (bold, italic, ...) but no color.
	NoColor ColorDepth = C.TERMARK_COLOR_DEPTH_NONE
	// Plain writes no escape sequence at all; link destinations are shown as text.
	Plain ColorDepth = C.TERMARK_COLOR_DEPTH_PLAIN
)

// Options configure a Renderer. Start from DefaultOptions and change what you need.
type Options struct {
	// Width in terminal columns, 8 to 4096. No line is wider, except code lines when
	// WrapCode is false.
	Width int
	// TabWidth is the number of columns per tab stop, 1 to 16.
	TabWidth int
	// Theme is "dark", "light", or the path of a .toml theme file or a .tmTheme file for
	// code. Empty: dark.
	Theme string
	// Color is the color depth of the ANSI bytes.
	Color ColorDepth
	// TailRows caps the tentative tail at its last TailRows rows below a marker line (at
	// least 2); 0: no cap.
	TailRows int
	// Hyperlinks writes links as OSC 8 hyperlinks (http, https and mailto only; other
	// destinations are shown as text). False: destinations are shown as text.
	Hyperlinks bool
	// Highlight syntax-highlights fenced code blocks that name a known language.
	Highlight bool
	// Heal shows the open block as if its open emphasis, code spans and links were closed
	// (display only: committed lines are exact).
	Heal bool
	// WrapCode wraps code lines longer than the width.
	WrapCode bool
	// DropControlChars removes control characters of the input instead of showing them as
	// visible symbols; either way none reaches the terminal.
	DropControlChars bool
}

// DefaultOptions returns termark's defaults: 80 columns, tab width 4, the dark theme,
// truecolor, no tail cap, no hyperlinks, highlighting, healing and code wrapping on.
func DefaultOptions() Options {
	o := C.termark_options_default()
	return Options{
		Width:            int(o.width),
		TabWidth:         int(o.tab_width),
		Color:            ColorDepth(o.color),
		TailRows:         int(o.tail_rows),
		Hyperlinks:       bool(o.hyperlinks),
		Highlight:        bool(o.highlight),
		Heal:             bool(o.heal),
		WrapCode:         bool(o.wrap_code),
		DropControlChars: bool(o.drop_control_chars),
	}
}

// Code is the kind of an Error.
type Code int

const (
	// CodeNullPointer: a NULL pointer reached the C ABI (a bug in this package).
	CodeNullPointer Code = C.TERMARK_ERROR_NULL_POINTER
	// CodeInvalidOption: an option is out of range or malformed.
	CodeInvalidOption Code = C.TERMARK_ERROR_INVALID_OPTION
	// CodeTheme: an unknown theme name, or a theme file that cannot be read or is invalid.
	CodeTheme Code = C.TERMARK_ERROR_THEME
	// CodeInternal: termark panicked (a bug: please report it with the input). The handle
	// is still safe to use and to close.
	CodeInternal Code = C.TERMARK_ERROR_INTERNAL
	// CodeClosed: the handle was closed.
	CodeClosed Code = -1
)

func (c Code) String() string {
	switch c {
	case CodeNullPointer:
		return "null pointer"
	case CodeInvalidOption:
		return "invalid option"
	case CodeTheme:
		return "theme"
	case CodeInternal:
		return "internal error"
	case CodeClosed:
		return "closed"
	}
	return fmt.Sprintf("code %d", int(c))
}

// Error is a failed call: its code and termark's message.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return "termark: " + e.Message }

// Is reports whether target is an *Error with the same code; with errors.Is it lets
// ErrInvalidOption, ErrTheme, ErrInternal and ErrClosed match any error of their kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Errors to match with errors.Is.
var (
	ErrInvalidOption = &Error{Code: CodeInvalidOption, Message: "invalid option"}
	ErrTheme         = &Error{Code: CodeTheme, Message: "theme"}
	ErrInternal      = &Error{Code: CodeInternal, Message: "internal error"}
	ErrClosed        = &Error{Code: CodeClosed, Message: "use of a closed handle"}
)

// call runs one C call and turns its status into an error. The thread is locked so that
// the thread-local error message is read on the thread that set it.
func call(f func() C.termark_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	status := f()
	if status == C.TERMARK_OK {
		return nil
	}
	msg := "no message"
	if p := C.termark_last_error_message(); p != nil {
		msg = C.GoString(p)
	}
	return &Error{Code: Code(status), Message: msg}
}

func optionErr(format string, args ...any) error {
	return &Error{Code: CodeInvalidOption, Message: fmt.Sprintf(format, args...)}
}

// u32 converts an option for the C struct; out-of-range values are an error here, so that
// the message shows the value the caller gave.
func u32(name string, v int, valid string) (C.uint32_t, error) {
	if v < 0 || int64(v) > math.MaxUint32 {
		return 0, optionErr("invalid option %s=%d: %s", name, v, valid)
	}
	return C.uint32_t(v), nil
}

// Renderer renders Markdown with one set of options. It is safe for concurrent use.
type Renderer struct {
	mu  sync.RWMutex
	ptr *C.termark_renderer
}

// NewRenderer validates opts and builds a renderer. Errors: ErrInvalidOption (width, tab
// width, tail rows, color depth out of range), ErrTheme (unknown theme, bad theme file).
func NewRenderer(opts Options) (*Renderer, error) {
	var co C.termark_options = C.termark_options_default()
	var err error
	if co.width, err = u32("width", opts.Width, "a number of columns from 8 to 4096"); err != nil {
		return nil, err
	}
	if co.tab_width, err = u32("tab-width", opts.TabWidth, "a number of columns from 1 to 16"); err != nil {
		return nil, err
	}
	if co.tail_rows, err = u32("tail-rows", opts.TailRows, "0 (no cap) or at least 2 rows"); err != nil {
		return nil, err
	}
	co.color = C.uint32_t(opts.Color)
	co.hyperlinks = C.bool(opts.Hyperlinks)
	co.highlight = C.bool(opts.Highlight)
	co.heal = C.bool(opts.Heal)
	co.wrap_code = C.bool(opts.WrapCode)
	co.drop_control_chars = C.bool(opts.DropControlChars)
	if opts.Theme != "" {
		if strings.IndexByte(opts.Theme, 0) >= 0 {
			return nil, optionErr("invalid option theme=%q: contains a NUL byte", opts.Theme)
		}
		theme := C.CString(opts.Theme)
		defer C.free(unsafe.Pointer(theme))
		co.theme = theme
	}
	r := &Renderer{}
	if err := call(func() C.termark_status { return C.termark_renderer_new(&co, &r.ptr) }); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(r, (*Renderer).Close)
	return r, nil
}

// Close frees the renderer. Streams made from it stay usable. Calling it again does
// nothing.
func (r *Renderer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ptr != nil {
		C.termark_renderer_free(r.ptr)
		r.ptr = nil
		runtime.SetFinalizer(r, nil)
	}
	return nil
}

// NewStream starts a stream for one message.
func (r *Renderer) NewStream() (*Stream, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.ptr == nil {
		return nil, ErrClosed
	}
	s := &Stream{}
	if err := call(func() C.termark_status { return C.termark_renderer_stream(r.ptr, &s.ptr) }); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(s, (*Stream).Close)
	return s, nil
}

// Render renders a whole document at once: the lines a Stream fed the same bytes in any
// split, then finalized, commits. Invalid UTF-8 becomes U+FFFD.
func (r *Renderer) Render(markdown []byte) ([]Line, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.ptr == nil {
		return nil, ErrClosed
	}
	var doc *C.termark_document
	if err := call(func() C.termark_status {
		return C.termark_renderer_render(r.ptr, bytesPtr(markdown), C.size_t(len(markdown)), &doc)
	}); err != nil {
		return nil, err
	}
	defer C.termark_document_free(doc)
	var view C.termark_lines
	if err := call(func() C.termark_status { return C.termark_document_lines(doc, &view) }); err != nil {
		return nil, err
	}
	return goLines(view), nil
}

// RenderString is Render for a string.
func (r *Renderer) RenderString(markdown string) ([]Line, error) {
	return r.Render([]byte(markdown))
}

// Stream is one message as it streams in.
type Stream struct {
	mu  sync.Mutex
	ptr *C.termark_stream
}

// with runs f on the live handle, under the stream's lock.
func (s *Stream) with(f func(p *C.termark_stream) C.termark_status) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return ErrClosed
	}
	return call(func() C.termark_status { return f(s.ptr) })
}

// Push appends a chunk of Markdown. A chunk may end anywhere, inside a UTF-8 sequence
// too; invalid UTF-8 becomes U+FFFD as if the whole input were decoded at once. Ignored
// after Finalize (until Release).
func (s *Stream) Push(chunk []byte) error {
	return s.with(func(p *C.termark_stream) C.termark_status {
		return C.termark_stream_push(p, bytesPtr(chunk), C.size_t(len(chunk)))
	})
}

// PushString appends a chunk of Markdown given as a string.
func (s *Stream) PushString(chunk string) error { return s.Push([]byte(chunk)) }

// Write pushes p (io.Writer): it always consumes all of p unless the stream is closed.
func (s *Stream) Write(p []byte) (int, error) {
	if err := s.Push(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// NewCommitted returns the lines committed since the last call, oldest first. They are
// final: print or keep them.
func (s *Stream) NewCommitted() ([]Line, error) {
	var lines []Line
	err := s.with(func(p *C.termark_stream) C.termark_status {
		var view C.termark_lines
		st := C.termark_stream_new_committed(p, &view)
		lines = goLines(view)
		return st
	})
	return lines, err
}

// Tentative returns the current rendering of the still-open block (none when there is
// no open block), for an app that asks after every push. Its cost is bounded by a budget:
// when it cannot pay for a new render, the tail of an earlier push of the same block is
// returned.
func (s *Stream) Tentative() ([]Line, error) {
	var lines []Line
	err := s.with(func(p *C.termark_stream) C.termark_status {
		var view C.termark_lines
		st := C.termark_stream_tentative(p, &view)
		lines = goLines(view)
		return st
	})
	return lines, err
}

// Tail returns the tentative tail for a frame, for an app that draws on a timer (30 to
// 60 frames a second) with any number of pushes in between, and whether it is exact
// (shows every byte pushed so far).
func (s *Stream) Tail() (lines []Line, exact bool, err error) {
	err = s.with(func(p *C.termark_stream) C.termark_status {
		var view C.termark_lines
		var ex C.bool
		st := C.termark_stream_tail(p, &view, &ex)
		lines, exact = goLines(view), bool(ex)
		return st
	})
	return lines, exact, err
}

// SetWidth lays out the open block and every line committed from now on at columns
// (after a resize); lines already committed stay as they are. ErrInvalidOption outside
// 8 to 4096 (the width is then unchanged).
func (s *Stream) SetWidth(columns int) error {
	c, err := u32("width", columns, "a number of columns from 8 to 4096")
	if err != nil {
		return err
	}
	return s.with(func(p *C.termark_stream) C.termark_status { return C.termark_stream_set_width(p, c) })
}

// Finalize ends the message: the open block is committed (read it with NewCommitted) and
// every prefix cache is dropped. Calling it again does nothing.
func (s *Stream) Finalize() error {
	return s.with(func(p *C.termark_stream) C.termark_status { return C.termark_stream_finalize(p) })
}

// Release resets the stream for a new message; its buffers go back to the renderer's
// bounded pool.
func (s *Stream) Release() error {
	return s.with(func(p *C.termark_stream) C.termark_status { return C.termark_stream_release(p) })
}

// HasLiveState reports whether the stream holds any prefix cache (open source, parser,
// layout or highlighter state). False for a new stream, after Finalize, and once closed.
func (s *Stream) HasLiveState() bool {
	var live C.bool
	if err := s.with(func(p *C.termark_stream) C.termark_status {
		return C.termark_stream_has_live_state(p, &live)
	}); err != nil {
		return false
	}
	return bool(live)
}

// Close frees the stream. Calling it again does nothing.
func (s *Stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr != nil {
		C.termark_stream_free(s.ptr)
		s.ptr = nil
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

// LineKind says what a line shows.
type LineKind uint32

// The kinds of lines.
const (
	LineText      LineKind = C.TERMARK_LINE_TEXT       // a paragraph's line or other inline text
	LineHeading   LineKind = C.TERMARK_LINE_HEADING    // a heading's line
	LineCode      LineKind = C.TERMARK_LINE_CODE       // a row of a code block's text
	LineCodeFrame LineKind = C.TERMARK_LINE_CODE_FRAME // a code block's header or footer
	LineTable     LineKind = C.TERMARK_LINE_TABLE      // a row of a table's cells
	LineTableRule LineKind = C.TERMARK_LINE_TABLE_RULE // a table's border or header rule
	LineRule      LineKind = C.TERMARK_LINE_RULE       // a thematic break
	LineHTML      LineKind = C.TERMARK_LINE_HTML       // a line of an HTML block, as source
	LineBlank     LineKind = C.TERMARK_LINE_BLANK      // a blank line between blocks
)

// ColorKind says which fields of a Color are set.
type ColorKind uint8

// The kinds of colors.
const (
	ColorNone    ColorKind = C.TERMARK_COLOR_NONE    // no color given: inherit
	ColorReset   ColorKind = C.TERMARK_COLOR_RESET   // the terminal's default color
	ColorANSI    ColorKind = C.TERMARK_COLOR_ANSI    // Index 0 to 15
	ColorIndexed ColorKind = C.TERMARK_COLOR_INDEXED // Index in the 256-color palette
	ColorRGB     ColorKind = C.TERMARK_COLOR_RGB     // R, G, B
)

// Color is a span's foreground or background.
type Color struct {
	Kind    ColorKind
	Index   uint8
	R, G, B uint8
}

// Modifier is a set of text attributes.
type Modifier uint8

// The attributes.
const (
	Bold          Modifier = C.TERMARK_MOD_BOLD
	Dim           Modifier = C.TERMARK_MOD_DIM
	Italic        Modifier = C.TERMARK_MOD_ITALIC
	Underline     Modifier = C.TERMARK_MOD_UNDERLINE
	Strikethrough Modifier = C.TERMARK_MOD_STRIKETHROUGH
)

// Style is how a span looks, as the theme gave it (the ANSI bytes of a line are
// downgraded to the renderer's color depth, spans are not).
type Style struct {
	Fg, Bg    Color
	Modifiers Modifier
}

// Span is a run of text in one style, optionally a hyperlink.
type Span struct {
	// Text is sanitized: no control character, no newline, tabs expanded.
	Text  string
	Style Style
	// Link is the destination of a link, "" when the span is not one.
	Link string
}

// Line is one rendered line.
type Line struct {
	// ANSI is the line as terminal bytes (SGR and OSC 8 only), without a newline; it
	// starts and ends in the terminal's default state.
	ANSI string
	// Text is the line without any style.
	Text string
	// Width is the display width in terminal columns.
	Width int
	Kind  LineKind
	Spans []Span
}

func bytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

func goString(p *C.char, n C.size_t) string {
	if n == 0 || p == nil {
		return ""
	}
	return C.GoStringN(p, C.int(n))
}

func goColor(c C.termark_color) Color {
	return Color{Kind: ColorKind(c.kind), Index: uint8(c.index), R: uint8(c.r), G: uint8(c.g), B: uint8(c.b)}
}

// goLines copies a view out of C memory.
func goLines(v C.termark_lines) []Line {
	if v.count == 0 || v.lines == nil {
		return nil
	}
	cl := unsafe.Slice(v.lines, int(v.count))
	out := make([]Line, len(cl))
	for i := range cl {
		l := &cl[i]
		line := Line{
			ANSI:  goString(l.ansi, l.ansi_len),
			Text:  goString(l.text, l.text_len),
			Width: int(l.width),
			Kind:  LineKind(l.kind),
		}
		if l.span_count > 0 && l.spans != nil {
			cs := unsafe.Slice(l.spans, int(l.span_count))
			line.Spans = make([]Span, len(cs))
			for j := range cs {
				sp := &cs[j]
				line.Spans[j] = Span{
					Text: goString(sp.text, sp.text_len),
					Style: Style{
						Fg:        goColor(sp.style.fg),
						Bg:        goColor(sp.style.bg),
						Modifiers: Modifier(sp.style.modifiers),
					},
					Link: goString(sp.link, sp.link_len),
				}
			}
		}
		out[i] = line
	}
	return out
}
