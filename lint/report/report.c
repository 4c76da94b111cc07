/*
 * report.c - the reporter object and what every output format shares:
 * diagnostic order, the byte-offset -> line/column conversion, and the
 * paths and URIs that the machine formats print.
 *
 *   nnl_diag[] (byte spans, doc arena) --sort, convert--> text.c | json.c
 *                                        | sarif.c | github.c | lsp.c
 *
 * The IR and the diagnostics keep byte offsets; this is the one place that
 * turns them into 1-based lines and 1-based Unicode code point columns (an
 * invalid UTF-8 byte counts as one column).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

/* ---- the formats, defined once ----
 * Each row: the name --format takes, and the format's entry points (NULL:
 * nothing to do at that step). */
static const struct format {
  const char *name;
  void (*begin)(nnl_reporter *r);
  void (*doc)(nnl_reporter *r, nnl_doc *doc);
  void (*unreadable)(nnl_reporter *r, const char *path, const char *msg);
  void (*finish)(nnl_reporter *r);
} formats[] = {
    [NNL_OUT_TEXT] = {"text", NULL, nnl_text_doc, nnl_text_unreadable,
                      nnl_text_finish},
    [NNL_OUT_JSON] = {"json", nnl_json_begin, nnl_json_doc,
                      nnl_json_unreadable, nnl_json_finish},
    [NNL_OUT_SARIF] = {"sarif", nnl_sarif_begin, nnl_sarif_doc,
                       nnl_sarif_unreadable, nnl_sarif_finish},
    [NNL_OUT_GITHUB] = {"github", NULL, nnl_github_doc, nnl_github_unreadable,
                        NULL},
    [NNL_OUT_LSP] = {"lsp", nnl_lsp_begin, nnl_lsp_doc, nnl_lsp_unreadable,
                     nnl_lsp_finish},
};
#define N_FORMATS (sizeof formats / sizeof *formats)

int nnl_output_format_parse(const char *name) {
  for (size_t i = 0; i < N_FORMATS; i++)
    if (formats[i].name && strcmp(formats[i].name, name) == 0) return (int)i;
  return -1;
}

const char *nnl_output_format_names(void) {
  static char names[128];
  if (!names[0]) {
    nnl_buf b = {0};
    for (size_t i = 0; i < N_FORMATS; i++) {
      if (i) nnl_buf_puts(&b, i + 1 == N_FORMATS ? " or " : ", ");
      nnl_buf_puts(&b, formats[i].name);
    }
    snprintf(names, sizeof names, "%s", nnl_buf_str(&b));
    nnl_buf_free(&b);
  }
  return names;
}

static const struct format *format_of(const nnl_reporter *r) {
  return (size_t)r->format < N_FORMATS ? &formats[r->format]
                                       : &formats[NNL_OUT_TEXT];
}

nnl_reporter *nnl_reporter_new(nnl_output_format f, FILE *out, bool color) {
  nnl_reporter *r = nnl_xcalloc(1, sizeof *r);
  r->format = f;
  r->out = out;
  r->color = color;
  if (format_of(r)->begin) format_of(r)->begin(r);
  return r;
}

void nnl_reporter_set_rules(nnl_reporter *r, const nnl_ruleset *rs) {
  r->rules = rs;
}

void nnl_reporter_doc(nnl_reporter *r, nnl_doc *doc) {
  format_of(r)->doc(r, doc);
}

void nnl_reporter_unreadable(nnl_reporter *r, const char *path,
                             const char *msg) {
  r->n_error++;
  format_of(r)->unreadable(r, path, msg);
}

void nnl_reporter_finish(nnl_reporter *r) {
  if (!r) return;
  if (format_of(r)->finish) format_of(r)->finish(r);
  fflush(r->out);
  nnl_buf_free(&r->line);
  nnl_buf_free(&r->caret);
  free(r);
}

/* ---- order ---- */

/* By offset, then rule id; equal keys keep their report order (the
 * pointers point into one array, so their order is the report order). */
static int by_span_rule(const void *pa, const void *pb) {
  const nnl_diag *a = *(const nnl_diag *const *)pa;
  const nnl_diag *b = *(const nnl_diag *const *)pb;
  if (a->span.off != b->span.off) return a->span.off < b->span.off ? -1 : 1;
  int c = strcmp(a->rule ? a->rule : "", b->rule ? b->rule : "");
  if (c) return c;
  return a < b ? -1 : a > b;
}

const nnl_diag **nnl_report_sorted(const nnl_doc *doc) {
  if (doc->diags.len == 0) return NULL;
  const nnl_diag **v = nnl_xmalloc(sizeof *v * doc->diags.len);
  for (uint32_t i = 0; i < doc->diags.len; i++)
    v[i] = &doc->diags.items[i];
  qsort(v, doc->diags.len, sizeof *v, by_span_rule);
  return v;
}

/* ---- UTF-8 ---- */

size_t nnl_utf8_seq(const unsigned char *s, size_t n) {
  if (n == 0) return 0;
  unsigned b = s[0];
  if (b < 0x80) return 1;
  size_t need;
  unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  if (b >= 0xC2 && b <= 0xDF)
    need = 2;
  else if (b >= 0xE0 && b <= 0xEF) {
    need = 3;
    if (b == 0xE0)
      lo = 0xA0; /* overlong */
    else if (b == 0xED)
      hi = 0x9F; /* surrogates */
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 4;
    if (b == 0xF0)
      lo = 0x90; /* overlong */
    else if (b == 0xF4)
      hi = 0x8F; /* above U+10FFFF */
  } else
    return 0;
  if (n < need || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < need; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return need;
}

uint32_t nnl_utf8_columns(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  uint32_t cols = 0;
  for (size_t i = 0; i < n; cols++) {
    if (u[i] < 0x80) { /* ASCII: one byte, one column */
      i++;
      continue;
    }
    size_t k = nnl_utf8_seq(u + i, n - i);
    i += k ? k : 1;
  }
  return cols;
}

/* Is the code point starting at s (a valid sequence of k bytes) a control
 * character: C0 other than tab, DEL, or C1 (U+0080..U+009F)? */
static bool is_control(const unsigned char *s, size_t k) {
  if (k == 1) return (s[0] < 0x20 && s[0] != '\t') || s[0] == 0x7F;
  return k == 2 && s[0] == 0xC2 && s[1] < 0xA0;
}

char *nnl_utf8_clean(const char *s, size_t n, bool ctrl, size_t *outlen) {
  const unsigned char *u = (const unsigned char *)s;
  nnl_buf b = {0};
  for (size_t i = 0; i < n;) {
    size_t k = nnl_utf8_seq(u + i, n - i);
    if (k == 0) {
      nnl_buf_put(&b, "\xEF\xBF\xBD", 3);
      i++;
    } else {
      if (ctrl && is_control(u + i, k))
        nnl_buf_putc(&b, '?');
      else
        nnl_buf_put(&b, s + i, k);
      i += k;
    }
  }
  if (!b.s) nnl_buf_put(&b, "", 0); /* "" for empty text, not NULL */
  if (outlen) *outlen = b.len;
  return b.s;
}

/* ---- positions ---- */

bool nnl_report_has_lines(const nnl_doc *doc) {
  return doc->format != NNL_FMT_ONNX && !doc->mapped;
}

/* The 1-based code point column of byte offset off, on its line. */
static void point(nnl_doc *doc, uint32_t off, uint32_t *line, uint32_t *col) {
  uint32_t bcol;
  nnl_doc_position(doc, off, line, &bcol);
  size_t len;
  const char *text = nnl_doc_line(doc, *line, &len);
  size_t prefix = bcol - 1;
  /* An offset on a line's CR or newline lies past the line's text: each
   * byte beyond it is one column. */
  if (prefix > len)
    *col = nnl_utf8_columns(text, len) + (uint32_t)(prefix - len) + 1;
  else
    *col = nnl_utf8_columns(text, prefix) + 1;
}

void nnl_report_position(nnl_doc *doc, const nnl_diag *dg, nnl_report_pos *p) {
  p->has_lines =
      !dg->where && nnl_report_has_lines(doc) && nnl_span_ok(dg->span);
  if (!p->has_lines) {
    p->line = p->col = p->end_line = p->end_col = 1;
    return;
  }
  uint32_t off = dg->span.off, end = off + dg->span.len;
  if (off > doc->len) off = (uint32_t)doc->len;
  if (end < off || end > doc->len) end = (uint32_t)doc->len;
  point(doc, off, &p->line, &p->col);
  if (end == off) {
    p->end_line = p->line;
    p->end_col = p->col;
  } else {
    point(doc, end, &p->end_line, &p->end_col);
  }
}

/* ---- paths and URIs ---- */

/* Append path's components to b (which holds an absolute path, maybe
 * just "" for the root), resolving "." and ".." lexically. */
static void join_normalized(nnl_buf *b, const char *path) {
  for (const char *p = path; *p;) {
    const char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.')) {
      /* nothing */
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (b->len && b->s[b->len - 1] != '/') b->len--;
      if (b->len) b->len--; /* the '/' itself; "/.." stays "/" */
      if (b->s) b->s[b->len] = 0;
    } else {
      nnl_buf_putc(b, '/');
      nnl_buf_put(b, p, n);
    }
    if (!end) break;
    p = end + 1;
  }
}

/* The normalized current directory ("" for the root); computed once, as
 * nnlint never changes directory. */
static const char *cwd_normalized(void) {
  static char *cwd;
  if (!cwd) {
    char buf[4096];
    nnl_buf b = {0};
    if (getcwd(buf, sizeof buf)) join_normalized(&b, buf);
    cwd = nnl_xstrdup(nnl_buf_str(&b));
    nnl_buf_free(&b);
  }
  return cwd;
}

char *nnl_report_abspath(const char *path) {
  nnl_buf b = {0};
  if (path[0] != '/') nnl_buf_puts(&b, cwd_normalized());
  join_normalized(&b, path);
  if (b.len == 0) nnl_buf_putc(&b, '/');
  nnl_buf_str(&b);
  return b.s;
}

char *nnl_report_relpath(const char *path) {
  char *abs = nnl_report_abspath(path);
  const char *cwd = cwd_normalized();
  size_t n = strlen(cwd);
  char *rel = NULL;
  if (strncmp(abs, cwd, n) == 0 && abs[n] == '/' && abs[n + 1])
    rel = nnl_xstrdup(abs + n + 1);
  free(abs);
  return rel;
}

void nnl_report_uri_put(nnl_buf *b, const char *s) {
  static const char keep[] = "-._~!$&'()*+,;=@/"; /* not ':' */
  for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
    if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
        (*u >= '0' && *u <= '9') || strchr(keep, *u))
      nnl_buf_putc(b, (char)*u);
    else
      nnl_buf_printf(b, "%%%02X", *u);
  }
}

char *nnl_report_help_uri(const char *id, const char *name) {
  nnl_buf b = {0};
  nnl_buf_puts(&b, NNL_HELP_BASE);
  /* NN000 has no section of its own: the page itself */
  if (!id || !*id || strcmp(id, "NN000") == 0) {
    if (b.len && b.s[b.len - 1] == '#') b.s[--b.len] = 0;
    nnl_buf_str(&b);
    return b.s;
  }
  /* the anchor GitHub gives the heading "## NN007 output-activation":
   * lower case, spaces as '-', other punctuation dropped */
  nnl_buf head = {0};
  nnl_buf_puts(&head, id);
  if (name && *name) {
    nnl_buf_putc(&head, ' ');
    nnl_buf_puts(&head, name);
  }
  for (const char *p = nnl_buf_str(&head); *p; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z')
      nnl_buf_putc(&b, (char)(c - 'A' + 'a'));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
             c == '_')
      nnl_buf_putc(&b, c);
    else if (c == ' ')
      nnl_buf_putc(&b, '-');
  }
  nnl_buf_free(&head);
  nnl_buf_str(&b);
  return b.s;
}

/* ---- jansson constructors ---- */
json_t *nnl_rjson_strn(const char *s, size_t n) {
  if (!s) s = "", n = 0;
  size_t k;
  char *c = nnl_utf8_clean(s, n, false, &k);
  json_t *j = json_stringn(c, k);
  free(c);
  if (!j) nnl_oom();
  return j;
}

json_t *nnl_rjson_str(const char *s) {
  return nnl_rjson_strn(s, s ? strlen(s) : 0);
}

json_t *nnl_rjson_obj(void) {
  json_t *o = json_object();
  if (!o) nnl_oom();
  return o;
}

json_t *nnl_rjson_arr(void) {
  json_t *a = json_array();
  if (!a) nnl_oom();
  return a;
}

json_t *nnl_rjson_int(json_int_t v) {
  json_t *j = json_integer(v);
  if (!j) nnl_oom();
  return j;
}

void nnl_rjson_set(json_t *o, const char *key, json_t *v) {
  if (!v || json_object_set_new(o, key, v) != 0) nnl_oom();
}

void nnl_rjson_push(json_t *a, json_t *v) {
  if (!v || json_array_append_new(a, v) != 0) nnl_oom();
}
