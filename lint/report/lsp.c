/*
 * lsp.c - Language Server Protocol diagnostics, for editor integrations:
 * one JSON object mapping each linted document's URI to the Diagnostic
 * objects a textDocument/publishDiagnostics notification carries.
 *
 *   {"file:///abs/model.yaml": [{"range": {"start": {"line", "character"},
 *      "end": {...}}, "severity": 1, "code": "NN007",
 *      "codeDescription": {"href"}, "source": "nnlint", "message"}], ...}
 *
 * Lines are 0-based and characters are UTF-16 code units, as LSP counts
 * them (a character outside the Basic Multilingual Plane is two; an
 * invalid UTF-8 byte, shown as U+FFFD, is one).  Severity: 1 error,
 * 2 warning, 3 information.  Every linted document is a key, a clean one
 * with an empty array (which clears an editor's old diagnostics); files
 * that are not models are left out.  A document named twice is reported
 * once.  Findings without lines (binary ONNX) sit at 0:0 and name the node
 * in the message; the fix follows on its own line.
 *
 * nnl_lsp_diagnostics builds one document's array; the reporter prints
 * it and the language server (cli/lsp_server.c) publishes it, so both
 * say the same thing.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef struct lsp {
  json_t *seen; /* URIs already written (a set) */
  unsigned long n_docs;
} lsp;


static int severity_of(nnl_severity s) {
  switch (s) {
  case NNL_SEV_ERROR: return 1;
  case NNL_SEV_WARNING: return 2;
  default: return 3;
  }
}

/* The UTF-16 offset of 1-based code point column col on 1-based line
 * line of doc.  Columns past the line's text (a span on its CR or
 * newline) count one unit each, as they count one column. */
static uint32_t utf16_character(nnl_doc *doc, uint32_t line, uint32_t col) {
  size_t len;
  const char *text = nnl_doc_line(doc, line, &len);
  const unsigned char *u = (const unsigned char *)text;
  uint32_t units = 0, cp = 1;
  size_t i = 0;
  for (; cp < col && i < len; cp++) {
    size_t k = nnl_utf8_seq(u + i, len - i);
    units += k == 4 ? 2 : 1;
    i += k ? k : 1;
  }
  return units + (col > cp ? col - cp : 0);
}

static json_t *position(uint32_t line, uint32_t character) {
  json_t *p = nnl_rjson_obj();
  nnl_rjson_set(p, "line", nnl_rjson_int(line));
  nnl_rjson_set(p, "character", nnl_rjson_int(character));
  return p;
}

/* A Diagnostic; p NULL or without lines: the document's start.  With
 * data, `data: {name, fix}` follows the other members. */
static json_t *diagnostic(nnl_doc *doc, const nnl_report_pos *p,
                          const nnl_diag *dg, bool data) {
  json_t *range = nnl_rjson_obj();
  if (doc && p && p->has_lines) {
    nnl_rjson_set(range, "start",
        position(p->line - 1, utf16_character(doc, p->line, p->col)));
    nnl_rjson_set(range, "end",
        position(p->end_line - 1,
                 utf16_character(doc, p->end_line, p->end_col)));
  } else {
    nnl_rjson_set(range, "start", position(0, 0));
    nnl_rjson_set(range, "end", position(0, 0));
  }
  json_t *d = nnl_rjson_obj();
  nnl_rjson_set(d, "range", range);
  nnl_rjson_set(d, "severity", nnl_rjson_int(severity_of(dg->severity)));
  nnl_rjson_set(d, "code", nnl_rjson_str(dg->rule));
  char *href = nnl_report_help_uri(dg->rule, dg->name);
  json_t *cd = nnl_rjson_obj();
  nnl_rjson_set(cd, "href", nnl_rjson_str(href));
  nnl_rjson_set(d, "codeDescription", cd);
  free(href);
  nnl_rjson_set(d, "source", nnl_rjson_str("nnlint"));
  nnl_buf m = {0};
  nnl_buf_puts(&m, dg->message ? dg->message : "");
  if (dg->where) nnl_buf_printf(&m, "\nat: %s", dg->where);
  if (dg->fix && *dg->fix) nnl_buf_printf(&m, "\nfix: %s", dg->fix);
  nnl_rjson_set(d, "message", nnl_rjson_str(nnl_buf_str(&m)));
  nnl_buf_free(&m);
  if (data) {
    json_t *x = nnl_rjson_obj();
    nnl_rjson_set(x, "name", nnl_rjson_str(dg->name));
    nnl_rjson_set(x, "fix", dg->fix ? nnl_rjson_str(dg->fix) : json_null());
    nnl_rjson_set(d, "data", x);
  }
  return d;
}

json_t *nnl_lsp_diagnostics(nnl_doc *doc, bool with_data) {
  json_t *diags = nnl_rjson_arr();
  const nnl_diag **v = nnl_report_sorted(doc);
  for (uint32_t i = 0; i < doc->diags.len; i++) {
    nnl_report_pos p;
    nnl_report_position(doc, v[i], &p);
    nnl_rjson_push(diags, diagnostic(doc, &p, v[i], with_data));
  }
  free(v);
  return diags;
}

json_t *nnl_lsp_unreadable_diagnostics(const char *msg, bool with_data) {
  nnl_diag dg = {.rule = "NN000", .name = "bad-input",
                 .severity = NNL_SEV_ERROR, .span = NNL_NOSPAN,
                 .message = msg};
  json_t *diags = nnl_rjson_arr();
  nnl_rjson_push(diags, diagnostic(NULL, NULL, &dg, with_data));
  return diags;
}

/* "file://" and the absolute path, percent-encoded. */
static char *file_uri(const char *path) {
  char *abs = nnl_report_abspath(path);
  nnl_buf b = {0};
  nnl_buf_puts(&b, "file://");
  nnl_report_uri_put(&b, abs);
  free(abs);
  nnl_buf_str(&b);
  return b.s;
}

/* Write `"uri": [diagnostics]` as the next member, unless uri was written
 * already.  Takes diags. */
static void member(nnl_reporter *r, const char *path, json_t *diags) {
  lsp *s = r->state;
  char *uri = file_uri(path);
  if (json_object_get(s->seen, uri)) {
    free(uri);
    json_decref(diags);
    return;
  }
  nnl_rjson_set(s->seen, uri, json_true());
  json_t *key = nnl_rjson_str(uri);
  char *k = json_dumps(key, JSON_ENCODE_ANY);
  char *v = json_dumps(diags, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(key);
  json_decref(diags);
  free(uri);
  if (!k || !v) nnl_oom();
  fprintf(r->out, "%s\n  %s: ", s->n_docs++ ? "," : "", k);
  /* the array sits one level in: indent its lines after the first */
  for (const char *line = v; *line;) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    if (line != v) fputs("  ", r->out);
    fwrite(line, 1, n, r->out);
    if (!nl) break;
    fputc('\n', r->out);
    line = nl + 1;
  }
  free(k);
  free(v);
}

void nnl_lsp_begin(nnl_reporter *r) {
  lsp *s = nnl_xcalloc(1, sizeof *s);
  s->seen = nnl_rjson_obj();
  r->state = s;
  fputc('{', r->out);
}

void nnl_lsp_doc(nnl_reporter *r, nnl_doc *doc) {
  if (doc->skipped && doc->diags.len == 0) return;
  member(r, doc->path, nnl_lsp_diagnostics(doc, false));
}

void nnl_lsp_unreadable(nnl_reporter *r, const char *path, const char *msg) {
  member(r, path, nnl_lsp_unreadable_diagnostics(msg, false));
}

void nnl_lsp_finish(nnl_reporter *r) {
  lsp *s = r->state;
  fputs(s->n_docs ? "\n}\n" : "}\n", r->out);
  json_decref(s->seen);
  free(s);
  r->state = NULL;
}
