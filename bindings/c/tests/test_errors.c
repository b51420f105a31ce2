/* Error paths: NULL handles and out-pointers, bad themes, widths out of range, bad color
 * depths; each returns its code and leaves a message, on this thread only, and nothing
 * aborts. Also: handles outliving their renderer, and one renderer shared by threads. */
#include "common.h"

#include <pthread.h>
#include <unistd.h>

static termark_renderer *new_renderer(void) {
  termark_renderer *r = NULL;
  OK(termark_renderer_new(NULL, &r));
  CHECK(r != NULL);
  return r;
}

static void test_version_and_first_message(void) {
  CHECK(termark_last_error_message() == NULL); /* nothing failed on this thread yet */
  const char *v = termark_version();
  CHECK(v != NULL && strlen(v) >= 5 && v[0] >= '0' && v[0] <= '9');
  printf("ok  version %s, no message before a failure\n", v);
}

static void test_options(void) {
  termark_renderer *r = (termark_renderer *)1; /* set to NULL on error */
  termark_options o = termark_options_default();
  CHECK(o.width == 80 && o.tab_width == 4 && o.theme == NULL && o.highlight && o.heal);
  CHECK(o.wrap_code && !o.hyperlinks && !o.drop_control_chars && o.tail_rows == 0);

  FAILS(termark_renderer_new(&o, NULL), TERMARK_ERROR_NULL_POINTER, "out is NULL");

  o.width = 0;
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_INVALID_OPTION, "width=0");
  CHECK(r == NULL);
  CHECK(strstr(termark_last_error_message(), "8 to 4096") != NULL);
  o.width = 7;
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_INVALID_OPTION, "width=7");
  o.width = 4097;
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_INVALID_OPTION, "width=4097");
  o.width = 0xffffffffu;
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_INVALID_OPTION, "width=4294967295");
  o = termark_options_default();
  o.tab_width = 0;
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_INVALID_OPTION, "tab-width=0");
  o = termark_options_default();
  o.tail_rows = 1;
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_INVALID_OPTION, "tail-rows=1");
  o = termark_options_default();
  o.color = 5;
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_INVALID_OPTION, "color=5");

  o = termark_options_default();
  o.theme = "no-such-theme";
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_THEME, "no-such-theme");
  CHECK(strstr(termark_last_error_message(), "dark, light") != NULL);
  o.theme = "/nonexistent/dir/theme.toml";
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_THEME, "/nonexistent/dir/theme.toml");
  o.theme = "\xff\xfe";
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_INVALID_OPTION, "not UTF-8");

  /* A theme file with an error names its line. */
  char path[] = "/tmp/termark-theme-XXXXXX.toml";
  int fd = mkstemps(path, 5);
  CHECK(fd >= 0);
  const char bad[] = "[styles]\nheading1 = { fg = \"no-such-color\" }\n";
  CHECK(write(fd, bad, sizeof bad - 1) == (ssize_t)(sizeof bad - 1));
  close(fd);
  o.theme = path;
  FAILS(termark_renderer_new(&o, &r), TERMARK_ERROR_THEME, ":2:");
  /* A good one loads. */
  const char good[] = "base = \"light\"\n[styles]\nheading1 = { fg = \"#d75f00\", bold = true }\n";
  FILE *f = fopen(path, "w");
  CHECK(f != NULL && fwrite(good, 1, sizeof good - 1, f) == sizeof good - 1);
  fclose(f);
  OK(termark_renderer_new(&o, &r));
  termark_renderer_free(r);
  unlink(path);

  o.theme = "light";
  OK(termark_renderer_new(&o, &r));
  termark_renderer_free(r);
  o.theme = "";
  OK(termark_renderer_new(&o, &r));
  termark_renderer_free(r);
  /* Success leaves the last message as it was. */
  CHECK(strstr(termark_last_error_message(), ":2:") != NULL);
  printf("ok  bad options: width 0/7/4097/2^32-1, tab width, tail rows, color, themes\n");
}

static void test_null_handles(void) {
  termark_renderer *r = new_renderer();
  termark_stream *s = (termark_stream *)1;
  termark_document *d = (termark_document *)1;
  termark_lines lines = {(const termark_line *)1, 7};
  bool b = true;

  FAILS(termark_renderer_stream(NULL, &s), TERMARK_ERROR_NULL_POINTER, "renderer is NULL");
  CHECK(s == NULL);
  FAILS(termark_renderer_stream(r, NULL), TERMARK_ERROR_NULL_POINTER, "out is NULL");
  FAILS(termark_renderer_render(NULL, "x", 1, &d), TERMARK_ERROR_NULL_POINTER, "renderer");
  CHECK(d == NULL);
  FAILS(termark_renderer_render(r, NULL, 3, &d), TERMARK_ERROR_NULL_POINTER, "byte pointer");
  FAILS(termark_renderer_render(r, "x", 1, NULL), TERMARK_ERROR_NULL_POINTER, "out is NULL");
  FAILS(termark_document_lines(NULL, &lines), TERMARK_ERROR_NULL_POINTER, "document");
  CHECK(lines.count == 0 && lines.lines == NULL); /* out is cleared on error */
  OK(termark_renderer_render(r, NULL, 0, &d)); /* an empty document */
  OK(termark_document_lines(d, &lines));
  CHECK(lines.count == 0 && lines.lines == NULL);
  FAILS(termark_document_lines(d, NULL), TERMARK_ERROR_NULL_POINTER, "out is NULL");
  termark_document_free(d);

  FAILS(termark_stream_push(NULL, "x", 1), TERMARK_ERROR_NULL_POINTER, "stream is NULL");
  FAILS(termark_stream_new_committed(NULL, &lines), TERMARK_ERROR_NULL_POINTER, "stream");
  CHECK(lines.count == 0 && lines.lines == NULL); /* out is cleared on error */
  FAILS(termark_stream_tentative(NULL, &lines), TERMARK_ERROR_NULL_POINTER, "stream");
  FAILS(termark_stream_tail(NULL, &lines, &b), TERMARK_ERROR_NULL_POINTER, "stream");
  FAILS(termark_stream_set_width(NULL, 40), TERMARK_ERROR_NULL_POINTER, "stream");
  FAILS(termark_stream_finalize(NULL), TERMARK_ERROR_NULL_POINTER, "stream");
  FAILS(termark_stream_release(NULL), TERMARK_ERROR_NULL_POINTER, "stream");
  FAILS(termark_stream_has_live_state(NULL, &b), TERMARK_ERROR_NULL_POINTER, "stream");
  CHECK(!b);

  OK(termark_renderer_stream(r, &s));
  FAILS(termark_stream_push(s, NULL, 4), TERMARK_ERROR_NULL_POINTER, "byte pointer");
  OK(termark_stream_push(s, NULL, 0));
  FAILS(termark_stream_new_committed(s, NULL), TERMARK_ERROR_NULL_POINTER, "out is NULL");
  FAILS(termark_stream_tentative(s, NULL), TERMARK_ERROR_NULL_POINTER, "out is NULL");
  FAILS(termark_stream_tail(s, NULL, &b), TERMARK_ERROR_NULL_POINTER, "out is NULL");
  FAILS(termark_stream_has_live_state(s, NULL), TERMARK_ERROR_NULL_POINTER, "out is NULL");
  OK(termark_stream_push(s, "para", 4));
  OK(termark_stream_tail(s, &lines, NULL)); /* exact is optional */
  CHECK(lines.count == 1);

  /* Widths out of range leave the width as it was. */
  FAILS(termark_stream_set_width(s, 0), TERMARK_ERROR_INVALID_OPTION, "width=0");
  FAILS(termark_stream_set_width(s, 100000), TERMARK_ERROR_INVALID_OPTION, "width=100000");
  OK(termark_stream_push(s, "graph\n\nnext\n\n", 13));
  OK(termark_stream_new_committed(s, &lines));
  CHECK(lines.count >= 1 && strcmp(lines.lines[0].text, "paragraph") == 0);

  /* The free functions take NULL. */
  termark_stream_free(NULL);
  termark_renderer_free(NULL);
  termark_document_free(NULL);
  termark_stream_free(s);
  termark_renderer_free(r);
  printf("ok  NULL handles, out-pointers and byte pointers; set_width out of range\n");
}

static void *fail_on_another_thread(void *arg) {
  (void)arg;
  CHECK(termark_last_error_message() == NULL);
  FAILS(termark_stream_finalize(NULL), TERMARK_ERROR_NULL_POINTER, "stream is NULL");
  return NULL;
}

static void test_message_per_thread(void) {
  FAILS(termark_stream_set_width(NULL, 1), TERMARK_ERROR_NULL_POINTER, "stream is NULL");
  termark_renderer *r = new_renderer();
  termark_stream *s = NULL;
  OK(termark_renderer_stream(r, &s));
  FAILS(termark_stream_set_width(s, 1), TERMARK_ERROR_INVALID_OPTION, "width=1");
  pthread_t t;
  CHECK(pthread_create(&t, NULL, fail_on_another_thread, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  CHECK(strstr(termark_last_error_message(), "width=1") != NULL);
  termark_stream_free(s);
  termark_renderer_free(r);
  printf("ok  the last error message is per thread\n");
}

/* A stream keeps what it needs from its renderer: the renderer can go first. */
static void test_stream_outlives_renderer(void) {
  termark_renderer *r = new_renderer();
  buf_t once = {0};
  render_once(r, DOC, sizeof DOC - 1, 80, &once);
  termark_stream *s = NULL;
  OK(termark_renderer_stream(r, &s));
  termark_renderer_free(r);
  OK(termark_stream_push(s, DOC, sizeof DOC - 1));
  OK(termark_stream_finalize(s));
  termark_lines lines;
  OK(termark_stream_new_committed(s, &lines));
  buf_t streamed = {0};
  add_lines(&streamed, lines, 80);
  CHECK(streamed.len == once.len && memcmp(streamed.data, once.data, once.len) == 0);
  termark_stream_free(s);
  buf_free(&once);
  buf_free(&streamed);
  printf("ok  a stream outlives its renderer\n");
}

typedef struct {
  const termark_renderer *r;
  const buf_t *once;
  int seed;
} job_t;

static void *stream_on_thread(void *arg) {
  job_t *job = arg;
  termark_stream *s = NULL;
  OK(termark_renderer_stream(job->r, &s));
  size_t at = 0, len = sizeof DOC - 1, step = 3 + (size_t)job->seed * 7;
  buf_t out = {0};
  termark_lines lines;
  while (at < len) {
    size_t n = step < len - at ? step : len - at;
    OK(termark_stream_push(s, DOC + at, n));
    at += n;
    OK(termark_stream_new_committed(s, &lines));
    add_lines(&out, lines, 80);
  }
  OK(termark_stream_finalize(s));
  OK(termark_stream_new_committed(s, &lines));
  add_lines(&out, lines, 80);
  CHECK(out.len == job->once->len && memcmp(out.data, job->once->data, out.len) == 0);
  buf_free(&out);
  termark_stream_free(s);
  return NULL;
}

static void test_shared_renderer(void) {
  termark_renderer *r = new_renderer();
  buf_t once = {0};
  render_once(r, DOC, sizeof DOC - 1, 80, &once);
  pthread_t t[4];
  job_t jobs[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (job_t){r, &once, i};
    CHECK(pthread_create(&t[i], NULL, stream_on_thread, &jobs[i]) == 0);
  }
  for (int i = 0; i < 4; i++) CHECK(pthread_join(t[i], NULL) == 0);
  termark_renderer_free(r);
  buf_free(&once);
  printf("ok  one renderer, four threads streaming at once\n");
}

int main(void) {
  test_version_and_first_message();
  test_options();
  test_null_handles();
  test_message_per_thread();
  test_stream_outlives_renderer();
  test_shared_renderer();
  printf("test_errors: all passed\n");
  return 0;
}
