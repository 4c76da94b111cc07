/*
 * text.c - the default, human output.  Per finding:
 *
 *   path:line:col: severity: message [NN007 output-activation]
 *   <the source line>
 *   <spaces>^~~~~
 *     fix: ...
 *
 * Findings without lines (binary formats, a `where`) show `  at: <where>`
 * instead of the source line and caret.  After the last document, when
 * there were findings: a blank line and "N problems (E errors, ...)".
 * Nothing at all is printed when nothing is wrong.
 *
 * Everything taken from the input (paths, messages, source lines) is
 * printed as valid UTF-8 with control characters replaced, so a model file
 * cannot send escape sequences to the terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Lines longer than this many columns show a window around the span. */
enum { LONG_LINE = 200, WINDOW = 160, WINDOW_BEFORE = 60 };

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

static const char *sev_color(nnl_severity s) {
  switch (s) {
  case NNL_SEV_ERROR: return C_BOLD C_RED;
  case NNL_SEV_WARNING: return C_BOLD C_YELLOW;
  default: return C_BOLD C_CYAN;
  }
}

/* Print a string from the input, cleaned for the terminal. */
static void put_clean(FILE *out, const char *s) {
  if (!s) return;
  /* printable ASCII (the usual case) is written as it is */
  const unsigned char *u = (const unsigned char *)s;
  while (*u >= 0x20 && *u < 0x7F) u++;
  if (!*u) {
    fwrite(s, 1, (size_t)((const char *)u - s), out);
    return;
  }
  size_t n;
  char *c = nnl_utf8_clean(s, strlen(s), true, &n);
  fwrite(c, 1, n, out);
  free(c);
}

static void on(const nnl_reporter *r, const char *code) {
  if (r->color) fputs(code, r->out);
}

/* v in decimal at buf (at most 10 bytes); the number of bytes. */
static size_t put_u32(char *buf, uint32_t v) {
  char t[10];
  size_t n = 0;
  do {
    t[n++] = (char)('0' + v % 10);
  } while ((v /= 10) != 0);
  for (size_t i = 0; i < n; i++) buf[i] = t[n - 1 - i];
  return n;
}

/* n spaces onto b. */
static void put_spaces(nnl_buf *b, uint32_t n) {
  static const char spaces[] = "                                ";
  for (uint32_t k; n > 0; n -= k) {
    k = n < sizeof spaces - 1 ? n : (uint32_t)(sizeof spaces - 1);
    nnl_buf_put(b, spaces, k);
  }
}

/* "path:line:col: severity: " (or "path: severity: " when line is 0). */
static void header(nnl_reporter *r, const char *path, uint32_t line,
                   uint32_t col, nnl_severity sev) {
  on(r, C_BOLD);
  put_clean(r->out, path);
  if (line) {
    char buf[32]; /* ":line:col" without printf: one per finding */
    size_t n = 0;
    buf[n++] = ':';
    n += put_u32(buf + n, line);
    buf[n++] = ':';
    n += put_u32(buf + n, col);
    fwrite(buf, 1, n, r->out);
  }
  fputc(':', r->out);
  on(r, C_RESET);
  fputc(' ', r->out);
  on(r, sev_color(sev));
  fputs(nnl_severity_name(sev), r->out);
  fputc(':', r->out);
  on(r, C_RESET);
  fputc(' ', r->out);
}

/* The source line of p (or a window of it) and the caret line under the
 * span.  Columns are code points; a tab in the source is echoed as a tab
 * in the caret line so the caret stays under the span in any tab width. */
static void source(nnl_reporter *r, nnl_doc *doc, const nnl_report_pos *p) {
  size_t len;
  const char *text = nnl_doc_line(doc, p->line, &len);
  const unsigned char *u = (const unsigned char *)text;
  uint32_t total = nnl_utf8_columns(text, len);
  uint32_t start = p->col - 1; /* code point index of the span start */
  uint32_t last = p->end_line == p->line ? p->end_col - 1 : total;
  if (last > total) last = total;

  uint32_t w0 = 0, w1 = total; /* the shown window [w0, w1) */
  if (total > LONG_LINE) {
    w0 = start > WINDOW_BEFORE ? start - WINDOW_BEFORE : 0;
    if (w0 > total - WINDOW) w0 = total - WINDOW;
    w1 = w0 + WINDOW;
  }
  nnl_buf *line = &r->line, *caret = &r->caret;
  line->len = caret->len = 0;
  if (w0 > 0) {
    nnl_buf_puts(line, "...");
    nnl_buf_puts(caret, "   ");
  }
  uint32_t cp = 0;
  for (size_t i = 0; i < len && cp < w1;) {
    if (u[i] >= 0x20 && u[i] < 0x7F) {
      /* a run of printable ASCII: bytes are code points, shown as they
         are; the caret line gets a space for each one before the span */
      size_t j = i;
      uint32_t cq = cp;
      while (j < len && cq < w1 && u[j] >= 0x20 && u[j] < 0x7F) j++, cq++;
      uint32_t a = cp < w0 ? w0 : cp; /* first one in the window */
      if (a < cq) {
        nnl_buf_put(line, text + i + (a - cp), cq - a);
        uint32_t before = cq < start ? cq : start; /* the span starts here */
        put_spaces(caret, before > a ? before - a : 0);
      }
      i = j;
      cp = cq;
      continue;
    }
    size_t k = nnl_utf8_seq(u + i, len - i);
    size_t step = k ? k : 1;
    if (cp >= w0) {
      if (k == 0)
        nnl_buf_put(line, "\xEF\xBF\xBD", 3);
      else if (k == 1 && (u[i] < 0x20 || u[i] == 0x7F) && u[i] != '\t')
        nnl_buf_putc(line, '?');
      else if (k == 2 && u[i] == 0xC2 && u[i + 1] < 0xA0)
        nnl_buf_putc(line, '?');
      else
        nnl_buf_put(line, text + i, k);
      if (cp < start) nnl_buf_putc(caret, u[i] == '\t' ? '\t' : ' ');
    }
    i += step;
    cp++;
  }
  if (w1 < total) nnl_buf_puts(line, "...");
  /* a span that starts past the text (on a CR or the newline) */
  for (uint32_t c = cp > w0 ? cp : w0; c < start; c++)
    nnl_buf_putc(caret, ' ');

  nnl_buf_putc(line, '\n');
  fwrite(line->s, 1, line->len, r->out);
  if (caret->len) fwrite(caret->s, 1, caret->len, r->out);
  on(r, C_GREEN);
  fputc('^', r->out);
  uint32_t stop = last < w1 ? last : w1;
  static const char tildes[] = "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"
                               "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~";
  for (uint32_t c = start + 1; c < stop;) {
    uint32_t k = stop - c < sizeof tildes - 1 ? stop - c
                                              : (uint32_t)sizeof tildes - 1;
    fwrite(tildes, 1, k, r->out);
    c += k;
  }
  on(r, C_RESET);
  fputc('\n', r->out);
}

void nnl_text_doc(nnl_reporter *r, nnl_doc *doc) {
  const nnl_diag **v = nnl_report_sorted(doc);
  for (uint32_t i = 0; i < doc->diags.len; i++) {
    const nnl_diag *dg = v[i];
    nnl_report_pos p;
    nnl_report_position(doc, dg, &p);
    switch (dg->severity) {
    case NNL_SEV_ERROR: r->n_error++; break;
    case NNL_SEV_WARNING: r->n_warning++; break;
    default: r->n_info++; break;
    }
    header(r, doc->path, p.line, p.col, dg->severity);
    put_clean(r->out, dg->message);
    fputc(' ', r->out);
    on(r, C_DIM);
    fputc('[', r->out);
    put_clean(r->out, dg->rule);
    if (dg->name && dg->name[0]) {
      fputc(' ', r->out);
      put_clean(r->out, dg->name);
    }
    fputc(']', r->out);
    on(r, C_RESET);
    fputc('\n', r->out);
    if (p.has_lines) {
      source(r, doc, &p);
    } else if (dg->where) {
      fputs("  at: ", r->out);
      put_clean(r->out, dg->where);
      fputc('\n', r->out);
    }
    if (dg->fix && dg->fix[0]) {
      fputs("  fix: ", r->out);
      put_clean(r->out, dg->fix);
      fputc('\n', r->out);
    }
  }
  free(v);
}

void nnl_text_unreadable(nnl_reporter *r, const char *path, const char *msg) {
  header(r, path, 0, 0, NNL_SEV_ERROR);
  put_clean(r->out, msg);
  fputc('\n', r->out);
}

static const char *plural(unsigned long n, const char *one, const char *many) {
  return n == 1 ? one : many;
}

void nnl_text_finish(nnl_reporter *r) {
  unsigned long n = r->n_error + r->n_warning + r->n_info;
  if (n == 0) return;
  fprintf(r->out, "\n%lu %s (%lu %s, %lu %s, %lu %s)\n", n,
          plural(n, "problem", "problems"), r->n_error,
          plural(r->n_error, "error", "errors"), r->n_warning,
          plural(r->n_warning, "warning", "warnings"), r->n_info,
          plural(r->n_info, "info", "infos"));
}
