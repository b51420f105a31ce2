/* Shared helpers of the C tests: checks, a growable buffer, a seeded PRNG, the test
 * document, and the invariants every line must hold (width bound, no escape sequence but
 * termark's own SGR and OSC 8, the terminal back in its default state at the end). */
#ifndef TERMARK_TEST_COMMON_H
#define TERMARK_TEST_COMMON_H

#include "termark.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);         \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

/* A call that must succeed; on failure prints termark's message. */
#define OK(call)                                                                       \
  do {                                                                                 \
    termark_status st_ = (call);                                                       \
    if (st_ != TERMARK_OK) {                                                           \
      const char *m_ = termark_last_error_message();                                   \
      fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, st_,    \
              m_ ? m_ : "(no message)");                                               \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

/* A call that must fail with `want`, leaving a message that contains `needle`. */
#define FAILS(call, want, needle)                                                      \
  do {                                                                                 \
    termark_status st_ = (call);                                                       \
    const char *m_ = termark_last_error_message();                                     \
    if (st_ != (want) || m_ == NULL || strstr(m_, (needle)) == NULL) {                 \
      fprintf(stderr, "%s:%d: %s returned %d (want %d), message \"%s\" (want \"%s\")\n", \
              __FILE__, __LINE__, #call, st_, (want), m_ ? m_ : "(null)", (needle));   \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

typedef struct {
  char *data;
  size_t len, cap;
} buf_t;

static inline void buf_add(buf_t *b, const char *p, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (b->len + n + 1 > cap) cap *= 2;
    b->data = realloc(b->data, cap);
    CHECK(b->data != NULL);
    b->cap = cap;
  }
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}

static inline void buf_free(buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* xorshift64*: reproducible splits from a seed. */
static inline uint64_t rng_next(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}

/* A document with every block kind, non-ASCII text (2-, 3- and 4-byte UTF-8, wide
 * characters), CRLF lines, tabs, and hostile bytes: CSI, OSC 52 and OSC 8 sequences,
 * BEL, a C1 CSI (U+009B), a raw invalid byte and a bidi override. */
static const char DOC[] =
    "# termark \xe2\x80\x94 t\xc3\xa9st \xe6\x96\x87\xe6\xa1\xa3\n"
    "\n"
    "Some *emphasis*, **strong**, ~~struck~~ and `code` text that is long enough to wrap "
    "several times at a narrow width, with caf\xc3\xa9 na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac"
    "\xe8\xaa\x9e\xe3\x81\xae\xe6\x96\x87\xe7\xab\xa0 and emoji \xf0\x9f\x98\x80\xf0\x9f\x8e"
    "\x89 in it.\r\n"
    "A second line of the same paragraph with a [link](https://example.com/path?q=1) and "
    "a [relative one](docs/readme.md) and <https://autolink.example>.\r\n"
    "\n"
    "Hostile: \x1b[2J\x1b]52;c;ZXZpbA==\x07 and \x1b]8;;https://evil.example\x1b\\click"
    "\x1b]8;;\x1b\\ and \xc2\x9b" "31m and \xff raw and \xe2\x80\xae" "desrever\n"
    "\n"
    "> A block quote with a list:\n"
    "> - one\n"
    "> - two \xe2\x86\x92 three\n"
    "\n"
    "1. first item\n"
    "2. second item with a very long sentence that has to wrap inside the list item's "
    "indent\n"
    "   - nested\tbullet\n"
    "3. third\n"
    "\n"
    "```rust\n"
    "fn main() {\n"
    "    let s = \"a string literal that is quite a bit longer than forty columns\";\n"
    "    println!(\"{s}\");\n"
    "}\n"
    "```\n"
    "\n"
    "| name | value | notes |\n"
    "|------|------:|-------|\n"
    "| \xce\xb1 | 1.5 | first row |\n"
    "| \xce\xb2 | 22 | a longer note in the second row |\n"
    "\n"
    "---\n"
    "\n"
    "Footnote[^1] and an image ![alt text](https://example.com/i.png).\n"
    "\n"
    "[^1]: The note.\n"
    "\n"
    "<div>html block</div>\n"
    "\n"
    "Last paragraph without a final newline";

/* True if `n` bytes of line output hold only SGR (ESC [ digits/semicolons m) and OSC 8
 * (ESC ] 8 ; ; URI ESC \) sequences, no other C0, DEL, C1 or bidi control, and leave the
 * terminal in its default state at the end (no attribute set, no link open). */
#define ANSI_REQUIRE(cond) \
  do {                     \
    if (!(cond)) return 0; \
  } while (0)
static inline int ansi_ok(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  int styled = 0, linked = 0;
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c == 0x1b) {
      ANSI_REQUIRE(i + 1 < n);
      if (p[i + 1] == '[') {
        size_t j = i + 2, start = j;
        while (j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == ';')) j++;
        ANSI_REQUIRE(j < n && p[j] == 'm'); /* SGR only, nothing else after CSI */
        styled = !((j - start == 1 && p[start] == '0') || j == start);
        i = j + 1;
      } else if (p[i + 1] == ']') {
        ANSI_REQUIRE(i + 5 <= n && memcmp(p + i, "\x1b]8;;", 5) == 0); /* OSC 8 only */
        size_t j = i + 5, start = j;
        while (j < n && p[j] != 0x1b) {
          ANSI_REQUIRE(p[j] >= 0x21 && p[j] != 0x7f); /* a URI: no space, no control */
          j++;
        }
        ANSI_REQUIRE(j + 1 < n && p[j + 1] == '\\'); /* ST terminates it */
        linked = j > start;
        i = j + 2;
      } else {
        return 0; /* an escape that is neither SGR nor OSC 8 */
      }
      continue;
    }
    ANSI_REQUIRE(c >= 0x20 && c != 0x7f);                                  /* C0, DEL */
    ANSI_REQUIRE(!(c == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)); /* C1 */
    if (c == 0xe2 && i + 2 < n) {
      ANSI_REQUIRE(!(p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae)); /* LRE..RLO */
      ANSI_REQUIRE(!(p[i + 1] == 0x81 && p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)); /* isolates */
    }
    i++;
  }
  return !styled && !linked;
}

static inline void check_ansi(const char *s, size_t n) {
  if (!ansi_ok(s, n)) {
    fprintf(stderr, "not a safe, self-contained line: \"%.*s\"\n", (int)n, s);
    exit(1);
  }
}

/* The checker itself catches what it is there to catch. */
static inline void check_the_checker(void) {
#define BAD(lit) CHECK(!ansi_ok(lit, sizeof lit - 1))
#define GOOD(lit) CHECK(ansi_ok(lit, sizeof lit - 1))
  GOOD("plain \xe2\x90\x9b text");
  GOOD("\x1b[1;38;5;2mbold\x1b[22mx\x1b[0m");
  GOOD("\x1b]8;;https://a.example/\x1b\\link\x1b]8;;\x1b\\");
  BAD("\x1b[2J");                              /* CSI but not SGR */
  BAD("\x1b[1mstill bold");                    /* not reset at the end */
  BAD("\x1b]8;;https://a.example/\x1b\\open"); /* link left open */
  BAD("\x1b]52;c;ZXZpbA==\x07");               /* OSC 52 */
  BAD("bell\x07");
  BAD("del\x7f");
  BAD("c1 \xc2\x9b" "31m");
  BAD("rlo \xe2\x80\xae");
  BAD("\x1bP");
#undef BAD
#undef GOOD
}

/* Text that reaches the screen as text: no control character at all. */
static inline void check_text(const char *s, size_t n) {
  CHECK(s != NULL && s[n] == 0 && strlen(s) == n);
  check_ansi(s, n);
  CHECK(memchr(s, 0x1b, n) == NULL);
}

/* Every invariant of one line at `width` columns. */
static inline void check_line(const termark_line *l, size_t width) {
  CHECK(l->ansi != NULL && l->ansi[l->ansi_len] == 0 && strlen(l->ansi) == l->ansi_len);
  check_ansi(l->ansi, l->ansi_len);
  check_text(l->text, l->text_len);
  CHECK(l->width <= width);
  int ascii = 1;
  for (size_t i = 0; i < l->text_len; i++) ascii &= (unsigned char)l->text[i] < 0x80;
  if (ascii) CHECK(l->width == l->text_len); /* an independent count of columns */
  /* The spans are the text, in order. */
  size_t at = 0;
  CHECK(l->span_count == 0 || l->spans != NULL);
  for (size_t i = 0; i < l->span_count; i++) {
    const termark_span *sp = &l->spans[i];
    check_text(sp->text, sp->text_len);
    CHECK(at + sp->text_len <= l->text_len);
    CHECK(memcmp(l->text + at, sp->text, sp->text_len) == 0);
    at += sp->text_len;
    if (sp->link) {
      CHECK(sp->link[sp->link_len] == 0 && strlen(sp->link) == sp->link_len);
      CHECK(sp->link_len > 0);
    } else {
      CHECK(sp->link_len == 0);
    }
    CHECK(sp->style.fg.kind <= TERMARK_COLOR_RGB && sp->style.bg.kind <= TERMARK_COLOR_RGB);
    CHECK((sp->style.modifiers & ~0x1f) == 0);
  }
  CHECK(at == l->text_len);
  CHECK(l->kind <= TERMARK_LINE_BLANK);
}

/* Appends each line's ANSI bytes and a newline to `out`, checking the line. */
static inline void add_lines(buf_t *out, termark_lines lines, size_t width) {
  CHECK(lines.count == 0 || lines.lines != NULL);
  CHECK(lines.count != 0 || lines.lines == NULL);
  for (size_t i = 0; i < lines.count; i++) {
    check_line(&lines.lines[i], width);
    if (out) {
      buf_add(out, lines.lines[i].ansi, lines.lines[i].ansi_len);
      buf_add(out, "\n", 1);
    }
  }
}

/* The one-shot render of `doc` as ANSI lines joined by newlines. */
static inline void render_once(const termark_renderer *r, const char *doc, size_t len, size_t width,
                        buf_t *out) {
  termark_document *d = NULL;
  termark_lines lines;
  OK(termark_renderer_render(r, doc, len, &d));
  OK(termark_document_lines(d, &lines));
  add_lines(out, lines, width);
  termark_document_free(d);
}

#endif
