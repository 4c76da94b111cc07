/*
 * expr.h - the rule expression language: compiling expressions and
 * templates once when a rule file loads, and evaluating them over the IR.
 * Private to lint/engine/ (engine.c is the only user); the language itself
 * is documented for rule authors in rules/README.md.
 *
 *   rule file text --nnl_expr_compile--> nnl_expr tree (in the rule arena)
 *   nnl_expr + model --nnl_expr_eval--> nnl_value (never allocates)
 *
 * Every name is resolved at load time: model fields (ir_fields.def), the
 * `for` variable, quantifier variables and params.NAME.  Each node carries
 * its static type, so `layers.units` or `layer.unit` is a load-time error.
 *
 * Ownership: compiled nodes and templates live in the arena given to the
 * compiler; compiled regular expressions are recorded in the compiler's
 * regex list, which the caller frees with nnl_expr_free_regexes.
 */
#ifndef NNL_EXPR_H
#define NNL_EXPR_H

#include "nnlint.h"

typedef struct nnl_expr nnl_expr;
typedef struct nnl_tmpl nnl_tmpl;

/* Static types of expressions.  ANY: not known until run time (an item of
 * a scalar list, a field whose doc gives no type). */
typedef enum nnl_etype {
  NNL_T_ANY = 0,
  NNL_T_BOOL,
  NNL_T_NUM,
  NNL_T_STR,
  NNL_T_LIST,
  NNL_T_OBJ,     /* one object of a known nnl_objkind */
  NNL_T_OBJLIST, /* objects of a known nnl_objkind */
  NNL_T_REGEX
} nnl_etype;

/* A rule parameter: its default and its current (overridden) value. */
typedef struct nnl_param {
  const char *name;
  nnl_value def; /* NUM, BOOL or STR */
  nnl_value cur;
  uint32_t line, col; /* where it is declared */
} nnl_param;

/* A variable in scope while compiling (`for` and quantifier variables). */
typedef struct nnl_var {
  const char *name;
  uint32_t len;
  uint8_t type, kind; /* nnl_etype, nnl_objkind */
  uint32_t slot;
} nnl_var;

/* The compiled regular expressions of a ruleset (pcre2_code *). */
typedef NNL_ARRAY(void *) nnl_regex_list;

/* Compilation state for one rule. */
typedef struct nnl_compiler {
  nnl_arena *arena;       /* nodes, strings (owned by the ruleset) */
  const nnl_param *params; /* the rule's params */
  uint32_t n_params;
  nnl_var vars[16];       /* variables in scope, innermost last */
  uint32_t n_vars;
  uint32_t n_slots;       /* evaluation slots the rule needs */
  nnl_regex_list *regexes; /* every compiled regex, for freeing */
  /* the first error: message and byte offset in the compiled text */
  char msg[512];
  uint32_t err_off;
} nnl_compiler;

/* Compile text[0..len) as an expression.  NULL on error (c->msg, and
 * c->err_off, the byte offset of the fault in text). */
nnl_expr *nnl_expr_compile(nnl_compiler *c, const char *text, size_t len);
/* Compile `VAR in EXPR` (a check's `for`): binds VAR in c for the rest of
 * the check (until nnl_compiler_pop_var).  NULL on error. */
nnl_expr *nnl_expr_compile_for(nnl_compiler *c, const char *text, size_t len);
void nnl_compiler_pop_var(nnl_compiler *c);
/* Compile a message/fix template with {EXPR} placeholders. */
nnl_tmpl *nnl_tmpl_compile(nnl_compiler *c, const char *text, size_t len);
/* The variable slot a `for` binds (valid after nnl_expr_compile_for). */
uint32_t nnl_expr_for_slot(const nnl_compiler *c);
/* Static type of a compiled expression. */
nnl_etype nnl_expr_type(const nnl_expr *e);

/* Evaluation state: one per engine run (never shared between threads). */
typedef struct nnl_eval {
  const nnl_model *m;
  nnl_value *slots; /* at least the largest n_slots of the rules run */
  void *match_data; /* pcre2_match_data for 1 pair */
  void *match_ctx;  /* pcre2_match_context with a match limit */
  struct re_memo *memo; /* the last subjects matched per regex (expr.c) */
} nnl_eval;

/* Set up / release evaluation state for rules needing up to n_slots. */
void nnl_eval_init(nnl_eval *ev, uint32_t n_slots);
void nnl_eval_free(nnl_eval *ev);

/* Evaluate e for ev->m into out.  Allocates nothing. */
void nnl_expr_eval(nnl_eval *ev, const nnl_expr *e, nnl_value *out);
/* nnl_value_truth(nnl_expr_eval(e)), without building the values of
 * and/or/not: for conditions. */
int nnl_expr_truth(nnl_eval *ev, const nnl_expr *e);
/* When e is a field read of an object (layer.kernel_init), evaluate that
 * object into obj and return true. */
bool nnl_expr_owner(nnl_eval *ev, const nnl_expr *e, nnl_value *obj);

/* ---- structure queries, for the engine's check planning ---- */

/* Split e into the operands of its top-level `and` chain, left to right
 * (`a and (b and c)` gives a, b, c).  Writes at most cap conjuncts to out
 * and returns their number; 0 when there are more than cap (or the chain
 * is nested deeper than NNL_MAX_DEPTH): use e whole then.  A conjunction
 * is true exactly when every conjunct is true. */
uint32_t nnl_expr_conjuncts(const nnl_expr *e, const nnl_expr **out, uint32_t cap);
/* Does e read variable slot `slot` anywhere?  True when unsure (a tree
 * deeper than NNL_MAX_DEPTH). */
bool nnl_expr_uses_slot(const nnl_expr *e, uint32_t slot);
/* What conjunct e needs of the item bound to slot to be true, as a field
 * of that item (*field):
 *   NNL_NEED_TRUE   e is `VAR.f`: f true (and then e is true)
 *   NNL_NEED_FALSE  e is `not VAR.f`: f false (and then e is true)
 *   NNL_NEED_KNOWN  e is a comparison, match or `in` with `VAR.f` as an
 *                   operand (also under `not`), or `known(VAR.f)`: f known
 *                   (necessary only, except for `known`)
 *   NNL_NEED_NONE   nothing that simple. */
typedef enum { NNL_NEED_NONE, NNL_NEED_TRUE, NNL_NEED_FALSE, NNL_NEED_KNOWN } nnl_need;
nnl_need nnl_expr_item_need(const nnl_expr *e, uint32_t slot, int *field);
/* When e is a model field read (`layers`), the field id; else -1. */
int nnl_expr_root_field(const nnl_expr *e);

/* Append the template's text for ev->m to out. */
void nnl_tmpl_render(nnl_eval *ev, const nnl_tmpl *t, nnl_buf *out);
/* Append a value as templates print it: 0.001, 256, 1e-07, [a, b], ?. */
void nnl_value_format(const nnl_value *v, nnl_buf *out);

void nnl_expr_free_regexes(nnl_regex_list *regexes);

/* Levenshtein distance (ASCII case-insensitive) of a[0..al) and b, for
 * "did you mean" hints; 99 for names longer than 63 bytes. */
int nnl_edit_distance(const char *a, size_t al, const char *b);

#endif
