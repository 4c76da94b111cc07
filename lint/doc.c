/*
 * doc.c - documents, positions, and the one choke point for diagnostics.
 * Every finding of every rule, and every NN000, goes through nnl_report.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnlint.h"
#include "suppress.h"

static const char *const severity_names[] = {"off", "info", "warning", "error"};

const char *nnl_severity_name(nnl_severity s) {
  return s <= NNL_SEV_ERROR ? severity_names[s] : "?";
}

int nnl_severity_parse(const char *s) {
  for (int i = 0; i <= NNL_SEV_ERROR; i++)
    if (strcmp(s, severity_names[i]) == 0) return i;
  return -1;
}

nnl_doc *nnl_doc_new(const char *path, char *src, size_t len) {
  nnl_doc *d = nnl_xcalloc(1, sizeof *d);
  d->path = nnl_xstrdup(path);
  d->src = src;
  d->len = len;
  nnl_arena_init(&d->arena);
  return d;
}

void nnl_doc_free(nnl_doc *d) {
  if (!d) return;
  for (uint32_t i = 0; i < d->models.len; i++)
    nnl_ir_model_free(d->models.items[i]);
  nnl_array_free(&d->models);
  nnl_array_free(&d->diags);
  nnl_arena_free(&d->arena);
  free(d->line_starts);
  free((char *)d->path);
  if (d->mapped) {
    if (d->len) munmap(d->src, d->len);
  } else {
    free(d->src);
  }
  free(d);
}

/* --max-file-size, or 0: the defaults of nnlint.h. */
static size_t max_file_size;

void nnl_doc_set_max_size(size_t max) { max_file_size = max; }

bool nnl_parse_size(const char *s, size_t *out) {
  if (!s || *s < '0' || *s > '9') return false;
  unsigned long long v = 0;
  const char *p = s;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > (ULLONG_MAX - 9) / 10) return false;
    v = v * 10 + (unsigned)(*p - '0');
  }
  int shift = 0;
  switch (*p) {
  case 'k': case 'K': shift = 10; break;
  case 'm': case 'M': shift = 20; break;
  case 'g': case 'G': shift = 30; break;
  case 't': case 'T': shift = 40; break;
  default: break;
  }
  if (shift) {
    p++;
    if ((*p == 'i' || *p == 'I') && (p[1] == 'b' || p[1] == 'B')) p += 2;
    else if (*p == 'b' || *p == 'B') p++;
  } else if (*p == 'b' || *p == 'B') {
    p++;
  }
  if (*p) return false;
  if (v > (SIZE_MAX >> shift)) return false;
  *out = (size_t)(v << shift);
  return true;
}

/* "512 MiB" for messages: the largest unit the size is a whole number of. */
static const char *show_size(size_t n, char *buf, size_t cap) {
  static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (u < 4 && n && n % 1024 == 0) n /= 1024, u++;
  snprintf(buf, cap, "%zu %s", n, units[u]);
  return buf;
}

nnl_doc *nnl_doc_open(const char *path, const char *fmt_path, nnl_error *err) {
  bool is_stdin = strcmp(path, "-") == 0;
  nnl_format f = nnl_detect_format(fmt_path ? fmt_path : path, NULL, 0);
  size_t max = max_file_size ? max_file_size : NNL_MAX_FILE_SIZE;
  char shown[32];
  char *buf;
  size_t len;
  int fd = STDIN_FILENO;
  struct stat st, *stp = NULL;
  if (!is_stdin) {
    /* one open and one fstat: the descriptor's own facts, not the path's */
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
      nnl_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
      if (fd >= 0) close(fd);
      return NULL;
    }
    stp = &st;
    if (S_ISDIR(st.st_mode)) {
      nnl_error_set(err, path, 0, 0, "is a directory");
      close(fd);
      return NULL;
    }
    bool map = f == NNL_FMT_ONNX && S_ISREG(st.st_mode);
    if (map && !max_file_size) max = NNL_MAX_MAPPED_SIZE;
    if (st.st_size < 0 || (uintmax_t)st.st_size > max) {
      nnl_error_set(err, path, 0, 0,
                    "file too large (%lld bytes, limit %s; see "
                    "--max-file-size)",
                    (long long)st.st_size, show_size(max, shown, sizeof shown));
      close(fd);
      return NULL;
    }
    if (map) {
      /* Binary models are read in place: tensor data is never copied. */
      void *p = NULL;
      if (st.st_size > 0) {
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
          nnl_error_set(err, path, 0, 0, "cannot map: %s", strerror(errno));
          close(fd);
          return NULL;
        }
      }
      close(fd);
      nnl_doc *d = nnl_doc_new(path, p ? p : (char *)"", (size_t)st.st_size);
      d->mapped = p != NULL;
      if (!p) d->src = nnl_xstrdup("");
      d->format = f;
      return d;
    }
  }
  int rc = nnl_read_fd(fd, stp, &buf, &len, max);
  int e = errno;
  if (!is_stdin) close(fd);
  if (rc != 0) {
    const char *shown_path = is_stdin ? "<stdin>" : path;
    if (e == EFBIG)
      nnl_error_set(err, shown_path, 0, 0,
                    "file too large (more than %s; see --max-file-size)",
                    show_size(max, shown, sizeof shown));
    else
      nnl_error_set(err, shown_path, 0, 0, "cannot read: %s", strerror(e));
    return NULL;
  }
  nnl_doc *d = nnl_doc_new(path, buf, len);
  d->format = f;
  return d;
}

/* The byte offset of every line start, in one pass (memchr finds the
 * newlines; the table starts at one line per 32 bytes and grows). */
static void build_lines(nnl_doc *d) {
  const char *s = d->src, *end = s + d->len, *q;
  size_t cap = d->len / 32 + 16;
  if (cap > (size_t)UINT32_MAX) cap = UINT32_MAX;
  /* a big file: huge pages */
  uint32_t *ls = nnl_huge_alloc(sizeof *ls * cap);
  uint32_t n = 0;
  ls[n++] = 0;
  if (d->len)
    for (q = s; (q = memchr(q, '\n', (size_t)(end - q))); q++) {
      if (n == cap) ls = nnl_xrealloc(ls, sizeof *ls * (cap *= 2));
      ls[n++] = (uint32_t)(q - s) + 1;
    }
  d->line_starts = ls;
  d->n_lines = n;
}

void nnl_doc_position(nnl_doc *d, uint32_t off, uint32_t *line, uint32_t *col) {
  if (!d->line_starts) build_lines(d);
  if (off > d->len) off = (uint32_t)d->len;
  /* the last line start <= off */
  uint32_t lo = 0, hi = d->n_lines;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (d->line_starts[mid] <= off) lo = mid;
    else hi = mid;
  }
  *line = lo + 1;
  *col = off - d->line_starts[lo] + 1;
}

const char *nnl_doc_line(nnl_doc *d, uint32_t n, size_t *len) {
  if (!d->line_starts) build_lines(d);
  if (n == 0 || n > d->n_lines) {
    *len = 0;
    return "";
  }
  uint32_t start = d->line_starts[n - 1];
  uint32_t end = n < d->n_lines ? d->line_starts[n] - 1 : (uint32_t)d->len;
  if (end > start && d->src[end - 1] == '\r') end--;
  *len = end - start;
  return d->src + start;
}

/* An id matches a prefix list entry when it starts with it ("NN00" selects
 * NN001..NN009, "ALL" everything). */
static bool matches(const char **list, const char *id) {
  for (; *list; list++)
    if (strcmp(*list, "ALL") == 0 || strncmp(id, *list, strlen(*list)) == 0)
      return true;
  return false;
}

bool nnl_rule_selected(const nnl_ctx *cx, const char *id) {
  if (strcmp(id, "NN000") == 0) return true; /* unreadable input always shows */
  if (cx->select && !matches(cx->select, id)) return false;
  if (cx->ignore && matches(cx->ignore, id)) return false;
  return true;
}

/* Record a finding whose message msg is in doc's arena (or lives as long). */
static void record(nnl_ctx *cx, nnl_doc *doc, const char *rule,
                   const char *name, nnl_severity sev, nnl_span at,
                   const char *where, const char *fix, const char *msg) {
  if (!nnl_span_ok(at)) at = (nnl_span){0, 0};
  if (at.off > doc->len) at.off = (uint32_t)doc->len;
  if (at.len > doc->len - at.off) at.len = (uint32_t)(doc->len - at.off);
  /* inline comments, per-file ignores, the baseline */
  if (doc->suppress && nnl_suppress_check(doc, rule, at, msg)) return;
  /* The same finding twice (a `repeat:` copy, a shared span) shows once.
   * Copies are reported one after another, so a short look back suffices. */
  uint32_t back = doc->diags.len > 32 ? doc->diags.len - 32 : 0;
  for (uint32_t i = back; i < doc->diags.len; i++) {
    nnl_diag *o = &doc->diags.items[i];
    if (o->span.off == at.off && o->span.len == at.len &&
        strcmp(o->rule, rule) == 0 && strcmp(o->message, msg) == 0)
      return;
  }
  nnl_diag *dg = nnl_array_grow1(&doc->diags);
  dg->rule = rule;
  dg->name = name;
  dg->severity = sev;
  dg->span = at;
  dg->where = where ? nnl_arena_strdup(&doc->arena, where) : NULL;
  dg->message = msg;
  dg->fix = fix ? nnl_arena_strdup(&doc->arena, fix) : NULL;
  if (sev > cx->worst) cx->worst = sev;
}

static void vreport(nnl_ctx *cx, nnl_doc *doc, const char *rule,
                    const char *name, nnl_severity sev, nnl_span at,
                    const char *where, const char *fix, const char *fmt,
                    va_list ap) {
  if (sev == NNL_SEV_NONE || !nnl_rule_selected(cx, rule)) return;
  record(cx, doc, rule, name, sev, at, where, fix,
         nnl_arena_vprintf(&doc->arena, fmt, ap));
}

void nnl_report_msg(nnl_ctx *cx, nnl_doc *doc, const char *rule,
                    const char *name, nnl_severity sev, nnl_span at,
                    const char *where, const char *fix, const char *msg) {
  if (sev == NNL_SEV_NONE || !nnl_rule_selected(cx, rule)) return;
  record(cx, doc, rule, name, sev, at, where, fix,
         nnl_arena_strdup(&doc->arena, msg));
}

void nnl_report(nnl_ctx *cx, nnl_doc *doc, const char *rule, const char *name,
                nnl_severity sev, nnl_span at, const char *where,
                const char *fix, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(cx, doc, rule, name, sev, at, where, fix, fmt, ap);
  va_end(ap);
}

void nnl_report_bad_input(nnl_ctx *cx, nnl_doc *doc, nnl_span at,
                          const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(cx, doc, "NN000", "bad-input", NNL_SEV_ERROR, at, NULL, NULL, fmt,
          ap);
  va_end(ap);
  doc->failed = true;
  cx->any_failure = true;
}

void nnl_error_set(nnl_error *e, const char *path, uint32_t line,
                   uint32_t col, const char *fmt, ...) {
  snprintf(e->path, sizeof e->path, "%s", path ? path : "");
  e->line = line;
  e->col = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
}

void nnl_error_print(const nnl_error *e, FILE *out) {
  if (e->path[0] && e->line)
    fprintf(out, "%s:%u:%u: error: %s\n", e->path, e->line, e->col, e->msg);
  else if (e->path[0])
    fprintf(out, "%s: error: %s\n", e->path, e->msg);
  else
    fprintf(out, "nnlint: error: %s\n", e->msg);
}
