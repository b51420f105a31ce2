/* Streaming equals the one-shot render, for random splits (inside UTF-8 sequences and
 * between CR and LF too) at several widths and settings; every committed and tentative
 * line keeps the width bound and the escape invariants; a stream holds no live state
 * after finalize and can be reused after release. */
#include "common.h"

typedef struct {
  uint32_t width;
  uint32_t color;
  bool hyperlinks;
  uint32_t tail_rows;
} config_t;

/* Streams DOC in chunks of 1..max_chunk bytes (max_chunk 1: byte by byte), reading the
 * committed lines after every push and the tail now and then; returns the ANSI text. */
static void stream_doc(termark_stream *s, size_t width, uint64_t seed, size_t max_chunk,
                       buf_t *out) {
  const size_t len = sizeof DOC - 1;
  size_t at = 0, pushes = 0;
  bool live = false;
  OK(termark_stream_has_live_state(s, &live));
  CHECK(!live);
  while (at < len) {
    size_t n = 1 + (size_t)(rng_next(&seed) % max_chunk);
    if (n > len - at) n = len - at;
    OK(termark_stream_push(s, DOC + at, n));
    at += n;
    pushes++;
    termark_lines lines;
    OK(termark_stream_new_committed(s, &lines));
    add_lines(out, lines, width);
    switch (rng_next(&seed) % 4) {
      case 0:
        OK(termark_stream_tentative(s, &lines));
        add_lines(NULL, lines, width);
        break;
      case 1: {
        bool exact = false;
        OK(termark_stream_tail(s, &lines, &exact));
        add_lines(NULL, lines, width);
        break;
      }
      default:
        break;
    }
  }
  OK(termark_stream_has_live_state(s, &live));
  CHECK(live);
  OK(termark_stream_finalize(s));
  OK(termark_stream_has_live_state(s, &live));
  CHECK(!live);
  termark_lines lines;
  OK(termark_stream_new_committed(s, &lines));
  add_lines(out, lines, width);
  /* After finalize the tail is empty and pushes are ignored. */
  OK(termark_stream_tentative(s, &lines));
  CHECK(lines.count == 0 && lines.lines == NULL);
  OK(termark_stream_push(s, "more\n\n", 6));
  OK(termark_stream_new_committed(s, &lines));
  CHECK(lines.count == 0);
  CHECK(pushes > 0);
}

static void run_config(config_t c) {
  termark_options o = termark_options_default();
  o.width = c.width;
  o.color = c.color;
  o.hyperlinks = c.hyperlinks;
  o.tail_rows = c.tail_rows;
  termark_renderer *r = NULL;
  OK(termark_renderer_new(&o, &r));
  CHECK(r != NULL);

  buf_t once = {0};
  render_once(r, DOC, sizeof DOC - 1, c.width, &once);
  CHECK(once.len > 0);
  /* Every word reaches the output, the hostile bytes as visible symbols. */
  termark_document *d = NULL;
  termark_lines all;
  OK(termark_renderer_render(r, DOC, sizeof DOC - 1, &d));
  OK(termark_document_lines(d, &all));
  buf_t plain = {0};
  for (size_t i = 0; i < all.count; i++) {
    buf_add(&plain, all.lines[i].text, all.lines[i].text_len);
    buf_add(&plain, "\n", 1);
  }
  CHECK(strstr(plain.data, "\xe2\x90\x9b[2J") != NULL); /* ESC shown as U+241B */
  CHECK(strstr(plain.data, "newline\n") != NULL); /* the unterminated last line */
  CHECK(strstr(plain.data, "docs/readme.md") != NULL); /* a destination shown as text */
  if (c.color == TERMARK_COLOR_DEPTH_PLAIN) CHECK(memchr(once.data, 0x1b, once.len) == NULL);
  buf_free(&plain);
  termark_document_free(d);

  termark_stream *s = NULL;
  OK(termark_renderer_stream(r, &s));
  uint64_t seed = 0x9e3779b97f4a7c15ULL ^ c.width;
  for (int round = 0; round < 40; round++) {
    buf_t streamed = {0};
    size_t max_chunk = round == 0 ? 1 : (size_t)(1 + rng_next(&seed) % 64);
    stream_doc(s, c.width, rng_next(&seed), max_chunk, &streamed);
    if (streamed.len != once.len || memcmp(streamed.data, once.data, once.len) != 0) {
      fprintf(stderr, "width %u round %d: streamed output differs from the one-shot render\n"
              "--- one-shot:\n%s--- streamed:\n%s", c.width, round, once.data, streamed.data);
      exit(1);
    }
    buf_free(&streamed);
    /* Alternate reuse after release and a fresh stream. */
    if (round % 2) {
      OK(termark_stream_release(s));
    } else {
      termark_stream_free(s);
      s = NULL;
      OK(termark_renderer_stream(r, &s));
    }
  }
  termark_stream_free(s);
  termark_renderer_free(r);
  buf_free(&once);
  printf("ok  stream equals one-shot: width %u, color depth %u, hyperlinks %d, tail rows %u\n",
         c.width, c.color, c.hyperlinks, c.tail_rows);
}

/* set_width: the open block and later lines follow the new width. */
static void test_set_width(void) {
  termark_renderer *r = NULL;
  OK(termark_renderer_new(NULL, &r));
  termark_stream *s = NULL;
  OK(termark_renderer_stream(r, &s));
  OK(termark_stream_push(s, DOC, 300));
  OK(termark_stream_set_width(s, 24));
  OK(termark_stream_push(s, DOC + 300, sizeof DOC - 1 - 300));
  termark_lines lines;
  OK(termark_stream_tentative(s, &lines));
  add_lines(NULL, lines, 24);
  OK(termark_stream_finalize(s));
  OK(termark_stream_new_committed(s, &lines));
  size_t wide = 0;
  for (size_t i = 0; i < lines.count; i++) {
    check_line(&lines.lines[i], 80);
    if (lines.lines[i].width > 24) wide++;
  }
  /* Only lines committed before the resize may be wider than 24 columns. */
  CHECK(lines.count > 20);
  CHECK(wide < 6);
  termark_stream_free(s);
  termark_renderer_free(r);
  printf("ok  set_width narrows the open block and later lines\n");
}

int main(void) {
  check_the_checker();
  config_t configs[] = {
      {20, TERMARK_COLOR_DEPTH_TRUECOLOR, false, 0},
      {40, TERMARK_COLOR_DEPTH_TRUECOLOR, true, 0},
      {80, TERMARK_COLOR_DEPTH_256, true, 4},
      {33, TERMARK_COLOR_DEPTH_16, false, 0},
      {60, TERMARK_COLOR_DEPTH_PLAIN, true, 0},
  };
  for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++) run_config(configs[i]);
  test_set_width();
  printf("test_stream: all passed\n");
  return 0;
}
