/* 1,000 chat messages through one renderer, the way an app streams them: 16-byte pushes,
 * committed lines read after every push, the tail every few pushes, finalize, then release
 * (reuse) or free. Run under valgrind (--leak-check=full --error-exitcode=1) it finds no
 * leak and no invalid access; run alone it checks that the resident set stays flat after
 * the first 100 messages (pass --no-rss under valgrind, whose own memory is not the
 * program's). `--messages N` runs fewer messages. Built with -DTERMARK_TEST_LEAK_ONE_STREAM it
 * forgets one stream on purpose: test.sh checks that valgrind then fails, so the clean run
 * means something. */
#include "common.h"

#include <unistd.h>

#define MESSAGES 1000
#define WARM 100
/* Growth of the resident set from message WARM to the end, at most. */
#define MAX_GROWTH_KIB 1024

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (!f) return -1;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
  fclose(f);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Message `i`: a short answer, with a table every 10th and a code block every 25th. */
static void make_message(int i, buf_t *out) {
  char tmp[512];
  out->len = 0;
  int n = snprintf(tmp, sizeof tmp,
                   "## Answer %d\n\nHere is *message* number **%d**, with `code`, a "
                   "[link](https://example.com/%d) and caf\xc3\xa9 \xe6\x96\x87 text that "
                   "wraps.\n\n- point one\n- point two of %d\n\n",
                   i, i, i, i);
  buf_add(out, tmp, (size_t)n);
  if (i % 10 == 0) {
    n = snprintf(tmp, sizeof tmp, "| k | v |\n|---|---|\n| a | %d |\n| b | %d |\n\n", i, i * 2);
    buf_add(out, tmp, (size_t)n);
  }
  if (i % 25 == 0) {
    const char *lang = (i / 25) % 2 ? "python" : "rust";
    n = snprintf(tmp, sizeof tmp, "```%s\nx = %d  # a comment\nprint(x)\n```\n\n", lang, i);
    buf_add(out, tmp, (size_t)n);
  }
  n = snprintf(tmp, sizeof tmp, "> done %d\n", i);
  buf_add(out, tmp, (size_t)n);
}

int main(int argc, char **argv) {
  int check_rss = 1, messages = MESSAGES;
  for (int a = 1; a < argc; a++) {
    if (strcmp(argv[a], "--no-rss") == 0) {
      check_rss = 0;
    } else if (strcmp(argv[a], "--messages") == 0 && a + 1 < argc) {
      messages = atoi(argv[++a]);
      check_rss = check_rss && messages >= MESSAGES;
    } else {
      fprintf(stderr, "usage: %s [--no-rss] [--messages N]\n", argv[0]);
      return 2;
    }
  }
  termark_options o = termark_options_default();
  o.width = 60;
  o.hyperlinks = true;
  termark_renderer *r = NULL;
  OK(termark_renderer_new(&o, &r));
  termark_stream *s = NULL;
  OK(termark_renderer_stream(r, &s));
  buf_t msg = {0}, streamed = {0}, once = {0};
  long warm = 0, peak = 0;
  size_t lines_seen = 0;
  for (int i = 0; i < messages; i++) {
    make_message(i, &msg);
    streamed.len = 0;
    termark_lines lines;
    for (size_t at = 0, k = 0; at < msg.len; at += 16, k++) {
      size_t n = msg.len - at < 16 ? msg.len - at : 16;
      OK(termark_stream_push(s, msg.data + at, n));
      OK(termark_stream_new_committed(s, &lines));
      add_lines(&streamed, lines, o.width);
      if (k % 4 == 3) {
        OK(termark_stream_tail(s, &lines, NULL));
        add_lines(NULL, lines, o.width);
      }
    }
    OK(termark_stream_finalize(s));
    OK(termark_stream_new_committed(s, &lines));
    add_lines(&streamed, lines, o.width);
    bool live = true;
    OK(termark_stream_has_live_state(s, &live));
    CHECK(!live);
    CHECK(streamed.len > 0);
    lines_seen += streamed.len;
    if (i % 10 == 0) { /* the one-shot path too, and it agrees */
      once.len = 0;
      render_once(r, msg.data, msg.len, o.width, &once);
      CHECK(once.len == streamed.len && memcmp(once.data, streamed.data, once.len) == 0);
    }
#ifdef TERMARK_TEST_LEAK_ONE_STREAM
    if (i == 3) s = NULL; /* forgotten, never freed */
#endif
    if (s && i % 2) {
      OK(termark_stream_release(s));
    } else {
      termark_stream_free(s);
      s = NULL;
      OK(termark_renderer_stream(r, &s));
    }
    long now = rss_kib();
    if (i + 1 == WARM) warm = now;
    if (i + 1 >= WARM && now > peak) peak = now;
  }
  termark_stream_free(s);
  termark_renderer_free(r);
  buf_free(&msg);
  buf_free(&streamed);
  buf_free(&once);
  printf("ok  %d messages (%zu bytes of output)\n", messages, lines_seen);
  if (check_rss) {
    CHECK(warm > 0);
    printf("rss after %d messages %ld KiB, peak after that %ld KiB: growth %ld KiB (at most %d)\n",
           WARM, warm, peak, peak - warm, MAX_GROWTH_KIB);
    CHECK(peak - warm <= MAX_GROWTH_KIB);
    printf("ok  resident set flat\n");
  } else {
    printf("--  resident set not checked (--no-rss)\n");
  }
  printf("test_leak: all passed\n");
  return 0;
}
