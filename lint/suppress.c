/*
 * suppress.c - inline suppression comments, per-file ignores and
 * baselines: what nnl_report (doc.c) consults before it records a finding.
 *
 *   comment -> '#' ' '* 'nnlint:' ' '* ('disable' | 'disable-file')
 *              '=' ID (',' ' '* ID)* [' '+ '--' REASON]
 *
 * A `disable` at the end of a line applies to findings whose span starts
 * on that line; on a line of its own it applies to the next line that holds
 * more than blanks and comments.  A `disable-file` applies to the whole
 * file.  Comments are found by a lexical scan that skips strings (YAML
 * quoted scalars and block scalars, Python and ONNX text strings), so a
 * `#` inside a string is not a comment.  Binary formats and JSON have no
 * comments: per_file_ignores in the config serve them.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suppress.h"

/* ---- the meta-rules ----
 * Their findings come from nnl_suppress_finish, not from the engine; the
 * engine requires a check, so each has one that never holds. */
static const char bad_rule[] =
    "id: " NNL_RULE_BAD_SUPPRESSION "\n"
    "name: bad-suppression\n"
    "summary: a suppression comment without rule ids, with an unknown id, or "
    "malformed\n"
    "severity: warning\n"
    "fix: \"name the rules it disables: # nnlint: disable=NN005 -- reason\"\n"
    "checks:\n"
    "  - when: false\n"
    "    message: never reported by the engine\n"
    "explanation: |\n"
    "  An nnlint suppression comment must name the rules it disables:\n"
    "  `# nnlint: disable=NN005` (on the finding's line or the line before)\n"
    "  or `# nnlint: disable-file=NN004,NN005` (the whole file).  Text after\n"
    "  ` -- ` is a free reason.  A bare `# nnlint: disable` would hide every\n"
    "  finding, including ones nobody has seen yet, so it is reported\n"
    "  instead of obeyed; so is an id no loaded rule has, an unknown\n"
    "  directive, and text after the ids that does not start with ` -- `.\n";

static const char unused_rule[] =
    "id: " NNL_RULE_UNUSED_SUPPRESSION "\n"
    "name: unused-suppression\n"
    "summary: a suppression comment that suppresses nothing\n"
    "severity: info\n"
    "fix: remove the comment, or the rule id it no longer needs\n"
    "checks:\n"
    "  - when: false\n"
    "    message: never reported by the engine\n"
    "explanation: |\n"
    "  A suppression comment names a rule that reports nothing where the\n"
    "  comment applies: the problem was fixed, or the comment sits on the\n"
    "  wrong line.  Stale suppressions hide the next real finding, so they\n"
    "  are reported.  Rules turned off (by --select, --ignore or the config)\n"
    "  are not counted: a comment for them is not reported.\n";

int nnl_suppress_register(nnl_ruleset *rs, nnl_error *err) {
  if (nnl_ruleset_add(rs, "<built-in>/" NNL_RULE_BAD_SUPPRESSION, bad_rule,
                      sizeof bad_rule - 1, err) != 0)
    return -1;
  return nnl_ruleset_add(rs, "<built-in>/" NNL_RULE_UNUSED_SUPPRESSION,
                         unused_rule, sizeof unused_rule - 1, err);
}

/* ---- the suppressions of one document ---- */

typedef enum problem {
  P_NONE = 0,
  P_NO_IDS,   /* a bare disable */
  P_UNKNOWN,  /* not disable / disable-file */
  P_TRAILING, /* text after the ids without " -- " */
} problem;

typedef struct sid {
  const char *id; /* doc arena */
  nnl_span at;    /* the id in the comment */
  bool used;
} sid;

typedef struct directive {
  nnl_span at;    /* the comment, from '#' */
  uint32_t line;  /* the line it applies to; 0: none (yet), file: any */
  bool file;      /* disable-file */
  bool own_line;  /* on a line of its own: waits for the next code line */
  problem problem;
  const char *word; /* the unknown directive, for P_UNKNOWN */
  sid *ids;
  uint32_t n_ids;
} directive;

struct nnl_suppress {
  NNL_ARRAY(directive) d;
  const char *const *file_ignores;
  nnl_baseline *bl;
  bool finishing; /* reporting NN100/NN101: comments do not apply */
};

static bool id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Parse the comment at doc->src[off..end) (off at '#').  Pushes a
 * directive when the comment is an nnlint one. */
static void parse_comment(nnl_suppress *s, nnl_doc *doc, uint32_t off,
                          uint32_t end, bool own_line) {
  const char *src = doc->src;
  uint32_t p = off + 1;
  while (p < end && (src[p] == ' ' || src[p] == '\t')) p++;
  if (end - p < 7 || memcmp(src + p, "nnlint:", 7) != 0) return;
  p += 7;
  while (p < end && (src[p] == ' ' || src[p] == '\t')) p++;
  uint32_t tend = end;
  while (tend > off && (src[tend - 1] == ' ' || src[tend - 1] == '\t' ||
                        src[tend - 1] == '\r'))
    tend--;
  directive *d = nnl_array_grow1(&s->d);
  d->at = (nnl_span){off, tend - off};
  d->own_line = own_line;
  uint32_t w = p;
  while (p < end && ((src[p] >= 'a' && src[p] <= 'z') || src[p] == '-')) p++;
  size_t wl = p - w;
  if (wl == 12 && memcmp(src + w, "disable-file", 12) == 0)
    d->file = true;
  else if (!(wl == 7 && memcmp(src + w, "disable", 7) == 0)) {
    d->problem = P_UNKNOWN;
    d->word = nnl_arena_strndup(&doc->arena, src + w, wl ? wl : 0);
    /* a misspelt word: its ids still serve the fix */
    if (p >= end || src[p] != '=') return;
  }
  if (p >= end || src[p] != '=') { /* "disable -- reason" is still bare */
    d->problem = P_NO_IDS;
    return;
  }
  p++;
  NNL_ARRAY(sid) ids = {0};
  for (;;) {
    while (p < end && (src[p] == ' ' || src[p] == '\t')) p++;
    uint32_t i0 = p;
    while (p < end && id_char(src[p])) p++;
    if (p == i0) break;
    sid x = {nnl_arena_strndup(&doc->arena, src + i0, p - i0),
             (nnl_span){i0, p - i0}, false};
    nnl_array_push(&ids, x);
    uint32_t q = p;
    while (q < end && (src[q] == ' ' || src[q] == '\t')) q++;
    if (q < end && src[q] == ',') {
      p = q + 1;
      continue;
    }
    break;
  }
  if (ids.len) {
    d->ids = nnl_arena_alloc(&doc->arena, ids.len * sizeof *d->ids);
    memcpy(d->ids, ids.items, ids.len * sizeof *d->ids);
    d->n_ids = ids.len;
  }
  nnl_array_free(&ids);
  if (d->problem) return;
  if (!d->n_ids) {
    d->problem = P_NO_IDS;
    return;
  }
  /* the rest: nothing, or " -- reason" */
  uint32_t q = p;
  while (q < tend && (src[q] == ' ' || src[q] == '\t')) q++;
  if (q < tend && !(q > p && tend - q >= 2 && src[q] == '-' && src[q + 1] == '-' &&
                    (q + 2 == tend || src[q + 2] == ' ' || src[q + 2] == '\t')))
    d->problem = P_TRAILING;
}

typedef enum lang { L_NONE, L_YAML, L_PY, L_ONNX_TEXT } lang;

static lang lang_of(const nnl_doc *doc) {
  size_t n = strlen(doc->path);
  switch (doc->format) {
  case NNL_FMT_YAML_SPEC:
    /* JSON is read as YAML, but has no comments */
    if (n >= 5 && strcmp(doc->path + n - 5, ".json") == 0) return L_NONE;
    return L_YAML;
  case NNL_FMT_KERAS_PY: return L_PY;
  case NNL_FMT_ONNX_TEXT: return L_ONNX_TEXT;
  default: return L_NONE;
  }
}

/* The scanner's state across lines. */
typedef struct scan {
  nnl_suppress *s;
  nnl_doc *doc;
  uint32_t line;       /* 1-based, of the current position */
  bool line_has_code;  /* something other than blanks and comments */
  uint32_t pending;    /* directives [pending, len) wait for a code line */
} scan;

/* End of the current line: own-line directives waiting for a code line
 * apply to this one if it has code. */
static void end_line(scan *sc) {
  if (sc->line_has_code) {
    for (uint32_t i = sc->pending; i < sc->s->d.len; i++)
      if (!sc->s->d.items[i].file) sc->s->d.items[i].line = sc->line;
    sc->pending = sc->s->d.len;
  }
  sc->line++;
  sc->line_has_code = false;
}

static void comment(scan *sc, uint32_t at, uint32_t end) {
  uint32_t before = sc->s->d.len;
  parse_comment(sc->s, sc->doc, at, end, !sc->line_has_code);
  if (sc->s->d.len == before) return;
  directive *d = nnl_array_last(&sc->s->d);
  if (!d->own_line && !d->file) d->line = sc->line;
  /* a trailing comment does not wait: keep pending before it */
  if (!d->own_line && sc->pending == before) sc->pending = sc->s->d.len;
}

/* Is the YAML line content [a, b) the header of a block scalar
 * (`key: |`, `- >-`, `|2+`)? */
static bool block_header(const char *s, uint32_t a, uint32_t b) {
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) b--;
  uint32_t i = b;
  while (i > a && (s[i - 1] == '-' || s[i - 1] == '+' ||
                   (s[i - 1] >= '0' && s[i - 1] <= '9')))
    i--;
  if (i == a || (s[i - 1] != '|' && s[i - 1] != '>')) return false;
  i--;
  return i == a || s[i - 1] == ' ' || s[i - 1] == '\t';
}

/* Scan YAML: comments start at '#' after a blank or at a line start,
 * outside quoted scalars (which open only after a blank or [{, and may
 * span lines) and outside block scalars. */
static void scan_yaml(scan *sc) {
  const char *s = sc->doc->src;
  uint32_t n = (uint32_t)sc->doc->len, p = 0;
  char quote = 0;
  int block_indent = -1; /* inside a block scalar: its header's indent */
  while (p < n) {
    uint32_t ls = p, le = p;
    while (le < n && s[le] != '\n') le++;
    uint32_t ind = 0;
    while (ls + ind < le && s[ls + ind] == ' ') ind++;
    bool blank = ls + ind == le || (s[ls + ind] == '\r' && ls + ind + 1 == le);
    if (block_indent >= 0 && !quote) {
      if (blank || (int)ind > block_indent) {
        if (!blank) sc->line_has_code = true;
        p = le < n ? le + 1 : le;
        end_line(sc);
        continue;
      }
      block_indent = -1;
    }
    uint32_t code_end = le; /* where the line's content ends (a comment) */
    for (p = ls; p < le; p++) {
      char c = s[p];
      if (quote == '"') {
        sc->line_has_code = true;
        if (c == '\\' && p + 1 < le) p++;
        else if (c == '"') quote = 0;
      } else if (quote == '\'') {
        sc->line_has_code = true;
        if (c == '\'' && p + 1 < le && s[p + 1] == '\'') p++;
        else if (c == '\'') quote = 0;
      } else if (c == '#' && (p == ls || s[p - 1] == ' ' || s[p - 1] == '\t')) {
        code_end = p;
        comment(sc, p, le);
        break;
      } else if ((c == '"' || c == '\'') &&
                 (p == ls || strchr(" \t[{,", s[p - 1]))) {
        quote = c;
        sc->line_has_code = true;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        sc->line_has_code = true;
      }
    }
    if (!quote && block_header(s, ls, code_end)) block_indent = (int)ind;
    p = le < n ? le + 1 : le;
    end_line(sc);
  }
}

/* Scan Python or ONNX text: strings ('...', "...", and in Python
 * triple-quoted ones spanning lines) and '#' comments to the line end. */
static void scan_code(scan *sc, bool python) {
  const char *s = sc->doc->src;
  uint32_t n = (uint32_t)sc->doc->len;
  char quote = 0;
  bool triple = false;
  for (uint32_t p = 0; p < n; p++) {
    char c = s[p];
    if (c == '\n') {
      if (quote && !triple) quote = 0; /* an unterminated string ends */
      end_line(sc);
      continue;
    }
    if (quote) {
      if (c == '\\' && p + 1 < n && s[p + 1] != '\n') p++;
      else if (c == quote) {
        if (!triple) quote = 0;
        else if (p + 2 < n && s[p + 1] == quote && s[p + 2] == quote) {
          quote = 0;
          p += 2;
        }
      }
      if (c != ' ' && c != '\t' && c != '\r') sc->line_has_code = true;
      continue;
    }
    if (c == '#') {
      uint32_t e = p;
      while (e < n && s[e] != '\n') e++;
      comment(sc, p, e);
      p = e - 1;
      continue;
    }
    if (c == '"' || (python && c == '\'')) {
      quote = c;
      triple = python && p + 2 < n && s[p + 1] == c && s[p + 2] == c;
      if (triple) p += 2;
    }
    if (c != ' ' && c != '\t' && c != '\r') sc->line_has_code = true;
  }
  end_line(sc);
}

/* Could the text hold a directive at all: a '#' followed (after blanks) by
 * "nnlint"?  Most files have none, and this look costs a memchr per '#',
 * where the full scan costs tens of instructions per byte. */
static bool may_have_directive(const char *src, size_t len) {
  const char *p = src, *end = src + len;
  while ((p = memchr(p, '#', (size_t)(end - p))) != NULL) {
    p++;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if ((size_t)(end - p) >= 6 && memcmp(p, "nnlint", 6) == 0) return true;
  }
  return false;
}

void nnl_suppress_attach(nnl_doc *doc, const char *const *file_ignores,
                         nnl_baseline *bl) {
  nnl_suppress *s = nnl_xcalloc(1, sizeof *s);
  s->file_ignores = file_ignores;
  s->bl = bl;
  doc->suppress = s;
  lang l = doc->mapped ? L_NONE : lang_of(doc);
  if (l == L_NONE || !doc->src || !may_have_directive(doc->src, doc->len))
    return;
  scan sc = {.s = s, .doc = doc, .line = 1};
  if (l == L_YAML)
    scan_yaml(&sc);
  else
    scan_code(&sc, l == L_PY);
}

void nnl_suppress_free(nnl_doc *doc) {
  nnl_suppress *s = doc->suppress;
  if (!s) return;
  nnl_array_free(&s->d);
  free(s);
  doc->suppress = NULL;
}

/* Does rule start with one of the prefixes of list ("ALL": any)? */
static bool in_prefixes(const char *const *list, const char *rule) {
  for (; list && *list; list++)
    if (strcmp(*list, "ALL") == 0 || strncmp(rule, *list, strlen(*list)) == 0)
      return true;
  return false;
}

static bool baseline_take(nnl_baseline *bl, nnl_doc *doc, const char *rule,
                          nnl_span at, const char *msg);

bool nnl_suppress_check(nnl_doc *doc, const char *rule, nnl_span at,
                        const char *msg) {
  nnl_suppress *s = doc->suppress;
  if (!s || strcmp(rule, "NN000") == 0) return false;
  if (!s->finishing && s->d.len) {
    uint32_t line = 0, col;
    nnl_doc_position(doc, at.off, &line, &col);
    for (uint32_t i = 0; i < s->d.len; i++) {
      directive *d = &s->d.items[i];
      if (d->problem || !(d->file || d->line == line)) continue;
      for (uint32_t k = 0; k < d->n_ids; k++)
        if (strcmp(d->ids[k].id, rule) == 0) {
          d->ids[k].used = true;
          return true;
        }
    }
  }
  if (in_prefixes(s->file_ignores, rule)) return true;
  return s->bl && baseline_take(s->bl, doc, rule, at, msg);
}

/* The severity a meta-rule is reported with (its ruleset's, after the
 * config and --severity). */
static nnl_severity meta_severity(nnl_ctx *cx, const char *id,
                                  const char **name) {
  const nnl_rule *r = cx->rules ? nnl_ruleset_find(cx->rules, id) : NULL;
  if (!r) return NNL_SEV_NONE;
  *name = nnl_rule_info_of(r)->name;
  return nnl_rule_info_of(r)->severity;
}

/* Is the rule id on and selected for this run (so that a comment for it
 * that suppressed nothing is stale)? */
static bool rule_active(nnl_ctx *cx, const char *id) {
  const nnl_rule *r = nnl_ruleset_find(cx->rules, id);
  return r && nnl_rule_selected(cx, id) &&
         nnl_rule_info_of(r)->severity != NNL_SEV_NONE;
}

/* Does the id list ids (n entries) hold id? */
static bool has_id(const char *const *ids, uint32_t n, const char *id) {
  for (uint32_t i = 0; i < n; i++)
    if (strcmp(ids[i], id) == 0) return true;
  return false;
}

/* The fix of a malformed directive d, written the way it would work: the
 * ids it names, else those of the findings where it applies (the comment is
 * not obeyed, so they are all reported), else a placeholder. */
static const char *bad_fix(nnl_doc *doc, const directive *d, const char *kind,
                           nnl_buf *out) {
  enum { MAX_IDS = 8 };
  const char *ids[MAX_IDS];
  uint32_t n = 0;
  for (uint32_t k = 0; k < d->n_ids && n < MAX_IDS; k++)
    if (!has_id(ids, n, d->ids[k].id)) ids[n++] = d->ids[k].id;
  bool from_findings = n == 0;
  for (uint32_t k = 0; from_findings && k < doc->diags.len; k++) {
    const nnl_diag *g = &doc->diags.items[k];
    if (strcmp(g->rule, "NN000") == 0 ||
        strcmp(g->rule, NNL_RULE_BAD_SUPPRESSION) == 0 ||
        strcmp(g->rule, NNL_RULE_UNUSED_SUPPRESSION) == 0)
      continue;
    uint32_t line = 0, col;
    nnl_doc_position(doc, g->span.off, &line, &col);
    if ((d->file || line == d->line) && !has_id(ids, n, g->rule) && n < MAX_IDS)
      ids[n++] = g->rule;
  }
  out->len = 0;
  nnl_buf_puts(out, "name the rules it disables: # nnlint: ");
  nnl_buf_puts(out, kind);
  nnl_buf_putc(out, '=');
  if (!n) nnl_buf_puts(out, "NNxxx");
  for (uint32_t k = 0; k < n; k++) {
    if (k) nnl_buf_putc(out, ',');
    nnl_buf_puts(out, ids[k]);
  }
  nnl_buf_puts(out, " -- reason");
  return nnl_buf_str(out);
}

void nnl_suppress_finish(nnl_ctx *cx, nnl_doc *doc) {
  nnl_suppress *s = doc->suppress;
  if (!s || !s->d.len || doc->failed || doc->skipped || !cx->rules) return;
  s->finishing = true;
  const char *bad_name = "bad-suppression", *unused_name = "unused-suppression";
  nnl_severity bad = meta_severity(cx, NNL_RULE_BAD_SUPPRESSION, &bad_name);
  nnl_severity unused =
      meta_severity(cx, NNL_RULE_UNUSED_SUPPRESSION, &unused_name);
  nnl_buf fix = {0};
  for (uint32_t i = 0; i < s->d.len; i++) {
    directive *d = &s->d.items[i];
    const char *kind = d->file ? "disable-file" : "disable";
    switch (d->problem) {
    case P_NO_IDS:
      nnl_report(cx, doc, NNL_RULE_BAD_SUPPRESSION, bad_name, bad, d->at, NULL,
                 bad_fix(doc, d, kind, &fix),
                 "'# nnlint: %s' without rule ids is not obeyed: it would "
                 "hide every finding",
                 kind);
      continue;
    case P_UNKNOWN:
      nnl_report(cx, doc, NNL_RULE_BAD_SUPPRESSION, bad_name, bad, d->at, NULL,
                 bad_fix(doc, d, d->word && strstr(d->word, "file")
                                     ? "disable-file" : "disable", &fix),
                 "unknown nnlint directive '%s' (disable or disable-file)",
                 d->word && d->word[0] ? d->word : "");
      continue;
    case P_TRAILING:
      nnl_report(cx, doc, NNL_RULE_BAD_SUPPRESSION, bad_name, bad, d->at, NULL,
                 bad_fix(doc, d, kind, &fix),
                 "text after the rule ids of a suppression must follow ' -- ' "
                 "(a reason); the comment is not obeyed");
      continue;
    case P_NONE: break;
    }
    for (uint32_t k = 0; k < d->n_ids; k++) {
      const sid *x = &d->ids[k];
      if (!nnl_ruleset_find(cx->rules, x->id)) {
        nnl_report(cx, doc, NNL_RULE_BAD_SUPPRESSION, bad_name, bad, x->at,
                   NULL, "see 'nnlint --list-rules' for the rule ids",
                   "suppression names '%s', which is not a loaded rule", x->id);
      } else if (!x->used && rule_active(cx, x->id)) {
        nnl_report(cx, doc, NNL_RULE_UNUSED_SUPPRESSION, unused_name, unused,
                   x->at, NULL, NULL,
                   d->file ? "'# nnlint: disable-file=%s' suppresses nothing: "
                             "%s reports nothing in this file"
                           : "'# nnlint: disable=%s' suppresses nothing: %s "
                             "reports nothing on the line it applies to",
                   x->id, x->id);
      }
    }
  }
  nnl_buf_free(&fix);
  s->finishing = false;
}

/* ---- baselines ---- */

typedef struct bentry {
  char *rule, *path, *message;
  char hash[17];
  uint32_t count;     /* recorded */
  uint32_t left;      /* still to match in this run */
  struct bentry *next; /* hash chain */
} bentry;

struct nnl_baseline {
  bentry **buckets;
  uint32_t n_buckets, n;
  NNL_ARRAY(bentry *) all;
};

static uint64_t fnv(uint64_t h, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}
#define FNV_INIT 14695981039346656037ull

/* A path as keys use it: without a leading "./". */
static const char *key_path(const char *p) {
  while (p[0] == '.' && p[1] == '/') p += 2;
  return p;
}

static uint32_t bucket_of(const nnl_baseline *bl, const char *rule,
                          const char *path, const char *hash) {
  uint64_t h = fnv(FNV_INIT, rule, strlen(rule) + 1);
  h = fnv(h, path, strlen(path) + 1);
  h = fnv(h, hash, 16);
  return (uint32_t)(h % bl->n_buckets);
}

static bentry *lookup(const nnl_baseline *bl, const char *rule,
                      const char *path, const char *hash) {
  for (bentry *e = bl->buckets[bucket_of(bl, rule, path, hash)]; e; e = e->next)
    if (strcmp(e->hash, hash) == 0 && strcmp(e->rule, rule) == 0 &&
        strcmp(e->path, path) == 0)
      return e;
  return NULL;
}

nnl_baseline *nnl_baseline_new(void) {
  nnl_baseline *bl = nnl_xcalloc(1, sizeof *bl);
  bl->n_buckets = 4096;
  bl->buckets = nnl_xcalloc(bl->n_buckets, sizeof *bl->buckets);
  return bl;
}

void nnl_baseline_free(nnl_baseline *bl) {
  if (!bl) return;
  for (uint32_t i = 0; i < bl->all.len; i++) {
    bentry *e = bl->all.items[i];
    free(e->rule);
    free(e->path);
    free(e->message);
    free(e);
  }
  nnl_array_free(&bl->all);
  free(bl->buckets);
  free(bl);
}

size_t nnl_baseline_count(const nnl_baseline *bl) {
  size_t n = 0;
  for (uint32_t i = 0; i < bl->all.len; i++) n += bl->all.items[i]->count;
  return n;
}

static void add_n(nnl_baseline *bl, const char *rule, const char *path,
                  const char *hash, const char *message, uint32_t count) {
  path = key_path(path);
  bentry *e = lookup(bl, rule, path, hash);
  if (!e) {
    e = nnl_xcalloc(1, sizeof *e);
    e->rule = nnl_xstrdup(rule);
    e->path = nnl_xstrdup(path);
    e->message = nnl_xstrdup(message ? message : "");
    memcpy(e->hash, hash, 16);
    uint32_t b = bucket_of(bl, rule, path, hash);
    e->next = bl->buckets[b];
    bl->buckets[b] = e;
    nnl_array_push(&bl->all, e);
  }
  e->count += count;
  e->left += count;
}

void nnl_baseline_add(nnl_baseline *bl, const char *rule, const char *path,
                      const char *hash, const char *message) {
  add_n(bl, rule, path, hash, message, 1);
}

void nnl_baseline_hash(nnl_doc *doc, nnl_span at, const char *msg,
                       char out[17]) {
  uint64_t h = FNV_INIT;
  bool lines = !doc->mapped && doc->format != NNL_FMT_ONNX;
  if (lines && nnl_span_ok(at)) {
    uint32_t line, col;
    size_t len;
    nnl_doc_position(doc, at.off, &line, &col);
    const char *t = nnl_doc_line(doc, line, &len);
    while (len && (*t == ' ' || *t == '\t')) t++, len--;
    while (len && (t[len - 1] == ' ' || t[len - 1] == '\t' ||
                   t[len - 1] == '\r'))
      len--;
    h = fnv(h, t, len);
  }
  h = fnv(h, "\n", 1);
  h = fnv(h, msg, strlen(msg));
  snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static bool baseline_take(nnl_baseline *bl, nnl_doc *doc, const char *rule,
                          nnl_span at, const char *msg) {
  char hash[17];
  nnl_baseline_hash(doc, at, msg, hash);
  bentry *e = lookup(bl, rule, key_path(doc->path), hash);
  if (!e || !e->left) return false;
  e->left--;
  return true;
}

void nnl_baseline_add_doc(nnl_baseline *bl, nnl_doc *doc) {
  for (uint32_t i = 0; i < doc->diags.len; i++) {
    const nnl_diag *dg = &doc->diags.items[i];
    char hash[17];
    nnl_baseline_hash(doc, dg->span, dg->message, hash);
    nnl_baseline_add(bl, dg->rule, doc->path, hash, dg->message);
  }
}

nnl_baseline *nnl_baseline_read(const char *path, nnl_error *err) {
  json_error_t je;
  json_t *root = json_load_file(path, 0, &je);
  if (!root) {
    nnl_error_set(err, path, (uint32_t)(je.line > 0 ? je.line : 0),
                  (uint32_t)(je.column > 0 ? je.column : 0),
                  "cannot read the baseline: %s", je.text);
    return NULL;
  }
  json_t *items = json_object_get(root, "findings");
  json_t *version = json_object_get(root, "version");
  if (!json_is_array(items) || !json_is_integer(version) ||
      json_integer_value(version) != 1) {
    nnl_error_set(err, path, 0, 0,
                  "not an nnlint baseline (want {\"version\": 1, "
                  "\"findings\": [...]})");
    json_decref(root);
    return NULL;
  }
  nnl_baseline *bl = nnl_baseline_new();
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    const char *rule = json_string_value(json_object_get(it, "rule"));
    const char *p = json_string_value(json_object_get(it, "path"));
    const char *hash = json_string_value(json_object_get(it, "hash"));
    const char *msg = json_string_value(json_object_get(it, "message"));
    json_t *count = json_object_get(it, "count");
    json_int_t n = count ? (json_is_integer(count) ? json_integer_value(count)
                                                   : -1)
                         : 1;
    if (!rule || !p || !hash || strlen(hash) != 16 || n < 1 ||
        n > UINT32_MAX) {
      nnl_error_set(err, path, 0, 0,
                    "finding %zu of the baseline lacks rule, path, a 16-digit "
                    "hash or a positive count",
                    i + 1);
      json_decref(root);
      nnl_baseline_free(bl);
      return NULL;
    }
    add_n(bl, rule, p, hash, msg, (uint32_t)n);
  }
  json_decref(root);
  return bl;
}

static int by_key(const void *pa, const void *pb) {
  const bentry *a = *(const bentry *const *)pa, *b = *(const bentry *const *)pb;
  int c = strcmp(a->path, b->path);
  if (!c) c = strcmp(a->rule, b->rule);
  if (!c) c = strcmp(a->hash, b->hash);
  return c;
}

int nnl_baseline_write(const nnl_baseline *bl, const char *path,
                       nnl_error *err) {
  bentry **v = nnl_xmalloc((bl->all.len ? bl->all.len : 1) * sizeof *v);
  if (bl->all.len) memcpy(v, bl->all.items, bl->all.len * sizeof *v);
  qsort(v, bl->all.len, sizeof *v, by_key);
  json_t *root = json_object(), *items = json_array();
  if (!root || !items) nnl_oom();
  for (uint32_t i = 0; i < bl->all.len; i++) {
    json_t *o = json_object();
    if (!o) nnl_oom();
    json_object_set_new(o, "rule", json_string(v[i]->rule));
    json_object_set_new(o, "path", json_string(v[i]->path));
    json_object_set_new(o, "hash", json_string(v[i]->hash));
    /* jansson needs valid UTF-8; the message is only for people */
    json_t *m = json_string(v[i]->message);
    json_object_set_new(o, "message", m ? m : json_string(""));
    json_object_set_new(o, "count", json_integer(v[i]->count));
    json_array_append_new(items, o);
  }
  free(v);
  json_object_set_new(root, "version", json_integer(1));
  json_object_set_new(root, "findings", items);
  int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  if (rc != 0) {
    nnl_error_set(err, path, 0, 0, "cannot write the baseline");
    return -1;
  }
  return 0;
}
