/*
 * suppress.h - what keeps a finding from being reported: inline comments
 * (`# nnlint: disable=ID`, `# nnlint: disable-file=ID,...`), the config's
 * per_file_ignores, and a baseline of known findings.
 *
 *   doc text --scan--> nnl_suppress (per doc) <-- consulted by nnl_report
 *   after the engine: nnl_suppress_finish reports bad and unused comments
 *
 * The two meta-rules (NN100 bad-suppression, NN101 unused-suppression) are
 * registered into each ruleset by nnl_suppress_register so --list-rules,
 * --explain and every reporter know them; their findings come from here.
 *
 * Ownership: an nnl_suppress belongs to its document (nnl_doc_free does not
 * free it: the caller frees it with nnl_suppress_free before the doc).  A
 * baseline is owned by the caller and outlives the documents.
 */
#ifndef NNL_SUPPRESS_H
#define NNL_SUPPRESS_H

#include "engine/engine.h"
#include "nnlint.h"

#define NNL_RULE_BAD_SUPPRESSION "NN100"
#define NNL_RULE_UNUSED_SUPPRESSION "NN101"

typedef struct nnl_suppress nnl_suppress;
typedef struct nnl_baseline nnl_baseline;

/* Add the meta-rules NN100 and NN101 to rs. */
int nnl_suppress_register(nnl_ruleset *rs, nnl_error *err);

/* Scan doc's text for suppression comments (formats with `#` comments:
 * YAML, ONNX text, Python) and take the per-file ignore ids (NULL-
 * terminated, not copied: they must outlive the doc) and the baseline (or
 * NULL).  Sets doc->suppress; the result is freed by nnl_suppress_free. */
void nnl_suppress_attach(nnl_doc *doc, const char *const *file_ignores,
                         nnl_baseline *bl);
/* Is this finding suppressed?  Called by nnl_report for every finding;
 * marks the comment that suppressed it used.  msg: the finding's text. */
bool nnl_suppress_check(nnl_doc *doc, const char *rule, nnl_span at,
                        const char *msg);
/* After the engine: report comments without ids or with unknown ids
 * (NN100) and comments that suppressed nothing (NN101). */
void nnl_suppress_finish(nnl_ctx *cx, nnl_doc *doc);
void nnl_suppress_free(nnl_doc *doc);

/* ---- baselines ----
 * A finding's key: rule, path, and a hash of its source line (trimmed) and
 * message, so that lines moving up or down keep matching. */
nnl_baseline *nnl_baseline_new(void);
/* Read a baseline written by nnl_baseline_write.  NULL with err filled. */
nnl_baseline *nnl_baseline_read(const char *path, nnl_error *err);
/* Record every diagnostic of doc. */
void nnl_baseline_add_doc(nnl_baseline *bl, nnl_doc *doc);
/* Record one finding given by its key (hash as 16 hex digits). */
void nnl_baseline_add(nnl_baseline *bl, const char *rule, const char *path,
                      const char *hash, const char *message);
/* The key hash of a finding at `at` in doc with message msg: 16 hex
 * digits into out[17]. */
void nnl_baseline_hash(nnl_doc *doc, nnl_span at, const char *msg,
                       char out[17]);
int nnl_baseline_write(const nnl_baseline *bl, const char *path,
                       nnl_error *err);
size_t nnl_baseline_count(const nnl_baseline *bl);
void nnl_baseline_free(nnl_baseline *bl);

#endif
