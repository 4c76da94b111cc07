/*
 * report.h - what the reporters (report.c and one file per format) share
 * and no other stage needs: the reporter object, diagnostic order, the
 * conversion of byte offsets to 1-based line and code point columns, and
 * the paths and URIs of the machine formats.
 *
 * Ownership: an nnl_reporter does not own its FILE; the sorted diagnostic
 * arrays and cleaned strings handed out here are malloc'd for the caller.
 */
#ifndef NNL_REPORT_H
#define NNL_REPORT_H

#include <jansson.h>

#include "nnlint.h"

struct nnl_reporter {
  nnl_output_format format;
  FILE *out;
  bool color;
  /* counts over the run, for the text summary */
  unsigned long n_error, n_warning, n_info;
  unsigned long n_json; /* diagnostics written so far (JSON separators) */
  const nnl_ruleset *rules; /* nnl_reporter_set_rules, or NULL */
  void *state;              /* a format's own state (sarif.c, lsp.c) */
  nnl_buf line, caret;      /* text.c: a finding's source and caret lines */
};

/* A diagnostic's position: 1-based lines, 1-based code point columns,
 * end exclusive.  has_lines is false for binary documents and for
 * findings with a `where` (both then read 1:1). */
typedef struct nnl_report_pos {
  uint32_t line, col, end_line, end_col;
  bool has_lines;
} nnl_report_pos;

/* The diagnostics of doc ordered by (offset, rule), stable; a malloc'd
 * array of doc->diags.len pointers into doc (NULL when there are none). */
const nnl_diag **nnl_report_sorted(const nnl_doc *doc);
/* Does the document have lines to show (a text format)? */
bool nnl_report_has_lines(const nnl_doc *doc);
void nnl_report_position(nnl_doc *doc, const nnl_diag *dg, nnl_report_pos *p);

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one
 * (an invalid byte, which counts as one column). */
size_t nnl_utf8_seq(const unsigned char *s, size_t n);
/* Columns (code points, invalid bytes one each) in s[0..n). */
uint32_t nnl_utf8_columns(const char *s, size_t n);
/* A copy of s[0..n) that is valid UTF-8 and safe on a terminal: invalid
 * bytes become U+FFFD; with ctrl, control characters (other than tab)
 * become '?'.  Malloc'd, NUL-terminated; *outlen (if not NULL) its length. */
char *nnl_utf8_clean(const char *s, size_t n, bool ctrl, size_t *outlen);

/* The two formats (text.c, json.c). */
void nnl_text_doc(nnl_reporter *r, nnl_doc *doc);
void nnl_text_unreadable(nnl_reporter *r, const char *path, const char *msg);
void nnl_text_finish(nnl_reporter *r);
void nnl_json_begin(nnl_reporter *r);
void nnl_json_doc(nnl_reporter *r, nnl_doc *doc);
void nnl_json_unreadable(nnl_reporter *r, const char *path, const char *msg);
void nnl_json_finish(nnl_reporter *r);

/* Paths in machine formats (sarif.c, github.c, lsp.c).  The absolute,
 * lexically normalized form of path (".", ".." and "//" resolved, symbolic
 * links kept), relative to the current directory; malloc'd. */
char *nnl_report_abspath(const char *path);
/* path relative to the current directory when it lies under it ("a/b.yaml"
 * for "./a/b.yaml" or "/cwd/a/b.yaml"), else NULL; malloc'd. */
char *nnl_report_relpath(const char *path);
/* Append s to b as a URI path: '/' and RFC 3986 unreserved and sub-delims
 * characters as they are, every other byte as %XX. */
void nnl_report_uri_put(nnl_buf *b, const char *s);
/* The rule's section of the rules documentation (NNL_HELP_BASE plus the
 * anchor of the heading "ID name"; the page itself for NN000); malloc'd. */
char *nnl_report_help_uri(const char *id, const char *name);

/* The other formats (sarif.c, github.c, lsp.c). */
void nnl_sarif_begin(nnl_reporter *r);
void nnl_sarif_doc(nnl_reporter *r, nnl_doc *doc);
void nnl_sarif_unreadable(nnl_reporter *r, const char *path, const char *msg);
void nnl_sarif_finish(nnl_reporter *r);
void nnl_github_doc(nnl_reporter *r, nnl_doc *doc);
void nnl_github_unreadable(nnl_reporter *r, const char *path, const char *msg);
void nnl_lsp_begin(nnl_reporter *r);
void nnl_lsp_doc(nnl_reporter *r, nnl_doc *doc);
void nnl_lsp_unreadable(nnl_reporter *r, const char *path, const char *msg);
void nnl_lsp_finish(nnl_reporter *r);
/* The LSP Diagnostic objects of a linted document, in nnl_report_sorted
 * order: what `--format lsp` writes under the document's URI, and what the
 * language server publishes.  with_data adds to each `data: {name, fix}`
 * (the rule name; the fix text or null), which the server's code actions
 * read back.  A new array, owned by the caller (json_decref). */
json_t *nnl_lsp_diagnostics(nnl_doc *doc, bool with_data);
/* The same for a file that could not be opened: one NN000 error at 0:0
 * with message msg. */
json_t *nnl_lsp_unreadable_diagnostics(const char *msg, bool with_data);

/* ---- jansson constructors for the JSON-based reporters ----
 * They never return NULL: out of memory goes through nnl_oom.  Strings are
 * made valid UTF-8 first (jansson rejects anything else); a NULL string is
 * "". */
json_t *nnl_rjson_strn(const char *s, size_t n);
json_t *nnl_rjson_str(const char *s);
json_t *nnl_rjson_obj(void);
json_t *nnl_rjson_arr(void);
json_t *nnl_rjson_int(json_int_t v);
/* Set / append, taking ownership of v. */
void nnl_rjson_set(json_t *o, const char *key, json_t *v);
void nnl_rjson_push(json_t *a, json_t *v);

#endif
