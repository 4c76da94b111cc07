/*
 * engine.h - the rule engine's API: loading rule files (built-in, --rules
 * DIR), their metadata for --list-rules / --explain / reporters, parameter
 * and severity overrides, and checking each rule's own examples.
 *
 * Ownership: a ruleset owns its rules and everything they point to; rule
 * pointers stay valid until nnl_ruleset_free.  The engine never mentions a
 * rule id: everything a rule does is in its file.
 */
#ifndef NNL_ENGINE_H
#define NNL_ENGINE_H

#include "nnlint.h"

typedef enum nnl_context {
  NNL_CTX_NONE = 0, /* always runs */
  NNL_CTX_OPTIMIZER, /* silent unless the file says how it is optimized */
  NNL_CTX_FIT        /* silent unless the file says how training is run */
} nnl_context;

/* What reporters, --list-rules and --explain need to know of a rule. */
typedef struct nnl_rule_info {
  const char *id;          /* "NN007" */
  const char *name;        /* "output-activation" */
  const char *mistake;     /* the checklist item it comes from */
  const char *summary;     /* one line */
  const char *explanation; /* several paragraphs, Markdown */
  const char *fix;         /* the default fix text */
  const char *source;      /* the rule file's path */
  nnl_severity severity;   /* default severity (after overrides) */
  nnl_context context;
} nnl_rule_info;

nnl_ruleset *nnl_ruleset_new(void);
void nnl_ruleset_free(nnl_ruleset *rs);

/* Parse and compile one rule file.  On a mistake: fills err with the rule
 * file's path:line:col and returns -1 (the ruleset is unchanged).  A rule
 * whose id is already loaded replaces the earlier one. */
int nnl_ruleset_add(nnl_ruleset *rs, const char *path, const char *text,
                    size_t len, nnl_error *err);
/* The rules compiled into the binary (rules/NN*.yaml at build time). */
int nnl_ruleset_load_builtin(nnl_ruleset *rs, nnl_error *err);
/* Every *.yaml / *.yml file of dir, in name order. */
int nnl_ruleset_load_dir(nnl_ruleset *rs, const char *dir, nnl_error *err);

/* Overrides (command line, later the config file). */
int nnl_ruleset_set_severity(nnl_ruleset *rs, const char *id,
                             nnl_severity sev, nnl_error *err);
/* value is parsed as a number, bool or string, as in YAML. */
int nnl_ruleset_set_param(nnl_ruleset *rs, const char *id, const char *param,
                          const char *value, nnl_error *err);

/* Rules in id order. */
size_t nnl_ruleset_count(const nnl_ruleset *rs);
const nnl_rule *nnl_ruleset_at(const nnl_ruleset *rs, size_t i);
const nnl_rule *nnl_ruleset_find(const nnl_ruleset *rs, const char *id);
const nnl_rule_info *nnl_rule_info_of(const nnl_rule *r);

/* --explain: the rule's explanation, parameters, examples and fix. */
void nnl_rule_explain(const nnl_rule *r, FILE *out);

/* Lint every rule's bad and good examples; print one line per failing
 * example to out (and, if verbose, per passing one).  Adds the counts to
 * *passed and *failed. */
void nnl_ruleset_check_examples(nnl_ctx *cx, nnl_ruleset *rs, FILE *out,
                                bool verbose, int *passed, int *failed);

#endif
