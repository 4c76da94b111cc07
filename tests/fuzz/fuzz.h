/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz/ share: the whole lint
 * pipeline over one input held in memory.
 *
 *   bytes --nnl_doc--> front end --> IR --> derive --> engine (rules)
 *         --> suppressions, baseline --> every reporter into a memory buffer
 *
 * Each target is one LLVMFuzzerTestOneInput calling fz_lint (or, for the
 * rule, config and LSP loaders, their own parser first and then fz_lint
 * over a fixed model).  Nothing here writes outside a private temporary
 * folder.  Ownership: the built-in ruleset is loaded once and kept for the
 * process; everything made for one input is freed before the call returns,
 * so LeakSanitizer sees a leak as soon as one input leaks.
 */
#ifndef NNL_FUZZ_H
#define NNL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "nnlint.h"

/* The built-in rules plus the suppression meta-rules, loaded on first use
 * (abort()s if they do not load: the build is broken, not the input). */
nnl_ruleset *fz_builtin_rules(void);

/* The targets' temporary folder, holding `w.bin` (4 KiB of zeros) for
 * ONNX external data to point at: $NNLINT_FUZZ_TMP when set, else a new
 * one for this process, removed at exit.  Created on first use. */
const char *fz_tmpdir(void);

/* The settings a config gives a file (all may be NULL). */
typedef struct fz_opts {
  nnl_ruleset *rules;              /* NULL: fz_builtin_rules() */
  const char **select, **ignore;   /* NULL-terminated id prefixes */
  const char *const *file_ignores; /* per_file_ignores ids */
} fz_opts;

/* Lint data[0..size) as a file named name (in fz_tmpdir) of format fmt
 * (NNL_FMT_UNKNOWN: detect it from the name and content) with the
 * settings o (NULL: the built-in rules, nothing else), then print the
 * findings in every output format into memory.  Text formats get a
 * NUL-terminated copy, as nnl_doc_open gives them; the binary ONNX format
 * gets an exact-size copy with nothing after it, as a mapping would.
 * Returns the number of diagnostics. */
size_t fz_lint_with(const fz_opts *o, const char *name, nnl_format fmt,
                    const uint8_t *data, size_t size);
/* fz_lint_with with the built-in rules (rs NULL) or rs. */
size_t fz_lint(nnl_ruleset *rs, const char *name, nnl_format fmt,
               const uint8_t *data, size_t size);

/* Lint data[0..size) as the YAML spec name with the built-in rules, as
 * the language server does: through cache c when not NULL (parsing only
 * what changed since the last text linted with c), and return the
 * findings as the JSON reporter prints them (malloc'd: the caller frees
 * it).  The document is freed before the call returns. */
char *fz_lint_json(nnl_yaml_cache *c, const char *name, const uint8_t *data,
                   size_t size);

/* Parse data[0..size) as the YAML spec name through cache c, front end
 * only: what a first lint leaves in c, without the rules and reports.
 * Returns the number of layers the models have (repeats expanded). */
size_t fz_yaml_fill(nnl_yaml_cache *c, const char *name, const uint8_t *data,
                  size_t size);

/* A small valid nnlint YAML spec touching most IR fields, for targets that
 * fuzz something other than a model (rules, config). */
extern const char fz_sample_spec[];

#endif
