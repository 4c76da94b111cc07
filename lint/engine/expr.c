/*
 * expr.c - the rule expression language (rules/README.md): a lexer and a
 * recursive-descent parser that resolve every name and check every type
 * at load time, a tree-walking evaluator with Kleene three-valued logic,
 * and message/fix templates.
 *
 *   expr     := or
 *   or       := and ('or' and)*
 *   and      := not ('and' not)*
 *   not      := 'not' not | cmp
 *   cmp      := sum [CMPOP sum]      CMPOP: == != < <= > >= in 'not in' =~ !~
 *   sum      := prod (('+' | '-') prod)*
 *   prod     := unary (('*' | '/') unary)*
 *   unary    := '-' unary | postfix
 *   postfix  := primary ('.' NAME)*
 *   primary  := NUMBER | STRING | REGEX | 'true' | 'false'
 *             | '[' [expr (',' expr)* [',']] ']' | '(' expr ')'
 *             | NAME | NAME '(' args ')'
 *
 * Nodes live in the rule's arena.  Evaluation writes into caller-provided
 * nnl_values and the per-run slot array (variables, list literals): it
 * never allocates.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "engine/expr.h"

/* ---- the field table, with the docs that give each field's type ---- */
static const struct fdef {
  uint8_t kind; /* nnl_objkind */
  const char *name;
  const char *doc;
} ftab[NNL_FLD__COUNT] = {
#define FIELD(kind, id, name, doc) [NNL_FLD_##kind##_##id] = {NNL_O_##kind, name, doc},
#include "ir_fields.def"
};

/* A field's static type, from its doc's "(type)" prefix: (bool), (num),
 * (str), (list), an object kind (layer) or a list of one (layers). */
static nnl_etype field_type(int field, uint8_t *kind) {
  const char *d = ftab[field].doc;
  *kind = 0;
  if (d[0] != '(') return NNL_T_ANY;
  size_t n = strcspn(d + 1, ")");
  static const struct { const char *s; nnl_etype t; } scalars[] = {
      {"bool", NNL_T_BOOL}, {"num", NNL_T_NUM}, {"str", NNL_T_STR},
      {"list", NNL_T_LIST}};
  for (size_t i = 0; i < sizeof scalars / sizeof *scalars; i++)
    if (strlen(scalars[i].s) == n && !strncmp(d + 1, scalars[i].s, n))
      return scalars[i].t;
  for (int k = 0; k < NNL_O__COUNT; k++) {
    const char *kn = nnl_objkind_name((nnl_objkind)k);
    size_t kl = strlen(kn);
    if (strncmp(d + 1, kn, kl) != 0) continue;
    *kind = (uint8_t)k;
    if (n == kl) return NNL_T_OBJ;
    if (n == kl + 1 && d[1 + kl] == 's') return NNL_T_OBJLIST;
  }
  return NNL_T_ANY;
}

/* Size of one object of a kind inside an OBJLIST. */
static size_t obj_size(uint8_t kind) {
  switch (kind) {
  case NNL_O_LAYER: return sizeof(nnl_layer);
  case NNL_O_INPUT: return sizeof(nnl_input);
  case NNL_O_OUTPUT: return sizeof(nnl_output);
  default: return 0;
  }
}

/* ---- nodes ---- */
typedef enum {
  E_LIT, E_LIST, E_REGEX, E_ROOT, E_VAR, E_PARAM, E_FIELD,
  E_NOT, E_AND, E_OR,
  E_EQ, E_NE, E_LT, E_LE, E_GT, E_GE, E_IN, E_NOTIN, E_MATCH, E_NOMATCH,
  E_ADD, E_SUB, E_MUL, E_DIV, E_NEG,
  E_ANY, E_ALL, E_COUNT, E_LEN, E_KNOWN, E_ABS, E_MIN, E_MAX
} eop;

struct nnl_expr {
  uint8_t op;   /* eop */
  uint8_t type; /* nnl_etype */
  uint8_t kind; /* nnl_objkind of OBJ / OBJLIST */
  uint32_t off; /* byte offset in the source text, for errors */
  int field;    /* E_ROOT, E_FIELD */
  uint32_t slot; /* E_VAR, quantifier variable, first slot of E_LIST */
  uint32_t n;    /* items */
  const nnl_expr *a, *b;
  const nnl_expr **items; /* E_LIST, E_MIN, E_MAX */
  nnl_value lit;          /* E_LIT */
  const nnl_param *param; /* E_PARAM */
  pcre2_code *re;         /* E_REGEX */
};

struct nnl_tmpl {
  uint32_t n;
  struct part {
    const char *text; /* literal text, or NULL for e */
    size_t len;
    const nnl_expr *e;
  } *parts;
};

nnl_etype nnl_expr_type(const nnl_expr *e) { return (nnl_etype)e->type; }

/* ---- edit distance, for "did you mean" ---- */
int nnl_edit_distance(const char *a, size_t al, const char *b) {
  size_t bl = strlen(b);
  if (al > 63 || bl > 63) return 99;
  int row[64];
  for (size_t j = 0; j <= bl; j++) row[j] = (int)j;
  for (size_t i = 1; i <= al; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= bl; j++) {
      int up = row[j];
      int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      int best = diag + cost;
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[bl];
}

/* Nearest-name search: feed candidates, read best. */
typedef struct near {
  const char *want;
  size_t len;
  const char *best;
  int dist;
} near;
static void near_try(near *n, const char *cand) {
  int d = nnl_edit_distance(n->want, n->len, cand);
  if (d < n->dist) n->dist = d, n->best = cand;
}
/* " (did you mean 'x'?)" when something is close enough, else "". */
static const char *near_hint(near *n, char *buf, size_t cap) {
  int limit = n->len <= 3 ? 1 : n->len <= 6 ? 2 : 3;
  if (!n->best || n->dist > limit) return "";
  snprintf(buf, cap, " (did you mean '%s'?)", n->best);
  return buf;
}

/* ---- lexer ---- */
typedef enum {
  K_EOF, K_ERR, K_NUM, K_STR, K_NAME,
  K_LP, K_RP, K_LB, K_RB, K_COMMA, K_DOT, K_COLON, K_RBRACE,
  K_PLUS, K_MINUS, K_STAR, K_SLASH,
  K_EQ, K_NE, K_LT, K_LE, K_GT, K_GE, K_MATCH, K_NOMATCH,
  K_AND, K_OR, K_NOT, K_IN, K_TRUE, K_FALSE
} ktok;

typedef struct P {
  nnl_compiler *c;
  const char *s;
  size_t len, pos; /* text and scan position */
  ktok t;          /* current token: s[start..end) */
  size_t start, end;
  double num;       /* K_NUM */
  char *str;        /* K_STR, decoded (arena) */
  size_t slen;
  int depth;
  bool tmpl; /* inside a template placeholder: '}' ends it */
} P;

/* Record the first error; every parse function then returns NULL. */
static void *perr(P *p, size_t off, const char *fmt, ...) NNL_PRINTF(3, 4);
static void *perr(P *p, size_t off, const char *fmt, ...) {
  if (!p->c->msg[0]) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->c->msg, sizeof p->c->msg, fmt, ap);
    va_end(ap);
    p->c->err_off = (uint32_t)off;
  }
  p->t = K_ERR;
  return NULL;
}

static const struct { const char *w; ktok t; } keywords[] = {
    {"and", K_AND}, {"or", K_OR}, {"not", K_NOT}, {"in", K_IN},
    {"true", K_TRUE}, {"false", K_FALSE}};

/* The current token as text, for messages. */
static const char *tok_text(P *p, char *buf, size_t cap) {
  if (p->t == K_EOF) return p->tmpl ? "end of template" : "end of expression";
  size_t n = p->end - p->start;
  if (n > 24) n = 24;
  snprintf(buf, cap, "'%.*s'", (int)n, p->s + p->start);
  return buf;
}

/* Scan a quoted string at p->pos: 'x' or "x", with \\ \' \" \n \t. */
static void lex_string(P *p) {
  char q = p->s[p->pos];
  nnl_buf b = {0};
  size_t i = p->pos + 1;
  for (;;) {
    if (i >= p->len) {
      nnl_buf_free(&b);
      perr(p, p->start, "unterminated string");
      return;
    }
    char ch = p->s[i];
    if (ch == q) break;
    if (ch == '\\' && i + 1 < p->len) {
      char e = p->s[++i];
      nnl_buf_putc(&b, e == 'n' ? '\n' : e == 't' ? '\t' : e);
    } else {
      nnl_buf_putc(&b, ch);
    }
    i++;
  }
  p->slen = b.len;
  p->str = nnl_arena_strndup(p->c->arena, nnl_buf_str(&b), b.len);
  nnl_buf_free(&b);
  p->pos = i + 1;
  p->t = K_STR;
}

/* Advance to the next token. */
static void next(P *p) {
  if (p->t == K_ERR) return;
  while (p->pos < p->len && isspace((unsigned char)p->s[p->pos])) p->pos++;
  p->start = p->pos;
  if (p->pos >= p->len) {
    p->t = K_EOF;
    p->end = p->pos;
    return;
  }
  const char *s = p->s;
  char ch = s[p->pos];
  char nx = p->pos + 1 < p->len ? s[p->pos + 1] : '\0';
  if (isdigit((unsigned char)ch) || (ch == '.' && isdigit((unsigned char)nx))) {
    size_t i = p->pos;
    while (i < p->len && isdigit((unsigned char)s[i])) i++;
    if (i < p->len && s[i] == '.') {
      i++;
      while (i < p->len && isdigit((unsigned char)s[i])) i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
      size_t j = i + 1;
      if (j < p->len && (s[j] == '+' || s[j] == '-')) j++;
      if (j < p->len && isdigit((unsigned char)s[j])) {
        while (j < p->len && isdigit((unsigned char)s[j])) j++;
        i = j;
      }
    }
    if (i < p->len && (isalnum((unsigned char)s[i]) || s[i] == '_')) {
      perr(p, i, "bad number '%.*s'", (int)(i + 1 - p->pos), s + p->pos);
      return;
    }
    char buf[64];
    if (i - p->pos >= sizeof buf) {
      perr(p, p->pos, "number too long");
      return;
    }
    memcpy(buf, s + p->pos, i - p->pos);
    buf[i - p->pos] = '\0';
    p->num = strtod(buf, NULL);
    p->t = K_NUM;
    p->pos = p->end = i;
    return;
  }
  if (isalpha((unsigned char)ch) || ch == '_') {
    size_t i = p->pos;
    while (i < p->len && (isalnum((unsigned char)s[i]) || s[i] == '_')) i++;
    p->t = K_NAME;
    for (size_t k = 0; k < sizeof keywords / sizeof *keywords; k++)
      if (strlen(keywords[k].w) == i - p->pos &&
          !memcmp(keywords[k].w, s + p->pos, i - p->pos))
        p->t = keywords[k].t;
    p->pos = p->end = i;
    return;
  }
  if (ch == '\'' || ch == '"') {
    lex_string(p);
    p->end = p->pos;
    return;
  }
  static const struct { const char *s; ktok t; } ops[] = {
      {"==", K_EQ}, {"!=", K_NE}, {"<=", K_LE}, {">=", K_GE}, {"=~", K_MATCH},
      {"!~", K_NOMATCH}, {"<", K_LT}, {">", K_GT}, {"(", K_LP}, {")", K_RP},
      {"[", K_LB}, {"]", K_RB}, {",", K_COMMA}, {".", K_DOT}, {":", K_COLON},
      {"+", K_PLUS}, {"-", K_MINUS}, {"*", K_STAR}, {"/", K_SLASH}};
  for (size_t k = 0; k < sizeof ops / sizeof *ops; k++) {
    size_t n = strlen(ops[k].s);
    if (p->pos + n <= p->len && !memcmp(s + p->pos, ops[k].s, n)) {
      p->t = ops[k].t;
      p->pos = p->end = p->pos + n;
      return;
    }
  }
  if (ch == '}' && p->tmpl) {
    p->t = K_RBRACE;
    p->pos = p->end = p->pos + 1;
    return;
  }
  if (ch == '=') {
    perr(p, p->pos, "unexpected '=' (use '==' to compare)");
    return;
  }
  if ((unsigned char)ch < 32 || (unsigned char)ch >= 127)
    perr(p, p->pos, "unexpected byte 0x%02x", (unsigned char)ch);
  else
    perr(p, p->pos, "unexpected '%c'", ch);
}

static bool accept(P *p, ktok t) {
  if (p->t != t) return false;
  next(p);
  return true;
}

static bool expect(P *p, ktok t, const char *what) {
  if (accept(p, t)) return true;
  if (p->t != K_ERR) {
    char b[40];
    perr(p, p->start, "expected %s, got %s", what, tok_text(p, b, sizeof b));
  }
  return false;
}

/* ---- node building and static checks ---- */
static nnl_expr *mk(P *p, eop op, nnl_etype type, size_t off) {
  nnl_expr *e = nnl_arena_alloc(p->c->arena, sizeof *e);
  e->op = (uint8_t)op;
  e->type = (uint8_t)type;
  e->off = (uint32_t)off;
  e->field = -1;
  e->lit.at = NNL_NOSPAN;
  return e;
}

/* Human name of a static type, for messages. */
static const char *type_name(const nnl_expr *e, char *buf, size_t cap) {
  switch ((nnl_etype)e->type) {
  case NNL_T_BOOL: return "a bool";
  case NNL_T_NUM: return "a number";
  case NNL_T_STR: return "a string";
  case NNL_T_LIST: return "a list";
  case NNL_T_REGEX: return "a regular expression";
  case NNL_T_OBJ:
    snprintf(buf, cap, "a %s", nnl_objkind_name((nnl_objkind)e->kind));
    return buf;
  case NNL_T_OBJLIST:
    snprintf(buf, cap, "a list of %ss", nnl_objkind_name((nnl_objkind)e->kind));
    return buf;
  default: return "a value";
  }
}

/* An operand must be a value: a regex only follows =~ / !~. */
static bool value_ok(P *p, const nnl_expr *e) {
  if (!e) return false;
  if (e->type == NNL_T_REGEX) {
    perr(p, e->off, "a regular expression can only follow =~ or !~");
    return false;
  }
  return true;
}

/* An operand that must be a number (or unknown until run time). */
static bool num_ok(P *p, const nnl_expr *e, const char *op) {
  if (!value_ok(p, e)) return false;
  if (e->type == NNL_T_NUM || e->type == NNL_T_ANY) return true;
  char b[64];
  perr(p, e->off, "'%s' needs a number, not %s", op, type_name(e, b, sizeof b));
  return false;
}

/* A list operand (any/all/count, in, len, for). */
static bool list_ok(P *p, const nnl_expr *e, const char *what) {
  if (!value_ok(p, e)) return false;
  if (e->type == NNL_T_LIST || e->type == NNL_T_OBJLIST || e->type == NNL_T_ANY)
    return true;
  char b[64];
  perr(p, e->off, "%s needs a list, not %s", what, type_name(e, b, sizeof b));
  return false;
}

static nnl_expr *p_expr(P *p);

static bool enter(P *p) {
  if (++p->depth > NNL_MAX_DEPTH) {
    perr(p, p->start, "expression nested too deeply");
    return false;
  }
  return true;
}

/* Bind a variable for the rest of the current scope. */
static bool push_var(P *p, const char *name, size_t len, size_t off,
                     const nnl_expr *list) {
  nnl_compiler *c = p->c;
  if (c->n_vars >= sizeof c->vars / sizeof *c->vars)
    return perr(p, off, "too many nested variables"), false;
  nnl_var *v = &c->vars[c->n_vars++];
  v->name = name;
  v->len = (uint32_t)len;
  v->type = list->type == NNL_T_OBJLIST ? NNL_T_OBJ : NNL_T_ANY;
  v->kind = list->kind;
  v->slot = c->n_slots++;
  return true;
}

void nnl_compiler_pop_var(nnl_compiler *c) {
  if (c->n_vars) c->n_vars--;
}

/* any(x in LIST: COND) | all(...) | count(...) : '(' already consumed. */
static nnl_expr *p_quant(P *p, eop op, size_t off) {
  if (p->t != K_NAME) {
    char b[40];
    return perr(p, p->start, "expected a variable name, got %s",
                tok_text(p, b, sizeof b));
  }
  const char *name = p->s + p->start;
  size_t nlen = p->end - p->start, noff = p->start;
  next(p);
  if (!expect(p, K_IN, "'in'")) return NULL;
  nnl_expr *list = p_expr(p);
  if (!list || !list_ok(p, list, op == E_ANY ? "any" : op == E_ALL ? "all" : "count"))
    return NULL;
  if (!expect(p, K_COLON, "':'")) return NULL;
  if (!push_var(p, name, nlen, noff, list)) return NULL;
  uint32_t slot = p->c->vars[p->c->n_vars - 1].slot;
  nnl_expr *cond = p_expr(p);
  nnl_compiler_pop_var(p->c);
  if (!value_ok(p, cond) || !expect(p, K_RP, "')'")) return NULL;
  nnl_expr *e = mk(p, op, op == E_COUNT ? NNL_T_NUM : NNL_T_BOOL, off);
  e->a = list;
  e->b = cond;
  e->slot = slot;
  return e;
}

static const char *const functions[] = {"any", "all", "count", "len",
                                        "known", "abs", "min", "max"};

/* NAME '(' args ')' : the name is the current token. */
static nnl_expr *p_call(P *p) {
  size_t off = p->start, n = p->end - p->start;
  const char *name = p->s + off;
  next(p); /* name */
  next(p); /* '(' */
#define IS(w) (n == strlen(w) && !memcmp(name, w, n))
  if (IS("any")) return p_quant(p, E_ANY, off);
  if (IS("all")) return p_quant(p, E_ALL, off);
  if (IS("count")) return p_quant(p, E_COUNT, off);
  eop op;
  if (IS("len")) op = E_LEN;
  else if (IS("known")) op = E_KNOWN;
  else if (IS("abs")) op = E_ABS;
  else if (IS("min")) op = E_MIN;
  else if (IS("max")) op = E_MAX;
  else {
    near nr = {name, n, NULL, 99};
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++)
      near_try(&nr, functions[i]);
    char h[96];
    return perr(p, off, "unknown function '%.*s'%s", (int)n, name,
                near_hint(&nr, h, sizeof h));
  }
#undef IS
  const nnl_expr *args[64];
  uint32_t na = 0;
  if (p->t != K_RP) {
    do {
      if (na == 64) return perr(p, p->start, "too many arguments");
      nnl_expr *a = p_expr(p);
      if (!value_ok(p, a)) return NULL;
      args[na++] = a;
    } while (accept(p, K_COMMA));
  }
  if (!expect(p, K_RP, "')' or ','")) return NULL;
  bool variadic = op == E_MIN || op == E_MAX;
  if (variadic ? na < 2 : na != 1)
    return perr(p, off, "%.*s takes %s", (int)n, name,
                variadic ? "two or more arguments" : "one argument");
  nnl_expr *e = mk(p, op, op == E_KNOWN ? NNL_T_BOOL : NNL_T_NUM, off);
  e->a = args[0];
  if (op == E_LEN) {
    if (args[0]->type != NNL_T_STR && !list_ok(p, args[0], "len")) return NULL;
  } else if (op != E_KNOWN) {
    for (uint32_t i = 0; i < na; i++)
      if (!num_ok(p, args[i], op == E_ABS ? "abs" : op == E_MIN ? "min" : "max"))
        return NULL;
    e->n = na;
    e->items = nnl_arena_alloc(p->c->arena, na * sizeof *e->items);
    memcpy(e->items, args, na * sizeof *e->items);
  }
  return e;
}

/* /pattern/flags at the current '/' token. */
static nnl_expr *p_regex(P *p) {
  size_t start = p->start, i = start + 1;
  nnl_buf pat = {0};
  while (i < p->len && p->s[i] != '/') {
    if (p->s[i] == '\\' && i + 1 < p->len) {
      if (p->s[i + 1] != '/') nnl_buf_putc(&pat, '\\');
      i++;
    }
    nnl_buf_putc(&pat, p->s[i++]);
  }
  if (i >= p->len) {
    nnl_buf_free(&pat);
    return perr(p, start, "unterminated regular expression");
  }
  uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  for (i++; i < p->len && isalpha((unsigned char)p->s[i]); i++) {
    char f = p->s[i];
    uint32_t o = f == 'i' ? PCRE2_CASELESS : f == 'x' ? PCRE2_EXTENDED
               : f == 's' ? PCRE2_DOTALL : f == 'm' ? PCRE2_MULTILINE : 0;
    if (!o) {
      nnl_buf_free(&pat);
      return perr(p, i, "unknown regular expression flag '%c' (flags: i, x, s, m)", f);
    }
    opts |= o;
  }
  int code;
  PCRE2_SIZE eoff;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)nnl_buf_str(&pat), pat.len, opts,
                                 &code, &eoff, NULL);
  nnl_buf_free(&pat);
  if (!re) {
    /* map the pattern offset back to the text (a "\/" is one byte less) */
    size_t src = start + 1;
    for (PCRE2_SIZE k = 0; k < eoff && src < p->len && p->s[src] != '/'; k++)
      src += (p->s[src] == '\\' && src + 1 < p->len && p->s[src + 1] == '/') ? 2 : 1;
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    return perr(p, src, "bad regular expression: %s", (const char *)msg);
  }
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional: falls back */
  nnl_array_push(p->c->regexes, (void *)re);
  nnl_expr *e = mk(p, E_REGEX, NNL_T_REGEX, start);
  e->re = re;
  p->pos = i;
  next(p);
  return e;
}

/* '[' items ']' : a constant list is built once; others evaluate into
 * slots. */
static nnl_expr *p_list(P *p) {
  size_t off = p->start;
  next(p);
  const nnl_expr *items[256];
  uint32_t n = 0;
  bool constant = true;
  while (p->t != K_RB) {
    if (n == 256) return perr(p, p->start, "list literal too long (256 items)");
    nnl_expr *it = p_expr(p);
    if (!value_ok(p, it)) return NULL;
    constant = constant && it->op == E_LIT;
    items[n++] = it;
    if (!accept(p, K_COMMA)) break;
  }
  if (!expect(p, K_RB, "']' or ','")) return NULL;
  nnl_expr *e = mk(p, E_LIST, NNL_T_LIST, off);
  e->n = n;
  if (constant) {
    nnl_value *vals = nnl_arena_alloc(p->c->arena, (n ? n : 1) * sizeof *vals);
    for (uint32_t i = 0; i < n; i++) vals[i] = items[i]->lit;
    e->op = E_LIT;
    e->lit.type = NNL_V_LIST;
    e->lit.items = vals;
    e->lit.count = n;
    return e;
  }
  e->items = nnl_arena_alloc(p->c->arena, n * sizeof *e->items);
  memcpy(e->items, items, n * sizeof *e->items);
  e->slot = p->c->n_slots;
  p->c->n_slots += n;
  return e;
}

/* A name: variable, params.NAME or a model field. */
static nnl_expr *p_name(P *p) {
  nnl_compiler *c = p->c;
  const char *name = p->s + p->start;
  size_t n = p->end - p->start, off = p->start;
  for (uint32_t i = c->n_vars; i-- > 0;)
    if (c->vars[i].len == n && !memcmp(c->vars[i].name, name, n)) {
      nnl_expr *e = mk(p, E_VAR, (nnl_etype)c->vars[i].type, off);
      e->kind = c->vars[i].kind;
      e->slot = c->vars[i].slot;
      next(p);
      return e;
    }
  if (n == 6 && !memcmp(name, "params", 6)) {
    next(p);
    if (!expect(p, K_DOT, "'.' and a parameter name after 'params'")) return NULL;
    if (p->t != K_NAME) return perr(p, p->start, "expected a parameter name");
    const char *pn = p->s + p->start;
    size_t pl = p->end - p->start;
    near nr = {pn, pl, NULL, 99};
    for (uint32_t i = 0; i < c->n_params; i++) {
      if (strlen(c->params[i].name) == pl && !memcmp(c->params[i].name, pn, pl)) {
        const nnl_param *pr = &c->params[i];
        nnl_expr *e = mk(p, E_PARAM,
                         pr->def.type == NNL_V_NUM    ? NNL_T_NUM
                         : pr->def.type == NNL_V_BOOL ? NNL_T_BOOL
                                                      : NNL_T_STR,
                         off);
        e->param = pr;
        next(p);
        return e;
      }
      near_try(&nr, c->params[i].name);
    }
    char h[300], list[256] = "";
    for (uint32_t i = 0; i < c->n_params; i++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
               i ? ", " : "", c->params[i].name);
    const char *hint = near_hint(&nr, h, sizeof h);
    if (!*hint && c->n_params) snprintf(h, sizeof h, " (params: %s)", list), hint = h;
    if (!c->n_params) hint = " (the rule declares no params)";
    return perr(p, p->start, "unknown parameter '%.*s'%s", (int)pl, pn, hint);
  }
  char key[64];
  if (n < sizeof key) {
    memcpy(key, name, n);
    key[n] = '\0';
    int f = nnl_ir_field_lookup(NNL_O_MODEL, key);
    if (f >= 0) {
      uint8_t kind;
      nnl_expr *e = mk(p, E_ROOT, field_type(f, &kind), off);
      e->kind = kind;
      e->field = f;
      next(p);
      return e;
    }
  }
  near nr = {name, n, NULL, 99};
  for (uint32_t i = 0; i < c->n_vars; i++) near_try(&nr, c->vars[i].name);
  for (int i = 0; i < NNL_FLD__COUNT; i++)
    if (ftab[i].kind == NNL_O_MODEL) near_try(&nr, ftab[i].name);
  near_try(&nr, "params");
  char h[96];
  return perr(p, off, "unknown name '%.*s'%s", (int)n, name,
              near_hint(&nr, h, sizeof h));
}

static nnl_expr *p_primary(P *p) {
  nnl_expr *e;
  switch (p->t) {
  case K_NUM:
    e = mk(p, E_LIT, NNL_T_NUM, p->start);
    e->lit.type = NNL_V_NUM;
    e->lit.n = p->num;
    next(p);
    return e;
  case K_STR:
    e = mk(p, E_LIT, NNL_T_STR, p->start);
    e->lit.type = NNL_V_STR;
    e->lit.s = p->str;
    next(p);
    return e;
  case K_TRUE:
  case K_FALSE:
    e = mk(p, E_LIT, NNL_T_BOOL, p->start);
    e->lit.type = NNL_V_BOOL;
    e->lit.b = p->t == K_TRUE;
    next(p);
    return e;
  case K_SLASH: return p_regex(p);
  case K_LB: return p_list(p);
  case K_LP: {
    next(p);
    e = p_expr(p);
    if (!e || !expect(p, K_RP, "')'")) return NULL;
    return e;
  }
  case K_NAME: {
    /* a call when '(' follows the name directly or after spaces */
    size_t i = p->end;
    while (i < p->len && isspace((unsigned char)p->s[i])) i++;
    if (i < p->len && p->s[i] == '(') return p_call(p);
    return p_name(p);
  }
  case K_ERR: return NULL;
  default: {
    char b[40];
    return perr(p, p->start, "expected a value, got %s", tok_text(p, b, sizeof b));
  }
  }
}

/* postfix := primary ('.' NAME)* : fields resolve against the static
 * object kind. */
static nnl_expr *p_postfix(P *p) {
  nnl_expr *e = p_primary(p);
  while (e && p->t == K_DOT) {
    size_t dot = p->start;
    next(p);
    if (p->t != K_NAME) return perr(p, p->start, "expected a field name after '.'");
    const char *name = p->s + p->start;
    size_t n = p->end - p->start;
    char b[64];
    if (e->type == NNL_T_OBJLIST)
      return perr(p, dot,
                  "%s has no field '%.*s': use any(x in ...: x.%.*s ...) or "
                  "`for:`",
                  type_name(e, b, sizeof b), (int)n, name, (int)n, name);
    if (e->type != NNL_T_OBJ)
      return perr(p, dot, "%s has no fields", type_name(e, b, sizeof b));
    char key[64];
    int f = -1;
    if (n < sizeof key) {
      memcpy(key, name, n);
      key[n] = '\0';
      f = nnl_ir_field_lookup((nnl_objkind)e->kind, key);
    }
    if (f < 0) {
      near nr = {name, n, NULL, 99};
      for (int i = 0; i < NNL_FLD__COUNT; i++)
        if (ftab[i].kind == e->kind) near_try(&nr, ftab[i].name);
      char h[96];
      return perr(p, p->start, "unknown field '%.*s' of %s%s", (int)n, name,
                  nnl_objkind_name((nnl_objkind)e->kind),
                  near_hint(&nr, h, sizeof h));
    }
    uint8_t kind;
    nnl_expr *fe = mk(p, E_FIELD, field_type(f, &kind), e->off);
    fe->kind = kind;
    fe->field = f;
    fe->a = e;
    e = fe;
    next(p);
  }
  return e;
}

static nnl_expr *p_unary(P *p) {
  if (p->t != K_MINUS) return p_postfix(p);
  size_t off = p->start;
  if (!enter(p)) return NULL;
  next(p);
  nnl_expr *a = p_unary(p);
  p->depth--;
  if (!num_ok(p, a, "-")) return NULL;
  if (a->op == E_LIT) { /* fold -3 */
    a->lit.n = -a->lit.n;
    a->off = (uint32_t)off;
    return a;
  }
  nnl_expr *e = mk(p, E_NEG, NNL_T_NUM, off);
  e->a = a;
  return e;
}

/* Left-associative binary levels: prod and sum. */
static nnl_expr *p_arith(P *p, bool sum) {
  nnl_expr *l = sum ? p_arith(p, false) : p_unary(p);
  for (;;) {
    ktok t = p->t;
    eop op;
    if (sum && t == K_PLUS) op = E_ADD;
    else if (sum && t == K_MINUS) op = E_SUB;
    else if (!sum && t == K_STAR) op = E_MUL;
    else if (!sum && t == K_SLASH) op = E_DIV;
    else return l;
    if (!l) return NULL;
    size_t off = p->start;
    char opname[2] = {p->s[off], 0};
    next(p);
    nnl_expr *r = sum ? p_arith(p, false) : p_unary(p);
    if (!num_ok(p, l, opname) || !num_ok(p, r, opname)) return NULL;
    nnl_expr *e = mk(p, op, NNL_T_NUM, off);
    e->a = l;
    e->b = r;
    l = e;
  }
}

/* Are static types comparable with == / != ? */
static bool comparable(const nnl_expr *a, const nnl_expr *b) {
  if (a->type == NNL_T_ANY || b->type == NNL_T_ANY) return true;
  if (a->type != b->type) return false;
  return (a->type != NNL_T_OBJ && a->type != NNL_T_OBJLIST) || a->kind == b->kind;
}

static nnl_expr *p_cmp(P *p) {
  nnl_expr *l = p_arith(p, true);
  if (!l) return NULL;
  size_t off = p->start;
  eop op;
  switch (p->t) {
  case K_EQ: op = E_EQ; break;
  case K_NE: op = E_NE; break;
  case K_LT: op = E_LT; break;
  case K_LE: op = E_LE; break;
  case K_GT: op = E_GT; break;
  case K_GE: op = E_GE; break;
  case K_IN: op = E_IN; break;
  case K_MATCH: op = E_MATCH; break;
  case K_NOMATCH: op = E_NOMATCH; break;
  case K_NOT: {
    /* 'not in' */
    next(p);
    if (p->t != K_IN) {
      char b[40];
      return perr(p, off, "expected 'in' after 'not' here, got %s",
                  tok_text(p, b, sizeof b));
    }
    op = E_NOTIN;
    break;
  }
  default: return l;
  }
  char opname[8];
  snprintf(opname, sizeof opname, "%.*s", (int)(p->end - off), p->s + off);
  next(p);
  nnl_expr *r = p_arith(p, true);
  if (!r || !value_ok(p, l)) return NULL;
  char b1[64], b2[64];
  switch (op) {
  case E_MATCH:
  case E_NOMATCH:
    if (r->op != E_REGEX)
      return perr(p, r->off, "%s needs a /regular expression/ on its right", opname);
    if (l->type != NNL_T_STR && l->type != NNL_T_ANY)
      return perr(p, l->off, "%s matches a string, not %s", opname,
                  type_name(l, b1, sizeof b1));
    break;
  case E_IN:
  case E_NOTIN:
    if (!value_ok(p, r) || !list_ok(p, r, opname)) return NULL;
    break;
  case E_EQ:
  case E_NE:
    if (!value_ok(p, r)) return NULL;
    if (!comparable(l, r))
      return perr(p, off, "cannot compare %s with %s", type_name(l, b1, sizeof b1),
                  type_name(r, b2, sizeof b2));
    break;
  default:
    if (!num_ok(p, l, opname) || !num_ok(p, r, opname)) return NULL;
  }
  switch (p->t) {
  case K_EQ: case K_NE: case K_LT: case K_LE: case K_GT: case K_GE:
  case K_IN: case K_MATCH: case K_NOMATCH:
    return perr(p, p->start, "comparisons do not chain: use 'and'");
  default: break;
  }
  nnl_expr *e = mk(p, op, NNL_T_BOOL, off);
  e->a = l;
  e->b = r;
  return e;
}

static nnl_expr *p_not(P *p) {
  if (p->t != K_NOT) return p_cmp(p);
  size_t off = p->start;
  if (!enter(p)) return NULL;
  next(p);
  nnl_expr *a = p_not(p);
  p->depth--;
  if (!value_ok(p, a)) return NULL;
  nnl_expr *e = mk(p, E_NOT, NNL_T_BOOL, off);
  e->a = a;
  return e;
}

static nnl_expr *p_logic(P *p, bool is_or) {
  nnl_expr *l = is_or ? p_logic(p, false) : p_not(p);
  while (l && p->t == (is_or ? K_OR : K_AND)) {
    size_t off = p->start;
    next(p);
    nnl_expr *r = is_or ? p_logic(p, false) : p_not(p);
    if (!value_ok(p, l) || !value_ok(p, r)) return NULL;
    nnl_expr *e = mk(p, is_or ? E_OR : E_AND, NNL_T_BOOL, off);
    e->a = l;
    e->b = r;
    l = e;
  }
  return l;
}

static nnl_expr *p_expr(P *p) {
  if (!enter(p)) return NULL;
  nnl_expr *e = p_logic(p, true);
  p->depth--;
  return e;
}

static void p_init(P *p, nnl_compiler *c, const char *text, size_t len) {
  memset(p, 0, sizeof *p);
  p->c = c;
  p->s = text;
  p->len = len;
  c->msg[0] = '\0';
}

/* The whole text must be one expression. */
static nnl_expr *p_finish(P *p, nnl_expr *e) {
  if (!e) return NULL;
  if (p->t != K_EOF) {
    char b[40];
    return perr(p, p->start, "unexpected %s", tok_text(p, b, sizeof b));
  }
  return value_ok(p, e) ? e : NULL;
}

nnl_expr *nnl_expr_compile(nnl_compiler *c, const char *text, size_t len) {
  P p;
  p_init(&p, c, text, len);
  next(&p);
  if (p.t == K_EOF) return perr(&p, 0, "empty expression");
  return p_finish(&p, p_expr(&p));
}

nnl_expr *nnl_expr_compile_for(nnl_compiler *c, const char *text, size_t len) {
  P p;
  p_init(&p, c, text, len);
  next(&p);
  if (p.t != K_NAME) {
    char b[40];
    return perr(&p, p.start, "expected `VAR in LIST`, got %s",
                tok_text(&p, b, sizeof b));
  }
  const char *name = p.s + p.start;
  size_t n = p.end - p.start, off = p.start;
  next(&p);
  if (!expect(&p, K_IN, "'in'")) return NULL;
  nnl_expr *list = p_finish(&p, p_expr(&p));
  if (!list || !list_ok(&p, list, "for")) return NULL;
  if (!push_var(&p, name, n, off, list)) return NULL;
  return list;
}

uint32_t nnl_expr_for_slot(const nnl_compiler *c) {
  return c->n_vars ? c->vars[c->n_vars - 1].slot : 0;
}

nnl_tmpl *nnl_tmpl_compile(nnl_compiler *c, const char *text, size_t len) {
  struct part parts[128];
  uint32_t n = 0;
  nnl_buf lit = {0};
  P p;
  p_init(&p, c, text, len);
  p.tmpl = true;
  size_t i = 0;
  nnl_tmpl *t = NULL;
  for (;;) {
    bool end = i >= len;
    bool open = !end && text[i] == '{' && !(i + 1 < len && text[i + 1] == '{');
    if ((end || open) && lit.len) { /* flush literal text */
      if (n == 128) goto too_many;
      parts[n++] = (struct part){
          nnl_arena_strndup(c->arena, nnl_buf_str(&lit), lit.len), lit.len, NULL};
      lit.len = 0;
    }
    if (end) break;
    if (text[i] == '{' && !open) { nnl_buf_putc(&lit, '{'); i += 2; continue; }
    if (text[i] == '}') {
      if (i + 1 < len && text[i + 1] == '}') { nnl_buf_putc(&lit, '}'); i += 2; continue; }
      perr(&p, i, "unmatched '}' in template (write '}}' for a brace)");
      goto out;
    }
    if (!open) { nnl_buf_putc(&lit, text[i++]); continue; }
    /* {EXPR} */
    p.pos = i + 1;
    p.t = K_EOF;
    next(&p);
    if (p.t == K_RBRACE) { perr(&p, i, "empty placeholder '{}'"); goto out; }
    if (p.t == K_EOF) { perr(&p, i, "unclosed '{' in template"); goto out; }
    nnl_expr *e = p_expr(&p);
    if (!value_ok(&p, e)) goto out;
    if (p.t != K_RBRACE) {
      char b[40];
      if (p.t == K_EOF) perr(&p, i, "unclosed '{' in template");
      else perr(&p, p.start, "expected '}', got %s", tok_text(&p, b, sizeof b));
      goto out;
    }
    if (n == 128) goto too_many;
    parts[n++] = (struct part){NULL, 0, e};
    i = p.end;
  }
  t = nnl_arena_alloc(c->arena, sizeof *t);
  t->n = n;
  t->parts = nnl_arena_alloc(c->arena, (n ? n : 1) * sizeof *parts);
  memcpy(t->parts, parts, n * sizeof *parts);
  goto out;
too_many:
  perr(&p, i, "template has too many parts");
out:
  nnl_buf_free(&lit);
  return t;
}

void nnl_expr_free_regexes(nnl_regex_list *regexes) {
  for (uint32_t i = 0; i < regexes->len; i++) pcre2_code_free(regexes->items[i]);
  nnl_array_free(regexes);
}

/* ---- evaluation ---- */

/* A rule's regex meets the same few strings over and over (every layer's
 * "he_normal", now and then a "zeros"): the outcomes of recent matches are
 * kept, by regex and subject text, in a table indexed by both (so that
 * two subjects that alternate do not evict each other).  Matching is a
 * pure function of the two, so a kept outcome is the outcome. */
enum { RE_MEMO = 64, RE_MEMO_TEXT = 48 };
struct re_memo {
  const pcre2_code *re; /* NULL: empty */
  int rc;
  uint32_t n;
  char s[RE_MEMO_TEXT];
};

static int re_match(nnl_eval *ev, const pcre2_code *re, const char *s) {
  size_t n = strlen(s);
  struct re_memo *m = NULL;
  if (n < RE_MEMO_TEXT) {
    size_t h = ((uintptr_t)re >> 4) ^ n ^
               (n ? (size_t)(unsigned char)s[0] << 2 ^
                        (size_t)(unsigned char)s[n - 1] << 4 ^
                        (size_t)(unsigned char)s[n / 2] << 1
                  : 0);
    m = &ev->memo[h % RE_MEMO];
    if (m->re == re && m->n == n && memcmp(m->s, s, n) == 0) return m->rc;
  }
  int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, ev->match_data,
                       ev->match_ctx);
  if (m) {
    m->re = re;
    m->rc = rc;
    m->n = (uint32_t)n;
    memcpy(m->s, s, n);
  }
  return rc;
}

void nnl_eval_init(nnl_eval *ev, uint32_t n_slots) {
  memset(ev, 0, sizeof *ev);
  ev->slots = nnl_xcalloc(n_slots ? n_slots : 1, sizeof *ev->slots);
  ev->memo = nnl_xcalloc(RE_MEMO, sizeof *ev->memo);
  ev->match_data = pcre2_match_data_create(1, NULL);
  ev->match_ctx = pcre2_match_context_create(NULL);
  if (!ev->match_data || !ev->match_ctx) nnl_oom();
  /* a hostile subject string must not make a rule's regex run for ever */
  pcre2_set_match_limit(ev->match_ctx, 1000000);
  pcre2_set_depth_limit(ev->match_ctx, 10000);
}

void nnl_eval_free(nnl_eval *ev) {
  free(ev->slots);
  free(ev->memo);
  pcre2_match_data_free(ev->match_data);
  pcre2_match_context_free(ev->match_ctx);
  memset(ev, 0, sizeof *ev);
}

static bool is_unknown(const nnl_value *v) {
  return v->type == NNL_V_UNKNOWN || v->type == NNL_V_ABSENT;
}

/* A bool result: 1 true, 0 false, -1 unknown. */
static void set_tri(nnl_value *o, int t, nnl_span at) {
  memset(o, 0, sizeof *o);
  o->type = t < 0 ? NNL_V_UNKNOWN : NNL_V_BOOL;
  o->b = t == 1;
  o->at = at;
}

static void set_num(nnl_value *o, double n, nnl_span at) {
  memset(o, 0, sizeof *o);
  o->type = NNL_V_NUM;
  o->n = n;
  o->at = at;
}

static void set_unknown(nnl_value *o, nnl_span at) {
  memset(o, 0, sizeof *o);
  o->type = NNL_V_UNKNOWN;
  o->at = at;
}

/* Item i of a list value as a value. */
static void list_item(const nnl_value *l, uint32_t i, nnl_value *o) {
  if (l->type == NNL_V_LIST) {
    *o = l->items[i];
    return;
  }
  memset(o, 0, sizeof *o);
  o->type = NNL_V_OBJ;
  o->kind = l->kind;
  o->obj = (const char *)l->obj + (size_t)i * obj_size(l->kind);
  o->at = nnl_ir_obj_span((nnl_objkind)l->kind, o->obj);
}

/* Three-valued equality; strings compare like model names. */
static int eq3(const nnl_value *a, const nnl_value *b, int depth) {
  if (is_unknown(a) || is_unknown(b)) return -1;
  if (a->type != b->type) return 0;
  switch ((nnl_vtype)a->type) {
  case NNL_V_BOOL: return a->b == b->b;
  case NNL_V_NUM: return a->n == b->n;
  case NNL_V_STR: return nnl_name_eq(a->s, b->s);
  case NNL_V_OBJ: return a->kind == b->kind && a->obj == b->obj;
  case NNL_V_OBJLIST:
    return a->kind == b->kind && a->obj == b->obj && a->count == b->count;
  case NNL_V_LIST: {
    if (a->count != b->count) return 0;
    if (depth > 8) return -1; /* lists of lists do not occur in the IR */
    int r = 1;
    for (uint32_t i = 0; i < a->count && r != 0; i++) {
      int e = eq3(&a->items[i], &b->items[i], depth + 1);
      if (e <= 0) r = e < 0 ? (r == 0 ? 0 : -1) : 0;
    }
    return r;
  }
  default: return -1;
  }
}

/* Quantifier over a list: binds each item to the variable's slot. */
static void eval_quant(nnl_eval *ev, const nnl_expr *e, nnl_value *o) {
  nnl_value list;
  nnl_expr_eval(ev, e->a, &list);
  if (list.type != NNL_V_LIST && list.type != NNL_V_OBJLIST)
    return set_unknown(o, list.at);
  bool any_true = false, any_false = false, any_unknown = false;
  uint32_t trues = 0;
  for (uint32_t i = 0; i < list.count; i++) {
    list_item(&list, i, &ev->slots[e->slot]);
    int t = nnl_expr_truth(ev, e->b);
    if (t == 1) any_true = true, trues++;
    else if (t == 0) any_false = true;
    else any_unknown = true;
    if (e->op == E_ANY && any_true) break;
    if (e->op == E_ALL && any_false) break;
  }
  if (e->op == E_COUNT) return set_num(o, trues, list.at);
  if (e->op == E_ANY)
    return set_tri(o, any_true ? 1 : any_unknown ? -1 : 0, list.at);
  set_tri(o, any_false ? 0 : any_unknown ? -1 : 1, list.at);
}

/* A comparison, `in` or match: 1 true, 0 false, -1 unknown; *at is where
 * its left operand is written (the span of its value).  The right operand
 * is not evaluated when the left one already makes the result unknown. */
static int cond_tri(nnl_eval *ev, const nnl_expr *e, nnl_span *at) {
  nnl_value a, b;
  nnl_expr_eval(ev, e->a, &a);
  *at = a.at;
  switch ((eop)e->op) {
  case E_EQ:
  case E_NE: {
    if (is_unknown(&a)) return -1;
    nnl_expr_eval(ev, e->b, &b);
    int t = eq3(&a, &b, 0);
    return t < 0 ? -1 : e->op == E_EQ ? t : !t;
  }
  case E_LT:
  case E_LE:
  case E_GT:
  case E_GE:
    if (a.type != NNL_V_NUM || isnan(a.n)) return -1;
    nnl_expr_eval(ev, e->b, &b);
    if (b.type != NNL_V_NUM || isnan(b.n)) return -1;
    return e->op == E_LT ? a.n < b.n : e->op == E_LE ? a.n <= b.n
         : e->op == E_GT ? a.n > b.n : a.n >= b.n;
  case E_IN:
  case E_NOTIN: {
    if (is_unknown(&a)) return -1;
    nnl_expr_eval(ev, e->b, &b);
    if (b.type != NNL_V_LIST && b.type != NNL_V_OBJLIST) return -1;
    int found = 0;
    nnl_value it;
    for (uint32_t i = 0; i < b.count && found != 1; i++) {
      list_item(&b, i, &it);
      int t = eq3(&a, &it, 0);
      if (t != 0) found = t;
    }
    return found < 0 ? -1 : e->op == E_IN ? found : !found;
  }
  case E_MATCH:
  case E_NOMATCH: {
    if (a.type != NNL_V_STR) return -1;
    int rc = re_match(ev, e->b->re, a.s);
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) return -1;
    return e->op == E_MATCH ? rc >= 0 : rc < 0;
  }
  default: return -1;
  }
}

void nnl_expr_eval(nnl_eval *ev, const nnl_expr *e, nnl_value *o) {
  nnl_value a, b;
  switch ((eop)e->op) {
  case E_LIT: *o = e->lit; return;
  case E_REGEX: return set_unknown(o, NNL_NOSPAN); /* not a value */
  case E_LIST: {
    nnl_value *vals = &ev->slots[e->slot];
    for (uint32_t i = 0; i < e->n; i++) nnl_expr_eval(ev, e->items[i], &vals[i]);
    memset(o, 0, sizeof *o);
    o->type = NNL_V_LIST;
    o->items = vals;
    o->count = e->n;
    o->at = NNL_NOSPAN;
    return;
  }
  case E_ROOT: return nnl_ir_get(ev->m, ev->m, e->field, o);
  case E_VAR: *o = ev->slots[e->slot]; return;
  case E_PARAM: *o = e->param->cur; return;
  case E_FIELD:
    if (e->a->op == E_VAR) { /* `layer.units`: the bound object, not a copy */
      const nnl_value *base = &ev->slots[e->a->slot];
      if (base->type == NNL_V_OBJ)
        return nnl_ir_get(ev->m, base->obj, e->field, o);
      a = *base;
    } else {
      nnl_expr_eval(ev, e->a, &a);
    }
    if (a.type == NNL_V_OBJ) return nnl_ir_get(ev->m, a.obj, e->field, o);
    set_unknown(o, a.at);
    if (a.type == NNL_V_ABSENT) o->type = NNL_V_ABSENT;
    return;
  case E_NOT: {
    nnl_expr_eval(ev, e->a, &a);
    int t = nnl_value_truth(&a);
    return set_tri(o, t < 0 ? -1 : !t, a.at);
  }
  case E_AND:
  case E_OR: {
    /* Kleene: false and x = false; true or x = true */
    int stop = e->op == E_OR; /* the value that decides */
    nnl_expr_eval(ev, e->a, &a);
    int ta = nnl_value_truth(&a);
    if (ta == stop) return set_tri(o, stop, a.at);
    nnl_expr_eval(ev, e->b, &b);
    int tb = nnl_value_truth(&b);
    if (tb == stop) return set_tri(o, stop, a.at);
    return set_tri(o, ta < 0 || tb < 0 ? -1 : !stop, a.at);
  }
  case E_EQ: case E_NE: case E_LT: case E_LE: case E_GT: case E_GE:
  case E_IN: case E_NOTIN: case E_MATCH: case E_NOMATCH: {
    nnl_span at;
    int t = cond_tri(ev, e, &at);
    return set_tri(o, t, at);
  }
  case E_ADD:
  case E_SUB:
  case E_MUL:
  case E_DIV: {
    nnl_expr_eval(ev, e->a, &a);
    nnl_expr_eval(ev, e->b, &b);
    if (a.type != NNL_V_NUM || b.type != NNL_V_NUM) return set_unknown(o, a.at);
    if (e->op == E_DIV && b.n == 0) return set_unknown(o, a.at);
    double r = e->op == E_ADD ? a.n + b.n : e->op == E_SUB ? a.n - b.n
             : e->op == E_MUL ? a.n * b.n : a.n / b.n;
    return set_num(o, r, a.at);
  }
  case E_NEG:
  case E_ABS:
    nnl_expr_eval(ev, e->a, &a);
    if (a.type != NNL_V_NUM) return set_unknown(o, a.at);
    return set_num(o, e->op == E_NEG ? -a.n : fabs(a.n), a.at);
  case E_MIN:
  case E_MAX: {
    double r = 0;
    nnl_span at = NNL_NOSPAN;
    for (uint32_t i = 0; i < e->n; i++) {
      nnl_expr_eval(ev, e->items[i], &a);
      if (a.type != NNL_V_NUM) return set_unknown(o, a.at);
      if (i == 0 || (e->op == E_MIN ? a.n < r : a.n > r)) r = a.n, at = a.at;
    }
    return set_num(o, r, at);
  }
  case E_ANY:
  case E_ALL:
  case E_COUNT: return eval_quant(ev, e, o);
  case E_LEN:
    nnl_expr_eval(ev, e->a, &a);
    if (a.type == NNL_V_LIST || a.type == NNL_V_OBJLIST)
      return set_num(o, a.count, a.at);
    if (a.type == NNL_V_STR) return set_num(o, (double)strlen(a.s), a.at);
    return set_unknown(o, a.at);
  case E_KNOWN:
    nnl_expr_eval(ev, e->a, &a);
    return set_tri(o, !is_unknown(&a), a.at);
  }
  set_unknown(o, NNL_NOSPAN);
}

int nnl_expr_truth(nnl_eval *ev, const nnl_expr *e) {
  switch ((eop)e->op) {
  case E_AND:
  case E_OR: { /* as nnl_expr_eval's Kleene logic, without the values */
    int stop = e->op == E_OR;
    int ta = nnl_expr_truth(ev, e->a);
    if (ta == stop) return stop;
    int tb = nnl_expr_truth(ev, e->b);
    if (tb == stop) return stop;
    return ta < 0 || tb < 0 ? -1 : !stop;
  }
  case E_NOT: {
    int t = nnl_expr_truth(ev, e->a);
    return t < 0 ? -1 : !t;
  }
  case E_EQ: case E_NE: case E_LT: case E_LE: case E_GT: case E_GE:
  case E_IN: case E_NOTIN: case E_MATCH: case E_NOMATCH: {
    nnl_span at;
    return cond_tri(ev, e, &at);
  }
  case E_FIELD:
    if (e->a->op == E_VAR && ev->slots[e->a->slot].type == NNL_V_OBJ)
      return nnl_ir_truth(ev->m, ev->slots[e->a->slot].obj, e->field);
    /* fall through */
  default: {
    nnl_value v;
    nnl_expr_eval(ev, e, &v);
    return nnl_value_truth(&v);
  }
  }
}

bool nnl_expr_owner(nnl_eval *ev, const nnl_expr *e, nnl_value *obj) {
  if (e->op != E_FIELD) return false;
  nnl_expr_eval(ev, e->a, obj);
  return obj->type == NNL_V_OBJ;
}

/* ---- structure queries ---- */
static bool conj_walk(const nnl_expr *e, const nnl_expr **out, uint32_t cap,
                      uint32_t *n, int depth) {
  if (depth > NNL_MAX_DEPTH) return false;
  if (e->op == E_AND)
    return conj_walk(e->a, out, cap, n, depth + 1) &&
           conj_walk(e->b, out, cap, n, depth + 1);
  if (*n >= cap) return false;
  out[(*n)++] = e;
  return true;
}

uint32_t nnl_expr_conjuncts(const nnl_expr *e, const nnl_expr **out, uint32_t cap) {
  uint32_t n = 0;
  return conj_walk(e, out, cap, &n, 0) ? n : 0;
}

static bool uses_slot(const nnl_expr *e, uint32_t slot, int depth) {
  if (!e) return false;
  if (depth > NNL_MAX_DEPTH) return true;
  if (e->op == E_VAR) return e->slot == slot;
  if (e->op == E_LIT || e->op == E_REGEX || e->op == E_ROOT || e->op == E_PARAM)
    return false;
  if (uses_slot(e->a, slot, depth + 1) || uses_slot(e->b, slot, depth + 1)) return true;
  if (e->items && e->op != E_LIT)
    for (uint32_t i = 0; i < e->n; i++)
      if (uses_slot(e->items[i], slot, depth + 1)) return true;
  return false;
}

bool nnl_expr_uses_slot(const nnl_expr *e, uint32_t slot) {
  return uses_slot(e, slot, 0);
}

static bool is_var_field(const nnl_expr *e, uint32_t slot) {
  return e && e->op == E_FIELD && e->a->op == E_VAR && e->a->slot == slot;
}

nnl_need nnl_expr_item_need(const nnl_expr *e, uint32_t slot, int *field) {
  if (is_var_field(e, slot)) {
    *field = e->field;
    return NNL_NEED_TRUE;
  }
  if (e->op == E_NOT && is_var_field(e->a, slot)) {
    *field = e->a->field;
    return NNL_NEED_FALSE;
  }
  if (e->op == E_KNOWN && is_var_field(e->a, slot)) {
    *field = e->a->field;
    return NNL_NEED_KNOWN;
  }
  if (e->op == E_NOT) e = e->a; /* not unknown is unknown */
  switch ((eop)e->op) {
  /* unknown when an operand is unknown or absent (nnl_expr_eval) */
  case E_EQ: case E_NE: case E_LT: case E_LE: case E_GT: case E_GE:
  case E_IN: case E_NOTIN: case E_MATCH: case E_NOMATCH:
    if (is_var_field(e->a, slot)) *field = e->a->field;
    else if (is_var_field(e->b, slot)) *field = e->b->field;
    else return NNL_NEED_NONE;
    return NNL_NEED_KNOWN;
  default: return NNL_NEED_NONE;
  }
}

int nnl_expr_root_field(const nnl_expr *e) {
  return e->op == E_ROOT ? e->field : -1;
}

/* ---- printing values ---- */

/* Shortest text that reads back as the same double: 0.001, 256, 1e-07. */
static void fmt_num(double v, nnl_buf *out) {
  char b[40];
  if (isnan(v)) return nnl_buf_puts(out, "nan");
  if (isinf(v)) return nnl_buf_puts(out, v < 0 ? "-inf" : "inf");
  if (v == floor(v) && fabs(v) < 1e15) {
    /* a whole number: its digits, as "%.0f" prints them (0 for -0) */
    long long i = (long long)v;
    unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i
                                 : (unsigned long long)i;
    char *q = b + sizeof b;
    *--q = '\0';
    do *--q = (char)('0' + u % 10), u /= 10;
    while (u);
    if (i < 0) *--q = '-';
    return nnl_buf_puts(out, q);
  } else {
    for (int prec = 1; prec <= 17; prec++) {
      snprintf(b, sizeof b, "%.*g", prec, v);
      if (strtod(b, NULL) == v) break;
    }
  }
  nnl_buf_puts(out, b);
}

/* The name an object goes by in a message: its name, else its type. */
static void fmt_obj(uint8_t kind, const void *obj, nnl_buf *out) {
  const nnl_str *name = NULL, *type = NULL;
  switch (kind) {
  case NNL_O_MODEL: name = &((const nnl_model *)obj)->name; break;
  case NNL_O_LAYER:
    name = &((const nnl_layer *)obj)->name;
    type = &((const nnl_layer *)obj)->type;
    break;
  case NNL_O_INPUT: name = &((const nnl_input *)obj)->name; break;
  case NNL_O_OUTPUT: name = &((const nnl_output *)obj)->name; break;
  case NNL_O_OPTIMIZER: type = &((const nnl_optimizer *)obj)->type; break;
  default: break;
  }
  if (name && name->state == NNL_KNOWN && name->s) return nnl_buf_puts(out, name->s);
  if (type && type->state == NNL_KNOWN && type->s) return nnl_buf_puts(out, type->s);
  nnl_buf_puts(out, nnl_objkind_name((nnl_objkind)kind));
}

static void fmt_value(const nnl_value *v, nnl_buf *out, int depth) {
  switch ((nnl_vtype)v->type) {
  case NNL_V_BOOL: return nnl_buf_puts(out, v->b ? "true" : "false");
  case NNL_V_NUM: return fmt_num(v->n, out);
  case NNL_V_STR: return nnl_buf_puts(out, v->s);
  case NNL_V_OBJ: return fmt_obj(v->kind, v->obj, out);
  case NNL_V_LIST:
  case NNL_V_OBJLIST: {
    if (depth > 8) return nnl_buf_puts(out, "[...]");
    nnl_buf_putc(out, '[');
    for (uint32_t i = 0; i < v->count; i++) {
      if (i) nnl_buf_puts(out, ", ");
      if (i == 16) { nnl_buf_puts(out, "..."); break; }
      nnl_value it;
      list_item(v, i, &it);
      fmt_value(&it, out, depth + 1);
    }
    return nnl_buf_putc(out, ']');
  }
  default: return nnl_buf_putc(out, '?');
  }
}

void nnl_value_format(const nnl_value *v, nnl_buf *out) { fmt_value(v, out, 0); }

void nnl_tmpl_render(nnl_eval *ev, const nnl_tmpl *t, nnl_buf *out) {
  for (uint32_t i = 0; i < t->n; i++) {
    if (t->parts[i].text) {
      nnl_buf_put(out, t->parts[i].text, t->parts[i].len);
      continue;
    }
    nnl_value v;
    nnl_expr_eval(ev, t->parts[i].e, &v);
    nnl_value_format(&v, out);
  }
}
