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
#include <unistd.h>

#include "engine/engine.h"
#include "nnlint.h"

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
    "\n"
    "Lint neural-network model definition files.  Directories are walked\n"
    "recursively (hidden entries, node_modules and __pycache__ are skipped)\n"
    "and only files of a known model format are linted; files named on the\n"
    "command line are always read.  With no FILE, the current directory.\n"
    "\n"
    "Output:\n"
    "  --format FMT           text (default) or json\n"
    "  --color WHEN           auto (default: on a terminal, unless NO_COLOR is\n"
    "                         set), always, or never\n"
    "  -v, --verbose          on standard error: each file's format, and the\n"
    "                         files skipped and why\n"
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
    "  --                     end of options: what follows are files\n"
    "\n"
    "Information:\n"
    "  --explain ID           a rule's explanation, parameters, examples, fix\n"
    "  --list-rules           every rule: id, name, severity, summary\n"
    "  --check-rules          run every loaded rule's own examples\n"
    "  -V, --version          print the version\n"
    "  -h, --help             print this help\n"
    "\n"
    "Options take values as --opt VALUE or --opt=VALUE.\n"
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
} cli;

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
    if (strcmp(v, "text") == 0)
      c->format = NNL_OUT_TEXT;
    else if (strcmp(v, "json") == 0)
      c->format = NNL_OUT_JSON;
    else
      usage_error("--format: unknown format '%s' (text or json)", v);
    break;
  case OPT_SELECT: split_ids(&c->select, o->name, v); break;
  case OPT_IGNORE: split_ids(&c->ignore, o->name, v); break;
  case OPT_FAIL_ON: {
    int s = nnl_severity_parse(v);
    if (s <= 0)
      usage_error("--fail-on: unknown level '%s' (error, warning or info)", v);
    c->cx.fail_on = (nnl_severity)s;
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
      for (size_t k = 0; k < N_OPTS && !o; k++)
        if (optdefs[k].short_name && a[1] == optdefs[k].short_name && a[2] == 0)
          o = &optdefs[k];
      if (!o) usage_error("unknown option '%s'", a);
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

static nnl_ruleset *load_rules(cli *c) {
  nnl_ruleset *rs = nnl_ruleset_new();
  nnl_error err = {0};
  if (nnl_ruleset_load_builtin(rs, &err) != 0) rule_error(&err);
  for (uint32_t i = 0; i < c->rule_dirs.len; i++) {
    struct stat st;
    if (stat(c->rule_dirs.items[i], &st) != 0 || !S_ISDIR(st.st_mode))
      usage_error("--rules: '%s' is not a directory", c->rule_dirs.items[i]);
    if (nnl_ruleset_load_dir(rs, c->rule_dirs.items[i], &err) != 0)
      rule_error(&err);
  }
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
  for (int l = 0; l < 2; l++)
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

/* ---- linting ---- */

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

static void unreadable(cli *c, const char *path, const char *msg) {
  nnl_reporter_unreadable(c->rep, path, msg);
  c->unreadable = true;
}

/* Lint one file (path "-": standard input), report it, free it. */
static void lint_file(cli *c, const char *path) {
  bool is_stdin = strcmp(path, "-") == 0;
  const char *shown =
      is_stdin ? (c->stdin_filename ? c->stdin_filename : "<stdin>") : path;
  nnl_error err = {0};
  nnl_doc *doc = nnl_doc_open(path, is_stdin ? c->stdin_filename : NULL, &err);
  if (!doc) {
    unreadable(c, shown, err.msg);
    return;
  }
  if (is_stdin) {
    free((char *)doc->path);
    doc->path = nnl_xstrdup(shown);
  }
  nnl_frontend_run(&c->cx, doc);
  if (doc->skipped) {
    note(c, "%s: skipped: %s", shown,
         doc->skip_reason ? doc->skip_reason : "not a model file");
  } else {
    note(c, "%s: %s, %u model%s", shown, nnl_format_name(doc->format),
         doc->models.len, doc->models.len == 1 ? "" : "s");
    if (!doc->failed) nnl_engine_run(&c->cx, doc);
  }
  if (doc->failed) c->cx.any_failure = true;
  nnl_reporter_doc(c->rep, doc);
  nnl_doc_free(doc);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool skipped_name(const char *name) {
  return name[0] == '.' || strcmp(name, "node_modules") == 0 ||
         strcmp(name, "__pycache__") == 0;
}

/* Walk dir in name order, linting the files of a known format.  Symbolic
 * links to directories are not followed (no loops); depth is bounded. */
static void walk(cli *c, const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (!d) {
    char msg[512];
    snprintf(msg, sizeof msg, "cannot read directory: %s", strerror(errno));
    unreadable(c, dir, msg);
    return;
  }
  NNL_ARRAY(char *) names = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (skipped_name(e->d_name)) continue;
    nnl_array_push(&names, nnl_xstrdup(e->d_name));
  }
  closedir(d);
  if (names.len) qsort(names.items, names.len, sizeof *names.items, by_name);
  for (uint32_t i = 0; i < names.len; i++) {
    nnl_buf b = {0};
    if (strcmp(dir, ".") != 0) {
      nnl_buf_puts(&b, dir);
      if (b.len && b.s[b.len - 1] != '/') nnl_buf_putc(&b, '/');
    }
    nnl_buf_puts(&b, names.items[i]);
    const char *path = nnl_buf_str(&b);
    struct stat st;
    if (lstat(path, &st) != 0) {
      char msg[512];
      snprintf(msg, sizeof msg, "cannot read: %s", strerror(errno));
      unreadable(c, path, msg);
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
      lint_file(c, path);
    } else {
      note(c, "%s: skipped: not a regular file", path);
    }
    nnl_buf_free(&b);
    free(names.items[i]);
  }
  nnl_array_free(&names);
}

static void lint_arg(cli *c, const char *path) {
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    walk(c, path, 0);
  else
    lint_file(c, path); /* explicit files are always read */
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
  cli c = {.format = NNL_OUT_TEXT, .color = -1};
  c.cx.fail_on = NNL_SEV_WARNING;
  c.cx.log = stderr;
  parse_args(&c, argc, argv);
  c.cx.select = terminated(&c.select);
  c.cx.ignore = terminated(&c.ignore);
  if (c.mode != MODE_LINT && c.paths.len)
    usage_error("--%s takes no FILE arguments", c.mode_opt);

  nnl_ruleset *rs = load_rules(&c);
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
    for (uint32_t i = 0; i < c.paths.len; i++)
      lint_arg(&c, c.paths.items[i]);
    nnl_reporter_finish(c.rep);
    if (c.unreadable || c.cx.any_failure)
      status = 2;
    else if (c.cx.worst != NNL_SEV_NONE && c.cx.worst >= c.cx.fail_on)
      status = 1;
    break;
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "nnlint: error: writing the output: %s\n", strerror(errno));
    status = 2;
  }
  nnl_ruleset_free(rs);
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
