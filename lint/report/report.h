/*
 * report.h - what the reporters (report.c, text.c, json.c) share and no
 * other stage needs: the reporter object, diagnostic order, and the
 * conversion of byte offsets to 1-based line and code point columns.
 *
 * Ownership: an nnl_reporter does not own its FILE; the sorted diagnostic
 * arrays and cleaned strings handed out here are malloc'd for the caller.
 */
#ifndef NNL_REPORT_H
#define NNL_REPORT_H

#include "nnlint.h"

struct nnl_reporter {
  nnl_output_format format;
  FILE *out;
  bool color;
  /* counts over the run, for the text summary */
  unsigned long n_error, n_warning, n_info;
  unsigned long n_json; /* diagnostics written so far (JSON separators) */
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

#endif
