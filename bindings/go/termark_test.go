package termark

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
)

// doc has every block kind, multi-byte UTF-8 (so byte splits fall inside sequences), CRLF
// lines and hostile escape sequences.
const doc = "# Streaming t\u00e9st \u6587\u6863\n\n" +
	"Some *emphasis*, **strong**, ~~struck~~ and `code` that wraps at narrow widths, with " +
	"caf\u00e9, \u65e5\u672c\u8a9e\u306e\u6587\u7ae0 and emoji \U0001F600\U0001F389.\r\n" +
	"A [link](https://example.com/a?b=1) and a [relative one](docs/x.md).\r\n\n" +
	"Hostile: \x1b[2J\x1b]52;c;ZXZpbA==\x07 \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ \u009b31m \u202e.\n\n" +
	"> quoted\n> - item\n\n" +
	"1. first\n2. second, long enough to wrap inside the item's indent at forty columns\n   - nested\n\n" +
	"```go\nfunc main() {\n\tfmt.Println(\"a string literal longer than forty columns, wrapped\")\n}\n```\n\n" +
	"| name | value |\n|------|------:|\n| \u03b1 | 1.5 |\n| \u03b2 | 22 |\n\n" +
	"---\n\nFootnote[^1].\n\n[^1]: The note.\n\nLast line without a newline"

func newRenderer(t *testing.T, mod func(*Options)) *Renderer {
	t.Helper()
	o := DefaultOptions()
	if mod != nil {
		mod(&o)
	}
	r, err := NewRenderer(o)
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func ansi(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.ANSI)
		b.WriteByte('\n')
	}
	return b.String()
}

// checkLines: the width bound, spans that are the text, no escape byte in the text.
func checkLines(t *testing.T, lines []Line, width int) {
	t.Helper()
	for i, l := range lines {
		if l.Width > width {
			t.Fatalf("line %d is %d columns wide, more than %d: %q", i, l.Width, width, l.Text)
		}
		var joined strings.Builder
		for _, s := range l.Spans {
			joined.WriteString(s.Text)
		}
		if joined.String() != l.Text {
			t.Fatalf("line %d: spans %q are not the text %q", i, joined.String(), l.Text)
		}
		if strings.ContainsAny(l.Text, "\x1b\x07\u009b") {
			t.Fatalf("line %d: a control character in the text: %q", i, l.Text)
		}
	}
}

// streamDoc pushes doc in chunks from next (the chunk sizes), reading the committed lines
// after each push and the tail now and then.
func streamDoc(t *testing.T, s *Stream, width int, next func() int) string {
	t.Helper()
	var out strings.Builder
	data := []byte(doc)
	for at, k := 0, 0; at < len(data); k++ {
		n := next()
		if n > len(data)-at {
			n = len(data) - at
		}
		if _, err := s.Write(data[at : at+n]); err != nil {
			t.Fatal(err)
		}
		at += n
		lines, err := s.NewCommitted()
		if err != nil {
			t.Fatal(err)
		}
		checkLines(t, lines, width)
		out.WriteString(ansi(lines))
		if k%3 == 0 {
			tail, _, err := s.Tail()
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, tail, width)
		}
	}
	if !s.HasLiveState() {
		t.Fatal("no live state while the message is open")
	}
	if err := s.Finalize(); err != nil {
		t.Fatal(err)
	}
	if s.HasLiveState() {
		t.Fatal("live state after Finalize")
	}
	lines, err := s.NewCommitted()
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, lines, width)
	out.WriteString(ansi(lines))
	return out.String()
}

func TestStreamingEqualsRender(t *testing.T) {
	for _, width := range []int{24, 40, 80} {
		r := newRenderer(t, func(o *Options) { o.Width = width; o.Hyperlinks = true })
		once, err := r.RenderString(doc)
		if err != nil {
			t.Fatal(err)
		}
		checkLines(t, once, width)
		want := ansi(once)
		if !strings.Contains(want, "\u241b[2J") {
			t.Fatalf("the hostile ESC is not shown as a visible symbol:\n%s", want)
		}
		rng := rand.New(rand.NewSource(int64(width)))
		sizes := map[string]func() int{
			"1 byte":   func() int { return 1 },
			"7 bytes":  func() int { return 7 },
			"16 bytes": func() int { return 16 },
			"random":   func() int { return 1 + rng.Intn(40) },
		}
		for name, next := range sizes {
			s, err := r.NewStream()
			if err != nil {
				t.Fatal(err)
			}
			got := streamDoc(t, s, width, next)
			if got != want {
				t.Fatalf("width %d, %s chunks: streamed output differs from Render\n--- Render:\n%s--- streamed:\n%s",
					width, name, want, got)
			}
			// Released, the same stream renders the next message from scratch.
			if err := s.Release(); err != nil {
				t.Fatal(err)
			}
			if got := streamDoc(t, s, width, next); got != want {
				t.Fatalf("width %d, %s chunks, after Release: output differs", width, name)
			}
			s.Close()
		}
	}
}

func TestSpansCarryStylesAndLinks(t *testing.T) {
	r := newRenderer(t, func(o *Options) { o.Hyperlinks = true })
	lines, err := r.RenderString("# Title\n\nSome **bold** and a [link](https://example.com).\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 || lines[0].Kind != LineHeading || lines[1].Kind != LineBlank || lines[2].Kind != LineText {
		t.Fatalf("unexpected lines: %+v", lines)
	}
	var bold, link bool
	for _, s := range lines[2].Spans {
		if s.Text == "bold" && s.Style.Modifiers&Bold != 0 {
			bold = true
		}
		if s.Text == "link" && s.Link == "https://example.com" {
			link = true
		}
	}
	if !bold || !link {
		t.Fatalf("bold %v, link %v in %+v", bold, link, lines[2].Spans)
	}
	if !strings.Contains(lines[2].ANSI, "\x1b]8;;https://example.com\x1b\\link") {
		t.Fatalf("no OSC 8 hyperlink in %q", lines[2].ANSI)
	}
	plain := newRenderer(t, func(o *Options) { o.Color = Plain })
	lines, err = plain.RenderString("# Title\n\n*x* [y](https://example.com)\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.ANSI != l.Text {
			t.Fatalf("Plain writes escape sequences: %q", l.ANSI)
		}
	}
	// Without OSC 8 the destination is listed after the paragraph, behind a reference mark.
	if lines[2].Text != "x y[1]" || lines[3].Text != "[1]: https://example.com" {
		t.Fatalf("the destination is not shown as text: %q, %q", lines[2].Text, lines[3].Text)
	}
}

func TestTailAndSetWidth(t *testing.T) {
	r := newRenderer(t, nil)
	s, err := r.NewStream()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PushString("Some **bold text that is still streaming and long enough to wrap at twenty"); err != nil {
		t.Fatal(err)
	}
	tail, exact, err := s.Tail()
	if err != nil {
		t.Fatal(err)
	}
	if !exact || len(tail) != 1 || tail[0].Text != "Some bold text that is still streaming and long enough to wrap at twenty" {
		t.Fatalf("tail %+v exact %v", tail, exact)
	}
	if err := s.SetWidth(20); err != nil {
		t.Fatal(err)
	}
	tentative, err := s.Tentative()
	if err != nil {
		t.Fatal(err)
	}
	if len(tentative) < 4 {
		t.Fatalf("the tail was not laid out again at 20 columns: %+v", tentative)
	}
	checkLines(t, tentative, 20)
	if err := s.SetWidth(0); !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), "width=0") {
		t.Fatalf("SetWidth(0): %v", err)
	}
	if err := s.SetWidth(-5); !errors.Is(err, ErrInvalidOption) || !strings.Contains(err.Error(), "width=-5") {
		t.Fatalf("SetWidth(-5): %v", err)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Options)
		want error
		msg  string
	}{
		{"width 0", func(o *Options) { o.Width = 0 }, ErrInvalidOption, "width=0"},
		{"width huge", func(o *Options) { o.Width = 1 << 20 }, ErrInvalidOption, "width=1048576"},
		{"width negative", func(o *Options) { o.Width = -1 }, ErrInvalidOption, "width=-1"},
		{"width beyond uint32", func(o *Options) { o.Width = 1 << 40 }, ErrInvalidOption, "width=1099511627776"},
		{"tab width", func(o *Options) { o.TabWidth = 0 }, ErrInvalidOption, "tab-width=0"},
		{"tail rows", func(o *Options) { o.TailRows = 1 }, ErrInvalidOption, "tail-rows=1"},
		{"color", func(o *Options) { o.Color = 9 }, ErrInvalidOption, "color=9"},
		{"theme name", func(o *Options) { o.Theme = "no-such-theme" }, ErrTheme, "no-such-theme"},
		{"theme file", func(o *Options) { o.Theme = "/nonexistent/t.toml" }, ErrTheme, "/nonexistent/t.toml"},
		{"theme NUL", func(o *Options) { o.Theme = "da\x00rk" }, ErrInvalidOption, "NUL"},
	}
	for _, c := range cases {
		o := DefaultOptions()
		c.mod(&o)
		r, err := NewRenderer(o)
		if r != nil || !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, %v; want %v containing %q", c.name, r, err, c.want, c.msg)
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != c.want.(*Error).Code {
			t.Errorf("%s: not an *Error of code %v: %#v", c.name, c.want.(*Error).Code, err)
		}
	}
	if _, err := NewRenderer(Options{Theme: "light", Width: 40, TabWidth: 4}); err != nil {
		t.Errorf("light theme, zero values otherwise: %v", err)
	}
}

func TestClosedHandles(t *testing.T) {
	r := newRenderer(t, nil)
	s, err := r.NewStream()
	if err != nil {
		t.Fatal(err)
	}
	// A stream outlives its renderer.
	r.Close()
	r.Close()
	if _, err := r.NewStream(); !errors.Is(err, ErrClosed) {
		t.Fatalf("NewStream on a closed renderer: %v", err)
	}
	if _, err := r.RenderString("x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Render on a closed renderer: %v", err)
	}
	if err := s.PushString("still *works*\n\n"); err != nil {
		t.Fatal(err)
	}
	lines, err := s.NewCommitted()
	if err != nil || len(lines) != 1 || lines[0].Text != "still works" {
		t.Fatalf("after the renderer closed: %+v, %v", lines, err)
	}
	s.Close()
	s.Close()
	if err := s.PushString("x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Push on a closed stream: %v", err)
	}
	if _, err := s.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write on a closed stream: %v", err)
	}
	if _, err := s.NewCommitted(); !errors.Is(err, ErrClosed) {
		t.Fatalf("NewCommitted on a closed stream: %v", err)
	}
	if s.HasLiveState() {
		t.Fatal("a closed stream has live state")
	}
}

func TestRendererSharedByGoroutines(t *testing.T) {
	r := newRenderer(t, nil)
	once, err := r.RenderString(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := ansi(once)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			s, err := r.NewStream()
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			var out strings.Builder
			data := []byte(doc)
			for at := 0; at < len(data); at += g + 1 {
				end := at + g + 1
				if end > len(data) {
					end = len(data)
				}
				s.Push(data[at:end])
				lines, _ := s.NewCommitted()
				out.WriteString(ansi(lines))
			}
			s.Finalize()
			lines, _ := s.NewCommitted()
			out.WriteString(ansi(lines))
			if out.String() != want {
				errs <- fmt.Errorf("goroutine %d: output differs from Render", g)
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); v == "" || v[0] < '0' || v[0] > '9' {
		t.Fatalf("Version() = %q", v)
	}
}

func ExampleStream() {
	opts := DefaultOptions()
	opts.Width = 40
	opts.Color = Plain
	r, err := NewRenderer(opts)
	if err != nil {
		panic(err)
	}
	defer r.Close()
	s, _ := r.NewStream()
	defer s.Close()
	for _, chunk := range []string{"# Hel", "lo\n\nSome *str", "eamed* text.\n"} {
		s.PushString(chunk)
		lines, _ := s.NewCommitted()
		for _, l := range lines {
			fmt.Println(l.ANSI)
		}
	}
	s.Finalize()
	lines, _ := s.NewCommitted()
	for _, l := range lines {
		fmt.Println(l.ANSI)
	}
	// Output:
	// # Hello
	//
	// Some streamed text.
}
