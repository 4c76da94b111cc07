/*
 * github.c - GitHub Actions workflow commands, one line per finding, which
 * the runner turns into annotations on the pull request:
 *
 *   ::error file=PATH,line=L,endLine=L2,col=C,endColumn=C2,title=NN007 output-activation::MESSAGE
 *
 * warning for warnings, notice for info.  Positions are the text and JSON
 * reporters' (1-based, code point columns, exclusive end); the columns are
 * left out when the span covers several lines (GitHub ignores them then),
 * and all four for findings without lines (binary ONNX), which become
 * file-level annotations with the node named in the message.  The fix
 * follows the message on its own line.
 *
 * Escaping, as the runner reads commands: in the message '%', CR and LF
 * become %25, %0D, %0A; in property values also ':' and ',' (%3A, %2C).
 * Control characters and invalid UTF-8 from the input are cleaned first,
 * so a model file cannot inject a command of its own.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *command_of(nnl_severity s) {
  switch (s) {
  case NNL_SEV_ERROR: return "error";
  case NNL_SEV_WARNING: return "warning";
  default: return "notice";
  }
}

/* Write s escaped: a property value when prop, else command data.  The
 * newlines that join parts of the message are written by the caller. */
static void put_escaped(FILE *out, const char *s, bool prop) {
  if (!s) return;
  size_t n;
  char *c = nnl_utf8_clean(s, strlen(s), true, &n);
  for (size_t i = 0; i < n; i++) {
    char ch = c[i];
    if (ch == '%')
      fputs("%25", out);
    else if (ch == '\r')
      fputs("%0D", out);
    else if (ch == '\n')
      fputs("%0A", out);
    else if (prop && ch == ':')
      fputs("%3A", out);
    else if (prop && ch == ',')
      fputs("%2C", out);
    else
      fputc(ch, out);
  }
  free(c);
}

/* The path as the runner resolves it: relative to the current directory
 * (the workspace) when the file lies under it, else as given. */
static void put_file(FILE *out, const char *path) {
  char *rel = nnl_report_relpath(path);
  put_escaped(out, rel ? rel : path, true);
  free(rel);
}

static void annotation(nnl_reporter *r, const char *path,
                       const nnl_report_pos *p, const char *rule,
                       const char *name, nnl_severity sev, const char *msg,
                       const char *where, const char *fix) {
  FILE *out = r->out;
  fprintf(out, "::%s file=", command_of(sev));
  put_file(out, path);
  if (p && p->has_lines) {
    fprintf(out, ",line=%u,endLine=%u", p->line, p->end_line);
    if (p->line == p->end_line)
      fprintf(out, ",col=%u,endColumn=%u", p->col, p->end_col);
  }
  fputs(",title=", out);
  put_escaped(out, rule, true);
  if (name && *name) {
    fputc(' ', out);
    put_escaped(out, name, true);
  }
  fputs("::", out);
  put_escaped(out, msg, false);
  if (where) {
    fputs("%0Aat: ", out);
    put_escaped(out, where, false);
  }
  if (fix && *fix) {
    fputs("%0Afix: ", out);
    put_escaped(out, fix, false);
  }
  fputc('\n', out);
}

void nnl_github_doc(nnl_reporter *r, nnl_doc *doc) {
  const nnl_diag **v = nnl_report_sorted(doc);
  for (uint32_t i = 0; i < doc->diags.len; i++) {
    const nnl_diag *dg = v[i];
    nnl_report_pos p;
    nnl_report_position(doc, dg, &p);
    annotation(r, doc->path, &p, dg->rule, dg->name, dg->severity,
               dg->message, dg->where, dg->fix);
  }
  free(v);
}

void nnl_github_unreadable(nnl_reporter *r, const char *path,
                           const char *msg) {
  annotation(r, path, NULL, "NN000", "bad-input", NNL_SEV_ERROR, msg, NULL,
             NULL);
}
