/*
 * main.c - the nnlint command: options, rule loading, the walk over the
 * files, and the exit status.
 *
 *   argv --options--> nnl_ctx + ruleset --each file--> nnl_doc_open
 *        --> nnl_frontend_run --> nnl_engine_run --> reporter --> free doc
 *
 * One document is alive at a time, so memory stays flat however many
 * files a run lints.  Exit status: 2 when a file could not be read or
 * parsed, or on a usage error; else 1 when a finding is at or above
 * --fail-on; else 0.
 */
#include <dirent.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "engine/engine.h"
#include "lsp_server.h"
#include "nnlint.h"
#include "report/report.h"
#include "suppress.h"

/* Directory nesting below a command-line folder that the walk follows. */
enum { MAX_WALK_DEPTH = 64 };

/* ---- options, defined once ----
 * X(ID, "long name", short letter or 0, takes a value) */
#define OPTIONS(X)                                                             \
  X(FORMAT, "format", 0, true)                                                 \
  X(SELECT, "select", 0, true)                                                 \
  X(IGNORE, "ignore", 0, true)                                                 \
  X(FAIL_ON, "fail-on", 0, true)                                               \
  X(SEVERITY, "severity", 0, true)                                             \
  X(PARAM, "param", 0, true)                                                   \
  X(RULES, "rules", 0, true)                                                   \
  X(EXPLAIN, "explain", 0, true)                                               \
  X(LIST_RULES, "list-rules", 0, false)                                        \
  X(CHECK_RULES, "check-rules", 0, false)                                      \
  X(COLOR, "color", 0, true)                                                   \
  X(STDIN_FILENAME, "stdin-filename", 0, true)                                 \
  X(MAX_FILE_SIZE, "max-file-size", 0, true)                                   \
  X(CONFIG, "config", 0, true)                                                 \
  X(NO_CONFIG, "no-config", 0, false)                                          \
  X(FORCE_EXCLUDE, "force-exclude", 0, false)                                  \
  X(BASELINE, "baseline", 0, true)                                             \
  X(WRITE_BASELINE, "write-baseline", 0, true)                                 \
  X(JOBS, "jobs", 'j', true)                                                   \
  X(STATISTICS, "statistics", 0, false)                                        \
  X(QUIET, "quiet", 'q', false)                                                \
  X(VERBOSE, "verbose", 'v', false)                                            \
  X(VERSION, "version", 'V', false)                                            \
  X(HELP, "help", 'h', false)

typedef enum opt_id {
#define X(id, name, short_name, arg) OPT_##id,
  OPTIONS(X)
#undef X
} opt_id;

static const struct optdef {
  opt_id id;
  const char *name;
  char short_name;
  bool arg;
} optdefs[] = {
#define X(id, name, short_name, arg) {OPT_##id, name, short_name, arg},
    OPTIONS(X)
#undef X
};
#define N_OPTS (sizeof optdefs / sizeof optdefs[0])

/* clang-format off */
static const char usage_text[] =
    "usage: nnlint [options] [FILE|DIR]...\n"
    "       nnlint [options] -              (standard input)\n"
    "       nnlint --explain ID | --list-rules | --check-rules\n"
    "       nnlint lsp                      (a language server on stdio)\n"
    "\n"
    "Lint neural-network model definition files.  Directories are walked\n"
    "recursively (hidden entries, node_modules and __pycache__ are skipped)\n"
    "and only files of a known model format are linted; files named on the\n"
    "command line are always read.  With no FILE, the current directory.\n"
    "\n"
    "Output:\n"
    "  --format FMT           text (default; github when GITHUB_ACTIONS is\n"
    "                         true), json, sarif, github or lsp\n"
    "  --color WHEN           auto (default: on a terminal, unless NO_COLOR is\n"
    "                         set), always, or never\n"
    "  -v, --verbose          on standard error: each file's format, and the\n"
    "                         files skipped and why\n"
    "  -q, --quiet            only the findings: no summary line\n"
    "  --statistics           after the run, the number of findings per rule\n"
    "                         (on standard output in text format, else on\n"
    "                         standard error)\n"
    "  -j, --jobs N           lint N files at a time (default: the number of\n"
    "                         processors); the output is the same for any N\n"
    "\n"
    "Configuration and suppressions:\n"
    "  --config FILE          use this config for every file, instead of the\n"
    "                         nearest .nnlint.yaml above each file\n"
    "  --no-config            read no config file\n"
    "  --force-exclude        apply the config's exclude to files named on\n"
    "                         the command line too (for pre-commit and\n"
    "                         editors, which name every file)\n"
    "  --baseline FILE        report only findings not recorded in FILE\n"
    "  --write-baseline FILE  record the findings of this run in FILE (and\n"
    "                         exit 0 unless a file could not be read)\n"
    "\n"
    "Rules:\n"
    "  --select IDS           only these rules: comma-separated id prefixes\n"
    "                         (NN007, NN00, ALL); repeatable\n"
    "  --ignore IDS           not these rules (id prefixes); repeatable\n"
    "  --severity ID=LEVEL    set a rule's severity: error, warning, info or\n"
    "                         off; repeatable\n"
    "  --param ID.NAME=VALUE  set a rule parameter; repeatable\n"
    "  --rules DIR            load the *.yaml rule files of DIR after the\n"
    "                         built-in rules; repeatable\n"
    "  --fail-on LEVEL        exit 1 on a finding at or above LEVEL: error,\n"
    "                         warning (default) or info\n"
    "\n"
    "Input:\n"
    "  -                      read the model from standard input\n"
    "  --stdin-filename NAME  the name (and so the format) of standard input;\n"
    "                         with no FILE, standard input is read\n"
    "  --max-file-size SIZE   larger files are not read (NN000): bytes, or\n"
    "                         with a unit K, M, G (KiB, MiB, GiB); default\n"
    "                         512M, and 2G for ONNX binaries (mapped)\n"
    "  --                     end of options: what follows are files\n"
    "\n"
    "Information:\n"
    "  --explain ID           a rule's explanation, parameters, examples, fix\n"
    "  --list-rules           every rule: id, name, severity, summary\n"
    "  --check-rules          run every loaded rule's own examples\n"
    "  -V, --version          print the version\n"
    "  -h, --help             print this help\n"
    "\n"
    "Options take values as --opt VALUE or --opt=VALUE, short ones as -j 4\n"
    "or -j4; short flags combine (-qv).\n"
    "\n"
    "Exit status: 0 no finding at or above --fail-on; 1 findings; 2 a file\n"
    "could not be read or parsed, a bad rule file, or a usage error.\n";
/* clang-format on */

/* A list of strings that the options collect (ids, dirs, overrides). */
typedef NNL_ARRAY(const char *) strlist;

typedef enum mode { MODE_LINT, MODE_EXPLAIN, MODE_LIST, MODE_CHECK } mode;

/* Everything the command line says, and the run's state. */
typedef struct cli {
  nnl_output_format format;
  int color; /* -1 auto, 0 never, 1 always */
  mode mode;
  const char *mode_opt; /* the option that chose the mode, for messages */
  const char *explain_id;
  const char *stdin_filename;
  strlist select, ignore, rule_dirs, severities, params, paths;
  nnl_ctx cx;
  nnl_reporter *rep;
  bool unreadable; /* some file could not be opened */
  /* configuration and the run around the files */
  const char *config_path; /* --config */
  bool no_config, quiet, statistics, fail_on_set, force_exclude;
  const char *baseline_path, *write_baseline_path;
  long jobs; /* 0: the number of processors */
  NNL_ARRAY(struct profile *) profiles; /* one per distinct config */
  struct profile *plain;                /* no config */
  char *last_dir;                       /* profile cache: last folder */
  struct profile *last_profile;
  NNL_ARRAY(struct item) items;         /* the files of the run, in order */
  NNL_ARRAY(struct stat_entry) stats;   /* findings per rule */
  nnl_baseline *baseline, *new_baseline;
  bool any_failing; /* a file has a finding at or above its fail_on */
  /* locate()'s last folder and its resolved path: files come grouped by
   * folder, and realpath costs a system call per path component */
  char *loc_dir, *loc_real;
} cli;

/* The settings of the files under one config (or none): their rules,
 * selection and fail_on.  Rule parameters and severities live in the
 * ruleset, so each config has a ruleset of its own. */
typedef struct profile {
  nnl_config *cfg; /* NULL: no config */
  char *key;       /* the config's resolved path (the cache key) */
  nnl_ruleset *rs;
  const char **select, **ignore;
  nnl_severity fail_on;
} profile;

/* A file of the run: linted with its profile, or unreadable. */
typedef struct item {
  char *path;
  profile *prof;
  const char **ignores; /* per_file_ignores for it, or NULL */
  char *unreadable;     /* the message when it could not even be listed */
} item;

typedef struct stat_entry {
  char *rule, *name;
  unsigned long count;
} stat_entry;

/* ---- errors ---- */

NNL_NORETURN static void usage_error(const char *fmt, ...) NNL_PRINTF(1, 2);
static void usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("nnlint: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\ntry 'nnlint --help'\n", stderr);
  exit(2);
}

/* Levenshtein distance, case-insensitive, of the first 63 bytes. */
static size_t distance(const char *a, const char *b) {
  size_t la = strnlen(a, 63), lb = strnlen(b, 63);
  size_t row[64];
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      int ca = a[i - 1], cb = b[j - 1];
      if (ca >= 'A' && ca <= 'Z') ca += 'a' - 'A';
      if (cb >= 'A' && cb <= 'Z') cb += 'a' - 'A';
      size_t best = diag + (ca != cb);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* " (did you mean NN007, NN017?)" for the rules whose id or name is
 * nearest to `want`, or "" when none is near.  Static buffer. */
static const char *suggest_rules(const nnl_ruleset *rs, const char *want) {
  static char out[256];
  size_t n = nnl_ruleset_count(rs), best = 3;
  out[0] = 0;
  for (size_t i = 0; i < n; i++) {
    const nnl_rule_info *ri = nnl_rule_info_of(nnl_ruleset_at(rs, i));
    size_t d = distance(want, ri->id);
    if (ri->name && distance(want, ri->name) < d) d = distance(want, ri->name);
    if (d < best) best = d;
  }
  if (best >= 3) return out;
  size_t used = 0, shown = 0;
  used += (size_t)snprintf(out, sizeof out, " (did you mean ");
  for (size_t i = 0; i < n && shown < 3 && used < sizeof out; i++) {
    const nnl_rule_info *ri = nnl_rule_info_of(nnl_ruleset_at(rs, i));
    size_t d = distance(want, ri->id);
    if (ri->name && distance(want, ri->name) < d) d = distance(want, ri->name);
    if (d != best) continue;
    used += (size_t)snprintf(out + used, sizeof out - used, "%s%s",
                             shown++ ? ", " : "", ri->id);
  }
  if (used < sizeof out) snprintf(out + used, sizeof out - used, "?)");
  return out;
}

/* A rule by id, or by name ("output-activation"), ignoring case. */
static const nnl_rule *find_rule(const nnl_ruleset *rs, const char *want) {
  const nnl_rule *r = nnl_ruleset_find(rs, want);
  if (r) return r;
  for (size_t i = 0; i < nnl_ruleset_count(rs); i++) {
    const nnl_rule_info *ri = nnl_rule_info_of(nnl_ruleset_at(rs, i));
    if (strcasecmp(ri->id, want) == 0 ||
        (ri->name && nnl_name_eq(ri->name, want)))
      return nnl_ruleset_at(rs, i);
  }
  return NULL;
}

NNL_NORETURN static void unknown_rule(const nnl_ruleset *rs, const char *opt,
                                      const char *id) {
  fprintf(stderr, "nnlint: error: %s: unknown rule '%s'%s\n", opt, id,
          suggest_rules(rs, id));
  if (!suggest_rules(rs, id)[0]) fputs("see 'nnlint --list-rules'\n", stderr);
  exit(2);
}

/* ---- parsing ---- */

/* Split a comma-separated value into list (empty items are skipped). */
static void split_ids(strlist *list, const char *opt, const char *v) {
  bool any = false;
  for (const char *p = v; *p;) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    while (n && (*p == ' ' || *p == '\t'))
      p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
      n--;
    if (n) {
      char *id = nnl_xmalloc(n + 1);
      memcpy(id, p, n);
      id[n] = 0;
      nnl_array_push(list, id);
      any = true;
    }
    if (!end) break;
    p = end + 1;
  }
  if (!any) usage_error("--%s: no rule id in '%s'", opt, v);
}

static void set_mode(cli *c, mode m, const char *opt) {
  if (c->mode != MODE_LINT && c->mode != m)
    usage_error("--%s cannot be combined with --%s", opt, c->mode_opt);
  c->mode = m;
  c->mode_opt = opt;
}

static void apply(cli *c, const struct optdef *o, const char *v) {
  switch (o->id) {
  case OPT_FORMAT:
    if (nnl_output_format_parse(v) < 0)
      usage_error("--format: unknown format '%s' (%s)", v,
                  nnl_output_format_names());
    c->format = (nnl_output_format)nnl_output_format_parse(v);
    break;
  case OPT_SELECT: split_ids(&c->select, o->name, v); break;
  case OPT_IGNORE: split_ids(&c->ignore, o->name, v); break;
  case OPT_FAIL_ON: {
    int s = nnl_severity_parse(v);
    if (s <= 0)
      usage_error("--fail-on: unknown level '%s' (error, warning or info)", v);
    c->cx.fail_on = (nnl_severity)s;
    c->fail_on_set = true;
    break;
  }
  case OPT_SEVERITY: {
    const char *eq = strchr(v, '=');
    if (!eq || eq == v || nnl_severity_parse(eq + 1) < 0)
      usage_error("--severity: expected ID=LEVEL with LEVEL error, warning, "
                  "info or off, not '%s'",
                  v);
    nnl_array_push(&c->severities, v);
    break;
  }
  case OPT_PARAM: {
    const char *eq = strchr(v, '='), *dot = strchr(v, '.');
    if (!eq || !dot || dot > eq || dot == v || dot + 1 == eq)
      usage_error("--param: expected ID.NAME=VALUE, not '%s'", v);
    nnl_array_push(&c->params, v);
    break;
  }
  case OPT_RULES: nnl_array_push(&c->rule_dirs, v); break;
  case OPT_EXPLAIN:
    set_mode(c, MODE_EXPLAIN, o->name);
    c->explain_id = v;
    break;
  case OPT_LIST_RULES: set_mode(c, MODE_LIST, o->name); break;
  case OPT_CHECK_RULES: set_mode(c, MODE_CHECK, o->name); break;
  case OPT_COLOR:
    if (strcmp(v, "auto") == 0)
      c->color = -1;
    else if (strcmp(v, "always") == 0)
      c->color = 1;
    else if (strcmp(v, "never") == 0)
      c->color = 0;
    else
      usage_error("--color: unknown value '%s' (auto, always or never)", v);
    break;
  case OPT_STDIN_FILENAME:
    if (!*v) usage_error("--stdin-filename: empty name");
    c->stdin_filename = v;
    break;
  case OPT_MAX_FILE_SIZE: {
    size_t n;
    if (!nnl_parse_size(v, &n) || n == 0)
      usage_error("--max-file-size: expected a size such as 4096, 64K, 10M "
                  "or 1G, not '%s'",
                  v);
    nnl_doc_set_max_size(n);
    break;
  }
  case OPT_CONFIG:
    if (!*v) usage_error("--config: empty name");
    c->config_path = v;
    break;
  case OPT_NO_CONFIG: c->no_config = true; break;
  case OPT_FORCE_EXCLUDE: c->force_exclude = true; break;
  case OPT_BASELINE: c->baseline_path = v; break;
  case OPT_WRITE_BASELINE: c->write_baseline_path = v; break;
  case OPT_JOBS: {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < 1 || n > 1024)
      usage_error("--jobs: expected a number from 1 to 1024, not '%s'", v);
    c->jobs = n;
    break;
  }
  case OPT_STATISTICS: c->statistics = true; break;
  case OPT_QUIET: c->quiet = true; break;
  case OPT_VERBOSE: c->cx.verbose = true; break;
  case OPT_VERSION: printf("nnlint %s\n", NNL_VERSION); exit(0);
  case OPT_HELP: fputs(usage_text, stdout); exit(0);
  }
}

/* The nearest long option, for "did you mean". */
static const char *nearest_option(const char *name, size_t n) {
  char buf[64];
  if (n >= sizeof buf) n = sizeof buf - 1;
  memcpy(buf, name, n);
  buf[n] = 0;
  const char *best = NULL;
  size_t bd = 3;
  for (size_t i = 0; i < N_OPTS; i++) {
    size_t d = distance(buf, optdefs[i].name);
    if (d < bd) bd = d, best = optdefs[i].name;
  }
  return best;
}

static void parse_args(cli *c, int argc, char **argv) {
  bool opts_done = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (opts_done || a[0] != '-' || a[1] == 0) {
      nnl_array_push(&c->paths, a);
      continue;
    }
    if (strcmp(a, "--") == 0) {
      opts_done = true;
      continue;
    }
    const struct optdef *o = NULL;
    const char *value = NULL;
    if (a[1] == '-') {
      const char *name = a + 2, *eq = strchr(name, '=');
      size_t n = eq ? (size_t)(eq - name) : strlen(name);
      for (size_t k = 0; k < N_OPTS && !o; k++)
        if (strlen(optdefs[k].name) == n &&
            strncmp(optdefs[k].name, name, n) == 0)
          o = &optdefs[k];
      if (!o) {
        const char *near = nearest_option(name, n);
        if (near)
          usage_error("unknown option '--%.*s' (did you mean '--%s'?)", (int)n,
                      name, near);
        usage_error("unknown option '--%.*s'", (int)n, name);
      }
      if (eq && !o->arg) usage_error("--%s takes no value", o->name);
      if (eq) value = eq + 1;
    } else {
      /* short options: bundled flags (-qv), a value attached (-j4) or
       * in the next argument (-j 4) */
      for (const char *p = a + 1; *p; p++) {
        o = NULL;
        for (size_t k = 0; k < N_OPTS && !o; k++)
          if (optdefs[k].short_name && *p == optdefs[k].short_name)
            o = &optdefs[k];
        if (!o) usage_error("unknown option '-%c' in '%s'", *p, a);
        if (!o->arg) {
          apply(c, o, NULL);
          continue;
        }
        if (p[1]) value = p + 1;
        else if (i + 1 >= argc) usage_error("-%c needs a value", *p);
        else value = argv[++i];
        apply(c, o, value);
        break;
      }
      continue;
    }
    if (o->arg && !value) {
      if (i + 1 >= argc) usage_error("--%s needs a value", o->name);
      value = argv[++i];
    }
    apply(c, o, value);
  }
}

/* NULL-terminated copy of a list for nnl_ctx, or NULL when empty. */
static const char **terminated(strlist *l) {
  if (l->len == 0) return NULL;
  nnl_array_push(l, NULL);
  return l->items;
}

/* ---- rules ---- */

NNL_NORETURN static void rule_error(const nnl_error *err) {
  nnl_error_print(err, stderr);
  exit(2);
}

/* A ruleset for the files under cfg (NULL: no config): the built-in rules
 * and meta-rules, the config's rules_dirs, --rules, then the config's
 * overrides, then the command line's.  warn: say when a --select/--ignore
 * prefix matches nothing (once per run). */
static nnl_ruleset *load_rules(cli *c, const nnl_config *cfg, bool warn) {
  nnl_ruleset *rs = nnl_ruleset_new();
  nnl_error err = {0};
  if (nnl_ruleset_load_builtin(rs, &err) != 0) rule_error(&err);
  if (nnl_suppress_register(rs, &err) != 0) rule_error(&err);
  if (cfg && nnl_config_load_rules(cfg, rs, &err) != 0) rule_error(&err);
  for (uint32_t i = 0; i < c->rule_dirs.len; i++) {
    struct stat st;
    if (stat(c->rule_dirs.items[i], &st) != 0 || !S_ISDIR(st.st_mode))
      usage_error("--rules: '%s' is not a directory", c->rule_dirs.items[i]);
    if (nnl_ruleset_load_dir(rs, c->rule_dirs.items[i], &err) != 0)
      rule_error(&err);
  }
  if (cfg && nnl_config_apply(cfg, rs, &err) != 0) rule_error(&err);
  /* overrides: --severity ID=LEVEL, --param ID.NAME=VALUE */
  for (uint32_t i = 0; i < c->severities.len; i++) {
    const char *v = c->severities.items[i], *eq = strchr(v, '=');
    char *id = nnl_xstrdup(v);
    id[eq - v] = 0;
    if (!nnl_ruleset_find(rs, id)) unknown_rule(rs, "--severity", id);
    if (nnl_ruleset_set_severity(
            rs, id, (nnl_severity)nnl_severity_parse(eq + 1), &err) != 0)
      rule_error(&err);
    free(id);
  }
  for (uint32_t i = 0; i < c->params.len; i++) {
    const char *v = c->params.items[i];
    char *id = nnl_xstrdup(v);
    char *dot = strchr(id, '.'), *eq = strchr(id, '=');
    *dot = 0;
    *eq = 0;
    if (!nnl_ruleset_find(rs, id)) unknown_rule(rs, "--param", id);
    if (nnl_ruleset_set_param(rs, id, dot + 1, eq + 1, &err) != 0)
      rule_error(&err);
    free(id);
  }
  /* a --select/--ignore prefix that matches nothing is probably a typo */
  strlist *lists[2] = {&c->select, &c->ignore};
  const char *names[2] = {"select", "ignore"};
  for (int l = 0; l < 2 && warn; l++)
    for (uint32_t i = 0; i < lists[l]->len && lists[l]->items[i]; i++) {
      const char *p = lists[l]->items[i];
      bool hit = strcmp(p, "ALL") == 0 || strncmp("NN000", p, strlen(p)) == 0;
      for (size_t k = 0; k < nnl_ruleset_count(rs) && !hit; k++) {
        const char *id = nnl_rule_info_of(nnl_ruleset_at(rs, k))->id;
        hit = strncmp(id, p, strlen(p)) == 0;
      }
      if (!hit)
        fprintf(stderr, "nnlint: warning: --%s %s matches no rule%s\n",
                names[l], p, suggest_rules(rs, p));
    }
  return rs;
}

/* --list-rules: one aligned line per rule. */
static void list_rules(const nnl_ruleset *rs) {
  size_t n = nnl_ruleset_count(rs);
  int wid = 2, wname = 4, wsev = 7;
  for (size_t i = 0; i < n; i++) {
    const nnl_rule_info *ri = nnl_rule_info_of(nnl_ruleset_at(rs, i));
    if ((int)strlen(ri->id) > wid) wid = (int)strlen(ri->id);
    if (ri->name && (int)strlen(ri->name) > wname)
      wname = (int)strlen(ri->name);
  }
  for (size_t i = 0; i < n; i++) {
    const nnl_rule_info *ri = nnl_rule_info_of(nnl_ruleset_at(rs, i));
    const char *summary = ri->summary   ? ri->summary
                          : ri->mistake ? ri->mistake
                                        : "";
    printf("%-*s  %-*s  %-*s  %s\n", wid, ri->id, wname,
           ri->name ? ri->name : "", wsev, nnl_severity_name(ri->severity),
           summary);
  }
}

/* ---- profiles: the config of each file ---- */

static void note(cli *c, const char *fmt, ...) NNL_PRINTF(2, 3);
static void note(cli *c, const char *fmt, ...) {
  if (!c->cx.verbose) return;
  va_list ap;
  va_start(ap, fmt);
  fputs("nnlint: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* The profile of cfg (taken over; NULL: no config).  The command line
 * overrides the config: --select/--ignore replace its lists, --fail-on
 * its fail_on. */
static profile *new_profile(cli *c, nnl_config *cfg) {
  profile *p = nnl_xcalloc(1, sizeof *p);
  p->cfg = cfg;
  p->rs = load_rules(c, cfg, c->profiles.len == 0);
  p->select = c->cx.select ? c->cx.select
              : cfg && cfg->has_select ? cfg->select_list
                                       : NULL;
  p->ignore = c->cx.ignore ? c->cx.ignore
              : cfg && cfg->has_ignore ? cfg->ignore_list
                                       : NULL;
  p->fail_on = c->fail_on_set           ? c->cx.fail_on
               : cfg && cfg->fail_on    ? cfg->fail_on
                                        : NNL_SEV_WARNING;
  nnl_array_push(&c->profiles, p);
  return p;
}

/* The profile of the config file at path, loaded once per run. */
static profile *profile_of_config(cli *c, const char *path) {
  char *real = realpath(path, NULL);
  const char *key = real ? real : path;
  for (uint32_t i = 0; i < c->profiles.len; i++) {
    profile *p = c->profiles.items[i];
    if (p->key && strcmp(p->key, key) == 0) {
      free(real);
      return p;
    }
  }
  nnl_error err = {0};
  nnl_config *cfg = nnl_config_load(path, &err);
  if (!cfg) rule_error(&err);
  note(c, "config: %s", cfg->path);
  profile *p = new_profile(c, cfg);
  p->key = real ? real : nnl_xstrdup(path);
  return p;
}

/* The absolute, resolved folder of path (for "-": of --stdin-filename, or
 * the current folder) into *dir, and its absolute path into *abs. */
static void locate(cli *c, const char *path, char **dir, char **abs) {
  if (strcmp(path, "-") == 0) path = c->stdin_filename ? c->stdin_filename : "-";
  const char *slash = strrchr(path, '/');
  char *d = slash ? nnl_xstrdup(path) : nnl_xstrdup(".");
  if (slash) d[slash == path ? 1 : slash - path] = 0;
  char *real = NULL;
  if (c->loc_dir && strcmp(c->loc_dir, d) == 0) {
    real = nnl_xstrdup(c->loc_real);
  } else if ((real = realpath(d, NULL)) != NULL) {
    free(c->loc_dir);
    free(c->loc_real);
    c->loc_dir = nnl_xstrdup(d);
    c->loc_real = nnl_xstrdup(real);
  }
  if (!real) {
    /* a folder that does not exist (a --stdin-filename): resolve lexically */
    char cwd[4096];
    nnl_buf b = {0};
    if (d[0] != '/' && getcwd(cwd, sizeof cwd)) {
      nnl_buf_puts(&b, cwd);
      nnl_buf_putc(&b, '/');
    }
    nnl_buf_puts(&b, d);
    real = nnl_xstrdup(nnl_buf_str(&b));
    nnl_buf_free(&b);
  }
  free(d);
  nnl_buf a = {0};
  nnl_buf_puts(&a, real);
  if (a.len && a.s[a.len - 1] != '/') nnl_buf_putc(&a, '/');
  nnl_buf_puts(&a, slash ? slash + 1 : path);
  *dir = real;
  *abs = nnl_xstrdup(nnl_buf_str(&a));
  nnl_buf_free(&a);
}

/* The profile of the file at path: --config, or the nearest .nnlint.yaml
 * above it (cached by folder), or none.  *abs: its absolute path. */
static profile *profile_of(cli *c, const char *path, char **abs) {
  char *dir;
  locate(c, path, &dir, abs);
  if (c->no_config) {
    free(dir);
    return c->plain ? c->plain : (c->plain = new_profile(c, NULL));
  }
  if (c->config_path) {
    free(dir);
    return profile_of_config(c, c->config_path);
  }
  if (c->last_dir && strcmp(c->last_dir, dir) == 0) {
    free(dir);
    return c->last_profile;
  }
  nnl_buf found = {0};
  profile *p;
  if (nnl_config_find(dir, &found))
    p = profile_of_config(c, nnl_buf_str(&found));
  else
    p = c->plain ? c->plain : (c->plain = new_profile(c, NULL));
  nnl_buf_free(&found);
  free(c->last_dir);
  c->last_dir = dir;
  c->last_profile = p;
  return p;
}

/* ---- the files of the run ---- */

static void add_unreadable(cli *c, const char *path, const char *msg) {
  item *it = nnl_array_grow1(&c->items);
  it->path = nnl_xstrdup(path);
  it->unreadable = nnl_xstrdup(msg);
}

/* Add path to the run; from_walk: found in a folder, so the config's
 * exclude applies (files named on the command line are linted unless
 * --force-exclude; standard input only when it has a --stdin-filename). */
static void add_file(cli *c, const char *path, bool from_walk) {
  char *abs;
  profile *p = profile_of(c, path, &abs);
  bool named_stdin = strcmp(path, "-") != 0 || c->stdin_filename;
  if ((from_walk || (c->force_exclude && named_stdin)) && p->cfg &&
      nnl_config_excluded(p->cfg, abs)) {
    note(c, "%s: skipped: excluded by %s", path, p->cfg->path);
    free(abs);
    return;
  }
  item *it = nnl_array_grow1(&c->items);
  it->path = nnl_xstrdup(path);
  it->prof = p;
  it->ignores = p->cfg ? nnl_config_ignores_for(p->cfg, abs) : NULL;
  free(abs);
}

/* A folder entry: its name and, when readdir knows it, its type. */
typedef struct dent {
  char *name;
  unsigned char type; /* DT_REG, DT_DIR, ...; DT_UNKNOWN: ask lstat */
} dent;

static int by_name(const void *a, const void *b) {
  return strcmp(((const dent *)a)->name, ((const dent *)b)->name);
}

static bool skipped_name(const char *name) {
  return name[0] == '.' || strcmp(name, "node_modules") == 0 ||
         strcmp(name, "__pycache__") == 0;
}

/* Walk dir in name order, adding the files of a known format.  Symbolic
 * links to directories are not followed (no loops); depth is bounded. */
static void walk(cli *c, const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (!d) {
    char msg[512];
    snprintf(msg, sizeof msg, "cannot read directory: %s", strerror(errno));
    add_unreadable(c, dir, msg);
    return;
  }
  NNL_ARRAY(dent) names = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (skipped_name(e->d_name)) continue;
    dent *de = nnl_array_grow1(&names);
    de->name = nnl_xstrdup(e->d_name);
    de->type = e->d_type;
  }
  closedir(d);
  if (names.len) qsort(names.items, names.len, sizeof *names.items, by_name);
  for (uint32_t i = 0; i < names.len; i++) {
    nnl_buf b = {0};
    if (strcmp(dir, ".") != 0) {
      nnl_buf_puts(&b, dir);
      if (b.len && b.s[b.len - 1] != '/') nnl_buf_putc(&b, '/');
    }
    nnl_buf_puts(&b, names.items[i].name);
    const char *path = nnl_buf_str(&b);
    struct stat st;
    /* readdir's type saves an lstat per file where the file system gives
     * it (symbolic links and unknown types are still looked at) */
    unsigned char t = names.items[i].type;
    if (t == DT_REG || t == DT_DIR) {
      memset(&st, 0, sizeof st);
      st.st_mode = t == DT_REG ? S_IFREG : S_IFDIR;
    }
    if (t != DT_REG && t != DT_DIR && lstat(path, &st) != 0) {
      char msg[512];
      snprintf(msg, sizeof msg, "cannot read: %s", strerror(errno));
      add_unreadable(c, path, msg);
    } else if (S_ISDIR(st.st_mode)) {
      if (depth >= MAX_WALK_DEPTH)
        note(c, "%s: skipped: nested too deep", path);
      else
        walk(c, path, depth + 1);
    } else if (nnl_detect_format(path, NULL, 0) == NNL_FMT_UNKNOWN) {
      note(c, "%s: skipped: not a model file name", path);
    } else if (S_ISLNK(st.st_mode) &&
               (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) {
      note(c, "%s: skipped: symbolic link, not to a file", path);
    } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
      add_file(c, path, true);
    } else {
      note(c, "%s: skipped: not a regular file", path);
    }
    nnl_buf_free(&b);
    free(names.items[i].name);
  }
  nnl_array_free(&names);
}

static void add_arg(cli *c, const char *path) {
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    walk(c, path, 0);
  else
    add_file(c, path, false); /* explicit files are always read */
}

/* ---- linting one file ---- */

/* What a file's run leaves for the exit status and the statistics. */
typedef struct result {
  bool failure; /* NN000, or could not be read */
  bool failing; /* a finding at or above the profile's fail_on */
  nnl_buf stats; /* "rule\tname\n" per finding */
} result;

static void count_finding(result *r, const char *rule, const char *name) {
  nnl_buf_puts(&r->stats, rule);
  nnl_buf_putc(&r->stats, '\t');
  nnl_buf_puts(&r->stats, name ? name : "");
  nnl_buf_putc(&r->stats, '\n');
}

/* Lint item it (path "-": standard input) into reporter rep. */
static void lint_item(cli *c, const item *it, nnl_reporter *rep, result *res) {
  if (it->unreadable) {
    nnl_reporter_unreadable(rep, it->path, it->unreadable);
    res->failure = true;
    count_finding(res, "NN000", "bad-input");
    return;
  }
  const char *path = it->path;
  bool is_stdin = strcmp(path, "-") == 0;
  const char *shown =
      is_stdin ? (c->stdin_filename ? c->stdin_filename : "<stdin>") : path;
  nnl_error err = {0};
  nnl_doc *doc = nnl_doc_open(path, is_stdin ? c->stdin_filename : NULL, &err);
  if (!doc) {
    nnl_reporter_unreadable(rep, shown, err.msg);
    res->failure = true;
    count_finding(res, "NN000", "bad-input");
    return;
  }
  if (is_stdin) {
    free((char *)doc->path);
    doc->path = nnl_xstrdup(shown);
  }
  /* the file's settings */
  c->cx.rules = it->prof->rs;
  c->cx.select = it->prof->select;
  c->cx.ignore = it->prof->ignore;
  nnl_frontend_run(&c->cx, doc);
  nnl_suppress_attach(doc, it->ignores, c->baseline);
  if (doc->skipped) {
    note(c, "%s: skipped: %s", shown,
         doc->skip_reason ? doc->skip_reason : "not a model file");
  } else {
    note(c, "%s: %s, %u model%s", shown, nnl_format_name(doc->format),
         doc->models.len, doc->models.len == 1 ? "" : "s");
    if (!doc->failed) {
      nnl_engine_run(&c->cx, doc);
      nnl_suppress_finish(&c->cx, doc);
    }
  }
  if (doc->failed) res->failure = true;
  for (uint32_t i = 0; i < doc->diags.len; i++) {
    const nnl_diag *dg = &doc->diags.items[i];
    if (dg->severity >= it->prof->fail_on) res->failing = true;
    count_finding(res, dg->rule, dg->name);
  }
  if (c->new_baseline) nnl_baseline_add_doc(c->new_baseline, doc);
  nnl_reporter_doc(rep, doc);
  nnl_suppress_free(doc);
  nnl_doc_free(doc);
}

/* Add a file's result to the run's. */
static void merge(cli *c, result *res) {
  if (res->failure) c->cx.any_failure = true;
  if (res->failing) c->any_failing = true;
  const char *s = nnl_buf_str(&res->stats);
  while (*s) {
    const char *tab = strchr(s, '\t'), *nl = strchr(s, '\n');
    if (!tab || !nl || tab > nl) break;
    stat_entry *e = NULL;
    for (uint32_t i = 0; i < c->stats.len && !e; i++)
      if (strlen(c->stats.items[i].rule) == (size_t)(tab - s) &&
          strncmp(c->stats.items[i].rule, s, (size_t)(tab - s)) == 0)
        e = &c->stats.items[i];
    if (!e) {
      e = nnl_array_grow1(&c->stats);
      e->rule = nnl_xmalloc((size_t)(tab - s) + 1);
      memcpy(e->rule, s, (size_t)(tab - s));
      e->rule[tab - s] = 0;
      e->name = nnl_xmalloc((size_t)(nl - tab));
      memcpy(e->name, tab + 1, (size_t)(nl - tab - 1));
      e->name[nl - tab - 1] = 0;
    }
    e->count++;
    s = nl + 1;
  }
  nnl_buf_free(&res->stats);
}

/* ---- parallel runs ----
 * Worker k of n lints items k, k+n, k+2n, ... each into a memory buffer
 * with the run's reporter format, and sends per item one record over its
 * pipe: a header, the output bytes, the statistics.  The parent reads the
 * records in item order (item i from worker i % n) and prints them, so the
 * output is the same bytes as a run of one process.  Processes, not
 * threads: the engine keeps per-ruleset scratch state. */

typedef struct record {
  uint32_t index;
  uint8_t failure, failing;
  unsigned long n_error, n_warning, n_info, n_json;
  uint64_t out_len, stats_len;
} record;

static bool write_all(int fd, const void *p, size_t n) {
  const char *s = p;
  while (n) {
    ssize_t k = write(fd, s, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    s += k;
    n -= (size_t)k;
  }
  return true;
}

static bool read_all(int fd, void *p, size_t n) {
  char *s = p;
  while (n) {
    ssize_t k = read(fd, s, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    s += k;
    n -= (size_t)k;
  }
  return true;
}

NNL_NORETURN static void worker(cli *c, uint32_t k, uint32_t n, int fd) {
  /* the reporter writes each document into a buffer of its own; a JSON
   * item always starts with its ",\n" separator (the parent drops the
   * first one of the run) */
  FILE *null = fopen("/dev/null", "w");
  if (!null) _exit(3);
  nnl_reporter *rep = nnl_reporter_new(c->format, null, c->rep->color);
  for (uint32_t i = k; i < c->items.len; i += n) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out) nnl_oom();
    rep->out = out;
    rep->n_error = rep->n_warning = rep->n_info = 0;
    rep->n_json = 1;
    result res = {0};
    lint_item(c, &c->items.items[i], rep, &res);
    if (fclose(out) != 0) nnl_oom();
    record h = {.index = i,
                .failure = res.failure,
                .failing = res.failing,
                .n_error = rep->n_error,
                .n_warning = rep->n_warning,
                .n_info = rep->n_info,
                .n_json = rep->n_json - 1,
                .out_len = len,
                .stats_len = res.stats.len};
    bool ok = write_all(fd, &h, sizeof h) && write_all(fd, buf, len) &&
              write_all(fd, res.stats.s, res.stats.len);
    free(buf);
    nnl_buf_free(&res.stats);
    if (!ok) _exit(3);
  }
  close(fd);
  _exit(0);
}

/* Run the items in n worker processes; false if a worker failed. */
static bool run_parallel(cli *c, uint32_t n) {
  pid_t *pids = nnl_xcalloc(n, sizeof *pids);
  int *fds = nnl_xcalloc(n, sizeof *fds);
  fflush(stdout);
  fflush(stderr);
  bool ok = true;
  for (uint32_t k = 0; k < n; k++) {
    int p[2];
    if (pipe(p) != 0) nnl_oom();
    pid_t pid = fork();
    if (pid < 0) {
      fprintf(stderr, "nnlint: error: cannot start a process: %s\n",
              strerror(errno));
      exit(2);
    }
    if (pid == 0) {
      close(p[0]);
      for (uint32_t j = 0; j < k; j++) close(fds[j]);
      worker(c, k, n, p[1]);
    }
    close(p[1]);
    pids[k] = pid;
    fds[k] = p[0];
  }
  bool *dead = nnl_xcalloc(n, sizeof *dead);
  for (uint32_t i = 0; i < c->items.len; i++) {
    uint32_t k = i % n;
    record h;
    char *buf = NULL;
    result res = {0};
    if (dead[k] || !read_all(fds[k], &h, sizeof h) || h.index != i ||
        !(buf = malloc(h.out_len + 1)) || !read_all(fds[k], buf, h.out_len)) {
      free(buf);
      if (!dead[k])
        fprintf(stderr, "nnlint: error: a worker process stopped at %s\n",
                c->items.items[i].path);
      dead[k] = true;
      ok = false;
      continue;
    }

    char *stats = malloc(h.stats_len + 1);
    if (!stats || !read_all(fds[k], stats, h.stats_len)) nnl_oom();
    stats[h.stats_len] = 0;
    /* the run's first JSON item has no separator before it */
    size_t skip = c->format == NNL_OUT_JSON && h.n_json &&
                          c->rep->n_json == 0 && h.out_len && buf[0] == ','
                      ? 1
                      : 0;
    fwrite(buf + skip, 1, h.out_len - skip, stdout);
    free(buf);
    c->rep->n_error += h.n_error;
    c->rep->n_warning += h.n_warning;
    c->rep->n_info += h.n_info;
    c->rep->n_json += h.n_json;
    res.failure = h.failure;
    res.failing = h.failing;
    nnl_buf_puts(&res.stats, stats);
    free(stats);
    merge(c, &res);
  }
  for (uint32_t k = 0; k < n; k++) {
    int st;
    close(fds[k]);
    if (waitpid(pids[k], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
      ok = false;
  }
  free(dead);
  free(pids);
  free(fds);
  return ok;
}

/* ---- after the run ---- */

static int by_count(const void *pa, const void *pb) {
  const stat_entry *a = pa, *b = pb;
  if (a->count != b->count) return a->count > b->count ? -1 : 1;
  return strcmp(a->rule, b->rule);
}

/* --statistics: "COUNT  ID  name" per rule, most frequent first. */
static void print_statistics(cli *c, FILE *out) {
  if (c->stats.len)
    qsort(c->stats.items, c->stats.len, sizeof *c->stats.items, by_count);
  int w = 1;
  for (uint32_t i = 0; i < c->stats.len; i++) {
    int d = snprintf(NULL, 0, "%lu", c->stats.items[i].count);
    if (d > w) w = d;
  }
  for (uint32_t i = 0; i < c->stats.len; i++)
    fprintf(out, "%*lu  %s  %s\n", w, c->stats.items[i].count,
            c->stats.items[i].rule, c->stats.items[i].name);
}

/* The lint mode: plan the files, lint them, finish.  Returns the status. */
static int run_lint(cli *c) {
  for (uint32_t i = 0; i < c->paths.len; i++)
    add_arg(c, c->paths.items[i]);
  if (c->baseline_path) {
    nnl_error err = {0};
    if (!(c->baseline = nnl_baseline_read(c->baseline_path, &err)))
      rule_error(&err);
  }
  if (c->write_baseline_path) c->new_baseline = nnl_baseline_new();
  /* formats that describe the rules (SARIF) get those of the first file's
   * config */
  profile *first = c->items.len && c->items.items[0].prof
                       ? c->items.items[0].prof
                       : c->plain ? c->plain : (c->plain = new_profile(c, NULL));
  nnl_reporter_set_rules(c->rep, first->rs);
  long jobs = c->jobs;
  if (jobs == 0) jobs = sysconf(_SC_NPROCESSORS_ONLN);
  if (jobs < 1) jobs = 1;
  if (jobs > 64 && c->jobs == 0) jobs = 64;
  if ((uint32_t)jobs > c->items.len) jobs = (long)c->items.len;
  /* whole-run formats other than text and JSON, and recording a baseline,
   * run in this process */
  bool parallel = jobs > 1 && !c->new_baseline &&
                  (c->format == NNL_OUT_TEXT || c->format == NNL_OUT_JSON);
  if (parallel) {
    if (!run_parallel(c, (uint32_t)jobs)) c->cx.any_failure = true;
  } else {
    for (uint32_t i = 0; i < c->items.len; i++) {
      result res = {0};
      lint_item(c, &c->items.items[i], c->rep, &res);
      merge(c, &res);
    }
  }
  if (c->quiet) c->rep->n_error = c->rep->n_warning = c->rep->n_info = 0;
  nnl_reporter_finish(c->rep);
  c->rep = NULL;
  if (c->statistics)
    print_statistics(c, c->format == NNL_OUT_TEXT ? stdout : stderr);
  if (c->new_baseline) {
    nnl_error err = {0};
    if (nnl_baseline_write(c->new_baseline, c->write_baseline_path, &err) !=
        0)
      rule_error(&err);
    if (!c->quiet)
      fprintf(stderr, "nnlint: wrote %zu finding%s to %s\n",
              nnl_baseline_count(c->new_baseline),
              nnl_baseline_count(c->new_baseline) == 1 ? "" : "s",
              c->write_baseline_path);
    return c->cx.any_failure ? 2 : 0;
  }
  if (c->cx.any_failure) return 2;
  return c->any_failing ? 1 : 0;
}

static void free_run(cli *c) {
  for (uint32_t i = 0; i < c->items.len; i++) {
    free(c->items.items[i].path);
    free(c->items.items[i].unreadable);
    free(c->items.items[i].ignores);
  }
  nnl_array_free(&c->items);
  for (uint32_t i = 0; i < c->stats.len; i++) {
    free(c->stats.items[i].rule);
    free(c->stats.items[i].name);
  }
  nnl_array_free(&c->stats);
  for (uint32_t i = 0; i < c->profiles.len; i++) {
    profile *p = c->profiles.items[i];
    nnl_ruleset_free(p->rs);
    nnl_config_free(p->cfg);
    free(p->key);
    free(p);
  }
  nnl_array_free(&c->profiles);
  free(c->last_dir);
  free(c->loc_dir);
  free(c->loc_real);
  nnl_baseline_free(c->baseline);
  nnl_baseline_free(c->new_baseline);
}

static bool want_color(int setting) {
  if (setting >= 0) return setting == 1;
  const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
  if (no && *no) return false;
  if (term && strcmp(term, "dumb") == 0) return false;
  return isatty(STDOUT_FILENO);
}

int main(int argc, char **argv) {
#if defined(M_TRIM_THRESHOLD)
  /* Each document's memory is freed before the next file is read; without
   * this, glibc hands the heap back to the kernel after every file and the
   * next one faults it in again (a third of the time on many small files). */
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_TOP_PAD, 4 << 20);
#endif
  /* `nnlint lsp`: the language server (lsp_server.c) */
  if (argc >= 2 && strcmp(argv[1], "lsp") == 0)
    return nnl_lsp_server_main(argc - 1, argv + 1);
  cli c = {.format = NNL_OUT_TEXT, .color = -1};
  c.cx.fail_on = NNL_SEV_WARNING;
  c.cx.log = stderr;
  const char *gha = getenv("GITHUB_ACTIONS"); /* --format overrides it */
  if (gha && strcmp(gha, "true") == 0) c.format = NNL_OUT_GITHUB;
  parse_args(&c, argc, argv);
  c.cx.select = terminated(&c.select);
  c.cx.ignore = terminated(&c.ignore);
  if (c.mode != MODE_LINT && c.paths.len)
    usage_error("--%s takes no FILE arguments", c.mode_opt);
  if (c.config_path && c.no_config)
    usage_error("--config cannot be combined with --no-config");
  if (c.write_baseline_path && c.baseline_path &&
      strcmp(c.write_baseline_path, c.baseline_path) == 0)
    usage_error("--baseline and --write-baseline name the same file");

  /* the rules --explain, --list-rules and --check-rules show: those of the
   * config for the current folder */
  nnl_ruleset *rs = NULL;
  if (c.mode != MODE_LINT) {
    char *abs;
    rs = profile_of(&c, "./.nnlint-here", &abs)->rs;
    free(abs);
  }
  c.cx.rules = rs;
  int status = 0;
  switch (c.mode) {
  case MODE_EXPLAIN: {
    const nnl_rule *r = find_rule(rs, c.explain_id);
    if (!r) unknown_rule(rs, "--explain", c.explain_id);
    nnl_rule_explain(r, stdout);
    break;
  }
  case MODE_LIST: list_rules(rs); break;
  case MODE_CHECK: {
    int passed = 0, failed = 0;
    nnl_ruleset_check_examples(&c.cx, rs, stdout, c.cx.verbose, &passed,
                               &failed);
    printf("%d examples checked, %d failed\n", passed + failed, failed);
    status = failed ? 1 : 0;
    break;
  }
  case MODE_LINT:
    if (c.paths.len == 0)
      nnl_array_push(&c.paths, c.stdin_filename ? "-" : ".");
    c.rep = nnl_reporter_new(c.format, stdout, want_color(c.color));
    status = run_lint(&c);
    break;
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "nnlint: error: writing the output: %s\n", strerror(errno));
    status = 2;
  }
  free_run(&c);
  for (uint32_t i = 0; i < c.select.len; i++)
    free((char *)c.select.items[i]);
  for (uint32_t i = 0; i < c.ignore.len; i++)
    free((char *)c.ignore.items[i]);
  nnl_array_free(&c.select);
  nnl_array_free(&c.ignore);
  nnl_array_free(&c.rule_dirs);
  nnl_array_free(&c.severities);
  nnl_array_free(&c.params);
  nnl_array_free(&c.paths);
  return status;
}
