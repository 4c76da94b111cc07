/*
 * keras_py.c - the Keras Python source front end (*.py).
 *
 *   bytes --tree-sitter-python--> syntax tree
 *         --one walk (build_table)--> a flat node table; the tree is freed
 *         --a small abstract interpreter--> keras objects, a tensor graph,
 *           models with their compile/fit calls
 *         --keras.c (the shared Keras vocabulary)--> IR, one model each
 *
 * The interpreter resolves what a reader resolves at a glance and nothing
 * more: imports and their aliases, module-level constants and simple
 * arithmetic on them, function calls with default arguments (inlined),
 * `for` loops over a known range or list (unrolled, bounded), lists built
 * with append/extend, the Sequential and functional APIs, Input, compile
 * and fit, and models subclassing keras.Model (layers assigned in __init__
 * and called in call()), a Lambda given a def by name (the def's body is
 * its code), numpy dtypes (np.uint8) and TensorFlow's initializer
 * functions (tf.zeros_initializer()).  Everything else is UNKNOWN: a variable it cannot
 * resolve, a call into code it does not see, a branch on a condition it
 * cannot decide.  Unknown values reach the IR as UNKNOWN fields or opaque
 * layers, and a model changed where the interpreter cannot follow (a layer
 * added under an undecidable `if`, a budget or depth limit reached) is
 * dropped: a dynamic construct never produces a finding.  Only training
 * calls may sit under such an `if` or loop: compile/fit there are taken as
 * run, and two of them that differ make the differing arguments unknown.
 * A learning rate set after construction (opt.learning_rate = v,
 * K.set_value(model.optimizer.lr, v), .assign(v), a LearningRateScheduler
 * callback) replaces the optimizer's.  A **dict the interpreter knows
 * gives keyword arguments.  A model never compiled or trained whose layers
 * all belong to another model (an encoder cut out of an autoencoder) is a
 * view of it and is not linted on its own (find_views).
 *
 * Files that import neither keras nor tensorflow are skipped.  A syntax
 * error is NN000 at the first ERROR or MISSING node.
 *
 * Bad input, NN000: what CPython itself refuses (invalid UTF-8 without a
 * coding declaration, at the first bad byte; brackets nested past
 * MAX_BRACKETS or blocks past MAX_INDENT, at the first too deep), more than
 * MAX_LINES lines (the parser's time and memory grow with them), a model
 * of more than NNL_MAX_LAYERS layers (at the call that passes it), and
 * numbers no model can have (keras.c's nnl_keras_report).
 *
 * Bounds: expression/statement nesting (MAX_NEST), inlined call depth
 * (MAX_CALLS), loop unrolling (MAX_ITERS per loop), and a work and memory
 * budget over the whole file (evaluated nodes, arena bytes); when one is
 * reached the interpreter stops following and every model of the file
 * becomes unknown.
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "keras.h"
#include "nnlint.h"
#include "report/report.h" /* nnl_utf8_seq */

const TSLanguage *tree_sitter_python(void);

enum {
  MAX_NEST = 200,       /* nested expressions and statements */
  MAX_CALLS = 24,       /* inlined user-function calls */
  MAX_ITERS = 10000,    /* one unrolled loop */
  MAX_KVAL_DEPTH = 32,  /* nesting of arguments handed to keras.c */
  MAX_GRAPH = NNL_MAX_LAYERS,
  /* CPython's own bounds (its tokenizer's MAXLEVEL and MAXINDENT): a file
   * past them is refused by the interpreter, so it is bad input */
  MAX_BRACKETS = 200,   /* open ( [ { at once */
  MAX_INDENT = 100,     /* indented blocks inside each other */
  MAX_LINES = NNL_MAX_LAYERS /* lines parsed (the parser's time and memory) */
};

/* ---- values ---- */
typedef enum vkind {
  V_UNK = 0, /* not resolvable */
  V_NONE,
  V_BOOL,
  V_NUM,
  V_STR,
  V_SEQ,    /* list or tuple: seq */
  V_DICT,   /* string keys: dict */
  V_MOD,    /* a dotted name from an import: s ("keras.layers.Dense") */
  V_FUNC,   /* a user function: node */
  V_CLASS,  /* a user class: node, cls_kind */
  V_INST,   /* an instance of a user Model/Layer subclass being built */
  V_OBJ,    /* a Keras object made by a call: obj */
  V_TENSOR, /* a node of the tensor graph: tensor */
  V_MODEL,  /* a model: model */
  V_BOUND,  /* a method of self_v: s */
  V_CODE,   /* a lambda or function passed as code: s is its text */
  V_BUILTIN /* a Python builtin: s */
} vkind;

typedef struct val val;
typedef NNL_ARRAY(int32_t) ids;

/* A node of the syntax tree, by its index in the document's node table
 * (p->nd, built in one walk of the tree-sitter tree); 0 is no node. */
typedef uint32_t nid;

/* Arrays that live as long as the document's values grow in the arena
 * (old blocks stay there: at most twice the final size). */
#define APUSH(p, arr, v)                                                       \
  (agrow((p), (void **)&(arr)->items, &(arr)->cap, (arr)->len,                 \
         sizeof *(arr)->items),                                                \
   (arr)->items[(arr)->len++] = (v))
typedef struct py py;
static void agrow(py *p, void **items, uint32_t *cap, uint32_t len, size_t elem);

typedef struct pseq {
  NNL_ARRAY(val *) it;
  bool unknown; /* changed in ways not followed */
} pseq;
typedef struct pdict {
  NNL_ARRAY(const char *) keys; /* "" for a key that is not a string */
  NNL_ARRAY(val *) vals;
  bool unknown; /* changed in ways not followed */
} pdict;

/* The arguments of a call, evaluated. */
typedef struct pargs {
  NNL_ARRAY(val *) pos;
  NNL_ARRAY(const char *) kw;
  NNL_ARRAY(nnl_span) kw_at;
  NNL_ARRAY(val *) kwv;
  int pos_splat; /* index of a *args, or -1 */
  bool kw_splat; /* a **kwargs */
  nnl_span at;   /* the whole call */
} pargs;

typedef enum ocat {
  O_LAYER, O_INPUT, O_OPT, O_INIT, O_REG, O_LOSS, O_METRIC,
  O_OPAQUE, /* a pretrained application, a custom layer class */
  O_AUGMENT, /* an image data generator */
  O_OTHER
} ocat;

typedef struct pobj {
  uint8_t cat;
  const char *cls; /* "Dense" */
  nnl_span cls_at;
  pargs *a;
  int32_t app_in, app_out; /* O_OPAQUE: lazily made .input/.output nodes */
  int32_t node;            /* its last application (graph node), or -1 */
  uint32_t napps;          /* how many times it was applied */
} pobj;

/* A node of the tensor graph: one layer application (or an Input). */
typedef struct gnode {
  pobj *o;       /* the layer (O_INPUT: an Input), NULL: unknown source */
  nnl_span at;
  int32_t *in;
  uint32_t nin;
} gnode;

typedef enum mkind { M_SEQ, M_FUNC, M_SUB } mkind;
typedef struct pmodel {
  uint8_t kind;
  bool dynamic;  /* changed where the interpreter cannot follow */
  nnl_span at;
  val *name;
  NNL_ARRAY(val *) seq;     /* M_SEQ: its layers in order */
  ids ins;                  /* M_FUNC/M_SUB */
  ids outs;
  pargs *compile, *fit;
  const char *fit_method;   /* "fit", "fit_generator", "train_on_batch" */
  const char *var;          /* the first name it was bound to, or NULL */
  val *lr_set;              /* model.optimizer.learning_rate = v, or NULL */
  bool lr_sched;            /* fit with a LearningRateScheduler callback */
  struct pmodel *view_of;   /* a view of that model's layers: not linted */
  nnl_span eval_at;         /* an evaluate() call, or NOSPAN */
  bool augmented;           /* fit fed from an augmenting generator */
} pmodel;

typedef struct scope scope;
typedef struct pinst {
  scope *attrs;
  nid cls;
  bool is_model;
} pinst;

/* A value: 32 bytes, its payload by kind (k). */
struct val {
  uint8_t k;
  bool b;           /* V_BOOL; V_SEQ: a tuple */
  uint8_t cls_kind; /* V_CLASS: 0 plain, 1 Model subclass, 2 Layer */
  int32_t tensor;   /* V_TENSOR */
  nnl_span at;
  const char *s;    /* V_STR, V_MOD, V_BOUND, V_CODE, V_BUILTIN */
  union {
    double n;       /* V_NUM */
    pseq *seq;      /* V_SEQ */
    pdict *dict;    /* V_DICT */
    pobj *obj;      /* V_OBJ */
    pmodel *model;  /* V_MODEL */
    nid node;       /* V_FUNC, V_CLASS */
    val *self_v;    /* V_BOUND */
    pinst *inst;    /* V_INST */
  };
};

/* ---- scopes: open hashing from a name to a value ---- */
typedef struct sent {
  const char *name;
  val *v;
} sent;
struct scope {
  sent *tab;
  uint32_t cap, len;
};

/* ---- the interpreter ---- */
typedef enum flow { F_NEXT, F_RETURN, F_BREAK, F_CONTINUE } flow;

struct py {
  nnl_ctx *cx;
  nnl_doc *doc;
  nnl_arena *a;
  const char *src;
  scope globals;
  scope *locals;        /* current function scope, or NULL at module level */
  NNL_ARRAY(gnode) nodes;
  uint8_t *gseen;       /* graph_to_ir: per graph node, 0 between models */
  int32_t *gmap;        /* graph_to_ir: graph node -> IR reference */
  NNL_ARRAY(pmodel *) models;
  NNL_ARRAY(val *) funcs; /* top-level functions, in order */
  NNL_ARRAY(const char *) star; /* modules imported with * */
  uint64_t work, budget; /* evaluated nodes, and their limit */
  size_t mem_budget;      /* arena bytes the interpreter may use */
  int nest, calls, taint;
  bool gave_up;        /* a limit was reached: every model is unknown */
  bool augment_seen;   /* an augmenting generator or layer exists */
  nnl_span too_many_at; /* where a model passed NNL_MAX_LAYERS, or NOSPAN */
  val *ret;
  bool ret_unknown;     /* a return under an undecidable branch */
  const struct pnode *nd; /* the syntax tree, p->nd[0] unused */
  const nid *kid;       /* children lists (pnode.kids) */
  const struct pfield *fld; /* field lists (pnode.flds) */
  const char **ntext;   /* interned text per node, made on first use */
  uint8_t *called;      /* per node: a def inlined at least once */
  struct istr *names;   /* interned source texts (open addressing) */
  uint32_t names_cap, names_len;
  NNL_ARRAY(scope *) inst_attrs; /* the instances' attribute tables */
  struct pmemo *memo;   /* (pointer, pointer) -> pointer results */
  uint32_t memo_cap, memo_len;
};

static val UNKNOWN_V = {.k = V_UNK, .at = {UINT32_MAX, 0}};
static val NONE_V = {.k = V_NONE, .at = {UINT32_MAX, 0}};

/* ---- small helpers ---- */
static void agrow(py *p, void **items, uint32_t *cap, uint32_t len, size_t elem) {
  if (len < *cap) return;
  if (*cap > UINT32_MAX / 4) nnl_oom();
  uint32_t ncap = *cap ? *cap * 2 : 4;
  void *nb = nnl_arena_alloc(p->a, (size_t)ncap * elem);
  if (len) memcpy(nb, *items, (size_t)len * elem);
  *items = nb;
  *cap = ncap;
}

/* ---- the grammar's node kinds and fields, looked up once ----
 * The interpreter never compares ts_node_type strings: every grammar
 * symbol is mapped once (per process) to one of the kinds below by its
 * name, and every field name to its id; a node's kind is then one table
 * read.  Symbols that share a name share a kind, as ts_node_type would. */
#define NODE_KINDS(X)                                                          \
  X(identifier) X(integer) X(float) X(true) X(false) X(none) X(string)         \
  X(string_content) X(interpolation) X(escape_sequence)                        \
  X(concatenated_string) X(tuple) X(list) X(dictionary) X(pair)                \
  X(expression_list) X(parenthesized_expression) X(subscript) X(call)          \
  X(attribute) X(keyword_argument) X(list_splat) X(dictionary_splat)           \
  X(generator_expression) X(not_operator) X(comparison_operator)               \
  X(conditional_expression) X(binary_operator) X(boolean_operator)             \
  X(unary_operator) X(lambda) X(assignment) X(augmented_assignment)            \
  X(pattern_list) X(tuple_pattern) X(list_pattern) X(comment)                  \
  X(default_parameter) X(typed_default_parameter) X(typed_parameter)           \
  X(expression_statement) X(import_statement) X(import_from_statement)         \
  X(dotted_name) X(wildcard_import) X(aliased_import)                          \
  X(function_definition) X(class_definition) X(decorated_definition)           \
  X(if_statement) X(elif_clause) X(else_clause) X(for_statement)               \
  X(while_statement) X(with_statement) X(try_statement) X(except_clause)       \
  X(finally_clause) X(return_statement) X(break_statement)                     \
  X(continue_statement) X(block) X(list_comprehension) X(for_in_clause)     \
  X(if_clause) X(delete_statement) X(ERROR)

#define FIELDS(X)                                                              \
  X(alias) X(alternative) X(argument) X(arguments) X(attribute) X(body)       \
  X(condition) X(consequence) X(definition) X(function) X(key) X(left)        \
  X(module_name) X(name) X(object) X(operator) X(parameters) X(right)         \
  X(subscript) X(superclasses) X(value)

enum {
  K_NULL = 0, /* a null node */
  K_OTHER,    /* any kind the interpreter does not name */
#define X(n) K_##n,
  NODE_KINDS(X)
#undef X
  K_COUNT
};
static const char *const kind_names[K_COUNT] = {
#define X(n) [K_##n] = #n,
    NODE_KINDS(X)
#undef X
};

enum {
#define X(n) FLD_##n,
  FIELDS(X)
#undef X
  FLD_COUNT
};
static const char *const field_names[FLD_COUNT] = {
#define X(n) #n,
    FIELDS(X)
#undef X
};

static uint8_t *sym_kind; /* grammar symbol -> K_*, sym_count entries */
static bool *sym_named;   /* grammar symbol -> a named node (ts_node_is_named) */
static uint32_t sym_count;
static int8_t *sym_bracket; /* grammar symbol -> +1 ( [ {, -1 ) ] }, else 0 */
static uint8_t *fld_of_ts; /* tree-sitter field id -> FLD_* + 1, or 0 */
static uint32_t fld_ts_count;
static bool wants_fields[K_COUNT]; /* kinds whose fields the interpreter reads */
static bool token_fields[K_COUNT]; /* ... and whose fields may be tokens */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static uint8_t kind_by_name(const char *name) {
  for (int k = K_OTHER + 1; k < K_COUNT; k++)
    if (strcmp(kind_names[k], name) == 0) return (uint8_t)k;
  return K_OTHER;
}

static void tables_init(void) {
  const TSLanguage *lang = tree_sitter_python();
  sym_count = ts_language_symbol_count(lang);
  sym_kind = nnl_xmalloc(sym_count ? sym_count : 1);
  sym_named = nnl_xcalloc(sym_count ? sym_count : 1, sizeof *sym_named);
  for (uint32_t i = 0; i < sym_count; i++) {
    const char *nm = ts_language_symbol_name(lang, (TSSymbol)i);
    sym_kind[i] = nm ? kind_by_name(nm) : K_OTHER;
    sym_named[i] = ts_language_symbol_type(lang, (TSSymbol)i) == TSSymbolTypeRegular;
  }
  sym_bracket = nnl_xcalloc(sym_count ? sym_count : 1, 1);
  for (int i = 0; i < 3; i++) {
    TSSymbol o = ts_language_symbol_for_name(lang, &"([{"[i], 1, false);
    TSSymbol c = ts_language_symbol_for_name(lang, &")]}"[i], 1, false);
    if (o && o < sym_count) sym_bracket[o] = 1;
    if (c && c < sym_count) sym_bracket[c] = -1;
  }
  fld_ts_count = ts_language_field_count(lang) + 1u;
  fld_of_ts = nnl_xcalloc(fld_ts_count, 1);
  for (int f = 0; f < FLD_COUNT; f++) {
    TSFieldId id = ts_language_field_id_for_name(
        lang, field_names[f], (uint32_t)strlen(field_names[f]));
    if (id && id < fld_ts_count) fld_of_ts[id] = (uint8_t)(f + 1);
  }
  static const uint8_t with_fields[] = {
      K_call, K_attribute, K_keyword_argument, K_not_operator, K_subscript,
      K_assignment, K_augmented_assignment, K_binary_operator,
      K_boolean_operator, K_unary_operator, K_pair, K_import_statement,
      K_import_from_statement, K_aliased_import, K_default_parameter,
      K_typed_default_parameter, K_function_definition, K_class_definition,
      K_decorated_definition, K_if_statement, K_elif_clause, K_else_clause,
      K_for_statement, K_while_statement, K_with_statement, K_try_statement,
      K_list_comprehension, K_for_in_clause};
  for (size_t i = 0; i < sizeof with_fields; i++) wants_fields[with_fields[i]] = true;
  /* the operator field is the only token the interpreter reads by field */
  token_fields[K_binary_operator] = token_fields[K_boolean_operator] = true;
  token_fields[K_unary_operator] = token_fields[K_augmented_assignment] = true;
}

/* The kind of a tree-sitter node; symbols outside the table (ERROR) by
 * their name. */
static int ts_kind(TSNode n) {
  if (ts_node_is_null(n)) return K_NULL;
  TSSymbol s = ts_node_symbol(n);
  return s < sym_count ? sym_kind[s] : kind_by_name(ts_node_type(n));
}

static nnl_span ts_span(TSNode n) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  return (nnl_span){s, e >= s ? e - s : 0};
}

/* ---- the syntax tree as a table ----
 * One walk of the tree-sitter tree (build_table) copies what the
 * interpreter reads into flat arrays: per node its kind, its bytes, its
 * named children (comments left out) and the first child of each field.
 * The tree-sitter tree is freed before the interpreter runs, which then
 * reaches any node's kind, text, children or field in a few loads, however
 * often it runs a function body.  Only named nodes and the tokens that fill
 * a field (an operator) get an entry; node 0 is "no node" (kind K_NULL,
 * no children, no fields, span {0, 0}: what tree-sitter gives for a null
 * node). */
struct pnode {
  uint32_t off, len;    /* bytes */
  uint32_t kids, nkids; /* p->kid[kids .. kids + nkids) */
  uint32_t flds;        /* p->fld[flds .. flds + nflds) */
  uint8_t nflds;
  uint8_t kind;         /* K_* */
  bool comments;        /* a comment is among its named children */
};
struct pfield {
  nid node;             /* the first child in this field */
  uint32_t f;           /* FLD_* */
};

static int kind(py *p, nid n) { return p->nd[n].kind; }
static bool is(py *p, nid n, int k) { return p->nd[n].kind == k; }
static nnl_span span_of(py *p, nid n) {
  return (nnl_span){p->nd[n].off, p->nd[n].len};
}


/* ---- interned texts and memoized results ----
 * A source text (an identifier, an attribute, a keyword) is copied once per
 * document: equal texts give the same pointer, so the results derived from
 * a name (its qualified name, its canonical Keras spelling, a layer's
 * positional keywords) are computed once and found again by pointer. */
struct istr {
  const char *s;
  uint32_t len, hash;
};
struct pmemo {
  const void *a, *b;
  const char *v;
};

static uint32_t hash_bytes(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* The interned copy of s[0..n) (NUL-terminated, in the document's arena). */
static const char *intern(py *p, const char *s, size_t n) {
  if (n > UINT32_MAX / 2) return nnl_arena_strndup(p->a, s, n);
  if ((p->names_len + 1) * 2 > p->names_cap) {
    uint32_t ncap = p->names_cap ? p->names_cap * 2 : 1024;
    if (ncap <= p->names_cap) nnl_oom();
    struct istr *t = nnl_xcalloc(ncap, sizeof *t);
    for (uint32_t i = 0; i < p->names_cap; i++) {
      if (!p->names[i].s) continue;
      uint32_t j = p->names[i].hash & (ncap - 1);
      while (t[j].s) j = (j + 1) & (ncap - 1);
      t[j] = p->names[i];
    }
    free(p->names);
    p->names = t;
    p->names_cap = ncap;
  }
  uint32_t h = hash_bytes(s, n), i = h & (p->names_cap - 1);
  for (; p->names[i].s; i = (i + 1) & (p->names_cap - 1))
    if (p->names[i].hash == h && p->names[i].len == n &&
        memcmp(p->names[i].s, s, n) == 0)
      return p->names[i].s;
  p->names[i] = (struct istr){nnl_arena_strndup(p->a, s, n), (uint32_t)n, h};
  p->names_len++;
  return p->names[i].s;
}

/* The text of node n, interned (once per node). */
static const char *text(py *p, nid n) {
  if (p->ntext[n]) return p->ntext[n];
  nnl_span s = span_of(p, n);
  return p->ntext[n] = intern(p, p->src + s.off, s.len);
}

/* The slot of key (a, b) in the memo table: v is NULL when not yet
 * computed (a computed NULL is stored as memo_none). */
static const char memo_none[] = "";
static struct pmemo *memo_slot(py *p, const void *a, const void *b) {
  if ((p->memo_len + 1) * 2 > p->memo_cap) {
    uint32_t ncap = p->memo_cap ? p->memo_cap * 2 : 256;
    if (ncap <= p->memo_cap) nnl_oom();
    struct pmemo *t = nnl_xcalloc(ncap, sizeof *t);
    for (uint32_t i = 0; i < p->memo_cap; i++) {
      struct pmemo *e = &p->memo[i];
      if (!e->v) continue;
      uint32_t j = (uint32_t)(((uintptr_t)e->a >> 3) * 2654435761u ^ (uintptr_t)e->b) & (ncap - 1);
      while (t[j].v) j = (j + 1) & (ncap - 1);
      t[j] = *e;
    }
    free(p->memo);
    p->memo = t;
    p->memo_cap = ncap;
  }
  uint32_t i = (uint32_t)(((uintptr_t)a >> 3) * 2654435761u ^ (uintptr_t)b) & (p->memo_cap - 1);
  for (; p->memo[i].v; i = (i + 1) & (p->memo_cap - 1))
    if (p->memo[i].a == a && p->memo[i].b == b) return &p->memo[i];
  p->memo[i].a = a;
  p->memo[i].b = b;
  return &p->memo[i];
}

/* Store v (NULL allowed) in an empty memo slot; returns v. */
static const char *memo_put(py *p, struct pmemo *e, const char *v) {
  e->v = v ? v : memo_none;
  p->memo_len++;
  return v;
}

static bool text_is(py *p, nid n, const char *s) {
  nnl_span sp = span_of(p, n);
  return strlen(s) == sp.len && memcmp(p->src + sp.off, s, sp.len) == 0;
}

static val *mk(py *p, vkind k, nnl_span at) {
  val *v = nnl_arena_alloc(p->a, sizeof *v);
  v->k = (uint8_t)k;
  v->at = at;
  v->tensor = -1;
  return v;
}

static val *unk(py *p, nnl_span at) {
  val *v = mk(p, V_UNK, at);
  return v;
}

static val *num(py *p, double x, nnl_span at) {
  val *v = mk(p, V_NUM, at);
  v->n = x;
  return v;
}

/* The first child of n in field f, or 0. */
static nid field(py *p, nid n, int f) {
  const struct pnode *x = &p->nd[n];
#ifdef NNL_KPY_VERIFY
  if (n && !wants_fields[x->kind]) {
    fprintf(stderr, "verify: field %s asked of a node of kind %d\n", field_names[f], x->kind);
    abort();
  }
#endif
  for (uint32_t i = 0; i < x->nflds; i++)
    if (p->fld[x->flds + i].f == (uint32_t)f) return p->fld[x->flds + i].node;
  return 0;
}

/* The named children of n except comments: a view into the node table
 * (not freed by the caller). */
typedef struct nodes {
  const nid *items;
  uint32_t len;
} nodes;
static void kids(py *p, nid n, nodes *out) {
  out->items = p->kid + p->nd[n].kids;
  out->len = p->nd[n].nkids;
}

/* Spend one unit of work; false once the budget is gone. */
static bool spend(py *p) {
  if (p->gave_up) return false;
  if (++p->work > p->budget ||
      ((p->work & 1023) == 0 && p->a->total > p->mem_budget)) {
    p->gave_up = true;
    return false;
  }
  return true;
}

/* ---- scopes ---- */
/* Names in scopes are interned (intern()): equal names are one pointer,
 * so a slot is found by the pointer alone. */
static sent *slot(scope *sc, const char *name) {
  if (!sc->cap) return NULL;
  uint32_t i = (uint32_t)(((uintptr_t)name >> 4) * 2654435761u) & (sc->cap - 1);
  while (sc->tab[i].name && sc->tab[i].name != name)
    i = (i + 1) & (sc->cap - 1);
  return &sc->tab[i];
}

static val *scope_get(scope *sc, const char *name) {
  sent *e = slot(sc, name);
  return e && e->name ? e->v : NULL;
}

static void scope_set(scope *sc, const char *name, val *v) {
  if ((sc->len + 1) * 2 > sc->cap) {
    uint32_t ncap = sc->cap ? sc->cap * 2 : 16;
    sent *old = sc->tab;
    uint32_t ocap = sc->cap;
    sc->tab = nnl_xcalloc(ncap, sizeof *sc->tab);
    sc->cap = ncap;
    sc->len = 0;
    for (uint32_t i = 0; i < ocap; i++)
      if (old[i].name) scope_set(sc, old[i].name, old[i].v);
    free(old);
  }
  sent *e = slot(sc, name);
  if (!e->name) e->name = name, sc->len++;
  e->v = v;
}

static void scope_free(scope *sc) {
  free(sc->tab);
  sc->tab = NULL;
  sc->cap = sc->len = 0;
}

/* ---- Keras names ----
 * Every spelling of the Keras namespace becomes "keras.": tf.keras,
 * tensorflow.python.keras, tf_keras, keras.src, tf.compat.v1.keras. */
static const char *canon_of(py *p, const char *q) {
  static const char *const pre[] = {
      "tensorflow.python.keras.", "tensorflow.compat.v1.keras.",
      "tensorflow.compat.v2.keras.", "tensorflow.keras.", "tf_keras.",
      "keras.src.", "keras._tf_keras.keras.", "keras.api._v2.keras.",
      "keras.api.", NULL};
  for (int again = 0; again < 3; again++) {
    bool hit = false;
    for (const char *const *x = pre; *x; x++) {
      size_t n = strlen(*x);
      if (strncmp(q, *x, n) == 0) {
        /* q + n - 6 points at "keras." inside the prefix's end */
        q = nnl_arena_printf(p->a, "keras.%s", q + n);
        hit = true;
        break;
      }
    }
    if (!hit) break;
  }
  if (strcmp(q, "tensorflow.keras") == 0 || strcmp(q, "tf_keras") == 0)
    return "keras";
  return q;
}

/* canon_of, once per string (q is never changed once made). */
static const char *canon(py *p, const char *q) {
  struct pmemo *e = memo_slot(p, q, NULL);
  if (e->v) return e->v;
  return memo_put(p, e, canon_of(p, q));
}

static const char *last_part(const char *q) {
  const char *d = strrchr(q, '.');
  return d ? d + 1 : q;
}

static bool has_part(const char *q, const char *part) {
  size_t n = strlen(part);
  for (const char *s = q; (s = strstr(s, part)); s += n)
    if ((s == q || s[-1] == '.') && (s[n] == '.' || s[n] == '\0')) return true;
  return false;
}

static bool is_keras_import(const char *mod) {
  return strncmp(mod, "keras", 5) == 0 || strncmp(mod, "tensorflow", 10) == 0 ||
         strncmp(mod, "tf_keras", 8) == 0;
}

/* ---- forward declarations ---- */
static val *eval(py *p, nid n);
static flow exec_block(py *p, nid n);
static val *call_value(py *p, val *fn, pargs *a, nid call);
static const char *positional(py *p, const char *cls, uint32_t i);

/* ---- the tensor graph ---- */
static void too_many_layers(py *p, nnl_span at);
static int32_t add_node(py *p, pobj *o, nnl_span at, int32_t *in, uint32_t nin) {
  if (p->nodes.len >= MAX_GRAPH) {
    too_many_layers(p, at);
    return -1;
  }
  gnode *g = nnl_array_grow1(&p->nodes);
  g->o = o;
  g->at = at;
  g->in = in;
  g->nin = nin;
  return (int32_t)(p->nodes.len - 1);
}

static val *tensor(py *p, int32_t id, nnl_span at) {
  if (id < 0) return unk(p, at);
  val *v = mk(p, V_TENSOR, at);
  v->tensor = id;
  return v;
}

static pargs *new_args(py *p, nnl_span at) {
  pargs *a = nnl_arena_alloc(p->a, sizeof *a);
  a->pos_splat = -1;
  a->at = at;
  return a;
}

static pobj *new_obj(py *p, ocat cat, const char *cls, nnl_span cls_at,
                     pargs *a) {
  pobj *o = nnl_arena_alloc(p->a, sizeof *o);
  o->cat = (uint8_t)cat;
  o->cls = cls;
  o->cls_at = cls_at;
  o->a = a ? a : new_args(p, cls_at);
  o->app_in = o->app_out = o->node = -1;
  return o;
}

/* Collect the graph nodes a value holds (a tensor, or lists of them);
 * *unknown is set when some part is not a tensor. */
static void collect(py *p, val *v, ids *out, bool *unknown,
                    int depth) {
  if (!v || depth > 8) {
    *unknown = true;
    return;
  }
  if (v->k == V_TENSOR) {
    APUSH(p, out, v->tensor);
  } else if (v->k == V_SEQ && !v->seq->unknown) {
    for (uint32_t i = 0; i < v->seq->it.len; i++)
      collect(p, v->seq->it.items[i], out, unknown, depth + 1);
  } else if (v->k == V_DICT) {
    for (uint32_t i = 0; i < v->dict->vals.len; i++)
      collect(p, v->dict->vals.items[i], out, unknown, depth + 1);
  } else if (v->k == V_OBJ && v->obj->cat == O_OPAQUE && v->obj->app_out >= 0) {
    APUSH(p, out, v->obj->app_out);
  } else {
    *unknown = true;
  }
}

/* Apply a layer (or an opaque op when o is NULL or not a layer) to the
 * tensors found in v: a new graph node.  Inputs that are not tensors
 * become an unknown source feeding it. */
static val *apply(py *p, pobj *o, val *v, nnl_span at) {
  ids in = {0};
  bool unknown = false;
  collect(p, v, &in, &unknown, 0);
  if (unknown || in.len == 0) {
    int32_t src = add_node(p, NULL, v ? v->at : at, NULL, 0);
    if (src >= 0) APUSH(p, &in, src);
  }
  int32_t id = add_node(p, o, at, in.items, in.len);
  if (o && id >= 0) {
    o->node = id;
    o->napps++;
  }
  return tensor(p, id, at);
}

/* A synthetic layer (Add for `x + y`, Activation for tf.nn.relu(x)). */
static pobj *synth(py *p, const char *cls, nnl_span at, const char *act) {
  pobj *o = new_obj(p, O_LAYER, cls, at, NULL);
  if (act) {
    val *s = mk(p, V_STR, at);
    s->s = act;
    APUSH(p, &o->a->kw, "activation");
    APUSH(p, &o->a->kw_at, at);
    APUSH(p, &o->a->kwv, s);
  }
  return o;
}

static bool any_tensor(pargs *a) {
  for (uint32_t i = 0; i < a->pos.len; i++) {
    val *v = a->pos.items[i];
    if (v->k == V_TENSOR) return true;
    if (v->k == V_SEQ)
      for (uint32_t j = 0; j < v->seq->it.len; j++)
        if (v->seq->it.items[j]->k == V_TENSOR) return true;
  }
  for (uint32_t i = 0; i < a->kwv.len; i++)
    if (a->kwv.items[i]->k == V_TENSOR) return true;
  return false;
}

/* All tensors of a call's arguments, as one list value. */
static val *all_tensors(py *p, pargs *a) {
  val *v = mk(p, V_SEQ, a->at);
  v->seq = nnl_arena_alloc(p->a, sizeof *v->seq);
  for (uint32_t i = 0; i < a->pos.len; i++) {
    val *x = a->pos.items[i];
    if (x->k == V_TENSOR || x->k == V_SEQ) APUSH(p, &v->seq->it, x);
  }
  for (uint32_t i = 0; i < a->kwv.len; i++)
    if (a->kwv.items[i]->k == V_TENSOR) APUSH(p, &v->seq->it, a->kwv.items[i]);
  return v;
}

/* ---- models ---- */

/* A model (or the file's tensor graph) passed NNL_MAX_LAYERS at at: stop
 * following at once; the parse ends with NN000 there. */
static void too_many_layers(py *p, nnl_span at) {
  if (!nnl_span_ok(p->too_many_at)) p->too_many_at = at;
  p->gave_up = true;
}

static pmodel *new_model(py *p, mkind kind, nnl_span at) {
  pmodel *m = nnl_arena_alloc(p->a, sizeof *m);
  m->kind = (uint8_t)kind;
  m->at = at;
  m->eval_at = NNL_NOSPAN;
  m->dynamic = p->taint > 0;
  nnl_array_push(&p->models, m);
  return m;
}

static val *model_val(py *p, pmodel *m, nnl_span at) {
  val *v = mk(p, V_MODEL, at);
  v->model = m;
  return v;
}

static val *arg(pargs *a, unsigned pos, const char *k1, const char *k2) {
  for (uint32_t i = 0; i < a->kw.len; i++)
    if (strcmp(a->kw.items[i], k1) == 0 || (k2 && strcmp(a->kw.items[i], k2) == 0))
      return a->kwv.items[i];
  if (a->pos_splat >= 0 && (int)pos >= a->pos_splat) return &UNKNOWN_V;
  if (pos < a->pos.len) return a->pos.items[pos];
  return a->kw_splat ? &UNKNOWN_V : NULL;
}

/* Model(inputs, outputs) / Model(input=, output=) (Keras 1). */
static val *functional(py *p, pargs *a, nnl_span at) {
  pmodel *m = new_model(p, M_FUNC, at);
  val *in = arg(a, 0, "inputs", "input");
  val *out = arg(a, 1, "outputs", "output");
  bool unknown = false;
  if (in) collect(p, in, &m->ins, &unknown, 0);
  unknown = false;
  if (out) collect(p, out, &m->outs, &unknown, 0);
  if (unknown || !m->outs.len) m->dynamic = true;
  m->name = arg(a, 99, "name", NULL);
  return model_val(p, m, at);
}

static val *sequential(py *p, pargs *a, nnl_span at) {
  pmodel *m = new_model(p, M_SEQ, at);
  val *ls = arg(a, 0, "layers", NULL);
  if (ls && ls->k == V_SEQ && !ls->seq->unknown) {
    if (ls->seq->it.len > NNL_MAX_LAYERS) too_many_layers(p, at);
    for (uint32_t i = 0; i < ls->seq->it.len && !p->gave_up; i++)
      APUSH(p, &m->seq, ls->seq->it.items[i]);
  } else if (ls && ls->k != V_NONE) {
    m->dynamic = true;
  }
  m->name = arg(a, 1, "name", NULL);
  return model_val(p, m, at);
}

/* ---- the learning rate set after construction ---- */
static bool lr_name(const char *s) {
  return strcmp(s, "learning_rate") == 0 || strcmp(s, "lr") == 0;
}

/* Does o own a learning rate: a Keras optimizer object, or
 * model.optimizer (a bound "optimizer" of a model)? */
static bool lr_owner(const val *o) {
  return (o->k == V_OBJ && o->obj->cat == O_OPT) ||
         (o->k == V_BOUND && o->self_v->k == V_MODEL && strcmp(o->s, "optimizer") == 0);
}

/* owner's starting learning rate becomes v (opt.learning_rate = v,
 * K.set_value(model.optimizer.lr, v), opt.lr.assign(v)): a number or a
 * schedule as given; anything else, or a set under an undecidable branch,
 * unknown.  An optimizer object gets it as its learning_rate argument;
 * model.optimizer of a model compiled with a name ("adam") keeps it in
 * the model (lr_set), applied after compile. */
static void set_lr(py *p, val *owner, val *v, nnl_span at) {
  if (p->taint > 0 || !v || (v->k != V_NUM && v->k != V_OBJ)) v = unk(p, at);
  if (owner->k == V_BOUND) {
    pmodel *m = owner->self_v->model;
    val *o = m->compile ? arg(m->compile, 0, "optimizer", NULL) : NULL;
    if (!o || o->k != V_OBJ || o->obj->cat != O_OPT) {
      m->lr_set = v;
      return;
    }
    owner = o;
  }
  pargs *a = owner->obj->a;
  for (uint32_t i = 0; i < a->kw.len; i++)
    if (lr_name(a->kw.items[i])) {
      a->kw.items[i] = "learning_rate";
      a->kwv.items[i] = v;
      return;
    }
  APUSH(p, &a->kw, "learning_rate");
  APUSH(p, &a->kw_at, at);
  APUSH(p, &a->kwv, v);
}

/* ---- calls into the Keras namespace ---- */
static const char *const merge_fns[][2] = {
    {"add", "Add"},           {"concatenate", "Concatenate"},
    {"multiply", "Multiply"}, {"average", "Average"},
    {"subtract", "Subtract"}, {"maximum", "Maximum"},
    {"minimum", "Minimum"},   {"dot", "Dot"},
    {"merge", "Merge"}};

/* TensorFlow functions on tensors that are layers nnlint knows. */
static const char *const tf_ops[][3] = {
    /* last name, layer class, activation */
    {"relu", "Activation", "relu"},       {"relu6", "Activation", "relu6"},
    {"softmax", "Activation", "softmax"}, {"sigmoid", "Activation", "sigmoid"},
    {"tanh", "Activation", "tanh"},       {"elu", "Activation", "elu"},
    {"selu", "Activation", "selu"},       {"gelu", "Activation", "gelu"},
    {"softplus", "Activation", "softplus"}, {"swish", "Activation", "swish"},
    {"silu", "Activation", "swish"},      {"leaky_relu", "Activation", "leaky_relu"},
    {"log_softmax", "Activation", "log_softmax"},
    {"concat", "Concatenate", NULL},      {"add", "Add", NULL},
    {"add_n", "Add", NULL},               {"multiply", "Multiply", NULL},
    {"subtract", "Subtract", NULL},       {"round", "Round", NULL},
    {"floor", "Floor", NULL},             {"ceil", "Ceil", NULL},
    {"sign", "Sign", NULL},               {"argmax", "ArgMax", NULL},
    {"argmin", "ArgMin", NULL},           {"reshape", "Reshape", NULL},
    {"flatten", "Flatten", NULL},         {"squeeze", "Squeeze", NULL},
    {"expand_dims", "Unsqueeze", NULL},   {"transpose", "Transpose", NULL},
    {"greater", "Greater", NULL},         {"less", "Less", NULL},
    {"equal", "Equal", NULL},             {"one_hot", "OneHot", NULL}};

/* The code of a user function passed where Keras takes code (a Lambda's
 * function): its body's statements, without a leading docstring, joined
 * by "; " with every run of white space made one space. */
static const char *def_code(py *p, nid def) {
  nodes ks = {0};
  kids(p, field(p, def, FLD_body), &ks);
  NNL_ARRAY(char) o = {0};
  for (uint32_t i = 0; i < ks.len; i++) {
    nid st = ks.items[i];
    if (i == 0 && is(p, st, K_expression_statement) &&
        p->nd[st].nkids == 1 && !p->nd[st].comments &&
        is(p, p->kid[p->nd[st].kids], K_string))
      continue; /* a docstring */
    if (o.len) {
      nnl_array_push(&o, ';');
      nnl_array_push(&o, ' ');
    }
    nnl_span sp = span_of(p, st);
    bool space = false;
    for (uint32_t k = 0; k < sp.len; k++) {
      char c = p->src[sp.off + k];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        space = true;
        continue;
      }
      if (space) nnl_array_push(&o, ' ');
      space = false;
      nnl_array_push(&o, c);
    }
  }
  const char *r = nnl_arena_strndup(p->a, o.items ? o.items : "", o.len);
  nnl_array_free(&o);
  return r;
}

/* A Lambda's function argument that names a user def becomes that def's
 * code (V_CODE), as a lambda written in place would be. */
static void lambda_code(py *p, pargs *a) {
  val **slot = NULL;
  for (uint32_t i = 0; i < a->kw.len; i++)
    if (strcmp(a->kw.items[i], "function") == 0) slot = &a->kwv.items[i];
  if (!slot && a->pos.len && a->pos_splat != 0) slot = &a->pos.items[0];
  if (!slot || !*slot || (*slot)->k != V_FUNC) return;
  val *v = mk(p, V_CODE, (*slot)->at);
  v->s = def_code(p, (*slot)->node);
  *slot = v;
}

/* TensorFlow's own initializer functions (tf.zeros_initializer(),
 * tf.compat.v1.glorot_uniform_initializer()) as the Keras class they
 * make, or NULL. */
static const char *tf_initializer(const char *last) {
  static const char *const map[][2] = {
      {"zeros_initializer", "Zeros"},
      {"ones_initializer", "Ones"},
      {"constant_initializer", "Constant"},
      {"random_normal_initializer", "RandomNormal"},
      {"random_uniform_initializer", "RandomUniform"},
      {"truncated_normal_initializer", "TruncatedNormal"},
      {"glorot_uniform_initializer", "GlorotUniform"},
      {"glorot_normal_initializer", "GlorotNormal"},
      {"he_normal_initializer", "HeNormal"},
      {"he_uniform_initializer", "HeUniform"},
      {"orthogonal_initializer", "Orthogonal"},
      {"variance_scaling_initializer", "VarianceScaling"}};
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (strcmp(last, map[i][0]) == 0) return map[i][1];
  return NULL;
}

static val *keras_call(py *p, const char *q, pargs *a, nid call) {
  nnl_span at = span_of(p, call);
  nid fn = field(p, call, FLD_function);
  nnl_span cls_at = !(fn) ? at : span_of(p, fn);
  if (is(p, fn, K_attribute)) cls_at = span_of(p, field(p, fn, FLD_attribute));
  const char *last = last_part(q);
  bool keras = strncmp(q, "keras.", 6) == 0 || strcmp(q, "keras") == 0;
  bool tf = strncmp(q, "tensorflow.", 11) == 0;
  if (keras) {
    if (strcmp(last, "Sequential") == 0) return sequential(p, a, at);
    if (strcmp(last, "set_value") == 0 && has_part(q, "backend")) {
      /* K.set_value(model.optimizer.lr, 1e-4) */
      val *x = arg(a, 0, "x", NULL);
      if (x && x->k == V_BOUND && strcmp(x->s, "learning_rate") == 0 && lr_owner(x->self_v))
        set_lr(p, x->self_v, arg(a, 1, "value", NULL), at);
      return mk(p, V_NONE, at);
    }
    if (strcmp(last, "LearningRateScheduler") == 0) {
      val *v = mk(p, V_OBJ, at);
      v->obj = new_obj(p, O_OTHER, last, cls_at, a);
      return v;
    }
    if ((strcmp(last, "Model") == 0 || strcmp(last, "Functional") == 0) &&
        !has_part(q, "layers"))
      return functional(p, a, at);
    if (strcmp(last, "Input") == 0 || strcmp(last, "InputLayer") == 0) {
      pobj *o = new_obj(p, O_INPUT, last, cls_at, a);
      if (strcmp(last, "InputLayer") == 0) {
        val *v = mk(p, V_OBJ, at);
        v->obj = o;
        return v;
      }
      return tensor(p, add_node(p, o, at, NULL, 0), at);
    }
    if (has_part(q, "layers") || has_part(q, "legacy_tf_layers")) {
      for (size_t i = 0; i < sizeof merge_fns / sizeof *merge_fns; i++)
        if (strcmp(last, merge_fns[i][0]) == 0) {
          pobj *o = new_obj(p, O_LAYER, merge_fns[i][1], cls_at, a);
          val *ins = arg(a, 0, "inputs", NULL);
          return apply(p, o, ins, at);
        }
      if (strcmp(last, "Lambda") == 0) lambda_code(p, a);
      pobj *o = new_obj(p, O_LAYER, last, cls_at, a);
      if (strncmp(last, "Random", 6) == 0) p->augment_seen = true;
      val *v = mk(p, V_OBJ, at);
      v->obj = o;
      return v;
    }
    ocat cat = O_OTHER;
    if (has_part(q, "optimizers")) cat = O_OPT;
    else if (has_part(q, "initializers")) cat = O_INIT;
    else if (has_part(q, "regularizers")) cat = O_REG;
    else if (has_part(q, "losses")) cat = O_LOSS;
    else if (has_part(q, "metrics")) cat = O_METRIC;
    else if (has_part(q, "applications")) cat = O_OPAQUE;
    else if (strcmp(last, "ImageDataGenerator") == 0) {
      cat = O_AUGMENT;
      p->augment_seen = true;
    } else if (has_part(q, "activations")) {
      if (any_tensor(a))
        return apply(p, synth(p, "Activation", at, last), all_tensors(p, a), at);
      return unk(p, at);
    } else if (has_part(q, "models") &&
               (strcmp(last, "load_model") == 0 ||
                strcmp(last, "model_from_json") == 0 ||
                strcmp(last, "clone_model") == 0)) {
      return unk(p, at);
    }
    if (cat == O_OTHER) {
      if (any_tensor(a)) return apply(p, NULL, all_tensors(p, a), at);
      return unk(p, at);
    }
    if (cat == O_METRIC && any_tensor(a)) return unk(p, at);
    pobj *o = new_obj(p, cat, last, cls_at, a);
    val *v = mk(p, V_OBJ, at);
    v->obj = o;
    return v;
  }
  if (tf && tf_initializer(last)) {
    val *v = mk(p, V_OBJ, at);
    v->obj = new_obj(p, O_INIT, tf_initializer(last), cls_at, a);
    return v;
  }
  if (tf && any_tensor(a)) {
    for (size_t i = 0; i < sizeof tf_ops / sizeof *tf_ops; i++)
      if (strcmp(last, tf_ops[i][0]) == 0) {
        pobj *o = synth(p, tf_ops[i][1], at, tf_ops[i][2]);
        return apply(p, o, all_tensors(p, a), at);
      }
    return apply(p, NULL, all_tensors(p, a), at);
  }
  if (any_tensor(a)) return apply(p, NULL, all_tensors(p, a), at);
  return unk(p, at);
}

/* Set d[key] (a later value of a key replaces the earlier; "" is a key
 * that is not a string, never replaced).  Past 256 keys the earlier ones
 * are not searched (bounded work: lookups scan from the last key). */
static void dict_set(py *p, pdict *d, const char *key, val *v) {
  if (key[0] && d->keys.len <= 256)
    for (uint32_t i = 0; i < d->keys.len; i++)
      if (!strcmp(d->keys.items[i], key)) {
        d->vals.items[i] = v;
        return;
      }
  APUSH(p, &d->keys, key);
  APUSH(p, &d->vals, v);
}

/* ---- builtins ---- */
static val *seq_val(py *p, nnl_span at, bool tuple) {
  val *v = mk(p, V_SEQ, at);
  v->b = tuple;
  v->seq = nnl_arena_alloc(p->a, sizeof *v->seq);
  return v;
}

static val *builtin(py *p, const char *name, pargs *a, nnl_span at) {
  val *x = a->pos.len ? a->pos.items[0] : NULL;
  if (a->pos_splat >= 0) return unk(p, at);
  if (strcmp(name, "range") == 0) {
    double lo = 0, hi = 0, step = 1;
    for (uint32_t i = 0; i < a->pos.len; i++)
      if (a->pos.items[i]->k != V_NUM) return unk(p, at);
    if (a->pos.len == 1) hi = a->pos.items[0]->n;
    else if (a->pos.len >= 2) lo = a->pos.items[0]->n, hi = a->pos.items[1]->n;
    if (a->pos.len == 3) step = a->pos.items[2]->n;
    if (a->pos.len == 0 || a->pos.len > 3 || step == 0) return unk(p, at);
    double cnt = ceil((hi - lo) / step);
    if (!(cnt <= MAX_ITERS)) return unk(p, at);
    val *v = seq_val(p, at, false);
    for (double i = 0; i < cnt; i++) APUSH(p, &v->seq->it, num(p, lo + i * step, at));
    return v;
  }
  if (strcmp(name, "len") == 0 && x && x->k == V_SEQ && !x->seq->unknown)
    return num(p, x->seq->it.len, at);
  if (strcmp(name, "len") == 0 && x && x->k == V_STR) return num(p, strlen(x->s), at);
  if ((strcmp(name, "int") == 0 || strcmp(name, "float") == 0) && x &&
      a->pos.len == 1) {
    double d;
    if (x->k == V_NUM) d = x->n;
    else if (x->k == V_BOOL) d = x->b;
    else if (x->k == V_STR) {
      char *end;
      d = strtod(x->s, &end);
      if (end == x->s || *end) return unk(p, at);
    } else return unk(p, at);
    if (name[0] == 'i') d = trunc(d);
    return num(p, d, at);
  }
  if ((strcmp(name, "min") == 0 || strcmp(name, "max") == 0) && a->pos.len) {
    val **items = a->pos.items;
    uint32_t n = a->pos.len;
    if (n == 1 && x->k == V_SEQ && !x->seq->unknown)
      items = x->seq->it.items, n = x->seq->it.len;
    if (!n) return unk(p, at);
    double r = 0;
    for (uint32_t i = 0; i < n; i++) {
      if (items[i]->k != V_NUM) return unk(p, at);
      if (i == 0 || (name[1] == 'i' ? items[i]->n < r : items[i]->n > r)) r = items[i]->n;
    }
    return num(p, r, at);
  }
  if (strcmp(name, "abs") == 0 && x && x->k == V_NUM) return num(p, fabs(x->n), at);
  if (strcmp(name, "round") == 0 && x && x->k == V_NUM && a->pos.len == 1)
    return num(p, nearbyint(x->n), at);
  if ((strcmp(name, "list") == 0 || strcmp(name, "tuple") == 0)) {
    if (!x) return seq_val(p, at, name[0] == 't');
    if (x->k == V_SEQ && !x->seq->unknown) {
      val *v = seq_val(p, at, name[0] == 't');
      for (uint32_t i = 0; i < x->seq->it.len; i++) APUSH(p, &v->seq->it, x->seq->it.items[i]);
      return v;
    }
    return unk(p, at);
  }
  if (strcmp(name, "enumerate") == 0 && x && x->k == V_SEQ && !x->seq->unknown) {
    val *v = seq_val(p, at, false);
    for (uint32_t i = 0; i < x->seq->it.len; i++) {
      val *t = seq_val(p, at, true);
      APUSH(p, &t->seq->it, num(p, i, at));
      APUSH(p, &t->seq->it, x->seq->it.items[i]);
      APUSH(p, &v->seq->it, t);
    }
    return v;
  }
  if (strcmp(name, "zip") == 0 && a->pos.len >= 1) {
    uint32_t n = UINT32_MAX;
    for (uint32_t i = 0; i < a->pos.len; i++) {
      val *s = a->pos.items[i];
      if (s->k != V_SEQ || s->seq->unknown) return unk(p, at);
      if (s->seq->it.len < n) n = s->seq->it.len;
    }
    val *v = seq_val(p, at, false);
    for (uint32_t j = 0; j < n; j++) {
      val *t = seq_val(p, at, true);
      for (uint32_t i = 0; i < a->pos.len; i++)
        APUSH(p, &t->seq->it, a->pos.items[i]->seq->it.items[j]);
      APUSH(p, &v->seq->it, t);
    }
    return v;
  }
  if (strcmp(name, "dict") == 0 && !a->pos.len && !a->kw_splat) {
    val *v = mk(p, V_DICT, at);
    v->dict = nnl_arena_alloc(p->a, sizeof *v->dict);
    for (uint32_t i = 0; i < a->kw.len; i++) dict_set(p, v->dict, a->kw.items[i], a->kwv.items[i]);
    return v;
  }
  if (strcmp(name, "print") == 0) return mk(p, V_NONE, at);
  if (strcmp(name, "str") == 0 && x && x->k == V_STR) return x;
  if (any_tensor(a)) return apply(p, NULL, all_tensors(p, a), at);
  return unk(p, at);
}

static const char *const builtins[] = {
    "range", "len", "int", "float", "min", "max", "abs", "round", "list",
    "tuple", "enumerate", "zip", "dict", "print", "str", "isinstance",
    "getattr", "hasattr", "sum", "sorted", "reversed", "map", "filter",
    "open", "super", "type", "set", "bool", NULL};

/* ---- names ---- */
static val *lookup(py *p, const char *name, nnl_span at) {
  val *v = NULL;
  if (p->locals) v = scope_get(p->locals, name);
  if (!v) v = scope_get(&p->globals, name);
  if (v) return v;
  for (const char *const *b = builtins; *b; b++)
    if (strcmp(*b, name) == 0) {
      v = mk(p, V_BUILTIN, at);
      v->s = *b;
      return v;
    }
  /* from keras.layers import *: a capitalized name is a Keras class */
  if (p->star.len && (isupper((unsigned char)name[0]) ||
                      strcmp(name, "concatenate") == 0 || strcmp(name, "add") == 0 ||
                      strcmp(name, "merge") == 0)) {
    v = mk(p, V_MOD, at);
    v->s = nnl_arena_printf(p->a, "%s.%s", p->star.items[p->star.len - 1], name);
    return v;
  }
  return unk(p, at);
}

static void bind_name(py *p, const char *name, val *v) {
  if (p->taint > 0) v = unk(p, v ? v->at : NNL_NOSPAN);
  if (v && v->k == V_MODEL && !v->model->var) v->model->var = name;
  scope_set(p->locals ? p->locals : &p->globals, name, v);
}

/* Bind an assignment target: a name, a tuple/list pattern, self.attr,
 * d["key"] on a dict, an optimizer's learning_rate / lr.  Other
 * subscripts and attributes are not followed. */
static void bind(py *p, nid target, val *v, int depth) {
  if (depth > 16) return;
  if (is(p, target, K_identifier)) {
    bind_name(p, text(p, target), v);
  } else if (is(p, target, K_pattern_list) || is(p, target, K_tuple_pattern) ||
             is(p, target, K_list_pattern) || is(p, target, K_tuple) ||
             is(p, target, K_list) || is(p, target, K_expression_list)) {
    nodes ts = {0};
    kids(p, target, &ts);
    bool ok = v->k == V_SEQ && !v->seq->unknown && v->seq->it.len == ts.len;
    for (uint32_t i = 0; i < ts.len; i++)
      bind(p, ts.items[i], ok ? v->seq->it.items[i] : unk(p, v->at), depth + 1);
  } else if (is(p, target, K_attribute)) {
    val *o = eval(p, field(p, target, FLD_object));
    const char *an = text(p, field(p, target, FLD_attribute));
    if (o->k == V_INST)
      scope_set(o->inst->attrs, an, p->taint > 0 ? unk(p, v->at) : v);
    else if (lr_name(an) && lr_owner(o)) /* opt.learning_rate = 1e-4 */
      set_lr(p, o, v, span_of(p, target));
  } else if (is(p, target, K_subscript)) {
    /* d["key"] = v on a dict; other subscripts are not followed */
    val *o = eval(p, field(p, target, FLD_value));
    if (o->k == V_DICT) {
      val *ix = eval(p, field(p, target, FLD_subscript));
      if (p->taint > 0 || ix->k != V_STR || !ix->s[0]) o->dict->unknown = true;
      else dict_set(p, o->dict, ix->s, v);
    }
  } else if (is(p, target, K_parenthesized_expression)) {
    nodes ts = {0};
    kids(p, target, &ts);
    if (ts.len == 1) bind(p, ts.items[0], v, depth + 1);
  }
}

/* ---- literals ---- */
static val *number(py *p, nid n, bool is_float) {
  nnl_span s = span_of(p, n);
  if (!is_float && s.len && s.len <= 15) {
    /* plain decimal digits (most numbers): exact in a double, the value
     * strtod gives */
    double d = 0;
    uint32_t i = 0;
    for (; i < s.len && p->src[s.off + i] >= '0' && p->src[s.off + i] <= '9'; i++)
      d = d * 10 + (p->src[s.off + i] - '0');
    if (i == s.len) return num(p, d, s);
  }
  char buf[128];
  size_t k = 0;
  for (uint32_t i = 0; i < s.len && k + 1 < sizeof buf; i++) {
    char c = p->src[s.off + i];
    if (c != '_') buf[k++] = c;
  }
  buf[k] = '\0';
  if (k && (buf[k - 1] == 'j' || buf[k - 1] == 'J')) return unk(p, s);
  if (k && (buf[k - 1] == 'l' || buf[k - 1] == 'L')) buf[--k] = '\0';
  double d;
  if (!is_float && k > 2 && buf[0] == '0' && strchr("xXoObB", buf[1])) {
    int base = buf[1] == 'x' || buf[1] == 'X' ? 16 : buf[1] == 'o' || buf[1] == 'O' ? 8 : 2;
    d = (double)strtoull(buf + 2, NULL, base);
  } else {
    d = strtod(buf, NULL);
  }
  return num(p, d, s);
}

static val *string(py *p, nid n) {
  nodes ks = {0};
  kids(p, n, &ks);
  nnl_buf b = {0};
  bool ok = true;
  for (uint32_t i = 0; i < ks.len; i++) {
    nid c = ks.items[i];
    if (is(p, c, K_string_content)) {
      nnl_span s = span_of(p, c);
      nnl_buf_put(&b, p->src + s.off, s.len);
    } else if (is(p, c, K_interpolation) || is(p, c, K_escape_sequence)) {
      if (is(p, c, K_escape_sequence)) {
        nnl_span s = span_of(p, c);
        nnl_buf_put(&b, p->src + s.off, s.len);
      } else {
        ok = false;
      }
    }
  }
  val *v;
  if (ok) {
    v = mk(p, V_STR, span_of(p, n));
    v->s = nnl_arena_strdup(p->a, nnl_buf_str(&b));
  } else {
    v = unk(p, span_of(p, n));
  }
  nnl_buf_free(&b);
  return v;
}

/* ---- operators ---- */
static int truth(val *v) {
  switch (v->k) {
  case V_NONE: return 0;
  case V_BOOL: return v->b;
  case V_NUM: return v->n != 0;
  case V_STR: return v->s[0] != 0;
  case V_SEQ: return v->seq->unknown ? -1 : v->seq->it.len > 0;
  case V_MOD: case V_FUNC: case V_CLASS: case V_OBJ: case V_MODEL:
    return 1;
  default: return -1;
  }
}

static val *boolean(py *p, int b, nnl_span at) {
  if (b < 0) return unk(p, at);
  val *v = mk(p, V_BOOL, at);
  v->b = b != 0;
  return v;
}

static val *binop(py *p, const char *op, val *l, val *r, nnl_span at) {
  if (l->k == V_TENSOR || r->k == V_TENSOR) {
    const char *cls = NULL;
    if (l->k == V_TENSOR && r->k == V_TENSOR) {
      if (!strcmp(op, "+")) cls = "Add";
      else if (!strcmp(op, "*")) cls = "Multiply";
      else if (!strcmp(op, "-")) cls = "Subtract";
    } else if (l->k == V_NUM || r->k == V_NUM) {
      /* a tensor scaled or shifted by a constant: x / 255.0, x - 0.5 */
      if (strchr("+-*/", op[0]) && op[1] == '\0') cls = "Rescaling";
    }
    val *both = seq_val(p, at, false);
    APUSH(p, &both->seq->it, l);
    APUSH(p, &both->seq->it, r);
    return apply(p, cls ? synth(p, cls, at, NULL) : NULL, both, at);
  }
  if (l->k == V_NUM && r->k == V_NUM) {
    double a = l->n, b = r->n, x;
    if (!strcmp(op, "+")) x = a + b;
    else if (!strcmp(op, "-")) x = a - b;
    else if (!strcmp(op, "*")) x = a * b;
    else if (!strcmp(op, "/")) { if (b == 0) return unk(p, at); x = a / b; }
    else if (!strcmp(op, "//")) { if (b == 0) return unk(p, at); x = floor(a / b); }
    else if (!strcmp(op, "%")) { if (b == 0) return unk(p, at); x = a - b * floor(a / b); }
    else if (!strcmp(op, "**")) x = pow(a, b);
    else return unk(p, at);
    if (!isfinite(x)) return unk(p, at);
    return num(p, x, at);
  }
  if (l->k == V_STR && r->k == V_STR && !strcmp(op, "+")) {
    val *v = mk(p, V_STR, at);
    v->s = nnl_arena_printf(p->a, "%s%s", l->s, r->s);
    return v;
  }
  if (l->k == V_SEQ && r->k == V_SEQ && !strcmp(op, "+") && !l->seq->unknown &&
      !r->seq->unknown && l->seq->it.len + r->seq->it.len <= MAX_ITERS) {
    val *v = seq_val(p, at, l->b);
    for (uint32_t i = 0; i < l->seq->it.len; i++) APUSH(p, &v->seq->it, l->seq->it.items[i]);
    for (uint32_t i = 0; i < r->seq->it.len; i++) APUSH(p, &v->seq->it, r->seq->it.items[i]);
    return v;
  }
  if (l->k == V_SEQ && r->k == V_NUM && !strcmp(op, "*") && !l->seq->unknown &&
      r->n >= 0 && l->seq->it.len * r->n <= MAX_ITERS) {
    val *v = seq_val(p, at, l->b);
    for (int k = 0; k < (int)r->n; k++)
      for (uint32_t i = 0; i < l->seq->it.len; i++) APUSH(p, &v->seq->it, l->seq->it.items[i]);
    return v;
  }
  return unk(p, at);
}

/* == != < <= > >= in, is: on numbers, strings, None; else unknown. */
static int compare(const char *op, val *l, val *r) {
  if (!strcmp(op, "is") || !strcmp(op, "is not")) {
    if (l->k == V_UNK || r->k == V_UNK) return -1;
    int eq = l->k == V_NONE && r->k == V_NONE ? 1 : (l->k == V_NONE || r->k == V_NONE) ? 0 : -1;
    if (eq < 0) return -1;
    return op[2] ? !eq : eq;
  }
  if (!strcmp(op, "in") || !strcmp(op, "not in")) {
    if (r->k != V_SEQ || r->seq->unknown || (l->k != V_NUM && l->k != V_STR)) return -1;
    int found = 0;
    for (uint32_t i = 0; i < r->seq->it.len; i++) {
      val *x = r->seq->it.items[i];
      if (x->k != l->k) { if (x->k == V_UNK) return -1; continue; }
      if ((x->k == V_NUM && x->n == l->n) || (x->k == V_STR && !strcmp(x->s, l->s))) found = 1;
    }
    return op[0] == 'n' ? !found : found;
  }
  int c;
  if (l->k == V_NUM && r->k == V_NUM) c = l->n < r->n ? -1 : l->n > r->n;
  else if (l->k == V_STR && r->k == V_STR) c = strcmp(l->s, r->s);
  else if ((l->k == V_NONE || r->k == V_NONE) && l->k != V_UNK && r->k != V_UNK &&
           (!strcmp(op, "==") || !strcmp(op, "!=")))
    c = l->k == r->k ? 0 : 1;
  else return -1;
  if (!strcmp(op, "==")) return c == 0;
  if (!strcmp(op, "!=")) return c != 0;
  if (!strcmp(op, "<")) return c < 0;
  if (!strcmp(op, "<=")) return c <= 0;
  if (!strcmp(op, ">")) return c > 0;
  if (!strcmp(op, ">=")) return c >= 0;
  return -1;
}

/* ---- calls ---- */

/* argument_list -> (expr | keyword_argument | list_splat | dictionary_splat)* */
static pargs *eval_args(py *p, nid call) {
  pargs *a = new_args(p, span_of(p, call));
  nid al = field(p, call, FLD_arguments);
  if (!(al)) return a;
  if (is(p, al, K_generator_expression)) {
    a->pos_splat = 0;
    return a;
  }
  nodes ks = {0};
  kids(p, al, &ks);
  for (uint32_t i = 0; i < ks.len; i++) {
    nid c = ks.items[i];
    if (is(p, c, K_keyword_argument)) {
      nid nm = field(p, c, FLD_name);
      APUSH(p, &a->kw, text(p, nm));
      APUSH(p, &a->kw_at, span_of(p, nm));
      APUSH(p, &a->kwv, eval(p, field(p, c, FLD_value)));
    } else if (is(p, c, K_list_splat)) {
      if (a->pos_splat < 0) a->pos_splat = (int)a->pos.len;
    } else if (is(p, c, K_dictionary_splat)) {
      /* **d: a dict the interpreter knows gives its keys as keywords */
      nodes ds = {0};
      kids(p, c, &ds);
      val *d = ds.len == 1 ? eval(p, ds.items[0]) : NULL;
      bool ok = d && d->k == V_DICT && !d->dict->unknown;
      for (uint32_t j = 0; ok && j < d->dict->keys.len; j++)
        if (!d->dict->keys.items[j][0]) ok = false;
      if (!ok) {
        a->kw_splat = true;
        continue;
      }
      for (uint32_t j = 0; j < d->dict->keys.len; j++) {
        APUSH(p, &a->kw, d->dict->keys.items[j]);
        APUSH(p, &a->kw_at, d->at);
        APUSH(p, &a->kwv, d->dict->vals.items[j]);
      }
    } else {
      APUSH(p, &a->pos, eval(p, c));
    }
  }
  return a;
}

/* Has the function at fn been called (inlined) yet?  A flag per node. */
static bool was_called(py *p, nid fn) { return p->called[fn] != 0; }
static void mark_called(py *p, nid fn) { p->called[fn] = 1; }

/* Inline a user function: bind parameters (arguments, else defaults, else
 * unknown) in a fresh scope, run the body, return its return value. */
static val *call_func(py *p, nid fn, val *self, pargs *a, nnl_span at) {
  mark_called(p, fn);
  if (p->calls >= MAX_CALLS) {
    p->gave_up = true;
    return unk(p, at);
  }
  scope *sc = nnl_xcalloc(1, sizeof *sc);
  scope *saved = p->locals;
  /* defaults are evaluated in the defining scope (module level here) */
  nodes ps = {0};
  kids(p, field(p, fn, FLD_parameters), &ps);
  uint32_t posi = 0;
  bool first = true;
  for (uint32_t i = 0; i < ps.len; i++) {
    nid q = ps.items[i];
    nid nm = q;
    nid dflt = 0;
    bool has_default = false;
    if (is(p, q, K_default_parameter) || is(p, q, K_typed_default_parameter)) {
      nm = field(p, q, FLD_name);
      dflt = field(p, q, FLD_value);
      has_default = true;
    } else if (is(p, q, K_typed_parameter)) {
      nodes t = {0};
      kids(p, q, &t);
      nm = t.len ? t.items[0] : q;
    } else if (!is(p, q, K_identifier)) {
      continue; /* *args, **kwargs, / and * separators */
    }
    if (!is(p, nm, K_identifier)) continue;
    const char *name = text(p, nm);
    val *v = NULL;
    if (first && self) {
      v = self;
    } else {
      for (uint32_t k = 0; k < a->kw.len; k++)
        if (!strcmp(a->kw.items[k], name)) v = a->kwv.items[k];
      if (!v && a->pos_splat >= 0 && (int)posi >= a->pos_splat) v = unk(p, at);
      if (!v && posi < a->pos.len) v = a->pos.items[posi];
      posi++;
      if (!v && a->kw_splat) v = unk(p, at);
      if (!v && has_default) {
        p->locals = NULL; /* defaults: evaluated where defined (module) */
        v = eval(p, dflt);
        p->locals = saved;
      }
      if (!v) v = unk(p, at);
    }
    first = false;
    scope_set(sc, name, v);
  }
  p->locals = sc;
  p->calls++;
  val *saved_ret = p->ret;
  bool saved_unk = p->ret_unknown;
  p->ret = NULL;
  p->ret_unknown = false;
  int saved_taint = p->taint;
  exec_block(p, field(p, fn, FLD_body));
  val *r = p->ret_unknown ? unk(p, at) : p->ret ? p->ret : &NONE_V;
  p->ret = saved_ret;
  p->ret_unknown = saved_unk;
  p->taint = saved_taint;
  p->calls--;
  p->locals = saved;
  scope_free(sc);
  free(sc);
  return r;
}

/* The method `name` of a user class node, or a null node. */
static nid method(py *p, nid cls, const char *name) {
  nid body = field(p, cls, FLD_body);
  nodes ks = {0};
  kids(p, body, &ks);
  nid found = 0;
  for (uint32_t i = 0; i < ks.len; i++) {
    nid d = ks.items[i];
    if (is(p, d, K_decorated_definition)) d = field(p, d, FLD_definition);
    if (is(p, d, K_function_definition) && text_is(p, field(p, d, FLD_name), name)) {
      found = d;
      break;
    }
  }
  return found;
}

/* A subclass of keras.Model: run __init__ on a fresh instance, then call()
 * on a fresh input; the returned tensors are the model's outputs. */
static val *instantiate_model(py *p, val *cls, pargs *a, nnl_span at) {
  pmodel *m = new_model(p, M_SUB, at);
  val *self = mk(p, V_INST, at);
  self->inst = nnl_arena_alloc(p->a, sizeof *self->inst);
  self->inst->attrs = nnl_arena_alloc(p->a, sizeof(scope));
  nnl_array_push(&p->inst_attrs, self->inst->attrs); /* its table: freed at the end */
  self->inst->cls = cls->node;
  self->inst->is_model = true;
  nid init = method(p, cls->node, "__init__");
  if (!!(init)) call_func(p, init, self, a, at);
  nid call = method(p, cls->node, "call");
  if (!(call)) {
    m->dynamic = true;
  } else {
    pobj *io = new_obj(p, O_INPUT, "Input", span_of(p, field(p, cls->node, FLD_name)), NULL);
    int32_t in = add_node(p, io, span_of(p, field(p, cls->node, FLD_name)), NULL, 0);
    APUSH(p, &m->ins, in);
    pargs *ca = new_args(p, at);
    APUSH(p, &ca->pos, tensor(p, in, at));
    /* fit() calls the model with training=True */
    val *tr = boolean(p, 1, at);
    APUSH(p, &ca->kw, "training");
    APUSH(p, &ca->kw_at, at);
    APUSH(p, &ca->kwv, tr);
    val *out = call_func(p, call, self, ca, at);
    bool unknown = false;
    collect(p, out, &m->outs, &unknown, 0);
    if (unknown || !m->outs.len) m->dynamic = true;
  }
  val *v = model_val(p, m, at);
  return v;
}

/* ---- calls in branches nnlint cannot decide ---- */

/* Are x and y the same value as far as a rule can tell (one literal, one
 * object, objects of one class with the same arguments)?  Unknown values
 * never are. */
static bool val_eq(py *p, val *x, val *y, int depth);
static bool args_eq(py *p, pargs *x, pargs *y, int depth) {
  if (x == y) return true;
  if (x->pos.len != y->pos.len || x->kw.len != y->kw.len ||
      x->kw_splat != y->kw_splat || x->pos_splat != y->pos_splat)
    return false;
  for (uint32_t i = 0; i < x->pos.len; i++)
    if (!val_eq(p, x->pos.items[i], y->pos.items[i], depth + 1)) return false;
  for (uint32_t i = 0; i < x->kw.len; i++)
    if (strcmp(x->kw.items[i], y->kw.items[i]) ||
        !val_eq(p, x->kwv.items[i], y->kwv.items[i], depth + 1))
      return false;
  return true;
}
static bool val_eq(py *p, val *x, val *y, int depth) {
  if (!x || !y || depth > 8 || x->k != y->k || x->k == V_UNK) return false;
  if (x == y) return true;
  switch (x->k) {
  case V_NONE: return true;
  case V_BOOL: return x->b == y->b;
  case V_NUM: return x->n == y->n;
  case V_STR: case V_CODE: return strcmp(x->s, y->s) == 0;
  case V_MOD: return strcmp(canon(p, x->s), canon(p, y->s)) == 0;
  case V_SEQ:
    if (x->seq->unknown || y->seq->unknown || x->seq->it.len != y->seq->it.len)
      return false;
    for (uint32_t i = 0; i < x->seq->it.len; i++)
      if (!val_eq(p, x->seq->it.items[i], y->seq->it.items[i], depth + 1)) return false;
    return true;
  case V_DICT:
    if (x->dict->unknown || y->dict->unknown || x->dict->keys.len != y->dict->keys.len)
      return false;
    for (uint32_t i = 0; i < x->dict->keys.len; i++)
      if (strcmp(x->dict->keys.items[i], y->dict->keys.items[i]) ||
          !val_eq(p, x->dict->vals.items[i], y->dict->vals.items[i], depth + 1))
        return false;
    return true;
  case V_OBJ:
    return x->obj == y->obj ||
           (x->obj->cat == y->obj->cat && strcmp(x->obj->cls, y->obj->cls) == 0 &&
            args_eq(p, x->obj->a, y->obj->a, depth + 1));
  default: return false;
  }
}

/* The argument named key of a call to cls: a keyword, else the positional
 * argument Keras names so; NULL when not given. */
static val *named_arg(py *p, const char *cls, pargs *a, const char *key) {
  for (uint32_t i = 0; i < a->kw.len; i++)
    if (strcmp(a->kw.items[i], key) == 0) return a->kwv.items[i];
  for (uint32_t i = 0; i < a->pos.len; i++) {
    if (a->pos_splat >= 0 && (int)i >= a->pos_splat) break;
    const char *k = positional(p, cls, i);
    if (k && strcmp(k, key) == 0) return a->pos.items[i];
  }
  return NULL;
}

/* The arguments of two calls to cls ("compile", "fit") of which either
 * ran (branches nnlint cannot decide): an argument both give alike stays;
 * one they give differently, or only one of them gives, is unknown. */
static pargs *merge_args(py *p, const char *cls, pargs *x, pargs *y) {
  if (args_eq(p, x, y, 0)) return y;
  pargs *r = new_args(p, y->at);
  r->kw_splat = x->kw_splat || y->kw_splat || x->pos_splat >= 0 || y->pos_splat >= 0;
  pargs *both[2] = {x, y};
  for (int s = 0; s < 2; s++) {
    pargs *a = both[s], *o = both[1 - s];
    for (uint32_t i = 0; i < a->kw.len + a->pos.len; i++) {
      const char *key;
      nnl_span kat;
      if (i < a->kw.len) {
        key = a->kw.items[i];
        kat = a->kw_at.items[i];
      } else {
        uint32_t j = i - a->kw.len;
        if (a->pos_splat >= 0 && (int)j >= a->pos_splat) break;
        key = positional(p, cls, j);
        kat = a->pos.items[j]->at;
      }
      if (!key) continue;
      bool dup = false;
      for (uint32_t k = 0; k < r->kw.len && !dup; k++) dup = strcmp(r->kw.items[k], key) == 0;
      if (dup) continue;
      val *v = named_arg(p, cls, a, key), *w = named_arg(p, cls, o, key);
      APUSH(p, &r->kw, key);
      APUSH(p, &r->kw_at, kat);
      APUSH(p, &r->kwv, val_eq(p, v, w, 0) ? v : unk(p, y->at));
    }
  }
  return r;
}

/* May a fit call's callbacks set the learning rate: a
 * LearningRateScheduler among them, or callbacks nnlint cannot list? */
static bool has_lr_scheduler(pargs *a) {
  val *cb = arg(a, 99, "callbacks", NULL);
  if (!cb || cb->k == V_NONE) return false;
  if (cb->k == V_UNK || (cb->k == V_SEQ && cb->seq->unknown)) return true;
  val *const *items = &cb;
  uint32_t n = 1;
  if (cb->k == V_SEQ) items = cb->seq->it.items, n = cb->seq->it.len;
  for (uint32_t i = 0; i < n; i++)
    if (items[i] && items[i]->k == V_OBJ &&
        strcmp(items[i]->obj->cls, "LearningRateScheduler") == 0)
      return true;
  return false;
}

/* Methods of models and lists.  compile and fit under a branch or loop
 * nnlint cannot decide are taken as run (the training the file
 * describes); two of them in such branches merge (merge_args). */
static val *call_method(py *p, val *bound, pargs *a, nnl_span at) {
  val *self = bound->self_v;
  const char *name = bound->s;
  if (self->k == V_MODEL) {
    pmodel *m = self->model;
    if (!strcmp(name, "add")) {
      if (p->taint > 0) m->dynamic = true;
      val *l = arg(a, 0, "layer", NULL);
      if (m->kind != M_SEQ || !l) m->dynamic = true;
      else if (m->seq.len >= NNL_MAX_LAYERS) too_many_layers(p, at);
      else APUSH(p, &m->seq, l);
    } else if (!strcmp(name, "pop")) {
      m->dynamic = true;
    } else if (!strcmp(name, "compile")) {
      m->compile = p->taint > 0 && m->compile ? merge_args(p, "compile", m->compile, a) : a;
    } else if (!strcmp(name, "fit") || !strcmp(name, "fit_generator") ||
               !strcmp(name, "train_on_batch")) {
      m->fit = p->taint > 0 && m->fit ? merge_args(p, name, m->fit, a) : a;
      m->fit_method = name;
      if (has_lr_scheduler(a)) m->lr_sched = true;
      val *x = arg(a, 0, "x", "generator");
      if (x && (x->k == V_UNK || x->k == V_OBJ) && p->augment_seen) m->augmented = true;
    } else if (!strcmp(name, "evaluate") || !strcmp(name, "evaluate_generator") ||
               !strcmp(name, "test_on_batch")) {
      if (!nnl_span_ok(m->eval_at)) m->eval_at = at;
    } else if (!strcmp(name, "__call__")) {
      return apply(p, NULL, a->pos.len ? a->pos.items[0] : NULL, at);
    }
    return unk(p, at);
  }
  if (self->k == V_BOUND && strcmp(name, "assign") == 0 &&
      strcmp(self->s, "learning_rate") == 0 && lr_owner(self->self_v)) {
    set_lr(p, self->self_v, arg(a, 0, "value", NULL), at); /* opt.lr.assign(v) */
    return unk(p, at);
  }
  if (self->k == V_DICT) {
    /* reading methods leave it as it is; anything else may change it */
    if (strcmp(name, "get") && strcmp(name, "keys") && strcmp(name, "values") &&
        strcmp(name, "items") && strcmp(name, "copy"))
      self->dict->unknown = true;
    return unk(p, at);
  }
  if (self->k == V_SEQ) {
    pseq *s = self->seq;
    if (!strcmp(name, "append") && a->pos.len == 1 && p->taint == 0)
      APUSH(p, &s->it, a->pos.items[0]);
    else if (!strcmp(name, "extend") && a->pos.len == 1 && p->taint == 0 &&
             a->pos.items[0]->k == V_SEQ && !a->pos.items[0]->seq->unknown) {
      pseq *o = a->pos.items[0]->seq;
      for (uint32_t i = 0; i < o->it.len && s->it.len < MAX_ITERS; i++)
        APUSH(p, &s->it, o->it.items[i]);
    } else if (!strcmp(name, "insert") && a->pos.len == 2 && p->taint == 0 &&
               a->pos.items[0]->k == V_NUM && a->pos.items[0]->n == 0) {
      APUSH(p, &s->it, (val *)NULL);
      memmove(s->it.items + 1, s->it.items, (s->it.len - 1) * sizeof *s->it.items);
      s->it.items[0] = a->pos.items[1];
    } else if (strcmp(name, "index") && strcmp(name, "count") && strcmp(name, "copy")) {
      s->unknown = true;
    }
    return unk(p, at);
  }
  return unk(p, at);
}

static val *call_value(py *p, val *fn, pargs *a, nid call) {
  nnl_span at = span_of(p, call);
  switch (fn->k) {
  case V_MOD: return keras_call(p, canon(p, fn->s), a, call);
  case V_BUILTIN: return builtin(p, fn->s, a, at);
  case V_FUNC: return call_func(p, fn->node, NULL, a, at);
  case V_BOUND:
    if (fn->self_v->k == V_INST) {
      nid m = method(p, fn->self_v->inst->cls, fn->s);
      if (!!(m)) return call_func(p, m, fn->self_v, a, at);
      return unk(p, at);
    }
    return call_method(p, fn, a, at);
  case V_CLASS:
    if (fn->cls_kind == 1) return instantiate_model(p, fn, a, at);
    if (fn->cls_kind == 2) {
      val *v = mk(p, V_OBJ, at);
      v->obj = new_obj(p, O_OPAQUE, text(p, field(p, fn->node, FLD_name)),
                       span_of(p, field(p, call, FLD_function)), a);
      return v;
    }
    return unk(p, at);
  case V_OBJ: {
    pobj *o = fn->obj;
    val *x = arg(a, 0, "inputs", "x");
    if (o->cat == O_LAYER || o->cat == O_OPAQUE) return apply(p, o, x, fn->at);
    if (o->cat == O_INPUT) return apply(p, NULL, x, at);
    return unk(p, at);
  }
  case V_MODEL: {
    /* a model used as a layer: an opaque layer of the outer model */
    pobj *o = new_obj(p, O_OPAQUE, "Model", fn->at, NULL);
    return apply(p, o, arg(a, 0, "inputs", "x"), at);
  }
  case V_INST: {
    nid m = method(p, fn->inst->cls, "call");
    if (!!(m)) return call_func(p, m, fn, a, at);
    return apply(p, NULL, all_tensors(p, a), at);
  }
  default:
    if (any_tensor(a)) return apply(p, NULL, all_tensors(p, a), at);
    return unk(p, at);
  }
}

/* ---- attributes ---- */

/* Mark in seen (1) the graph nodes reachable backward from m's outputs
 * that seen does not hold yet, and list them in *reached (any order) when
 * reached is not NULL. */
static void reach_back(py *p, const pmodel *m, uint8_t *seen, ids *reached) {
  uint32_t n = p->nodes.len;
  ids stack = {0};
  for (uint32_t i = 0; i < m->outs.len; i++)
    if (m->outs.items[i] >= 0) nnl_array_push(&stack, m->outs.items[i]);
  while (stack.len) {
    int32_t id = stack.items[--stack.len];
    if (id < 0 || (uint32_t)id >= n || seen[id]) continue;
    seen[id] = 1;
    if (reached) nnl_array_push(reached, id);
    gnode *g = &p->nodes.items[id];
    for (uint32_t k = 0; k < g->nin; k++) nnl_array_push(&stack, g->in[k]);
  }
  nnl_array_free(&stack);
}

/* model.layers: a Sequential's layers in order (an Input left out); a
 * functional model's, as Keras lists them: each layer object once, in the
 * order of its first application reached from the outputs, Inputs
 * included; an op nnlint does not know is an unknown value there.  A
 * dynamic or subclassed model's: unknown. */
static val *model_layers(py *p, pmodel *m, nnl_span at) {
  if (m->dynamic || m->kind == M_SUB) return unk(p, at);
  val *s = seq_val(p, at, false);
  if (m->kind == M_SEQ) {
    for (uint32_t i = 0; i < m->seq.len; i++) {
      val *v = m->seq.items[i];
      if (v->k == V_OBJ && v->obj->cat == O_INPUT) continue;
      if (v->k == V_TENSOR && v->tensor >= 0 && p->nodes.items[v->tensor].o &&
          p->nodes.items[v->tensor].o->cat == O_INPUT) continue;
      APUSH(p, &s->seq->it, v);
    }
    return s;
  }
  uint32_t n = p->nodes.len;
  uint8_t *seen = nnl_xcalloc(n ? n : 1, 1);
  reach_back(p, m, seen, NULL);
  for (uint32_t id = 0; id < n; id++) {
    if (!seen[id]) continue;
    pobj *o = p->nodes.items[id].o;
    if (!o) {
      if (p->nodes.items[id].nin) APUSH(p, &s->seq->it, unk(p, p->nodes.items[id].at));
      continue;
    }
    bool dup = false; /* a shared layer: listed once */
    for (uint32_t k = 0; o->napps > 1 && k < s->seq->it.len && !dup; k++)
      dup = s->seq->it.items[k]->k == V_OBJ && s->seq->it.items[k]->obj == o;
    if (dup) continue;
    val *v = mk(p, V_OBJ, p->nodes.items[id].at);
    v->obj = o;
    APUSH(p, &s->seq->it, v);
  }
  free(seen);
  return s;
}

static val *attribute(py *p, nid n) {
  val *o = eval(p, field(p, n, FLD_object));
  nid an = field(p, n, FLD_attribute);
  const char *name = text(p, an);
  nnl_span at = span_of(p, n);
  switch (o->k) {
  case V_MOD: {
    val *v = mk(p, V_MOD, at);
    struct pmemo *e = memo_slot(p, o->s, name);
    v->s = e->v ? e->v : memo_put(p, e, nnl_arena_printf(p->a, "%s.%s", o->s, name));
    return v;
  }
  case V_INST: {
    val *v = scope_get(o->inst->attrs, name);
    if (v) return v;
    if (!!(method(p, o->inst->cls, name))) {
      v = mk(p, V_BOUND, at);
      v->s = name;
      v->self_v = o;
      return v;
    }
    return unk(p, at);
  }
  case V_MODEL: {
    pmodel *m = o->model;
    if (!strcmp(name, "input") || !strcmp(name, "inputs") ||
        !strcmp(name, "output") || !strcmp(name, "outputs")) {
      ids *t = name[0] == 'i' ? &m->ins : &m->outs;
      if (m->kind == M_SEQ || m->dynamic || t->len == 0) return unk(p, at);
      if (t->len == 1 && (!strcmp(name, "input") || !strcmp(name, "output")))
        return tensor(p, t->items[0], at);
      val *s = seq_val(p, at, false);
      for (uint32_t i = 0; i < t->len; i++) APUSH(p, &s->seq->it, tensor(p, t->items[i], at));
      return s;
    }
    if (!strcmp(name, "layers")) return model_layers(p, m, at);
    val *v = mk(p, V_BOUND, at);
    v->s = name;
    v->self_v = o;
    return v;
  }
  case V_SEQ:
  case V_DICT: {
    val *v = mk(p, V_BOUND, at);
    v->s = name;
    v->self_v = o;
    return v;
  }
  case V_BOUND:
    if ((lr_name(name) && lr_owner(o)) || /* model.optimizer.lr */
        (!strcmp(name, "assign") && !strcmp(o->s, "learning_rate") &&
         lr_owner(o->self_v))) { /* opt.learning_rate.assign */
      val *v = mk(p, V_BOUND, at);
      v->s = lr_name(name) ? "learning_rate" : "assign";
      v->self_v = o;
      return v;
    }
    return unk(p, at);
  case V_OBJ:
    if (lr_name(name) && lr_owner(o)) { /* opt.learning_rate */
      val *v = mk(p, V_BOUND, at);
      v->s = "learning_rate";
      v->self_v = o;
      return v;
    }
    if (o->obj->cat == O_LAYER && o->obj->napps == 1 &&
        (!strcmp(name, "output") || !strcmp(name, "input"))) {
      /* a layer applied once: its output tensor, or its single input */
      gnode *g = &p->nodes.items[o->obj->node];
      if (name[0] == 'o') return tensor(p, o->obj->node, at);
      if (g->nin == 1) return tensor(p, g->in[0], at);
      return unk(p, at);
    }
    if (o->obj->cat == O_OPAQUE &&
        (!strcmp(name, "output") || !strcmp(name, "input"))) {
      pobj *x = o->obj;
      if (x->app_in < 0) {
        pobj *io = new_obj(p, O_INPUT, "Input", x->cls_at, NULL);
        x->app_in = add_node(p, io, x->cls_at, NULL, 0);
        int32_t *in = nnl_arena_alloc(p->a, sizeof *in);
        *in = x->app_in;
        x->app_out = add_node(p, x, x->cls_at, in, x->app_in >= 0);
      }
      return tensor(p, name[0] == 'i' ? x->app_in : x->app_out, at);
    }
    return unk(p, at);
  case V_STR: {
    val *v = mk(p, V_BOUND, at);
    v->s = name;
    v->self_v = o;
    return v;
  }
  default: return unk(p, at);
  }
}

/* ---- expressions ---- */
static val *eval_seq(py *p, nid n, bool tuple) {
  val *v = seq_val(p, span_of(p, n), tuple);
  nodes ks = {0};
  kids(p, n, &ks);
  for (uint32_t i = 0; i < ks.len; i++) {
    if (is(p, ks.items[i], K_list_splat)) v->seq->unknown = true;
    else APUSH(p, &v->seq->it, eval(p, ks.items[i]));
  }
  return v;
}

/* A list of nodes built here (nodes is a view of the table). */
typedef NNL_ARRAY(nid) nidvec;

/* The names a for target binds (x, (i, x), [a, b]) into *out. */
static void target_names(py *p, nid t, nidvec *out, int depth) {
  if (depth > 16) return;
  if (is(p, t, K_identifier)) {
    APUSH(p, out, t);
    return;
  }
  nodes ks = {0};
  kids(p, t, &ks);
  for (uint32_t i = 0; i < ks.len; i++) target_names(p, ks.items[i], out, depth + 1);
}

/* Clause ci onwards of a comprehension: for every item of its iterable
 * (a for clause) or when its condition holds (an if clause), the next
 * clause; after the last, the body's value is added to out.  *budget
 * counts the items left (MAX_ITERS in all).  False when an iterable is not
 * a known list, a condition cannot be decided, or the budget runs out. */
static bool comp_fill(py *p, nid body, const nidvec *cl, uint32_t ci, val *out,
                      uint32_t *budget) {
  if (p->gave_up) return false;
  if (ci == cl->len) {
    if (*budget == 0) return false;
    (*budget)--;
    APUSH(p, &out->seq->it, eval(p, body));
    return true;
  }
  nid c = cl->items[ci];
  if (is(p, c, K_if_clause)) {
    nodes ks = {0};
    kids(p, c, &ks);
    int t = ks.len == 1 ? truth(eval(p, ks.items[0])) : -1;
    if (t < 0) return false;
    return t ? comp_fill(p, body, cl, ci + 1, out, budget) : true;
  }
  val *it = eval(p, field(p, c, FLD_right));
  if (it->k != V_SEQ || it->seq->unknown || it->seq->it.len > MAX_ITERS) return false;
  nid left = field(p, c, FLD_left);
  for (uint32_t i = 0; i < it->seq->it.len; i++) {
    bind(p, left, it->seq->it.items[i], 0);
    if (!comp_fill(p, body, cl, ci + 1, out, budget)) return false;
  }
  return true;
}

/* [body for x in it if c ...]: the list, unrolled like a for loop when
 * every iterable is known; else a list of unknown items, the body
 * evaluated once as a loop of unknown count would be (tainted: layers it
 * adds to a model make that model dynamic).  The loop names are the
 * comprehension's own (Python 3): their outer values are put back. */
static val *eval_comprehension(py *p, nid n) {
  nnl_span at = span_of(p, n);
  nid body = field(p, n, FLD_body);
  nodes ks = {0};
  nidvec cl = {0}, names = {0};
  kids(p, n, &ks);
  for (uint32_t i = 0; i < ks.len; i++)
    if (is(p, ks.items[i], K_for_in_clause) || is(p, ks.items[i], K_if_clause)) {
      APUSH(p, &cl, ks.items[i]);
      if (is(p, ks.items[i], K_for_in_clause))
        target_names(p, field(p, ks.items[i], FLD_left), &names, 0);
    }
  scope *sc = p->locals ? p->locals : &p->globals;
  val **saved = nnl_arena_alloc(p->a, (names.len + 1) * sizeof *saved);
  for (uint32_t i = 0; i < names.len; i++) saved[i] = scope_get(sc, text(p, names.items[i]));
  val *v = seq_val(p, at, false);
  uint32_t budget = MAX_ITERS;
  if (!(body) || cl.len == 0 || !is(p, cl.items[0], K_for_in_clause) ||
      !comp_fill(p, body, &cl, 0, v, &budget)) {
    v = seq_val(p, at, false);
    v->seq->unknown = true;
    p->taint++;
    for (uint32_t i = 0; i < names.len; i++) bind_name(p, text(p, names.items[i]), unk(p, at));
    if (body) eval(p, body);
    p->taint--;
  }
  /* in reverse: a name bound twice gets its first saved value back */
  for (uint32_t i = names.len; i-- > 0;) scope_set(sc, text(p, names.items[i]), saved[i]);
  return v;
}

static val *eval_inner(py *p, nid n) {
  nnl_span at = span_of(p, n);
  switch (kind(p, n)) {
  case K_identifier: return lookup(p, text(p, n), at);
  case K_integer: return number(p, n, false);
  case K_float: return number(p, n, true);
  case K_false: return boolean(p, 0, at);
  case K_true: return boolean(p, 1, at);
  case K_tuple: return eval_seq(p, n, true);
  case K_none: return mk(p, V_NONE, at);
  case K_not_operator: {
    int b = truth(eval(p, field(p, n, FLD_argument)));
    return boolean(p, b < 0 ? -1 : !b, at);
  }
  case K_string: return string(p, n);
  case K_subscript: {
    val *v = eval(p, field(p, n, FLD_value));
    val *ix = eval(p, field(p, n, FLD_subscript));
    if (v->k == V_SEQ && !v->seq->unknown && ix->k == V_NUM) {
      double i = ix->n < 0 ? ix->n + v->seq->it.len : ix->n;
      if (i >= 0 && i < v->seq->it.len && i == floor(i)) return v->seq->it.items[(uint32_t)i];
    }
    if (v->k == V_DICT && ix->k == V_STR && !v->dict->unknown)
      for (uint32_t k = v->dict->keys.len; k-- > 0;)
        if (!strcmp(v->dict->keys.items[k], ix->s)) return v->dict->vals.items[k];
    if (v->k == V_TENSOR) return apply(p, NULL, v, at);
    return unk(p, at);
  }
  case K_call: {
    val *fn = eval(p, field(p, n, FLD_function));
    pargs *a = eval_args(p, n);
    return call_value(p, fn, a, n);
  }
  case K_concatenated_string: {
    nodes ks = {0};
    kids(p, n, &ks);
    nnl_buf b = {0};
    bool ok = true;
    for (uint32_t i = 0; i < ks.len; i++) {
      val *s = string(p, ks.items[i]);
      if (s->k != V_STR) ok = false;
      else nnl_buf_puts(&b, s->s);
    }
    val *v = ok ? mk(p, V_STR, at) : unk(p, at);
    if (ok) v->s = nnl_arena_strdup(p->a, nnl_buf_str(&b));
    nnl_buf_free(&b);
    return v;
  }
  case K_comparison_operator: {
    /* a op b, two operands only */
    nodes ks = {0};
    kids(p, n, &ks);
    val *r = NULL;
    if (ks.len == 2) {
      uint32_t s = p->nd[ks.items[0]].off + p->nd[ks.items[0]].len,
               e = p->nd[ks.items[1]].off;
      char op[16];
      size_t k = 0;
      bool sp = false;
      for (uint32_t i = s; i < e && k + 2 < sizeof op; i++) {
        char c = p->src[i];
        if (isspace((unsigned char)c)) { sp = k > 0; continue; }
        if (sp) op[k++] = ' ', sp = false;
        op[k++] = c;
      }
      op[k] = '\0';
      r = boolean(p, compare(op, eval(p, ks.items[0]), eval(p, ks.items[1])), at);
    }
    return r ? r : unk(p, at);
  }
  case K_conditional_expression: {
    nodes ks = {0};
    kids(p, n, &ks);
    val *r = NULL;
    if (ks.len == 3) {
      int c = truth(eval(p, ks.items[1]));
      if (c >= 0) r = eval(p, ks.items[c ? 0 : 2]);
    }
    return r ? r : unk(p, at);
  }
  case K_list: return eval_seq(p, n, false);
  case K_list_comprehension: return eval_comprehension(p, n);
  case K_lambda: {
    val *v = mk(p, V_CODE, at);
    v->s = text(p, n);
    return v;
  }
  case K_expression_list: return eval_seq(p, n, true);
  case K_parenthesized_expression: {
    nodes ks = {0};
    kids(p, n, &ks);
    val *r = ks.len == 1 ? eval(p, ks.items[0]) : unk(p, at);
    return r;
  }
  case K_attribute: return attribute(p, n);
  case K_assignment: { /* a = b = v: the right side */
      val *v = eval(p, field(p, n, FLD_right));
      bind(p, field(p, n, FLD_left), v, 0);
      return v;
    }
  case K_binary_operator: {
    val *l = eval(p, field(p, n, FLD_left));
    val *r = eval(p, field(p, n, FLD_right));
    char op[4] = {0};
    nid o = field(p, n, FLD_operator);
    nnl_span s = span_of(p, o);
    if (s.len < sizeof op) memcpy(op, p->src + s.off, s.len);
    return binop(p, op, l, r, at);
  }
  case K_boolean_operator: {
    val *l = eval(p, field(p, n, FLD_left));
    int tl = truth(l);
    bool is_and = text_is(p, field(p, n, FLD_operator), "and");
    if (tl < 0) return unk(p, at);
    if (is_and ? !tl : tl) return l;
    return eval(p, field(p, n, FLD_right));
  }
  case K_unary_operator: {
    val *x = eval(p, field(p, n, FLD_argument));
    nid o = field(p, n, FLD_operator);
    if (x->k == V_NUM && text_is(p, o, "-")) return num(p, -x->n, at);
    if (x->k == V_NUM && text_is(p, o, "+")) return num(p, x->n, at);
    if (x->k == V_TENSOR) return apply(p, NULL, x, at);
    return unk(p, at);
  }
  case K_dictionary: {
    val *v = mk(p, V_DICT, at);
    v->dict = nnl_arena_alloc(p->a, sizeof *v->dict);
    nodes ks = {0};
    kids(p, n, &ks);
    for (uint32_t i = 0; i < ks.len; i++) {
      if (is(p, ks.items[i], K_dictionary_splat)) { /* {**base, ...} */
        nodes ds = {0};
        kids(p, ks.items[i], &ds);
        val *d = ds.len == 1 ? eval(p, ds.items[0]) : NULL;
        if (!d || d->k != V_DICT || d->dict->unknown) {
          v->dict->unknown = true;
          continue;
        }
        for (uint32_t j = 0; j < d->dict->keys.len; j++)
          dict_set(p, v->dict, d->dict->keys.items[j], d->dict->vals.items[j]);
        continue;
      }
      if (!is(p, ks.items[i], K_pair)) {
        v->dict->unknown = true;
        continue;
      }
      val *k = eval(p, field(p, ks.items[i], FLD_key));
      val *x = eval(p, field(p, ks.items[i], FLD_value));
      dict_set(p, v->dict, k->k == V_STR ? k->s : "", x);
    }
    return v;
  }
  }
  return unk(p, at);
}

static val *eval(py *p, nid n) {
  if (!(n)) return unk(p, NNL_NOSPAN);
  if (!spend(p) || p->nest >= MAX_NEST) {
    p->gave_up = true;
    return unk(p, span_of(p, n));
  }
  p->nest++;
  val *v = eval_inner(p, n);
  p->nest--;
  return v;
}

/* ---- statements ---- */
static void import_stmt(py *p, nid n) {
  nodes ks = {0};
  kids(p, n, &ks);
  bool from = is(p, n, K_import_from_statement);
  const char *mod = NULL;
  nid mn = field(p, n, FLD_module_name);
  if (from) {
    if (!is(p, mn, K_dotted_name)) { /* relative: local code */
      mod = NULL;
    } else {
      mod = text(p, mn);
    }
  }
  for (uint32_t i = 0; i < ks.len; i++) {
    nid c = ks.items[i];
    if (from && c == mn) continue;
    if (is(p, c, K_wildcard_import)) {
      if (mod && is_keras_import(mod)) nnl_array_push(&p->star, canon(p, mod));
      continue;
    }
    nid name = c, alias = 0;
    if (is(p, c, K_aliased_import)) {
      name = field(p, c, FLD_name);
      alias = field(p, c, FLD_alias);
    }
    if (!is(p, name, K_dotted_name)) continue;
    const char *full = text(p, name);
    val *v;
    const char *bindname;
    if (from) {
      if (!mod) {
        v = unk(p, span_of(p, c));
      } else {
        v = mk(p, V_MOD, span_of(p, c));
        v->s = nnl_arena_printf(p->a, "%s.%s", mod, full);
      }
      bindname = !(alias) ? full : text(p, alias);
    } else {
      v = mk(p, V_MOD, span_of(p, c));
      if (!(alias)) {
        /* import a.b.c binds a */
        const char *dot = strchr(full, '.');
        v->s = dot ? intern(p, full, (size_t)(dot - full)) : full;
        bindname = v->s;
      } else {
        v->s = full;
        bindname = text(p, alias);
      }
    }
    if (p->taint > 0 && (p->locals ? scope_get(p->locals, bindname) : scope_get(&p->globals, bindname)))
      continue; /* a fallback import: keep the first */
    scope_set(p->locals ? p->locals : &p->globals, bindname, v);
  }
}

/* What a class derives from: 1 keras.Model, 2 keras.layers.Layer, else 0. */
static void superclass_kind(py *p, nid cls, uint8_t *kind) {
  *kind = 0;
  nid sup = field(p, cls, FLD_superclasses);
  if (!(sup)) return;
  nodes ks = {0};
  kids(p, sup, &ks);
  for (uint32_t i = 0; i < ks.len; i++) {
    if (is(p, ks.items[i], K_keyword_argument)) continue;
    val *b = eval(p, ks.items[i]);
    if (b->k == V_MOD) {
      const char *q = canon(p, b->s);
      const char *last = last_part(q);
      if (strncmp(q, "keras.", 6) == 0) {
        if (!strcmp(last, "Model") || !strcmp(last, "Sequential")) *kind = 1;
        else if (!strcmp(last, "Layer")) *kind = 2;
      }
    } else if (b->k == V_CLASS && b->cls_kind) {
      *kind = b->cls_kind;
    }
  }
}

static flow exec_stmt(py *p, nid s);

/* Run the statements of a block (or module) in order. */
static flow exec_block(py *p, nid n) {
  if (!(n)) return F_NEXT;
  if (p->nest >= MAX_NEST) {
    p->gave_up = true;
    return F_NEXT;
  }
  p->nest++;
  nodes ks = {0};
  kids(p, n, &ks);
  flow f = F_NEXT;
  for (uint32_t i = 0; i < ks.len && f == F_NEXT && !p->gave_up; i++)
    f = exec_stmt(p, ks.items[i]);
  p->nest--;
  return f;
}

/* A branch the interpreter cannot decide: run it with every assignment
 * unknown and every model it changes dynamic. */
static flow exec_tainted(py *p, nid body) {
  p->taint++;
  flow f = exec_block(p, body);
  p->taint--;
  (void)f;
  return F_NEXT;
}

static flow exec_if(py *p, nid s) {
  int c = truth(eval(p, field(p, s, FLD_condition)));
  if (c == 1) return exec_block(p, field(p, s, FLD_consequence));
  if (c < 0) exec_tainted(p, field(p, s, FLD_consequence));
  nodes ks = {0};
  kids(p, s, &ks);
  flow f = F_NEXT;
  for (uint32_t i = 0; i < ks.len; i++) {
    nid k = ks.items[i];
    if (is(p, k, K_elif_clause)) {
      if (c == 1) break;
      int e = c < 0 ? -1 : truth(eval(p, field(p, k, FLD_condition)));
      if (e < 0) { c = -1; exec_tainted(p, field(p, k, FLD_consequence)); }
      else if (e == 1) { f = exec_block(p, field(p, k, FLD_consequence)); c = 1; break; }
    } else if (is(p, k, K_else_clause)) {
      if (c == 0) f = exec_block(p, field(p, k, FLD_body));
      else if (c < 0) exec_tainted(p, field(p, k, FLD_body));
    }
  }
  return f;
}

static flow exec_for(py *p, nid s) {
  val *it = eval(p, field(p, s, FLD_right));
  nid left = field(p, s, FLD_left), body = field(p, s, FLD_body);
  if (it->k == V_SEQ && !it->seq->unknown && it->seq->it.len <= MAX_ITERS) {
    uint32_t n = it->seq->it.len;
    for (uint32_t i = 0; i < n && !p->gave_up; i++) {
      bind(p, left, it->seq->it.items[i], 0);
      flow f = exec_block(p, body);
      if (f == F_BREAK) return F_NEXT;
      if (f == F_RETURN) return f;
    }
    nid alt = field(p, s, FLD_alternative);
    if (!!(alt)) exec_block(p, alt);
    return F_NEXT;
  }
  bind(p, left, unk(p, it->at), 0);
  exec_tainted(p, body);
  /* names assigned in the body are unknown after it */
  return F_NEXT;
}

static flow exec_stmt(py *p, nid s) {
  if (!spend(p)) return F_NEXT;
  switch (kind(p, s)) {
  case K_expression_statement: {
    nodes ks = {0};
    kids(p, s, &ks);
    for (uint32_t i = 0; i < ks.len; i++) {
      nid e = ks.items[i];
      if (is(p, e, K_assignment)) {
        nid r = field(p, e, FLD_right);
        val *v = !(r) ? unk(p, span_of(p, e)) : eval(p, r);
        bind(p, field(p, e, FLD_left), v, 0);
      } else if (is(p, e, K_augmented_assignment)) {
        nid l = field(p, e, FLD_left);
        val *cur = eval(p, l);
        val *r = eval(p, field(p, e, FLD_right));
        char op[4] = {0};
        nnl_span o = span_of(p, field(p, e, FLD_operator));
        if (o.len >= 2 && o.len - 1 < sizeof op) memcpy(op, p->src + o.off, o.len - 1);
        bind(p, l, binop(p, op, cur, r, span_of(p, e)), 0);
      } else if (!is(p, e, K_string)) {
        eval(p, e);
      }
    }
    return F_NEXT;
  }
  case K_import_statement:
  case K_import_from_statement: {
    import_stmt(p, s);
    return F_NEXT;
  }
  case K_function_definition: {
    val *v = mk(p, V_FUNC, span_of(p, s));
    v->node = s;
    if (!p->locals && p->calls == 0) nnl_array_push(&p->funcs, v);
    bind_name(p, text(p, field(p, s, FLD_name)), v);
    return F_NEXT;
  }
  case K_class_definition: {
    val *v = mk(p, V_CLASS, span_of(p, s));
    v->node = s;
    superclass_kind(p, s, &v->cls_kind);
    bind_name(p, text(p, field(p, s, FLD_name)), v);
    return F_NEXT;
  }
  case K_decorated_definition: return exec_stmt(p, field(p, s, FLD_definition));
  case K_if_statement: return exec_if(p, s);
  case K_for_statement: return exec_for(p, s);
  case K_while_statement: return exec_tainted(p, field(p, s, FLD_body));
  case K_with_statement: return exec_block(p, field(p, s, FLD_body));
  case K_try_statement: {
    flow f = exec_block(p, field(p, s, FLD_body));
    nodes ks = {0};
    kids(p, s, &ks);
    for (uint32_t i = 0; i < ks.len; i++) {
      nid k = ks.items[i];
      if (is(p, k, K_except_clause)) {
        nodes b = {0};
        kids(p, k, &b);
        if (b.len) exec_tainted(p, b.items[b.len - 1]);
      } else if (is(p, k, K_else_clause) && f == F_NEXT) {
        f = exec_block(p, field(p, k, FLD_body));
      } else if (is(p, k, K_finally_clause)) {
        nodes b = {0};
        kids(p, k, &b);
        if (b.len) exec_block(p, b.items[b.len - 1]);
      }
    }
    return f;
  }
  case K_return_statement: {
    nodes ks = {0};
    kids(p, s, &ks);
    val *v = ks.len ? eval(p, ks.items[0]) : &NONE_V;
    if (p->taint > 0) {
      p->ret_unknown = true;
      return F_NEXT;
    }
    p->ret = v;
    return F_RETURN;
  }
  case K_break_statement: return p->taint ? F_NEXT : F_BREAK;
  case K_continue_statement: return p->taint ? F_NEXT : F_CONTINUE;
  case K_block: return exec_block(p, s);
  case K_delete_statement: { /* del d["key"]: that dict is no longer known */
    nodes ks = {0};
    kids(p, s, &ks);
    if (ks.len == 1 && is(p, ks.items[0], K_expression_list)) kids(p, ks.items[0], &ks);
    for (uint32_t i = 0; i < ks.len; i++)
      if (is(p, ks.items[i], K_subscript)) {
        val *d = eval(p, field(p, ks.items[i], FLD_value));
        if (d->k == V_DICT) d->dict->unknown = true;
      }
    return F_NEXT;
  }
  default:
    return F_NEXT; /* pass, global, assert, raise, print, del, ... */
  }
}

/* ---- values to keras.c's nnl_kval ---- */

/* nnl_keras_positional, once per class name and position. */
static const char *positional(py *p, const char *cls, uint32_t i) {
  struct pmemo *e = memo_slot(p, cls, (const void *)(uintptr_t)(i + 1));
  if (e->v) return e->v == memo_none ? NULL : e->v;
  return memo_put(p, e, nnl_keras_positional(cls, i));
}
static void to_kval(py *p, val *v, nnl_kval *out, int depth);

/* The arguments of a call as nnl_karg: positional ones named through
 * nnl_keras_positional(cls), keyword ones as written; a *args or **kwargs
 * makes the usual keys unknown when not written. */
static nnl_karg *to_kargs(py *p, const char *cls, pargs *a, size_t *n, int depth) {
  static const char *const splat_keys[] = {
      "activation", "kernel_initializer", "init", "kernel_regularizer",
      "W_regularizer", "units", "filters", "rate", "optimizer", "loss",
      "metrics", "batch_size", "epochs", "validation_split",
      "validation_data", "learning_rate", "clipnorm", "clipvalue",
      "global_clipnorm", "weight_decay", "from_logits", "dtype", NULL};
  size_t cap = a->pos.len + a->kw.len + (a->kw_splat || a->pos_splat >= 0 ? 24 : 0);
  nnl_karg *out = nnl_arena_alloc(p->a, (cap ? cap : 1) * sizeof *out);
  size_t k = 0;
  for (uint32_t i = 0; i < a->kw.len; i++) {
    out[k].key = a->kw.items[i];
    out[k].key_at = a->kw_at.items[i];
    to_kval(p, a->kwv.items[i], &out[k].v, depth + 1);
    k++;
  }
  for (uint32_t i = 0; i < a->pos.len; i++) {
    if (a->pos_splat >= 0 && (int)i >= a->pos_splat) break;
    const char *key = positional(p, cls, i);
    if (!key || nnl_karg_find(out, k, key)) continue;
    out[k].key = key;
    out[k].key_at = a->pos.items[i]->at;
    to_kval(p, a->pos.items[i], &out[k].v, depth + 1);
    k++;
  }
  if (a->kw_splat || a->pos_splat >= 0)
    for (const char *const *s = splat_keys; *s; s++)
      if (!nnl_karg_find(out, k, *s)) {
        out[k].key = *s;
        out[k].key_at = a->at;
        out[k].v = (nnl_kval){.kind = NNL_KV_UNKNOWN, .at = a->at};
        k++;
      }
  *n = k;
  return out;
}

/* Is name one of numpy's scalar types (np.uint8, np.float32)? */
static bool numpy_dtype(const char *name) {
  static const char *const t[] = {
      "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
      "int64", "float16", "float32", "float64", "half", "single", "double",
      "bool_", "ubyte", "byte", "short", "ushort", "intc", "uintc", NULL};
  for (const char *const *x = t; *x; x++)
    if (strcmp(name, *x) == 0) return true;
  return false;
}

static void to_kval(py *p, val *v, nnl_kval *out, int depth) {
  *out = (nnl_kval){.kind = NNL_KV_UNKNOWN, .at = v ? v->at : NNL_NOSPAN};
  if (!v || depth > MAX_KVAL_DEPTH) return;
  switch (v->k) {
  case V_NONE: out->kind = NNL_KV_NULL; return;
  case V_BOOL: out->kind = NNL_KV_BOOL, out->b = v->b; return;
  case V_NUM: out->kind = NNL_KV_NUM, out->num = v->n; return;
  case V_STR: out->kind = NNL_KV_STR, out->str = v->s; return;
  case V_CODE: out->kind = NNL_KV_STR, out->str = v->s; return;
  case V_SEQ: {
    if (v->seq->unknown) return;
    nnl_karg *items = nnl_arena_alloc(p->a, (v->seq->it.len + 1) * sizeof *items);
    for (uint32_t i = 0; i < v->seq->it.len; i++)
      to_kval(p, v->seq->it.items[i], &items[i].v, depth + 1);
    out->kind = NNL_KV_LIST, out->items = items, out->n = v->seq->it.len;
    return;
  }
  case V_DICT: {
    if (v->dict->unknown) return;
    nnl_karg *items = nnl_arena_alloc(p->a, (v->dict->keys.len + 1) * sizeof *items);
    for (uint32_t i = 0; i < v->dict->keys.len; i++) {
      items[i].key = v->dict->keys.items[i];
      to_kval(p, v->dict->vals.items[i], &items[i].v, depth + 1);
    }
    out->kind = NNL_KV_DICT, out->items = items, out->n = v->dict->keys.len;
    return;
  }
  case V_MOD: {
    /* a Keras function or class named, not called: activation=tf.nn.relu,
     * loss=keras.losses.mse, kernel_initializer=initializers.he_normal */
    const char *q = canon(p, v->s);
    if (strncmp(q, "keras.", 6) == 0 || strncmp(q, "tensorflow.", 11) == 0) {
      out->kind = NNL_KV_STR;
      out->str = nnl_arena_strdup(p->a, last_part(q));
    } else if (strncmp(q, "numpy.", 6) == 0 && numpy_dtype(last_part(q))) {
      /* dtype=np.uint8 */
      out->kind = NNL_KV_STR;
      out->str = last_part(q);
    }
    return;
  }
  case V_OBJ: {
    pobj *o = v->obj;
    if (o->cat == O_OPAQUE || o->cat == O_AUGMENT || o->cat == O_OTHER) return;
    size_t n;
    nnl_karg *items = to_kargs(p, o->cls, o->a, &n, depth);
    out->kind = NNL_KV_DICT;
    out->str = o->cls;
    out->str_at = o->cls_at;
    out->items = items;
    out->n = (uint32_t)n;
    return;
  }
  default: return;
  }
}

/* ---- models to IR ---- */

/* An opaque layer: nothing is known of it, and it might regularize. */
static nnl_layer *opaque_layer(nnl_model *m, const char *cls, nnl_span at) {
  nnl_layer *l = nnl_keras_add_layer(m, cls ? cls : "Custom", at, NULL, 0);
  l->op = NNL_OP_OPAQUE;
  l->at = at;
  l->kernel_regularizer.state = NNL_UNKNOWN;
  l->kernel_regularizer.at = at;
  return l;
}

/* One layer from a value in a Sequential list or a graph node's layer. */
static nnl_layer *layer_of(py *p, nnl_model *m, pobj *o, nnl_span at) {
  if (!o) return opaque_layer(m, NULL, at);
  if (o->cat != O_LAYER) return opaque_layer(m, o->cls, at);
  size_t n;
  nnl_karg *args = to_kargs(p, o->cls, o->a, &n, 0);
  nnl_layer *l = nnl_keras_add_layer(m, o->cls, o->cls_at, args, n);
  l->at = at;
  const nnl_kval *nm = nnl_karg_find(args, n, "name");
  if (nm && nm->kind == NNL_KV_STR)
    l->name = (nnl_str){nm->str, nm->at, NNL_KNOWN};
  return l;
}

static void add_input(py *p, nnl_model *m, pobj *o, nnl_span at) {
  size_t n = 0;
  nnl_karg *args = o && o->a ? to_kargs(p, "Input", o->a, &n, 0) : NULL;
  nnl_input *in = nnl_keras_add_input(m, args, n, at);
  if (!o || !o->a || (o->a->pos.len == 0 && o->a->kw.len == 0)) {
    /* an input nnlint made up (a subclassed model's call argument, a
     * pretrained model's input): nothing is known of it */
    in->dtype = (nnl_str){NULL, at, NNL_UNKNOWN};
    in->kind = (nnl_str){NULL, at, NNL_UNKNOWN};
  }
}

static void seq_to_ir(py *p, pmodel *pm, nnl_model *m) {
  for (uint32_t i = 0; i < pm->seq.len; i++) {
    val *v = pm->seq.items[i];
    if (v->k == V_OBJ && v->obj->cat == O_INPUT) {
      if (m->inputs.len == 0 && m->layers.len == 0) add_input(p, m, v->obj, v->at);
      continue;
    }
    if (v->k == V_TENSOR && v->tensor >= 0 && p->nodes.items[v->tensor].o &&
        p->nodes.items[v->tensor].o->cat == O_INPUT) { /* keras.Input(...) */
      if (m->inputs.len == 0 && m->layers.len == 0)
        add_input(p, m, p->nodes.items[v->tensor].o, v->at);
      continue;
    }
    if (v->k == V_OBJ && v->obj->cat == O_LAYER && m->layers.len == 0 &&
        m->inputs.len == 0) {
      size_t n;
      nnl_karg *args = to_kargs(p, v->obj->cls, v->obj->a, &n, 0);
      if (nnl_keras_args_declare_input(args, n))
        nnl_keras_add_input(m, args, n, v->at);
    }
    if (v->k == V_OBJ) layer_of(p, m, v->obj, v->at);
    else opaque_layer(m, v->k == V_MODEL ? "Model" : NULL, v->at);
  }
}

static int cmp_id(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

/* Is the text at span a one plain data name: an identifier or a dotted
 * attribute chain (x_train, data.x), not a call? */
static bool data_name(const char *src, nnl_span at) {
  if (!nnl_span_ok(at) || !at.len) return false;
  for (uint32_t i = 0; i < at.len; i++) {
    char c = src[at.off + i];
    bool id = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '.'));
    if (!id) return false;
  }
  return true;
}

/* fit(x_train, x_train): the input is its own target, so the model is an
 * autoencoder (a reconstruction, not a classification with one class a
 * pixel), unless the file declares nothing else.  Only the same plain
 * name counts: two calls that read alike may return different data. */
static void same_target(py *p, pargs *fit, nnl_model *m) {
  val *x = arg(fit, 0, "x", NULL), *y = arg(fit, 1, "y", NULL);
  if (!x || !y || m->task.state != NNL_ABSENT) return;
  const char *src = p->doc->src;
  if (!data_name(src, x->at) || x->at.len != y->at.len ||
      memcmp(src + x->at.off, src + y->at.off, x->at.len) != 0)
    return;
  m->task = (nnl_str){"autoencoder", y->at, NNL_KNOWN};
}

/* Functional: the nodes reachable backward from the outputs, in creation
 * order (which is topological: a node is made after its inputs).  The
 * work is in the nodes reached, not in the file's whole graph: p->gseen
 * and p->gmap are shared by all models and p->gseen is cleared again for
 * the nodes reached. */
static void graph_to_ir(py *p, pmodel *pm, nnl_model *m) {
  uint32_t n = p->nodes.len;
  if (!p->gseen) {
    p->gseen = nnl_xcalloc(n ? n : 1, 1);
    p->gmap = nnl_xmalloc((n ? n : 1) * sizeof *p->gmap);
  }
  uint8_t *seen = p->gseen;
  int32_t *map = p->gmap;
  ids reached = {0};
  reach_back(p, pm, seen, &reached);
  if (reached.len > 1) qsort(reached.items, reached.len, sizeof *reached.items, cmp_id);
  /* declared inputs first, in their order, then any other reached */
  for (uint32_t i = 0; i < pm->ins.len; i++) {
    int32_t id = pm->ins.items[i];
    if (id < 0 || (uint32_t)id >= n || seen[id] != 1) continue;
    gnode *g = &p->nodes.items[id];
    if (!g->o || g->o->cat != O_INPUT) continue;
    map[id] = NNL_REF_INPUT(m->inputs.len);
    add_input(p, m, g->o, g->at);
    seen[id] = 2;
  }
  for (uint32_t r = 0; r < reached.len; r++) {
    int32_t id = reached.items[r];
    if (seen[id] != 1) continue;
    gnode *g = &p->nodes.items[id];
    if (g->o && g->o->cat == O_INPUT && g->nin == 0) {
      map[id] = NNL_REF_INPUT(m->inputs.len);
      add_input(p, m, g->o, g->at);
      continue;
    }
    nnl_layer *l = layer_of(p, m, g->o, g->at);
    map[id] = (int32_t)(m->layers.len - 1);
    l->n_inputs = 0;
    l->inputs = nnl_arena_alloc(m->arena, (g->nin ? g->nin : 1) * sizeof *l->inputs);
    for (uint32_t k = 0; k < g->nin; k++) {
      int32_t src = g->in[k];
      if (src >= 0 && (uint32_t)src < n && seen[src]) l->inputs[l->n_inputs++] = map[src];
    }
  }
  for (uint32_t i = 0; i < pm->outs.len; i++) {
    int32_t id = pm->outs.items[i];
    if (id < 0 || (uint32_t)id >= n || !seen[id] || NNL_REF_IS_INPUT(map[id])) continue;
    nnl_output *o = nnl_ir_add_output(m);
    o->at = p->nodes.items[id].at;
    o->layer = map[id];
  }
  for (uint32_t r = 0; r < reached.len; r++) seen[reached.items[r]] = 0;
  nnl_array_free(&reached);
}

static void model_to_ir(py *p, pmodel *pm) {
  nnl_model *m = nnl_ir_model_new(&p->doc->arena);
  m->at = pm->at;
  if (pm->name && pm->name->k == V_STR)
    m->name = (nnl_str){pm->name->s, pm->name->at, NNL_KNOWN};
  if (pm->kind == M_SEQ) seq_to_ir(p, pm, m);
  else graph_to_ir(p, pm, m);
  if (pm->compile) {
    size_t n;
    nnl_karg *args = to_kargs(p, "compile", pm->compile, &n, 0);
    nnl_keras_set_compile(m, args, n, pm->compile->at);
  }
  if (pm->fit) {
    size_t n;
    bool gen = strcmp(pm->fit_method, "fit_generator") == 0;
    bool tob = strcmp(pm->fit_method, "train_on_batch") == 0;
    nnl_karg *args = to_kargs(p, gen ? "fit_generator" : tob ? "train_on_batch" : "fit",
                              pm->fit, &n, 0);
    if (tob && !nnl_karg_find(args, n, "batch_size")) {
      /* train_on_batch: the batch is whatever the loop hands it */
      nnl_karg *more = nnl_arena_alloc(p->a, (n + 1) * sizeof *more);
      memcpy(more, args, n * sizeof *more);
      more[n].key = "batch_size";
      more[n].key_at = pm->fit->at;
      more[n].v = (nnl_kval){.kind = NNL_KV_UNKNOWN, .at = pm->fit->at};
      args = more, n++;
    }
    if (gen) { /* fit_generator(generator, steps_per_epoch, epochs, ...) */
      val *e = arg(pm->fit, 2, "epochs", "nb_epoch");
      if (e && !nnl_karg_find(args, n, "epochs")) {
        nnl_karg *more = nnl_arena_alloc(p->a, (n + 1) * sizeof *more);
        memcpy(more, args, n * sizeof *more);
        more[n].key = "epochs";
        more[n].key_at = e->at;
        to_kval(p, e, &more[n].v, 0);
        args = more, n++;
      }
    }
    nnl_training *t = &m->training;
    nnl_keras_set_fit(m, args, n, pm->fit->at);
    same_target(p, pm->fit, m);
    if (t->validation.state == NNL_ABSENT && !pm->fit->kw_splat) {
      /* the fit call says there is no validation */
      t->validation = (nnl_flag){false, pm->fit->at, NNL_KNOWN};
    }
  }
  nnl_optimizer *opt = &m->training.optimizer;
  if (opt->state == NNL_KNOWN && (pm->lr_set || pm->lr_sched)) {
    /* the rate set after compile (model.optimizer.learning_rate = v), or
     * by a LearningRateScheduler callback: that value, or unknown */
    val *v = pm->lr_sched ? NULL : pm->lr_set;
    nnl_span at = v && nnl_span_ok(v->at) ? v->at : pm->fit ? pm->fit->at : pm->at;
    if (v && v->k == V_NUM && isfinite(v->n))
      opt->lr = (nnl_num){v->n, at, NNL_KNOWN};
    else
      opt->lr = (nnl_num){0, at, NNL_UNKNOWN};
  }
  if (nnl_span_ok(pm->eval_at) && !(m->training.validation.state == NNL_KNOWN &&
                                     m->training.validation.v)) {
    /* evaluate() on held-out data checks the results */
    m->training.validation = (nnl_flag){true, pm->eval_at, NNL_KNOWN};
  }
  if (pm->augmented || p->augment_seen) {
    m->training.augmentation.state = NNL_UNKNOWN;
    m->training.augmentation.at = pm->at;
  }
  nnl_array_push(&p->doc->models, m);
}

/* ---- views: models made of another model's layers ---- */

static int cmp_key(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return (x > y) - (x < y);
}

/* The layers of a model as sorted, unique keys: a Sequential's items (a
 * layer object, a nested model, else the value itself), a graph model's
 * reached nodes (the layer object applied there; an op without one: the
 * node).  Inputs and unknown sources are left out. */
static uintptr_t *layer_keys(py *p, pmodel *pm, uint32_t *len) {
  NNL_ARRAY(uintptr_t) k = {0};
  if (pm->kind == M_SEQ) {
    for (uint32_t i = 0; i < pm->seq.len; i++) {
      val *v = pm->seq.items[i];
      if (v->k == V_OBJ && v->obj->cat == O_INPUT) continue;
      if (v->k == V_TENSOR) continue; /* keras.Input(...) */
      nnl_array_push(&k, v->k == V_OBJ ? (uintptr_t)v->obj
                         : v->k == V_MODEL ? (uintptr_t)v->model : (uintptr_t)v);
    }
  } else {
    uint32_t n = p->nodes.len;
    if (!p->gseen) {
      p->gseen = nnl_xcalloc(n ? n : 1, 1);
      p->gmap = nnl_xmalloc((n ? n : 1) * sizeof *p->gmap);
    }
    NNL_ARRAY(int32_t) stack = {0}, reached = {0};
    for (uint32_t i = 0; i < pm->outs.len; i++) nnl_array_push(&stack, pm->outs.items[i]);
    while (stack.len) {
      int32_t id = stack.items[--stack.len];
      if (id < 0 || (uint32_t)id >= n || p->gseen[id]) continue;
      p->gseen[id] = 1;
      nnl_array_push(&reached, id);
      gnode *g = &p->nodes.items[id];
      for (uint32_t j = 0; j < g->nin; j++) nnl_array_push(&stack, g->in[j]);
      if (g->o ? g->o->cat == O_INPUT : g->nin == 0) continue;
      nnl_array_push(&k, g->o ? (uintptr_t)g->o : (uintptr_t)g);
    }
    for (uint32_t i = 0; i < reached.len; i++) p->gseen[reached.items[i]] = 0;
    nnl_array_free(&stack);
    nnl_array_free(&reached);
  }
  if (k.len > 1) qsort(k.items, k.len, sizeof *k.items, cmp_key);
  uint32_t u = 0;
  for (uint32_t i = 0; i < k.len; i++)
    if (!u || k.items[u - 1] != k.items[i]) k.items[u++] = k.items[i];
  *len = u;
  return k.items;
}

/* Is every key of a (sorted, unique) among those of b? */
static bool keys_within(const uintptr_t *a, uint32_t na, const uintptr_t *b, uint32_t nb) {
  uint32_t j = 0;
  for (uint32_t i = 0; i < na; i++) {
    while (j < nb && b[j] < a[i]) j++;
    if (j == nb || b[j] != a[i]) return false;
    j++;
  }
  return true;
}

static bool trained(const pmodel *pm) { return pm->compile || pm->fit; }

/* Mark the views: a model never compiled or trained whose layers all
 * belong to another model of the file (an encoder or feature extractor
 * cut out of a bigger model, a decoder made by applying its last layer to
 * a new Input) is a view of it; its layers are linted as part of that
 * model.  A compiled or trained model is never a view; of two models that
 * are not, the one whose layers are a strict subset of the other's is the
 * view, and of two with the same layers, the later.  The bigger model is
 * named: a trained one first, else the one with most layers.  Bounded:
 * past a budget of comparisons the rest stay models of their own. */
static void find_views(py *p) {
  uint32_t nm = p->models.len, untrained = 0;
  for (uint32_t i = 0; i < nm; i++) untrained += !trained(p->models.items[i]);
  if (nm < 2 || !untrained) return;
  uintptr_t **keys = nnl_xcalloc(nm, sizeof *keys);
  uint32_t *len = nnl_xcalloc(nm, sizeof *len);
  for (uint32_t i = 0; i < nm; i++) keys[i] = layer_keys(p, p->models.items[i], &len[i]);
  uint64_t work = 0, limit = (uint64_t)1 << 26;
  for (uint32_t i = 0; i < nm && work < limit; i++) {
    pmodel *a = p->models.items[i];
    if (trained(a) || !len[i]) continue;
    pmodel *best = NULL;
    uint32_t best_len = 0;
    for (uint32_t j = 0; j < nm && work < limit; j++) {
      pmodel *b = p->models.items[j];
      if (j == i || len[j] < len[i]) continue;
      if (len[j] == len[i] && !trained(b) && j > i) continue; /* keep the first */
      work += len[i] + len[j] + 1;
      if (!keys_within(keys[i], len[i], keys[j], len[j])) continue;
      if (!best || (trained(b) && !trained(best)) ||
          (trained(b) == trained(best) && len[j] > best_len))
        best = b, best_len = len[j];
    }
    a->view_of = best;
  }
  for (uint32_t i = 0; i < nm; i++) free(keys[i]);
  free(keys);
  free(len);
}

/* A model's name for a note: the variable it was bound to, its name=, or
 * "model". */
static const char *model_label(const pmodel *pm) {
  if (pm->var) return pm->var;
  if (pm->name && pm->name->k == V_STR) return pm->name->s;
  return "model";
}

/* ---- the front end ---- */

/* The first ERROR or MISSING node under n (depth-first, iterative). */
static bool first_error(TSNode root, TSNode *out) {
  TSTreeCursor c = ts_tree_cursor_new(root);
  bool found = false;
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    if (ts_node_is_missing(n) || ts_kind(n) == K_ERROR) {
      *out = n;
      found = true;
      break;
    }
    if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&c)) continue;
    bool moved = false;
    while (!(moved = ts_tree_cursor_goto_next_sibling(&c)))
      if (!ts_tree_cursor_goto_parent(&c)) break;
    if (!moved) break;
  }
  ts_tree_cursor_delete(&c);
  return found;
}

/* Is the source in an encoding other than UTF-8?  A PEP 263 declaration
 * (`# -*- coding: latin-1 -*-`) in a comment on line 1 or 2. */
static bool declares_encoding(const char *s, size_t len) {
  size_t end = 0;
  for (int line = 0; line < 2 && end < len; line++) {
    const char *nl = memchr(s + end, '\n', len - end);
    end = nl ? (size_t)(nl - s) + 1 : len;
  }
  const char *hash = memchr(s, '#', end);
  for (const char *c = hash; c && c + 6 < s + end; c++) {
    if (memcmp(c, "coding", 6) != 0 || (c[6] != ':' && c[6] != '=')) continue;
    const char *v = c + 7;
    while (v < s + end && (*v == ' ' || *v == '\t')) v++;
    size_t n = 0;
    while (v + n < s + end && (isalnum((unsigned char)v[n]) || v[n] == '-' ||
                               v[n] == '_' || v[n] == '.'))
      n++;
    return !((n == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
             (n == 4 && strncasecmp(v, "utf8", 4) == 0) ||
             (n > 6 && strncasecmp(v, "utf-8-", 6) == 0));
  }
  return false;
}

/* The offset of the first byte that is not valid UTF-8, or len. */
static size_t utf8_prefix(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    uint64_t w;
    if (len - i >= 8 && (memcpy(&w, u + i, 8), !(w & 0x8080808080808080u))) {
      i += 8; /* eight ASCII bytes */
      continue;
    }
    if (u[i] < 0x80) { i++; continue; }
    size_t k = nnl_utf8_seq(u + i, len - i);
    if (!k) return i;
    i += k;
  }
  return len;
}

/* Bounds checked on the bytes before they are parsed: invalid UTF-8 (which
 * CPython refuses without a coding declaration) and the parser's size
 * bound.  NN000 and false on the first one broken. */
static bool check_source(nnl_ctx *cx, nnl_doc *doc) {
  if (!declares_encoding(doc->src, doc->len)) {
    size_t bad = utf8_prefix(doc->src, doc->len);
    if (bad < doc->len) {
      nnl_report_bad_input(cx, doc, (nnl_span){(uint32_t)bad, 1},
                           "invalid UTF-8 in Python source (byte 0x%02x)",
                           (unsigned char)doc->src[bad]);
      return false;
    }
  }
  size_t lines = 0;
  for (const char *c = doc->src, *end = doc->src + doc->len;
       (c = memchr(c, '\n', (size_t)(end - c))); c++)
    if (++lines == MAX_LINES && c + 1 < end) {
      size_t off = (size_t)(c + 1 - doc->src);
      nnl_report_bad_input(cx, doc, (nnl_span){(uint32_t)off, 0},
                           "more than %d lines of Python: models of more "
                           "than %d layers are not followed",
                           MAX_LINES, NNL_MAX_LAYERS);
      return false;
    }
  return true;
}

/* The node table while it is built (see struct pnode). */
typedef NNL_ARRAY(nid) nid_list;
typedef NNL_ARRAY(struct pfield) field_list;
typedef struct table {
  NNL_ARRAY(struct pnode) nd;
  nid_list kid;
  field_list fld;
} table;

/* nnl_array_push with the room test inline (the walk pushes per node). */
#define FAST_PUSH(a, v)                                                        \
  do {                                                                         \
    if ((a)->len == (a)->cap) nnl_array_reserve((a), (a)->len + 1u);           \
    (a)->items[(a)->len++] = (v);                                              \
  } while (0)

/* A node of the walk whose children are being visited. */
typedef struct frame {
  nid n;                       /* its entry, 0 when it has none (a token) */
  uint32_t kid_mark, fld_mark; /* where its children start on the stacks */
  bool block;                  /* an indented block */
  bool fields;                 /* its children's fields are wanted */
  bool token_fields;           /* also its tokens' (an operator) */
} frame;

/* Give node fr->n the children and fields gathered on the stacks since it
 * was opened, and pop them. */
static void close_node(table *t, const frame *fr, nid_list *sk, field_list *sf) {
  if (fr->n) {
    struct pnode *x = &t->nd.items[fr->n];
    uint32_t nk = sk->len - fr->kid_mark, nf = sf->len - fr->fld_mark;
    x->kids = t->kid.len;
    x->nkids = nk;
    if (nk) {
      nnl_array_reserve(&t->kid, t->kid.len + nk);
      memcpy(t->kid.items + t->kid.len, sk->items + fr->kid_mark, nk * sizeof *sk->items);
      t->kid.len += nk;
    }
    x->flds = t->fld.len;
    x->nflds = (uint8_t)nf; /* one per field: at most FLD_COUNT */
    if (nf) {
      nnl_array_reserve(&t->fld, t->fld.len + nf);
      memcpy(t->fld.items + t->fld.len, sf->items + fr->fld_mark, nf * sizeof *sf->items);
      t->fld.len += nf;
    }
  }
  sk->len = fr->kid_mark;
  sf->len = fr->fld_mark;
}

/* Fill t from the tree under root in one iterative walk (node 1 is root).
 * CPython's nesting bounds are checked on the way, in the same order: more
 * than MAX_BRACKETS brackets open at once, or blocks indented more than
 * MAX_INDENT deep.  At the first node past one the walk stops (t is then
 * partial), *deep is where to report it and the result says which bound
 * (1 brackets, 2 indentation); 0 when the whole tree is in t. */
static int build_table(table *t, TSNode root, size_t doc_len, nnl_span *deep) {
  TSTreeCursor c = ts_tree_cursor_new(root);
  NNL_ARRAY(frame) st = {0};
  nid_list sk = {0};     /* children of the open nodes, innermost last */
  field_list sf = {0};   /* their fields, likewise */
  /* room for the nodes of typical source (one per 3.6 bytes here), so
   * that the arrays are not copied as they grow; pages not used are never
   * touched */
  uint32_t guess = doc_len / 3 < (1u << 20) ? (uint32_t)(doc_len / 3) : 1u << 20;
  nnl_array_reserve(&t->nd, guess + 16);
  nnl_array_reserve(&t->kid, guess + 16);
  nnl_array_reserve(&t->fld, guess / 2 + 16);
  (void)nnl_array_grow1(&t->nd); /* node 0: no node */
  int brackets = 0, blocks = 0, bad = 0;
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&c);
    TSSymbol sym = ts_node_symbol(n);
    /* a node's symbol (its alias, when it has one) says whether it is
     * named; ERROR is outside the table */
    bool named = sym < sym_count ? sym_named[sym] : ts_node_is_named(n);
    int k = sym < sym_count ? sym_kind[sym] : kind_by_name(ts_node_type(n));
    frame *up = st.len ? &st.items[st.len - 1] : NULL;
    uint32_t f = 0; /* FLD_* + 1, or 0 */
    if (up && up->fields && (named || up->token_fields)) {
      TSFieldId id = ts_tree_cursor_current_field_id(&c);
      if (id < fld_ts_count) f = fld_of_ts[id];
    }
    if (!named && sym < sym_count && sym_bracket[sym]) /* ( [ { or ) ] } */
      if ((brackets += sym_bracket[sym]) > MAX_BRACKETS) bad = 1;
    bool block = k == K_block;
    if (!bad && block && ++blocks > MAX_INDENT + 1) bad = 2; /* +1: `if x: y` */
    if (bad) {
      nnl_span sp = ts_span(n);
      *deep = bad == 1 ? sp : (nnl_span){sp.off, sp.len ? 1 : 0};
      break;
    }
    nid id = 0;
    if (named && k == K_comment) {
      if (up && up->n) t->nd.items[up->n].comments = true;
    } else if (named || f) {
      if (t->nd.len >= UINT32_MAX / 2) nnl_oom();
      id = t->nd.len;
      FAST_PUSH(&t->nd, ((struct pnode){0}));
      struct pnode *x = &t->nd.items[id];
      uint32_t s0 = ts_node_start_byte(n), e0 = ts_node_end_byte(n);
      x->off = s0;
      x->len = e0 >= s0 ? e0 - s0 : 0;
      x->kind = (uint8_t)k;
      if (named && up) FAST_PUSH(&sk, id);
      if (f && up) {
        bool dup = false;
        for (uint32_t i = up->fld_mark; i < sf.len && !dup; i++) dup = sf.items[i].f == f - 1;
        if (!dup) nnl_array_push(&sf, ((struct pfield){id, f - 1}));
      }
    }
    /* a leaf (most nodes) has no child to go to, and needs no frame: ask
     * the node, which is cheaper than asking the cursor */
    if (ts_node_child_count(n) && ts_tree_cursor_goto_first_child(&c)) {
      FAST_PUSH(&st, ((frame){id, sk.len, sf.len, block, named && wants_fields[k],
                               named && token_fields[k]}));
      continue;
    }
    if (id) t->nd.items[id].kids = t->kid.len; /* no children */
    blocks -= block;
    bool more = false;
    while (!(more = ts_tree_cursor_goto_next_sibling(&c)) && st.len) {
      frame fr = st.items[--st.len];
      close_node(t, &fr, &sk, &sf);
      blocks -= fr.block;
      (void)ts_tree_cursor_goto_parent(&c);
    }
    if (!more) break;
  }
  nnl_array_free(&st);
  nnl_array_free(&sk);
  nnl_array_free(&sf);
  ts_tree_cursor_delete(&c);
  return bad;
}

#ifdef NNL_KPY_VERIFY
/* A check build (-DNNL_KPY_VERIFY): the table against the tree-sitter API,
 * node by node; aborts at the first difference. */
static void verify_table(const table *t, TSNode root) {
  TSNode *map = nnl_xcalloc(t->nd.len, sizeof *map);
  TSTreeCursor c = ts_tree_cursor_new(root);
  nid next = 1;
  for (;;) { /* the same pre-order as build_table: map entries to nodes */
    TSNode n = ts_tree_cursor_current_node(&c);
    bool named = ts_node_is_named(n);
    if (named && ts_kind(n) == K_comment) {
    } else if (next < t->nd.len && t->nd.items[next].off == ts_node_start_byte(n) &&
               t->nd.items[next].kind == (uint8_t)ts_kind(n) &&
               t->nd.items[next].len == ts_node_end_byte(n) - ts_node_start_byte(n) &&
               (named || ts_tree_cursor_current_field_id(&c))) {
      map[next++] = n;
    } else if (named) {
      fprintf(stderr, "verify: node %u at %u not in the table\n", next, ts_node_start_byte(n));
      abort();
    }
    if (ts_tree_cursor_goto_first_child(&c)) continue;
    bool more = false;
    while (!(more = ts_tree_cursor_goto_next_sibling(&c)))
      if (!ts_tree_cursor_goto_parent(&c)) break;
    if (!more) break;
  }
  ts_tree_cursor_delete(&c);
  const TSLanguage *lang = tree_sitter_python();
  for (nid id = 1; id < next; id++) {
    TSNode n = map[id];
    const struct pnode *x = &t->nd.items[id];
    uint32_t k = 0;
    bool comments = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
      TSNode ch = ts_node_named_child(n, i);
      if (ts_kind(ch) == K_comment) { comments = true; continue; }
      if (k >= x->nkids || !ts_node_eq(map[t->kid.items[x->kids + k]], ch)) {
        fprintf(stderr, "verify: children of node %u differ\n", id);
        abort();
      }
      k++;
    }
    if (k != x->nkids || comments != x->comments) {
      fprintf(stderr, "verify: children of node %u differ (count)\n", id);
      abort();
    }
    if (!wants_fields[x->kind] || !ts_node_is_named(n)) continue;
    for (int f = 0; f < FLD_COUNT; f++) {
      TSFieldId fid = ts_language_field_id_for_name(lang, field_names[f], (uint32_t)strlen(field_names[f]));
      TSNode want = ts_node_child_by_field_id(n, fid);
      nid got = 0;
      for (uint32_t i = 0; i < x->nflds; i++)
        if (t->fld.items[x->flds + i].f == (uint32_t)f) got = t->fld.items[x->flds + i].node;
      if (ts_node_is_null(want) != !got || (got && !ts_node_eq(map[got], want))) {
        fprintf(stderr, "verify: field %s of node %u (%s at %u) differs\n", field_names[f], id,
                ts_node_type(n), ts_node_start_byte(n));
        abort();
      }
    }
  }
  free(map);
}
#endif

/* Does a top-level statement import keras or tensorflow (also inside a
 * try or if: the usual fallback imports)? */
static bool imports_keras(const char *src, int k, nnl_span sp) {
  const char *x = src + sp.off;
  if (k == K_import_statement || k == K_import_from_statement)
    return memmem(x, sp.len, "keras", 5) || memmem(x, sp.len, "tensorflow", 10);
  if (k == K_try_statement || k == K_if_statement)
    return memmem(x, sp.len, "import", 6) &&
           (memmem(x, sp.len, "keras", 5) || memmem(x, sp.len, "tensorflow", 10));
  return false;
}

static bool mentions_keras(const char *s, size_t len) {
  return memmem(s, len, "keras", 5) || memmem(s, len, "tensorflow", 10);
}

int nnl_parse_keras_py(nnl_ctx *cx, nnl_doc *doc) {
  if (!mentions_keras(doc->src, doc->len)) {
    doc->skipped = true;
    doc->skip_reason = "Python file that does not use Keras";
    return 0;
  }
  if (doc->len > UINT32_MAX - 1) {
    nnl_report_bad_input(cx, doc, (nnl_span){0, 0}, "file too large");
    return -1;
  }
  if (!check_source(cx, doc)) return -1;
  pthread_once(&tables_once, tables_init);
  TSParser *parser = ts_parser_new();
  ts_parser_set_language(parser, tree_sitter_python());
  TSTree *tree = ts_parser_parse_string(parser, NULL, doc->src, (uint32_t)doc->len);
  /* the parser's own buffers are not needed past the parse */
  ts_parser_delete(parser);
  if (!tree) {
    nnl_report_bad_input(cx, doc, (nnl_span){0, 0}, "the Python parser failed");
    return -1;
  }
  TSNode root = ts_tree_root_node(tree);
  table t = {0};
  nnl_span deep = NNL_NOSPAN;
  int too_deep = build_table(&t, root, doc->len, &deep);
#ifdef NNL_KPY_VERIFY
  if (!too_deep) verify_table(&t, root);
#endif
  py P = {.cx = cx, .doc = doc, .a = &doc->arena, .src = doc->src};
  py *p = &P;
  p->nd = t.nd.items;
  p->kid = t.kid.items;
  p->fld = t.fld.items;
  p->budget = 500000 + (uint64_t)doc->len * 16;
  p->mem_budget = p->a->total + ((size_t)64 << 20) + doc->len * 16;
  p->too_many_at = NNL_NOSPAN;
  int rc = 0;

  /* imports first: a file that imports neither keras nor tensorflow is
   * not a Keras file (the statements from the table, or from the tree when
   * the walk stopped early) */
  bool keras = false;
  if (!too_deep) {
    nodes ks = {0};
    kids(p, 1, &ks);
    for (uint32_t i = 0; i < ks.len && !keras; i++)
      keras = imports_keras(p->src, kind(p, ks.items[i]), span_of(p, ks.items[i]));
  } else {
    TSTreeCursor c = ts_tree_cursor_new(root);
    if (ts_tree_cursor_goto_first_child(&c)) do {
        TSNode s = ts_tree_cursor_current_node(&c);
        if (ts_node_is_named(s)) keras = imports_keras(p->src, ts_kind(s), ts_span(s));
      } while (!keras && ts_tree_cursor_goto_next_sibling(&c));
    ts_tree_cursor_delete(&c);
  }
  if (!keras) {
    doc->skipped = true;
    doc->skip_reason = "Python file that does not import keras or tensorflow";
    goto done;
  }
  if (ts_node_has_error(root)) {
    TSNode e;
    if (first_error(root, &e)) {
      nnl_span sp = ts_span(e);
      if (ts_node_is_missing(e))
        nnl_report_bad_input(cx, doc, sp, "Python syntax error: missing '%s'",
                             ts_node_type(e));
      else
        nnl_report_bad_input(cx, doc, sp.len ? (nnl_span){sp.off, sp.len > 40 ? 1 : sp.len} : sp,
                             "Python syntax error");
      rc = -1;
      goto done;
    }
  }
  if (too_deep) {
    if (too_deep == 1)
      nnl_report_bad_input(cx, doc, deep, "nested deeper than %d levels of brackets",
                           MAX_BRACKETS);
    else
      nnl_report_bad_input(cx, doc, deep, "nested deeper than %d levels of indentation",
                           MAX_INDENT);
    rc = -1;
    goto done;
  }
  /* everything the interpreter reads is in the table now */
  ts_tree_delete(tree);
  tree = NULL;
  p->ntext = nnl_xcalloc(t.nd.len, sizeof *p->ntext);
  p->called = nnl_xcalloc(t.nd.len, 1);

  {
    val *nm = mk(p, V_STR, NNL_NOSPAN);
    nm->s = "__main__";
    scope_set(&p->globals, intern(p, "__name__", 8), nm);
  }
  exec_block(p, 1);
  /* functions that build a model but are never called: run them once with
   * their default arguments (others unknown) */
  for (uint32_t i = 0; i < p->funcs.len && !p->gave_up; i++) {
    val *f = p->funcs.items[i];
    if (was_called(p, f->node)) continue;
    nnl_span sp = span_of(p, f->node);
    const char *x = p->src + sp.off;
    if (!memmem(x, sp.len, "Sequential", 10) && !memmem(x, sp.len, "Model", 5)) continue;
    pargs *a = new_args(p, span_of(p, field(p, f->node, FLD_name)));
    call_func(p, f->node, NULL, a, a->at);
  }
  if (nnl_span_ok(p->too_many_at)) {
    nnl_report_bad_input(cx, doc, p->too_many_at, "more than %d layers",
                         NNL_MAX_LAYERS);
    rc = -1;
    goto done;
  }
  if (!p->gave_up) find_views(p);
  if (!p->gave_up)
    for (uint32_t i = 0; i < p->models.len; i++) {
      pmodel *pm = p->models.items[i];
      if (pm->dynamic) continue;
      if (pm->kind == M_SEQ && pm->seq.len == 0) continue;
      if (pm->view_of) {
        if (cx->verbose && cx->log) {
          uint32_t line, col, bline, bcol;
          nnl_doc_position(doc, pm->at.off, &line, &col);
          nnl_doc_position(doc, pm->view_of->at.off, &bline, &bcol);
          fprintf(cx->log,
                  "nnlint: %s: model '%s' (line %u) is a view of the layers of "
                  "'%s' (line %u): not linted separately\n",
                  doc->path ? doc->path : "-", model_label(pm), line,
                  model_label(pm->view_of), bline);
        }
        continue;
      }
      model_to_ir(p, pm);
    }
  /* a number no Keras model can have (keras.c): Dense(-8), Dropout(nan) */
  for (size_t i = 0; i < doc->models.len; i++)
    if (nnl_keras_report(cx, doc, doc->models.items[i])) rc = -1;

done:
  free(p->names);
  free(p->memo);
  for (uint32_t i = 0; i < p->inst_attrs.len; i++) scope_free(p->inst_attrs.items[i]);
  nnl_array_free(&p->inst_attrs);
  scope_free(&p->globals);
  nnl_array_free(&p->nodes);
  free(p->gseen);
  free(p->gmap);
  nnl_array_free(&p->models);
  nnl_array_free(&p->funcs);
  nnl_array_free(&p->star);
  free(p->ntext);
  free(p->called);
  nnl_array_free(&t.nd);
  nnl_array_free(&t.kid);
  nnl_array_free(&t.fld);
  if (tree) ts_tree_delete(tree);
  return rc;
}
