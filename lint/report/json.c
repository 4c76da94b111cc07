/*
 * json.c - machine output: one object for the whole run.
 *
 *   {"version": 1, "diagnostics": [{path, line, column, end_line,
 *    end_column, rule, name, severity, message, fix, [where]}, ...]}
 *
 * Lines and columns are 1-based (code points), ends exclusive.  The text
 * is exactly what jansson prints for the whole object with a 2-space
 * indent, but it is streamed: each diagnostic is built and printed as its
 * document is reported, so memory stays flat over thousands of files.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* A JSON string of s; JSON null for NULL. */
static json_t *str(const char *s) { return s ? nnl_rjson_str(s) : json_null(); }


/* Print one diagnostic object as an item of the "diagnostics" array. */
static void emit(nnl_reporter *r, json_t *o) {
  char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(o);
  if (!s) nnl_oom();
  fputs(r->n_json++ ? ",\n" : "\n", r->out);
  /* re-indent by the two levels the object sits at */
  for (const char *line = s; *line;) {
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    fputs("    ", r->out);
    fwrite(line, 1, n, r->out);
    if (!nl) break;
    fputc('\n', r->out);
    line = nl + 1;
  }
  free(s);
}

static json_t *diag_object(const char *path, const nnl_report_pos *p,
                           const char *rule, const char *name, nnl_severity sev,
                           const char *message, const char *fix,
                           const char *where) {
  json_t *o = json_object();
  if (!o) nnl_oom();
  nnl_rjson_set(o, "path", str(path));
  nnl_rjson_set(o, "line", json_integer(p->line));
  nnl_rjson_set(o, "column", json_integer(p->col));
  nnl_rjson_set(o, "end_line", json_integer(p->end_line));
  nnl_rjson_set(o, "end_column", json_integer(p->end_col));
  nnl_rjson_set(o, "rule", str(rule));
  nnl_rjson_set(o, "name", str(name));
  nnl_rjson_set(o, "severity", str(nnl_severity_name(sev)));
  nnl_rjson_set(o, "message", str(message));
  nnl_rjson_set(o, "fix", str(fix));
  if (where) nnl_rjson_set(o, "where", str(where));
  return o;
}

void nnl_json_begin(nnl_reporter *r) {
  fputs("{\n  \"version\": 1,\n  \"diagnostics\": [", r->out);
}

void nnl_json_doc(nnl_reporter *r, nnl_doc *doc) {
  const nnl_diag **v = nnl_report_sorted(doc);
  for (uint32_t i = 0; i < doc->diags.len; i++) {
    const nnl_diag *dg = v[i];
    nnl_report_pos p;
    nnl_report_position(doc, dg, &p);
    emit(r, diag_object(doc->path, &p, dg->rule, dg->name, dg->severity,
                        dg->message, dg->fix, dg->where));
  }
  free(v);
}

void nnl_json_unreadable(nnl_reporter *r, const char *path, const char *msg) {
  nnl_report_pos p = {1, 1, 1, 1, false};
  emit(r, diag_object(path, &p, "NN000", "bad-input", NNL_SEV_ERROR, msg, NULL,
                      NULL));
}

void nnl_json_finish(nnl_reporter *r) {
  fputs(r->n_json ? "\n  ]\n}\n" : "]\n}\n", r->out);
}
