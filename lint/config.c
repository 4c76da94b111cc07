/*
 * config.c - `.nnlint.yaml`: reading it with libyaml, checking its shape,
 * applying it to a ruleset, the nearest config of a file, and globs.
 *
 *   config -> {rules: {ID: off | LEVEL | {severity: LEVEL, PARAM: VALUE}},
 *              select: [ID], ignore: [ID], exclude: [GLOB],
 *              per_file_ignores: {GLOB: [ID]}, rules_dirs: [DIR],
 *              fail_on: LEVEL}
 *
 * Every mistake is a tool error (exit 2) at the config's path:line:col:
 * an unknown key (the nearest known key suggested), a wrong type, a bad
 * level, and (in nnl_config_apply, once the rules are loaded) an unknown
 * rule id or parameter.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "config.h"

/* A config is small; anything bigger is a mistake. */
#define MAX_CONFIG_SIZE ((size_t)1 << 20)
/* Segments of a glob or a path that matching looks at. */
enum { MAX_SEGMENTS = 128 };

#define KEYS(X)                                                                \
  X(RULES, "rules")                                                            \
  X(SELECT, "select")                                                          \
  X(IGNORE, "ignore")                                                          \
  X(EXCLUDE, "exclude")                                                        \
  X(PER_FILE_IGNORES, "per_file_ignores")                                      \
  X(RULES_DIRS, "rules_dirs")                                                  \
  X(FAIL_ON, "fail_on")

enum {
#define X(id, name) K_##id,
  KEYS(X)
#undef X
      N_KEYS
};
static const char *const key_names[] = {
#define X(id, name) name,
    KEYS(X)
#undef X
};

/* The loader: the document and where errors go. */
typedef struct loader {
  const char *path;
  yaml_document_t doc;
  nnl_config *c;
  nnl_error *err;
} loader;

/* Levenshtein distance of two short names (the first 63 bytes). */
static size_t distance(const char *a, const char *b) {
  size_t la = strnlen(a, 63), lb = strnlen(b, 63), row[64];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

static int fail_at(loader *L, const yaml_node_t *n, const char *fmt, ...)
    NNL_PRINTF(3, 4);
static int fail_at(loader *L, const yaml_node_t *n, const char *fmt, ...) {
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  nnl_error_set(L->err, L->path, n ? (uint32_t)n->start_mark.line + 1 : 0,
                n ? (uint32_t)n->start_mark.column + 1 : 0, "%s", msg);
  return -1;
}

static const char *what(const yaml_node_t *n) {
  switch (n->type) {
  case YAML_MAPPING_NODE: return "a mapping";
  case YAML_SEQUENCE_NODE: return "a list";
  default: return "a value";
  }
}

static nnl_config_str str_of(loader *L, const yaml_node_t *n) {
  nnl_config_str s = {
      nnl_arena_strndup(&L->c->arena, (const char *)n->data.scalar.value,
                        n->data.scalar.length),
      (uint32_t)n->start_mark.line + 1, (uint32_t)n->start_mark.column + 1};
  return s;
}

static bool is_scalar(const yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE;
}

/* A scalar that must be text (not empty). */
static int text(loader *L, const yaml_node_t *n, const char *ctx,
                nnl_config_str *out) {
  if (!is_scalar(n) || n->data.scalar.length == 0)
    return fail_at(L, n, "%s must be text, not %s", ctx,
                   is_scalar(n) ? "an empty value" : what(n));
  if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
    return fail_at(L, n, "%s holds a NUL byte", ctx);
  *out = str_of(L, n);
  return 0;
}

/* A level: error | warning | info, and off when allow_off. */
static int level(loader *L, const yaml_node_t *n, const char *ctx,
                 bool allow_off, int *out) {
  int s = is_scalar(n) ? nnl_severity_parse((const char *)n->data.scalar.value)
                       : -1;
  if (s < 0 || (s == 0 && !allow_off))
    return fail_at(L, n, "%s must be %s, not %s%s%s", ctx,
                   allow_off ? "off, error, warning or info"
                             : "error, warning or info",
                   is_scalar(n) ? "'" : "",
                   is_scalar(n) ? (const char *)n->data.scalar.value : what(n),
                   is_scalar(n) ? "'" : "");
  *out = s;
  return 0;
}

/* A list of text (a single text is taken as a list of one). */
static int text_list(loader *L, const yaml_node_t *n, const char *ctx,
                     nnl_config_str **items, uint32_t *count) {
  if (is_scalar(n)) {
    *items = nnl_arena_alloc(&L->c->arena, sizeof **items);
    *count = 1;
    return text(L, n, ctx, *items);
  }
  if (n->type != YAML_SEQUENCE_NODE)
    return fail_at(L, n, "%s must be a list, not %s", ctx, what(n));
  yaml_node_item_t *b = n->data.sequence.items.start,
                   *e = n->data.sequence.items.top;
  size_t k = (size_t)(e - b);
  *items = nnl_arena_alloc(&L->c->arena, (k ? k : 1) * sizeof **items);
  *count = 0;
  for (yaml_node_item_t *it = b; it < e; it++) {
    char item_ctx[128];
    snprintf(item_ctx, sizeof item_ctx, "an item of %s", ctx);
    if (text(L, yaml_document_get_node(&L->doc, *it), item_ctx,
             &(*items)[(*count)++]) < 0)
      return -1;
  }
  return 0;
}

/* rules: {ID: off | LEVEL | {severity: LEVEL, PARAM: VALUE, ...}} */
static int load_rules_key(loader *L, const yaml_node_t *m) {
  if (m->type != YAML_MAPPING_NODE)
    return fail_at(L, m, "'rules' must be a mapping of rule ids, not %s",
                   what(m));
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
       p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&L->doc, p->key);
    yaml_node_t *v = yaml_document_get_node(&L->doc, p->value);
    nnl_config_rule *r = nnl_array_grow1(&L->c->rules);
    r->severity = -1;
    if (text(L, k, "a rule id", &r->id) < 0) return -1;
    char ctx[128];
    snprintf(ctx, sizeof ctx, "the severity of %s", r->id.s);
    if (is_scalar(v)) {
      r->sev_at = str_of(L, v);
      if (level(L, v, ctx, true, &r->severity) < 0) return -1;
      continue;
    }
    if (v->type != YAML_MAPPING_NODE)
      return fail_at(L, v,
                     "rule %s must be off, a severity or a mapping of "
                     "severity and parameters, not %s",
                     r->id.s, what(v));
    size_t n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
    r->params = nnl_arena_alloc(&L->c->arena, (n ? n : 1) * sizeof *r->params);
    r->values = nnl_arena_alloc(&L->c->arena, (n ? n : 1) * sizeof *r->values);
    for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
         q < v->data.mapping.pairs.top; q++) {
      yaml_node_t *pk = yaml_document_get_node(&L->doc, q->key);
      yaml_node_t *pv = yaml_document_get_node(&L->doc, q->value);
      nnl_config_str name;
      if (text(L, pk, "a parameter name", &name) < 0) return -1;
      if (strcmp(name.s, "severity") == 0) {
        r->sev_at = str_of(L, is_scalar(pv) ? pv : pk);
        if (level(L, pv, ctx, true, &r->severity) < 0) return -1;
        continue;
      }
      if (!is_scalar(pv))
        return fail_at(L, pv, "parameter %s of %s must be a value, not %s",
                       name.s, r->id.s, what(pv));
      r->params[r->n_params] = name;
      r->values[r->n_params++] = str_of(L, pv);
    }
  }
  return 0;
}

/* per_file_ignores: {GLOB: [ID, ...]} */
static int load_pfi(loader *L, const yaml_node_t *m) {
  if (m->type != YAML_MAPPING_NODE)
    return fail_at(L, m,
                   "'per_file_ignores' must be a mapping of globs to rule "
                   "ids, not %s",
                   what(m));
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
       p < m->data.mapping.pairs.top; p++) {
    nnl_config_pfi *f = nnl_array_grow1(&L->c->per_file_ignores);
    if (text(L, yaml_document_get_node(&L->doc, p->key), "a glob", &f->glob) <
        0)
      return -1;
    char ctx[128];
    snprintf(ctx, sizeof ctx, "the rule ids of '%.80s'", f->glob.s);
    if (text_list(L, yaml_document_get_node(&L->doc, p->value), ctx, &f->ids,
                  &f->n_ids) < 0)
      return -1;
  }
  return 0;
}

/* Push the items of a text list into arr. */
#define LOAD_LIST(L, n, ctx, arr)                                              \
  do {                                                                         \
    nnl_config_str *items_;                                                    \
    uint32_t count_;                                                           \
    if (text_list((L), (n), (ctx), &items_, &count_) < 0) return -1;           \
    for (uint32_t i_ = 0; i_ < count_; i_++) nnl_array_push((arr), items_[i_]); \
  } while (0)

/* A NULL-terminated list of the strings of arr, in the arena. */
static const char **terminated(nnl_arena *a, const nnl_config_str *items,
                               uint32_t n) {
  const char **l = nnl_arena_alloc(a, (n + 1) * sizeof *l);
  for (uint32_t i = 0; i < n; i++) l[i] = items[i].s;
  return l;
}

static int load_root(loader *L, const yaml_node_t *root) {
  nnl_config *c = L->c;
  if (!root) return 0; /* an empty file: nothing configured */
  if (is_scalar(root) && root->data.scalar.length == 0) return 0;
  if (root->type != YAML_MAPPING_NODE)
    return fail_at(L, root, "a config must be a mapping of keys, not %s",
                   what(root));
  bool seen[N_KEYS] = {0};
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
       p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&L->doc, p->key);
    yaml_node_t *v = yaml_document_get_node(&L->doc, p->value);
    if (!is_scalar(k)) return fail_at(L, k, "config keys must be names");
    const char *name = (const char *)k->data.scalar.value;
    int id = 0;
    while (id < N_KEYS && strcmp(name, key_names[id]) != 0) id++;
    if (id == N_KEYS) {
      /* "select-rules", "per-file-ignores": suggest the nearest key */
      size_t best = 4;
      const char *near = NULL;
      for (int i = 0; i < N_KEYS; i++) {
        size_t d = distance(name, key_names[i]);
        if (d < best) best = d, near = key_names[i];
      }
      if (near)
        return fail_at(L, k, "unknown key '%.100s' (did you mean '%s'?)", name,
                       near);
      return fail_at(L, k,
                     "unknown key '%.100s' (keys: rules, select, ignore, "
                     "exclude, per_file_ignores, rules_dirs, fail_on)",
                     name);
    }
    if (seen[id]) return fail_at(L, k, "'%s' is given twice", name);
    seen[id] = true;
    if (is_scalar(v) && v->data.scalar.length == 0 &&
        v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
      continue; /* `key:` with nothing: as if absent */
    switch (id) {
    case K_RULES:
      if (load_rules_key(L, v) < 0) return -1;
      break;
    case K_SELECT:
      LOAD_LIST(L, v, "'select'", &c->select);
      c->has_select = true;
      c->select_list = terminated(&c->arena, c->select.items, c->select.len);
      break;
    case K_IGNORE:
      LOAD_LIST(L, v, "'ignore'", &c->ignore);
      c->has_ignore = true;
      c->ignore_list = terminated(&c->arena, c->ignore.items, c->ignore.len);
      break;
    case K_EXCLUDE: LOAD_LIST(L, v, "'exclude'", &c->exclude); break;
    case K_PER_FILE_IGNORES:
      if (load_pfi(L, v) < 0) return -1;
      break;
    case K_RULES_DIRS: {
      LOAD_LIST(L, v, "'rules_dirs'", &c->rules_dirs);
      for (uint32_t i = 0; i < c->rules_dirs.len; i++) {
        nnl_config_str *d = &c->rules_dirs.items[i];
        if (d->s[0] != '/')
          d->s = nnl_arena_printf(&c->arena, "%s/%s", c->dir, d->s);
      }
      break;
    }
    case K_FAIL_ON: {
      int s;
      if (level(L, v, "'fail_on'", false, &s) < 0) return -1;
      c->fail_on = (nnl_severity)s;
      break;
    }
    }
  }
  return 0;
}

/* The folder of path, absolute and resolved ("." for a bare name). */
static char *folder_of(const char *path) {
  const char *slash = strrchr(path, '/');
  char *dir = slash ? nnl_xstrdup(path) : nnl_xstrdup(".");
  if (slash) dir[slash == path ? 1 : slash - path] = 0;
  char *real = realpath(dir, NULL);
  if (real) {
    free(dir);
    return real;
  }
  return dir;
}

/* Check the nesting of buf before libyaml composes it: its composer
 * recurses once per level and is slow on deep flow collections, so a
 * config nested deeper than NNL_MAX_DEPTH is refused from the event stream
 * (flat, linear), at the collection that crosses the limit.  Returns 0, or
 * -1 with err filled (a YAML error included: the loader reports the same). */
static int check_depth(const char *path, const char *buf, size_t len,
                       nnl_error *err) {
  yaml_parser_t ps;
  yaml_event_t ev;
  if (!yaml_parser_initialize(&ps)) nnl_oom();
  yaml_parser_set_input_string(&ps, (const unsigned char *)buf, len);
  int depth = 0, rc = 0;
  for (;;) {
    if (!yaml_parser_parse(&ps, &ev)) {
      nnl_error_set(err, path, (uint32_t)ps.problem_mark.line + 1,
                    (uint32_t)ps.problem_mark.column + 1, "bad YAML: %s",
                    ps.problem ? ps.problem : "cannot parse");
      rc = -1;
      break;
    }
    yaml_event_type_t t = ev.type;
    if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
      if (++depth > NNL_MAX_DEPTH) {
        nnl_error_set(err, path, (uint32_t)ev.start_mark.line + 1,
                      (uint32_t)ev.start_mark.column + 1,
                      "nested deeper than %d levels", NNL_MAX_DEPTH);
        rc = -1;
      }
    } else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
      depth--;
    }
    yaml_event_delete(&ev);
    if (rc || t == YAML_STREAM_END_EVENT) break;
  }
  yaml_parser_delete(&ps);
  return rc;
}

nnl_config *nnl_config_load(const char *path, nnl_error *err) {
  char *buf;
  size_t len;
  if (nnl_read_file(path, &buf, &len, MAX_CONFIG_SIZE) != 0) {
    nnl_error_set(err, path, 0, 0, "cannot read the config: %s",
                  errno == EFBIG ? "too large" : strerror(errno));
    return NULL;
  }
  if (check_depth(path, buf, len, err) < 0) {
    free(buf);
    return NULL;
  }
  nnl_config *c = nnl_xcalloc(1, sizeof *c);
  nnl_arena_init(&c->arena);
  c->path = nnl_xstrdup(path);
  c->dir = folder_of(path);
  loader L = {.path = path, .c = c, .err = err};
  yaml_parser_t ps;
  if (!yaml_parser_initialize(&ps)) nnl_oom();
  yaml_parser_set_input_string(&ps, (const unsigned char *)buf, len);
  int rc = -1;
  if (!yaml_parser_load(&ps, &L.doc)) {
    nnl_error_set(err, path, (uint32_t)ps.problem_mark.line + 1,
                  (uint32_t)ps.problem_mark.column + 1, "bad YAML: %s",
                  ps.problem ? ps.problem : "cannot parse");
  } else {
    rc = load_root(&L, yaml_document_get_root_node(&L.doc));
    yaml_document_delete(&L.doc);
  }
  yaml_parser_delete(&ps);
  free(buf);
  if (rc < 0) {
    nnl_config_free(c);
    return NULL;
  }
  return c;
}

void nnl_config_free(nnl_config *c) {
  if (!c) return;
  nnl_array_free(&c->rules);
  nnl_array_free(&c->select);
  nnl_array_free(&c->ignore);
  nnl_array_free(&c->exclude);
  nnl_array_free(&c->per_file_ignores);
  nnl_array_free(&c->rules_dirs);
  nnl_arena_free(&c->arena);
  free(c->path);
  free(c->dir);
  free(c);
}

int nnl_config_load_rules(const nnl_config *c, nnl_ruleset *rs,
                          nnl_error *err) {
  for (uint32_t i = 0; i < c->rules_dirs.len; i++) {
    const nnl_config_str *d = &c->rules_dirs.items[i];
    struct stat st;
    if (stat(d->s, &st) != 0 || !S_ISDIR(st.st_mode)) {
      nnl_error_set(err, c->path, d->line, d->col,
                    "rules_dirs: '%s' is not a directory", d->s);
      return -1;
    }
    if (nnl_ruleset_load_dir(rs, d->s, err) != 0) return -1;
  }
  return 0;
}

/* " (did you mean NN007?)" for the nearest rule id or name, or "". */
static void nearest_rule(const nnl_ruleset *rs, const char *want, char *out,
                         size_t cap) {
  size_t best = 3;
  const char *near = NULL;
  for (size_t i = 0; i < nnl_ruleset_count(rs); i++) {
    const nnl_rule_info *ri = nnl_rule_info_of(nnl_ruleset_at(rs, i));
    size_t d = distance(want, ri->id);
    if (d < best) best = d, near = ri->id;
  }
  if (near)
    snprintf(out, cap, " (did you mean %s?)", near);
  else
    out[0] = 0;
}

/* Does an id prefix (or "ALL") name at least one rule? */
static bool prefix_known(const nnl_ruleset *rs, const char *p) {
  if (strcmp(p, "ALL") == 0 || strncmp("NN000", p, strlen(p)) == 0) return true;
  for (size_t i = 0; i < nnl_ruleset_count(rs); i++)
    if (strncmp(nnl_rule_info_of(nnl_ruleset_at(rs, i))->id, p, strlen(p)) == 0)
      return true;
  return false;
}

static int unknown_id(const nnl_config *c, const nnl_ruleset *rs,
                      const nnl_config_str *s, const char *what_key,
                      nnl_error *err) {
  char near[96];
  nearest_rule(rs, s->s, near, sizeof near);
  nnl_error_set(err, c->path, s->line, s->col, "%s: unknown rule '%.100s'%s",
                what_key, s->s, near);
  return -1;
}

/* The first item of items[0..n) that names no rule, or NULL. */
static const nnl_config_str *first_unknown(const nnl_ruleset *rs,
                                           const nnl_config_str *items,
                                           uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (!prefix_known(rs, items[i].s)) return &items[i];
  return NULL;
}

int nnl_config_apply(const nnl_config *c, nnl_ruleset *rs, nnl_error *err) {
  const nnl_config_str *bad;
  if ((bad = first_unknown(rs, c->select.items, c->select.len)))
    return unknown_id(c, rs, bad, "select", err);
  if ((bad = first_unknown(rs, c->ignore.items, c->ignore.len)))
    return unknown_id(c, rs, bad, "ignore", err);
  for (uint32_t i = 0; i < c->per_file_ignores.len; i++) {
    const nnl_config_pfi *f = &c->per_file_ignores.items[i];
    for (uint32_t k = 0; k < f->n_ids; k++)
      if (!prefix_known(rs, f->ids[k].s))
        return unknown_id(c, rs, &f->ids[k], "per_file_ignores", err);
  }
  for (uint32_t i = 0; i < c->rules.len; i++) {
    const nnl_config_rule *r = &c->rules.items[i];
    if (!nnl_ruleset_find(rs, r->id.s))
      return unknown_id(c, rs, &r->id, "rules", err);
    if (r->severity >= 0 &&
        nnl_ruleset_set_severity(rs, r->id.s, (nnl_severity)r->severity,
                                 err) != 0) {
      nnl_error_set(err, c->path, r->sev_at.line, r->sev_at.col, "%s",
                    err->msg);
      return -1;
    }
    for (uint32_t k = 0; k < r->n_params; k++)
      if (nnl_ruleset_set_param(rs, r->id.s, r->params[k].s, r->values[k].s,
                                err) != 0) {
        /* the engine says what is wrong; the config says where */
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        const nnl_config_str *at =
            strstr(msg, "has no parameter") ? &r->params[k] : &r->values[k];
        nnl_error_set(err, c->path, at->line, at->col, "%s", msg);
        return -1;
      }
  }
  return 0;
}

/* ---- globs ---- */

/* Split s at '/' into at most MAX_SEGMENTS segments (copies in buf). */
static int split(const char *s, char *buf, size_t cap, char **segs) {
  size_t n = strlen(s);
  if (n >= cap) return -1;
  memcpy(buf, s, n + 1);
  int k = 0;
  for (char *p = buf;;) {
    char *slash = strchr(p, '/');
    if (slash) *slash = 0;
    if (*p) { /* empty segments ("a//b", a leading "/") are skipped */
      if (k == MAX_SEGMENTS) return -1;
      segs[k++] = p;
    }
    if (!slash) break;
    p = slash + 1;
  }
  return k;
}

/* Match pattern segments pat[0..np) against path segments seg[0..ns).
 * `**` tries every split; depth bounds the recursion. */
static bool match_segs(char **pat, int np, char **seg, int ns, int depth) {
  if (depth > MAX_SEGMENTS) return false;
  while (np > 0) {
    if (strcmp(pat[0], "**") == 0) {
      while (np > 1 && strcmp(pat[1], "**") == 0) pat++, np--;
      for (int skip = 0; skip <= ns; skip++)
        if (match_segs(pat + 1, np - 1, seg + skip, ns - skip, depth + 1))
          return true;
      return false;
    }
    if (ns == 0 || fnmatch(pat[0], seg[0], FNM_PERIOD) != 0) return false;
    pat++, np--, seg++, ns--;
  }
  return ns == 0;
}

bool nnl_glob_match(const char *pattern, const char *path) {
  char pbuf[PATH_MAX], sbuf[PATH_MAX];
  char *pat[MAX_SEGMENTS], *seg[MAX_SEGMENTS];
  if (strncmp(pattern, "./", 2) == 0) pattern += 2;
  int np = split(pattern, pbuf, sizeof pbuf, pat);
  int ns = split(path, sbuf, sizeof sbuf, seg);
  if (np <= 0 || ns < 0) return false;
  return match_segs(pat, np, seg, ns, 0);
}

/* abs_path relative to c->dir, or NULL when it is not below it. */
static const char *relative(const nnl_config *c, const char *abs_path) {
  size_t n = strlen(c->dir);
  if (n == 1 && c->dir[0] == '/') return abs_path + 1;
  if (strncmp(abs_path, c->dir, n) != 0 || abs_path[n] != '/') return NULL;
  return abs_path + n + 1;
}

/* Does glob match rel or one of its leading folders? */
static bool match_path_or_folder(const char *glob, const char *rel) {
  if (nnl_glob_match(glob, rel)) return true;
  char buf[PATH_MAX];
  size_t n = strlen(rel);
  if (n >= sizeof buf) return false;
  memcpy(buf, rel, n + 1);
  for (char *s = strrchr(buf, '/'); s; s = strrchr(buf, '/')) {
    *s = 0;
    if (nnl_glob_match(glob, buf)) return true;
  }
  return false;
}

bool nnl_config_excluded(const nnl_config *c, const char *abs_path) {
  const char *rel = relative(c, abs_path);
  if (!rel) return false;
  for (uint32_t i = 0; i < c->exclude.len; i++)
    if (match_path_or_folder(c->exclude.items[i].s, rel)) return true;
  return false;
}

const char **nnl_config_ignores_for(const nnl_config *c, const char *abs_path) {
  const char *rel = relative(c, abs_path);
  if (!rel || !c->per_file_ignores.len) return NULL;
  NNL_ARRAY(const char *) ids = {0};
  for (uint32_t i = 0; i < c->per_file_ignores.len; i++) {
    const nnl_config_pfi *f = &c->per_file_ignores.items[i];
    if (!match_path_or_folder(f->glob.s, rel)) continue;
    for (uint32_t k = 0; k < f->n_ids; k++) nnl_array_push(&ids, f->ids[k].s);
  }
  if (!ids.len) return NULL;
  nnl_array_push(&ids, NULL);
  return ids.items;
}

bool nnl_config_find(const char *dir, nnl_buf *out) {
  char buf[PATH_MAX];
  size_t n = strlen(dir);
  if (n >= sizeof buf - sizeof NNL_CONFIG_NAME - 1) return false;
  memcpy(buf, dir, n + 1);
  while (n > 1 && buf[n - 1] == '/') buf[--n] = 0;
  for (;;) {
    struct stat st;
    size_t base = n;
    snprintf(buf + n, sizeof buf - n, "%s%s", buf[n - 1] == '/' ? "" : "/",
             NNL_CONFIG_NAME);
    if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
      out->len = 0;
      nnl_buf_puts(out, buf);
      return true;
    }
    buf[base] = 0;
    if (n <= 1) return false; /* the root was the last folder */
    char *slash = strrchr(buf, '/');
    if (!slash) return false;
    n = slash == buf ? 1 : (size_t)(slash - buf);
    buf[n] = 0;
  }
}
