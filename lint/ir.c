/*
 * ir.c - the IR's tables (ops.def, ir_fields.def), builders, and field
 * access for the rule engine.  Derived facts are computed in ir_derive.c.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

/* ---- ops.def tables ---- */
const nnl_op_info nnl_op_table[NNL_OP__COUNT] = {
#define OP(id, name, cls, flags) [NNL_OP_##id] = {name, cls, flags},
#include "ops.def"
    [NNL_OP_OPAQUE] = {"opaque", NNL_K_OPAQUE, 0},
};

const nnl_act_info nnl_act_table[NNL_ACT__COUNT] = {
    [NNL_ACT_NONE] = {"linear", -INFINITY, INFINITY, 0},
    [NNL_ACT_UNKNOWN] = {"unknown", -INFINITY, INFINITY, 0},
#define ACT(id, name, lo, hi, flags) [NNL_ACT_##id] = {name, lo, hi, flags},
#include "ops.def"
};

static const struct alias {
  const char *name;
  int id;
} op_aliases[] = {
#define OP(id, name, cls, flags) {name, NNL_OP_##id},
#define ALIAS(name, id) {name, NNL_OP_##id},
#include "ops.def"
}, act_aliases[] = {
#define ACT(id, name, lo, hi, flags) {name, NNL_ACT_##id},
#define ACT_ALIAS(name, id) {name, NNL_ACT_##id},
#include "ops.def"
};

/* Names are looked up per layer, so each table gets an index of its
 * normalized names (nnl_name_key's form), built once (thread-safe through
 * pthread_once): an open-addressing hash table, probed with the key and its
 * hash computed in one pass over the name. */
enum { KEY_MAX = 48 };
typedef struct keyed {
  char key[KEY_MAX];
  uint32_t len; /* strlen(key); 0 marks an empty slot */
  int id;
} keyed;

typedef struct kindex {
  keyed *slot;
  uint32_t mask; /* slots - 1, a power of two minus one */
} kindex;

static kindex op_index, act_index;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static uint32_t key_hash(const char *k, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 16777619u;
  return h;
}

/* name normalized as nnl_name_key does (ASCII lower case, '_' and '-'
 * dropped: the C locale's tolower) into out[KEY_MAX]; its length, or -1
 * when it does not fit. */
static int norm_name(const char *name, char *out, uint32_t *hash) {
  uint32_t n = 0, h = 2166136261u;
  for (; *name; name++) {
    unsigned char c = (unsigned char)*name;
    if (c == '_' || c == '-') continue;
    if (n + 1 >= KEY_MAX) return -1;
    c = c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
    out[n++] = (char)c;
    h = (h ^ c) * 16777619u; /* key_hash, on the fly */
  }
  out[n] = '\0';
  *hash = h;
  return (int)n;
}

/* The entry of key k (length n, key_hash h): its slot, or the empty slot
 * it would go in. */
static keyed *probe(const kindex *x, const char *k, uint32_t n, uint32_t h) {
  for (uint32_t i = h & x->mask;; i = (i + 1) & x->mask) {
    keyed *e = &x->slot[i];
    if (!e->len) return e;
    if (e->len == n) { /* names are short: compared inline */
      uint32_t j = 0;
      while (j < n && e->key[j] == k[j]) j++;
      if (j == n) return e;
    }
  }
}

/* ops.def spells a few names twice (Conv2D / Conv2d); equal keys always
 * name the same entry, so the first is kept. */
static void build_index(kindex *x, const struct alias *t, size_t n) {
  uint32_t cap = 16;
  while (cap < 2 * n + 2) cap *= 2;
  x->slot = nnl_xcalloc(cap, sizeof *x->slot);
  x->mask = cap - 1;
  for (size_t i = 0; i < n; i++) {
    char k[KEY_MAX];
    uint32_t h;
    int len = norm_name(t[i].name, k, &h);
    if (len <= 0) continue;
    keyed *e = probe(x, k, (uint32_t)len, key_hash(k, (uint32_t)len));
    if (e->len) continue;
    memcpy(e->key, k, (size_t)len + 1);
    e->len = (uint32_t)len;
    e->id = t[i].id;
  }
}

static void build_indexes(void) {
  build_index(&op_index, op_aliases, sizeof op_aliases / sizeof *op_aliases);
  build_index(&act_index, act_aliases,
              sizeof act_aliases / sizeof *act_aliases);
}

static int lookup(const kindex *x, const char *name) {
  char k[KEY_MAX];
  uint32_t h;
  int len = norm_name(name, k, &h);
  if (len < 0) return -1;
  if (len == 0) return -1; /* no table name normalizes to "" */
  const keyed *hit = probe(x, k, (uint32_t)len, h);
  return hit->len ? hit->id : -1;
}

/* A file names the same few types and activations again and again
 * ("Dense", "relu"): the last outcomes are kept per thread, by the name as
 * written, in a small direct-mapped table per index.  The outcome depends
 * on the bytes alone, so a kept one is the outcome. */
enum { MEMO = 64, MEMO_TEXT = 24 };
typedef struct memo {
  char s[MEMO_TEXT];
  uint8_t len; /* 0: empty */
  int id;
} memo;

static int memo_lookup(memo *tab, const kindex *x, const char *name) {
  size_t n = 0;
  while (n < MEMO_TEXT && name[n]) n++;
  memo *e = NULL;
  if (n > 0 && n < MEMO_TEXT) {
    e = &tab[(n ^ (unsigned char)name[0] ^ (unsigned char)name[n - 1] << 1 ^
              (unsigned char)name[n / 2] << 2) % MEMO];
    if (e->len == n && memcmp(e->s, name, n) == 0) return e->id;
  }
  pthread_once(&index_once, build_indexes);
  int id = lookup(x, name);
  if (e) {
    memcpy(e->s, name, n);
    e->len = (uint8_t)n;
    e->id = id;
  }
  return id;
}

nnl_op nnl_op_lookup(const char *name) {
  static _Thread_local memo tab[MEMO];
  int id = memo_lookup(tab, &op_index, name);
  return id < 0 ? NNL_OP_OPAQUE : (nnl_op)id;
}

nnl_act nnl_act_lookup(const char *name) {
  static _Thread_local memo tab[MEMO];
  int id = memo_lookup(tab, &act_index, name);
  return id < 0 ? NNL_ACT_UNKNOWN : (nnl_act)id;
}

const char *nnl_ir_init_name(nnl_arena *a, const char *s) {
  static const char *const alias[][2] = {
      {"zero", "zeros"},     {"one", "ones"},
      {"const", "constant"}, {"normal", "random_normal"},
      {"uniform", "random_uniform"}};
  /* the usual spelling is canonical already (he_normal, zeros): lower
   * case letters and digits in words joined by single '_' */
  size_t n = 0;
  bool canonical = true;
  for (; s[n]; n++) {
    char c = s[n];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue;
    if (c != '_' || n == 0 || s[n - 1] == '_') canonical = false;
  }
  if (canonical && n && s[n - 1] != '_') {
    if (n <= 7) /* the aliases are short */
      for (size_t i = 0; i < sizeof alias / sizeof *alias; i++)
        if (s[0] == alias[i][0][0] && strcmp(s, alias[i][0]) == 0)
          return alias[i][1];
    return nnl_arena_strndup(a, s, n);
  }
  char *o = nnl_arena_alloc(a, 2 * n + 1), *q = o;
  for (size_t i = 0; i < n; i++) {
    char c = s[i], prev = i ? s[i - 1] : 0, next = s[i + 1];
    bool up = c >= 'A' && c <= 'Z';
    bool prev_low = (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9');
    bool prev_up = prev >= 'A' && prev <= 'Z';
    bool next_low = next >= 'a' && next <= 'z';
    if (c == '-' || c == ' ') c = '_';
    /* a word starts at an upper-case letter after a lower-case one or a
     * digit, or at the last capital of an acronym ("HTTPServer") */
    if (up && (prev_low || (prev_up && next_low)) && q > o && q[-1] != '_')
      *q++ = '_';
    if (c == '_' && (q == o || q[-1] == '_')) continue;
    *q++ = up ? (char)(c - 'A' + 'a') : c;
  }
  while (q > o && q[-1] == '_') q--; /* PyTorch's in-place zeros_ */
  *q = '\0';
  if (q - o <= 7) /* the aliases are short */
    for (size_t i = 0; i < sizeof alias / sizeof *alias; i++)
      if (o[0] == alias[i][0][0] && strcmp(o, alias[i][0]) == 0)
        return alias[i][1];
  return o;
}

/* ---- builders ---- */
nnl_model *nnl_ir_model_new(nnl_arena *a) {
  nnl_model *m = nnl_arena_alloc(a, sizeof *m);
  m->arena = a;
  m->output_layer = -1;
  m->at = NNL_NOSPAN;
  return m;
}

const char *nnl_num_check(double d, nnl_numkind k) {
  bool whole = isfinite(d) && d == floor(d);
  switch (k) {
  case NNL_NUM_ANY: return NULL;
  case NNL_NUM_REAL: return isfinite(d) ? NULL : "a finite number";
  case NNL_NUM_BOUND: return !isnan(d) ? NULL : "a number or an infinity";
  case NNL_NUM_COUNT: return whole && d >= 1 ? NULL : "a positive whole number";
  case NNL_NUM_DIM: return whole && d >= -1 ? NULL : "a whole number >= 0 or -1";
  case NNL_NUM_FRACTION: /* the comparisons are false for NaN */
    return d >= 0 && d <= 1 ? NULL : "a number from 0 to 1";
  case NNL_NUM_SPLIT: break;
  }
  return d >= 0 && d < 1 ? NULL : "a number >= 0 and < 1";
}

nnl_layer *nnl_ir_add_layer(nnl_model *m) {
  nnl_layer *l = nnl_array_grow1(&m->layers);
  l->at = NNL_NOSPAN;
  l->op = NNL_OP_OPAQUE;
  return l;
}

nnl_input *nnl_ir_add_input(nnl_model *m) {
  nnl_input *in = nnl_array_grow1(&m->inputs);
  in->at = NNL_NOSPAN;
  in->normalized = -1;
  in->encoded = -1;
  in->first_weight = -1;
  return in;
}

nnl_output *nnl_ir_add_output(nnl_model *m) {
  nnl_output *o = nnl_array_grow1(&m->outputs);
  o->at = NNL_NOSPAN;
  o->layer = -1;
  o->output_layer = -1;
  return o;
}

void nnl_ir_model_free(nnl_model *m) {
  nnl_array_free(&m->layers);
  nnl_array_free(&m->inputs);
  nnl_array_free(&m->outputs);
}

/* ---- fields ---- */
static const struct field_def {
  nnl_objkind kind;
  const char *name;
} fields[NNL_FLD__COUNT] = {
#define FIELD(kind, id, name, doc) [NNL_FLD_##kind##_##id] = {NNL_O_##kind, name},
#include "ir_fields.def"
};

static const char *const objkind_names[NNL_O__COUNT] = {
    "model", "layer", "input", "output", "training", "optimizer"};

const char *nnl_objkind_name(nnl_objkind kind) {
  return kind < NNL_O__COUNT ? objkind_names[kind] : "?";
}

int nnl_ir_field_lookup(nnl_objkind kind, const char *name) {
  for (int i = 0; i < NNL_FLD__COUNT; i++)
    if (fields[i].kind == kind && strcmp(fields[i].name, name) == 0) return i;
  return -1;
}

const char *nnl_ir_field_name(int field) {
  return field >= 0 && field < NNL_FLD__COUNT ? fields[field].name : "?";
}

int nnl_value_truth(const nnl_value *v) {
  switch ((nnl_vtype)v->type) {
  case NNL_V_BOOL: return v->b;
  case NNL_V_NUM: return isnan(v->n) ? -1 : v->n != 0;
  case NNL_V_STR: return v->s[0] != '\0';
  case NNL_V_LIST:
  case NNL_V_OBJLIST: return v->count > 0;
  case NNL_V_OBJ: return 1;
  default: return -1;
  }
}

/* A flag's truth: -1 when not known (as nnl_value_truth of v_flag). */
static int flag_truth(nnl_flag f) {
  return f.state == NNL_KNOWN ? f.v : -1;
}

int nnl_ir_truth(const nnl_model *m, const void *obj, int field) {
  const nnl_layer *l = obj;
  switch ((nnl_field)field) {
  case NNL_FLD_LAYER_IS_WEIGHT: return l->is_weight;
  case NNL_FLD_LAYER_IS_OUTPUT: return l->is_output;
  case NNL_FLD_LAYER_IS_HIDDEN: return l->is_hidden;
  case NNL_FLD_LAYER_ZERO_GRAD: return l->zero_grad;
  case NNL_FLD_LAYER_BETWEEN_WEIGHTS: return l->between_weights;
  case NNL_FLD_LAYER_CUTS_GRADIENT: return l->cuts_gradient;
  case NNL_FLD_LAYER_ENDS_BRANCH: return l->ends_branch;
  case NNL_FLD_LAYER_WEIGHTS_ALL_ZERO: return flag_truth(l->weights_all_zero);
  case NNL_FLD_LAYER_WEIGHTS_ALL_EQUAL: return flag_truth(l->weights_all_equal);
  case NNL_FLD_LAYER_BOTTLENECK: return flag_truth(l->bottleneck);
  case NNL_FLD_LAYER_BOTTLENECK_GIVEN: return l->bottleneck.state != NNL_ABSENT;
  case NNL_FLD_LAYER_IS_FC:
    return l->is_weight && (nnl_op_info_of(l->op)->flags & NNL_F_FC);
  default: {
    nnl_value v;
    nnl_ir_get(m, obj, field, &v);
    return nnl_value_truth(&v);
  }
  }
}

bool nnl_ir_known(const nnl_model *m, const void *obj, int field) {
  const nnl_layer *l = obj;
  switch ((nnl_field)field) { /* as v_num and v_str decide */
  case NNL_FLD_LAYER_UNITS: return l->units.state == NNL_KNOWN;
  case NNL_FLD_LAYER_INIT_SCALE: return l->init_scale.state == NNL_KNOWN;
  case NNL_FLD_LAYER_INIT_VALUE: return l->init_value.state == NNL_KNOWN;
  case NNL_FLD_LAYER_RATE: return l->rate.state == NNL_KNOWN;
  case NNL_FLD_LAYER_WEIGHTS_VALUE: return l->weights_value.state == NNL_KNOWN;
  case NNL_FLD_LAYER_KERNEL_INIT:
    return l->kernel_init.state == NNL_KNOWN && l->kernel_init.s;
  case NNL_FLD_LAYER_BIAS_INIT:
    return l->bias_init.state == NNL_KNOWN && l->bias_init.s;
  case NNL_FLD_LAYER_KERNEL_REGULARIZER:
    return l->kernel_regularizer.state == NNL_KNOWN && l->kernel_regularizer.s;
  default: {
    nnl_value v;
    nnl_ir_get(m, obj, field, &v);
    return v.type != NNL_V_UNKNOWN && v.type != NNL_V_ABSENT;
  }
  }
}

nnl_span nnl_ir_obj_span(nnl_objkind kind, const void *obj) {
  switch (kind) {
  case NNL_O_MODEL: return ((const nnl_model *)obj)->at;
  case NNL_O_LAYER: return ((const nnl_layer *)obj)->at;
  case NNL_O_INPUT: return ((const nnl_input *)obj)->at;
  case NNL_O_OUTPUT: return ((const nnl_output *)obj)->at;
  case NNL_O_TRAINING: return ((const nnl_training *)obj)->at;
  case NNL_O_OPTIMIZER: return ((const nnl_optimizer *)obj)->at;
  default: return NNL_NOSPAN;
  }
}

/* Value constructors.  A written-but-unresolvable value is UNKNOWN, an
 * unwritten one ABSENT; both make comparisons unknown. */
static void v_state(nnl_value *v, uint8_t state, nnl_span at) {
  v->type = state == NNL_UNKNOWN ? NNL_V_UNKNOWN : NNL_V_ABSENT;
  v->at = at;
}
static void v_num(nnl_value *v, nnl_num n) {
  if (n.state != NNL_KNOWN) return v_state(v, n.state, n.at);
  v->type = NNL_V_NUM;
  v->n = n.v;
  v->at = n.at;
}
static void v_double(nnl_value *v, double d, nnl_span at) {
  v->type = NNL_V_NUM;
  v->n = d;
  v->at = at;
}
static void v_str(nnl_value *v, nnl_str s) {
  if (s.state != NNL_KNOWN || !s.s) return v_state(v, s.state, s.at);
  v->type = NNL_V_STR;
  v->s = s.s;
  v->at = s.at;
}
static void v_cstr(nnl_value *v, const char *s, nnl_span at) {
  if (!s) return v_state(v, NNL_UNKNOWN, at);
  v->type = NNL_V_STR;
  v->s = s;
  v->at = at;
}
static void v_bool(nnl_value *v, bool b, nnl_span at) {
  v->type = NNL_V_BOOL;
  v->b = b;
  v->at = at;
}
static void v_flag(nnl_value *v, nnl_flag f) {
  if (f.state != NNL_KNOWN) return v_state(v, f.state, f.at);
  v_bool(v, f.v, f.at);
}
static void v_tri(nnl_value *v, int8_t t, nnl_span at) {
  if (t < 0) return v_state(v, NNL_UNKNOWN, at);
  v_bool(v, t != 0, at);
}
static void v_list(nnl_value *v, const nnl_list *l) {
  if (l->state != NNL_KNOWN) return v_state(v, l->state, l->at);
  v->type = NNL_V_LIST;
  v->items = l->items;
  v->count = l->n;
  v->at = l->at;
}
static void v_obj(nnl_value *v, nnl_objkind kind, const void *obj,
                  nnl_span at) {
  if (!obj) return v_state(v, NNL_UNKNOWN, at);
  v->type = NNL_V_OBJ;
  v->kind = (uint8_t)kind;
  v->obj = obj;
  v->at = at;
}
static void v_objlist(nnl_value *v, nnl_objkind kind, const void *base,
                      uint32_t n, nnl_span at) {
  v->type = NNL_V_OBJLIST;
  v->kind = (uint8_t)kind;
  v->obj = base;
  v->count = n;
  v->at = at;
}
static void v_act(nnl_value *v, nnl_act a, nnl_span at) {
  if (a == NNL_ACT_UNKNOWN) return v_state(v, NNL_UNKNOWN, at);
  v_cstr(v, nnl_act_info_of(a)->name, at);
}
static void v_act_flag(nnl_value *v, nnl_act a, unsigned flag, nnl_span at) {
  if (a == NNL_ACT_UNKNOWN) return v_state(v, NNL_UNKNOWN, at);
  v_bool(v, (nnl_act_info_of(a)->flags & flag) != 0, at);
}

static nnl_span span_or_at(nnl_span a, nnl_span b) {
  return nnl_span_ok(a) ? a : b;
}

void nnl_ir_get(const nnl_model *m, const void *obj, int field,
                nnl_value *v) {
  memset(v, 0, sizeof *v);
  v->at = NNL_NOSPAN;
  const nnl_layer *l = obj;
  const nnl_input *in = obj;
  const nnl_output *o = obj;
  const nnl_training *t = obj;
  const nnl_optimizer *op = obj;
  const nnl_training *mt = &m->training;
  const nnl_op_info *oi = NULL;
  if (field >= 0 && field < NNL_FLD__COUNT && fields[field].kind == NNL_O_LAYER)
    oi = nnl_op_info_of(l->op);

  switch ((nnl_field)field) {
  /* model */
  case NNL_FLD_MODEL_LAYERS:
    return v_objlist(v, NNL_O_LAYER, m->layers.items, m->layers.len, m->at);
  case NNL_FLD_MODEL_INPUTS:
    return v_objlist(v, NNL_O_INPUT, m->inputs.items, m->inputs.len, m->at);
  case NNL_FLD_MODEL_OUTPUTS:
    return v_objlist(v, NNL_O_OUTPUT, m->outputs.items, m->outputs.len, m->at);
  case NNL_FLD_MODEL_TRAINING:
    return v_obj(v, NNL_O_TRAINING, mt, mt->at);
  case NNL_FLD_MODEL_OPTIMIZER:
    return v_obj(v, NNL_O_OPTIMIZER, &mt->optimizer, mt->optimizer.at);
  case NNL_FLD_MODEL_NAME: return v_str(v, m->name);
  case NNL_FLD_MODEL_TASK:
    return v_cstr(v, m->task_derived,
                  m->task.state == NNL_KNOWN ? m->task.at : m->at);
  case NNL_FLD_MODEL_TASK_DECLARED: return v_str(v, m->task);
  case NNL_FLD_MODEL_CLASSES: return v_num(v, m->n_classes);
  case NNL_FLD_MODEL_N_OUTPUTS: return v_num(v, m->n_outputs);
  case NNL_FLD_MODEL_DATASET_SIZE: return v_num(v, m->dataset_size);
  case NNL_FLD_MODEL_WEIGHT_LAYERS:
    return v_double(v, m->weight_layers, m->at);
  case NNL_FLD_MODEL_DEPTH: return v_double(v, m->depth, m->at);
  case NNL_FLD_MODEL_PLAIN: return v_bool(v, m->plain, m->at);
  case NNL_FLD_MODEL_OUTPUT_LAYER:
    return v_obj(v, NNL_O_LAYER,
                 m->output_layer >= 0 ? &m->layers.items[m->output_layer]
                                      : NULL,
                 m->output_layer >= 0 ? m->layers.items[m->output_layer].at
                                      : m->at);
  case NNL_FLD_MODEL_RELU_LAYERS: return v_double(v, m->relu_layers, m->at);
  case NNL_FLD_MODEL_HAS_NORM_LAYERS:
    return v_bool(v, m->has_norm_layers, m->at);
  case NNL_FLD_MODEL_HAS_DROPOUT: return v_bool(v, m->has_dropout, m->at);
  case NNL_FLD_MODEL_HAS_REGULARIZATION:
    return v_bool(v, m->has_regularization, m->at);
  case NNL_FLD_MODEL_OPTIMIZER_CONTEXT:
    return v_bool(v, mt->optimizer_context, mt->at);
  case NNL_FLD_MODEL_FIT_CONTEXT: return v_bool(v, mt->fit_context, mt->at);

  /* layer */
  case NNL_FLD_LAYER_NAME: return v_str(v, l->name);
  case NNL_FLD_LAYER_TYPE: return v_str(v, l->type);
  case NNL_FLD_LAYER_OP: return v_cstr(v, oi->name, l->type.at);
  case NNL_FLD_LAYER_ACTIVATION:
    return v_act(v, l->act, nnl_span_ok(l->act_at) ? l->act_at : l->at);
  case NNL_FLD_LAYER_RELU_LIKE:
    return v_act_flag(v, l->act, NNL_A_RELU_LIKE, l->act_at);
  case NNL_FLD_LAYER_EFFECTIVE_ACTIVATION:
    if (!l->is_weight) return v_state(v, NNL_ABSENT, l->at);
    return v_act(v, l->eff_act, span_or_at(l->eff_act_at, l->at));
  case NNL_FLD_LAYER_EFFECTIVE_RELU_LIKE:
    if (!l->is_weight) return v_state(v, NNL_ABSENT, l->at);
    return v_act_flag(v, l->eff_act, NNL_A_RELU_LIKE,
                      span_or_at(l->eff_act_at, l->at));
  case NNL_FLD_LAYER_UNITS: return v_num(v, l->units);
  case NNL_FLD_LAYER_KERNEL_INIT: return v_str(v, l->kernel_init);
  case NNL_FLD_LAYER_INIT_SCALE: return v_num(v, l->init_scale);
  case NNL_FLD_LAYER_INIT_VALUE: return v_num(v, l->init_value);
  case NNL_FLD_LAYER_BIAS_INIT: return v_str(v, l->bias_init);
  case NNL_FLD_LAYER_KERNEL_REGULARIZER: return v_str(v, l->kernel_regularizer);
  case NNL_FLD_LAYER_RATE: return v_num(v, l->rate);
  case NNL_FLD_LAYER_BOTTLENECK: return v_flag(v, l->bottleneck);
  case NNL_FLD_LAYER_BOTTLENECK_GIVEN:
    return v_bool(v, l->bottleneck.state != NNL_ABSENT, l->bottleneck.at);
  case NNL_FLD_LAYER_CODE: return v_str(v, l->code);
  case NNL_FLD_LAYER_CAST_TO: return v_str(v, l->cast_to);
  case NNL_FLD_LAYER_WEIGHTS_ALL_ZERO: return v_flag(v, l->weights_all_zero);
  case NNL_FLD_LAYER_WEIGHTS_ALL_EQUAL: return v_flag(v, l->weights_all_equal);
  case NNL_FLD_LAYER_WEIGHTS_VALUE: return v_num(v, l->weights_value);
  case NNL_FLD_LAYER_IS_WEIGHT: return v_bool(v, l->is_weight, l->at);
  case NNL_FLD_LAYER_IS_FC:
    return v_bool(v, l->is_weight && (oi->flags & NNL_F_FC), l->at);
  case NNL_FLD_LAYER_IS_CONV:
    return v_bool(v, (oi->flags & NNL_F_CONV) != 0, l->at);
  case NNL_FLD_LAYER_IS_DROPOUT:
    return v_bool(v, oi->cls == NNL_K_DROPOUT, l->at);
  case NNL_FLD_LAYER_IS_NORM: return v_bool(v, oi->cls == NNL_K_NORM, l->at);
  case NNL_FLD_LAYER_IS_OUTPUT: return v_bool(v, l->is_output, l->at);
  case NNL_FLD_LAYER_IS_HIDDEN: return v_bool(v, l->is_hidden, l->at);
  case NNL_FLD_LAYER_ZERO_GRAD: return v_bool(v, l->zero_grad, l->at);
  case NNL_FLD_LAYER_BETWEEN_WEIGHTS:
    return v_bool(v, l->between_weights, l->at);
  case NNL_FLD_LAYER_CUTS_GRADIENT: return v_bool(v, l->cuts_gradient, l->at);
  case NNL_FLD_LAYER_ENDS_BRANCH: return v_bool(v, l->ends_branch, l->at);
  case NNL_FLD_LAYER_OUT_ACTIVATION:
    if (!l->is_output) return v_state(v, NNL_ABSENT, l->at);
    return v_act(v, l->out_act, l->out_act_at);
  case NNL_FLD_LAYER_OUT_RELU_LIKE:
    if (!l->is_output) return v_state(v, NNL_ABSENT, l->at);
    return v_act_flag(v, l->out_act, NNL_A_RELU_LIKE, l->out_act_at);
  case NNL_FLD_LAYER_OUT_PROBABILITY:
    if (!l->is_output) return v_state(v, NNL_ABSENT, l->at);
    return v_act_flag(v, l->out_act, NNL_A_PROBABILITY, l->out_act_at);
  case NNL_FLD_LAYER_OUT_RANGE_LO:
  case NNL_FLD_LAYER_OUT_RANGE_HI:
    if (!l->is_output || l->out_act == NNL_ACT_UNKNOWN)
      return v_state(v, l->is_output ? NNL_UNKNOWN : NNL_ABSENT, l->at);
    return v_double(v,
                    field == NNL_FLD_LAYER_OUT_RANGE_LO
                        ? nnl_act_info_of(l->out_act)->lo
                        : nnl_act_info_of(l->out_act)->hi,
                    l->out_act_at);
  case NNL_FLD_LAYER_PRE_ACTIVATION:
    if (!l->is_output) return v_state(v, NNL_ABSENT, l->at);
    return v_act(v, l->pre_act, span_or_at(l->pre_act_at, l->act_at));
  case NNL_FLD_LAYER_PRE_RELU_LIKE:
    if (!l->is_output) return v_state(v, NNL_ABSENT, l->at);
    return v_act_flag(v, l->pre_act, NNL_A_RELU_LIKE,
                      span_or_at(l->pre_act_at, l->act_at));
  case NNL_FLD_LAYER_DEPTH: return v_double(v, l->depth, l->at);

  /* input */
  case NNL_FLD_INPUT_NAME: return v_str(v, in->name);
  case NNL_FLD_INPUT_DTYPE: return v_str(v, in->dtype);
  case NNL_FLD_INPUT_SHAPE: return v_list(v, &in->shape);
  case NNL_FLD_INPUT_RANGE_LO: return v_num(v, in->range_lo);
  case NNL_FLD_INPUT_RANGE_HI: return v_num(v, in->range_hi);
  case NNL_FLD_INPUT_KIND: return v_str(v, in->kind);
  case NNL_FLD_INPUT_NORMALIZE: return v_str(v, in->normalize);
  case NNL_FLD_INPUT_NORM_STD: return v_list(v, &in->norm_std);
  case NNL_FLD_INPUT_PREPROCESS: return v_list(v, &in->preprocess);
  case NNL_FLD_INPUT_PREPROCESS_GIVEN:
    return v_bool(v, in->preprocess.state != NNL_ABSENT, in->preprocess.at);
  case NNL_FLD_INPUT_IS_RAW: return v_bool(v, in->is_raw, in->at);
  case NNL_FLD_INPUT_IS_ID_LIKE: return v_bool(v, in->is_id_like, in->at);
  case NNL_FLD_INPUT_NORMALIZED: return v_tri(v, in->normalized, in->at);
  case NNL_FLD_INPUT_ENCODED: return v_tri(v, in->encoded, in->at);
  case NNL_FLD_INPUT_FIRST_WEIGHT:
    return v_obj(v, NNL_O_LAYER,
                 in->first_weight >= 0 ? &m->layers.items[in->first_weight]
                                       : NULL,
                 in->at);

  /* output */
  case NNL_FLD_OUTPUT_NAME: return v_str(v, o->name);
  case NNL_FLD_OUTPUT_RANGE_LO: return v_num(v, o->range_lo);
  case NNL_FLD_OUTPUT_RANGE_HI: return v_num(v, o->range_hi);
  case NNL_FLD_OUTPUT_NORMALIZE: return v_str(v, o->normalize);
  case NNL_FLD_OUTPUT_RANGE_GIVEN:
    return v_bool(v, o->range_lo.state != NNL_ABSENT || o->range_hi.state != NNL_ABSENT,
                  o->range_at);
  case NNL_FLD_OUTPUT_NORMALIZE_GIVEN:
    return v_bool(v, o->normalize.state != NNL_ABSENT, o->normalize.at);
  case NNL_FLD_OUTPUT_LAYER: {
    int32_t li = m->derived ? o->output_layer
                             : (o->layer >= 0 ? o->layer : m->output_layer);
    return v_obj(v, NNL_O_LAYER, li >= 0 ? &m->layers.items[li] : NULL, o->at);
  }

  /* training */
  case NNL_FLD_TRAINING_LOSS: return v_str(v, t->loss);
  case NNL_FLD_TRAINING_LOSS_NAME:
    if (t->loss.state != NNL_KNOWN) return v_state(v, t->loss.state, t->loss.at);
    return v_cstr(v, t->loss_canon, t->loss.at);
  case NNL_FLD_TRAINING_LOSS_TASK:
    if (t->loss.state != NNL_KNOWN) return v_state(v, t->loss.state, t->loss.at);
    return v_cstr(v, t->loss_task, t->loss.at);
  case NNL_FLD_TRAINING_FROM_LOGITS: return v_flag(v, t->from_logits);
  case NNL_FLD_TRAINING_METRICS: return v_list(v, &t->metrics);
  case NNL_FLD_TRAINING_METRICS_GIVEN:
    return v_bool(v, t->metrics.state != NNL_ABSENT, t->metrics.at);
  case NNL_FLD_TRAINING_BATCH_SIZE: return v_num(v, t->batch_size);
  case NNL_FLD_TRAINING_EPOCHS: return v_num(v, t->epochs);
  case NNL_FLD_TRAINING_VALIDATION_SPLIT: return v_num(v, t->validation_split);
  case NNL_FLD_TRAINING_HAS_VALIDATION: return v_flag(v, t->validation);
  case NNL_FLD_TRAINING_AUGMENTATION: return v_list(v, &t->augmentation);

  /* optimizer */
  case NNL_FLD_OPTIMIZER_TYPE: return v_str(v, op->type);
  case NNL_FLD_OPTIMIZER_NAME:
    return v_cstr(v, op->canon, op->type.at);
  case NNL_FLD_OPTIMIZER_FRAMEWORK:
    return v_cstr(v, op->framework ? op->framework : "keras", op->at);
  case NNL_FLD_OPTIMIZER_LR: return v_num(v, op->lr);
  case NNL_FLD_OPTIMIZER_LR_DEFAULT: return v_num(v, op->lr_default);
  case NNL_FLD_OPTIMIZER_LR_EFFECTIVE:
    if (op->lr.state == NNL_ABSENT) {
      v_num(v, op->lr_default);
      v->at = op->at;
      return;
    }
    return v_num(v, op->lr);
  case NNL_FLD_OPTIMIZER_LR_IS_DEFAULT:
    return v_tri(v, op->lr_is_default,
                 op->lr.state == NNL_ABSENT ? op->at : op->lr.at);
  case NNL_FLD_OPTIMIZER_IS_ADAPTIVE:
    return v_tri(v, op->is_adaptive, op->type.at);
  case NNL_FLD_OPTIMIZER_CLIPPING: return v_num(v, op->clipping);
  case NNL_FLD_OPTIMIZER_CLIPPING_NAME:
    if (op->clipping.state != NNL_KNOWN)
      return v_state(v, op->clipping.state, op->clipping.at);
    return v_cstr(v, op->clipping_name, op->clipping.at);
  case NNL_FLD_OPTIMIZER_WEIGHT_DECAY: return v_num(v, op->weight_decay);
  case NNL_FLD_OPTIMIZER_MOMENTUM: return v_num(v, op->momentum);
  case NNL_FLD__COUNT: break;
  }
  v_state(v, NNL_UNKNOWN, NNL_NOSPAN);
}
