/*
 * config.h - the `.nnlint.yaml` configuration file: loading and checking
 * it (libyaml), the nearest config of a file, and glob matching for
 * `exclude` and `per_file_ignores`.
 *
 *   .nnlint.yaml --nnl_config_load--> nnl_config --nnl_config_apply--> ruleset
 *
 * A config is applied to a ruleset of its own (main.c keeps one ruleset per
 * distinct config file), so files under different configs can run with
 * different severities and parameters.
 *
 * Ownership: an nnl_config owns every string it holds (its arena);
 * nnl_config_free releases it.  It does not own the rulesets it is applied to.
 */
#ifndef NNL_CONFIG_H
#define NNL_CONFIG_H

#include "engine/engine.h"
#include "nnlint.h"

#define NNL_CONFIG_NAME ".nnlint.yaml"

/* A string of the config with the position of its node (1-based). */
typedef struct nnl_config_str {
  const char *s;
  uint32_t line, col;
} nnl_config_str;

/* rules: ID: off | LEVEL | {severity: LEVEL, PARAM: VALUE, ...} */
typedef struct nnl_config_rule {
  nnl_config_str id;
  int severity;            /* -1: not set */
  nnl_config_str sev_at;   /* where the severity is written */
  nnl_config_str *params;  /* name (with its position) ... */
  nnl_config_str *values;  /* ... and its value, as written */
  uint32_t n_params;
} nnl_config_rule;

/* per_file_ignores: GLOB: [ID, ...] */
typedef struct nnl_config_pfi {
  nnl_config_str glob;
  nnl_config_str *ids;
  uint32_t n_ids;
} nnl_config_pfi;

typedef struct nnl_config {
  char *path;  /* the file, as found or given */
  char *dir;   /* its folder, absolute and resolved (globs are relative) */
  nnl_arena arena;
  NNL_ARRAY(nnl_config_rule) rules;
  bool has_select, has_ignore;
  NNL_ARRAY(nnl_config_str) select, ignore; /* id prefixes */
  const char **select_list, **ignore_list;  /* NULL-terminated, or NULL */
  NNL_ARRAY(nnl_config_str) exclude;        /* globs */
  NNL_ARRAY(nnl_config_pfi) per_file_ignores;
  NNL_ARRAY(nnl_config_str) rules_dirs;     /* resolved against dir */
  nnl_severity fail_on;                     /* NONE: not set */
} nnl_config;

/* Read and check the shape of the config file at path: unknown keys (with
 * the nearest known one suggested), wrong types and bad levels are errors
 * at the file's line:col.  NULL with err filled on a mistake.  Rule ids
 * are checked later, by nnl_config_apply, against the loaded rules. */
nnl_config *nnl_config_load(const char *path, nnl_error *err);
void nnl_config_free(nnl_config *c);

/* Load the config's rules_dirs into rs (after the built-in rules). */
int nnl_config_load_rules(const nnl_config *c, nnl_ruleset *rs, nnl_error *err);
/* Check every rule id the config names against rs (an unknown one is an
 * error at its position) and apply the rules' severities and parameters. */
int nnl_config_apply(const nnl_config *c, nnl_ruleset *rs, nnl_error *err);

/* Is the file at abs_path (absolute, its folder resolved) excluded?  A
 * glob matching one of the path's folders excludes what is below it. */
bool nnl_config_excluded(const nnl_config *c, const char *abs_path);
/* The rule ids per_file_ignores gives for abs_path: a malloc'd
 * NULL-terminated array of strings owned by c, or NULL when none. */
const char **nnl_config_ignores_for(const nnl_config *c, const char *abs_path);

/* The nearest .nnlint.yaml walking up from the folder dir (absolute) to
 * the filesystem root: true with its path in out, false when none. */
bool nnl_config_find(const char *dir, nnl_buf *out);

/* fnmatch(3) with FNM_PATHNAME per path segment, plus `**` as a whole
 * segment matching any number of segments (none included). */
bool nnl_glob_match(const char *pattern, const char *path);

#endif
