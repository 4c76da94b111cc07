/*
 * keras.c - the Keras vocabulary: layer classes and their arguments,
 * inputs, optimizers, compile and fit, from nnl_kval trees into the IR.
 * Shared by every Keras front end (see keras.h).
 *
 * Argument names are compared like model vocabulary (nnl_name_eq: case,
 * '_' and '-' ignored), so Keras 1/2/3 snake_case and TF.js camelCase
 * spellings ("batch_input_shape", "batchInputShape") are one name.
 *
 * Strings are referenced, not copied: the kval trees' strings must live as
 * long as the model (front ends keep them in the document's arena).
 * Derived names (canonical initializer names) go to m->arena.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "frontend/keras.h"

/* ---- small helpers ---- */

/* The first letter of a name as nnl_name_eq compares it ('_' and '-'
 * skipped, case folded): names that differ in it are not equal, which
 * settles most comparisons of a lookup without calling nnl_name_eq.  The
 * fold is ASCII's, which is tolower's in the C locale nnlint runs in. */
static inline int first_letter(const char *s) {
  while (*s == '_' || *s == '-') s++;
  unsigned char c = (unsigned char)*s;
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

const nnl_kval *nnl_karg_find(const nnl_karg *args, size_t n,
                              const char *key) {
  if (!n) return NULL;
  int k0 = first_letter(key);
  for (size_t i = 0; i < n; i++)
    if (args[i].key && first_letter(args[i].key) == k0 &&
        nnl_name_eq(args[i].key, key))
      return &args[i].v;
  return NULL;
}

/* The first of several spellings that is given (not ABSENT). */
static const nnl_kval *arg_any(const nnl_karg *a, size_t n,
                               const char *const *keys) {
  for (; *keys; keys++) {
    const nnl_kval *v = nnl_karg_find(a, n, *keys);
    if (v && v->kind != NNL_KV_ABSENT) return v;
  }
  return NULL;
}
#define ARG(...) arg_any(args, n, (const char *const[]){__VA_ARGS__, NULL})

static bool given(const nnl_kval *v) {
  return v && v->kind != NNL_KV_ABSENT && v->kind != NNL_KV_NULL;
}

/* The class name without a module path or a registry package:
 * "keras.layers.Dense" -> "Dense", "keras_hub>ESMBackbone" ->
 * "ESMBackbone", "Custom>Adam" -> "Adam". */
static const char *base(const char *s) {
  if (!s) return "";
  const char *b = s;
  for (const char *p = s; *p; p++)
    if (*p == '.' || *p == '>') b = p + 1;
  return b;
}

/* A number as Keras' JSON and Python write it: NaN, Infinity, -8, 0.5. */
static const char *num_text(nnl_arena *a, double d) {
  if (isnan(d)) return "NaN";
  if (isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return nnl_arena_printf(a, "%.15g", d);
}

/* Every number keras.c reads into the IR is checked with its kind
 * (nnl_num_check); values the front end could not resolve are UNKNOWN, not
 * numbers, and never checked.  The first bad one is kept on the model, for
 * nnl_keras_report to give as NN000 where it is written.  Returns whether
 * v->num is of kind k. */
static bool num_ok(nnl_model *m, const nnl_kval *v, const char *what,
                   nnl_numkind k) {
  const char *need = nnl_num_check(v->num, k);
  if (!need) return true;
  if (!m->bad_input) {
    m->bad_input = nnl_arena_printf(m->arena, "`%s` must be %s, not %s", what,
                                    need, num_text(m->arena, v->num));
    m->bad_input_at = v->at;
  }
  return false;
}

/* A number argument named what (as the file spells it) into out: ABSENT
 * when not given, KNOWN when a number of kind k, else UNKNOWN (a variable,
 * a string; and a number of the wrong kind, which is also recorded as bad
 * input). */
static void to_num(nnl_model *m, const nnl_kval *v, const char *what,
                   nnl_numkind k, nnl_num *out) {
  if (!given(v)) return;
  out->at = v->at;
  out->state = NNL_UNKNOWN;
  if (v->kind != NNL_KV_NUM) return;
  if (!num_ok(m, v, what, k)) return;
  out->v = v->num;
  out->state = NNL_KNOWN;
}

/* The first of several spellings that is given, and (in *key) the
 * spelling, for messages. */
static const nnl_kval *arg_named(const nnl_karg *a, size_t n,
                                 const char *const *keys, const char **key) {
  for (; *keys; keys++) {
    const nnl_kval *v = nnl_karg_find(a, n, *keys);
    if (v && v->kind != NNL_KV_ABSENT) {
      *key = *keys;
      for (size_t i = 0; i < n; i++) /* as written: "nb_filter", "poolSize" */
        if (&a[i].v == v) *key = a[i].key;
      return v;
    }
  }
  *key = NULL;
  return NULL;
}

/* The first given of several spellings of a number argument, checked as
 * to_num does and named as the file spells it. */
static void num_arg_(nnl_model *m, const nnl_karg *args, size_t n,
                     nnl_numkind k, nnl_num *out, const char *const *keys) {
  const char *key;
  const nnl_kval *v = arg_named(args, n, keys, &key);
  to_num(m, v, key ? key : keys[0], k, out);
}
#define num_arg(m, args, n, k, out, ...)                                       \
  num_arg_((m), (args), (n), (k), (out), (const char *const[]){__VA_ARGS__, NULL})

/* A number nnlint cannot judge (a custom class's `units`): any finite
 * number is KNOWN, anything else UNKNOWN; never bad input. */
static void to_num_any(const nnl_kval *v, nnl_num *out) {
  if (!given(v)) return;
  out->at = v->at;
  out->state = NNL_UNKNOWN;
  if (v->kind == NNL_KV_NUM && isfinite(v->num)) {
    out->v = v->num;
    out->state = NNL_KNOWN;
  }
}

static void to_flag(const nnl_kval *v, nnl_flag *out) {
  if (!given(v)) return;
  out->at = v->at;
  if (v->kind == NNL_KV_BOOL) {
    out->v = v->b;
    out->state = NNL_KNOWN;
  } else {
    out->state = NNL_UNKNOWN;
  }
}

/* Names in the IR's lower snake case, as the YAML front end writes them. */
static const char *canon_name(nnl_arena *a, const char *s) {
  return nnl_ir_init_name(a, base(s));
}

/* A value's class name: a DICT's class, else its "name" entry (Keras 1
 * optimizer configs), else NULL. */
static const char *class_of(const nnl_kval *v) {
  if (!v || v->kind != NNL_KV_DICT) return NULL;
  if (v->str) return v->str;
  const nnl_kval *nm = nnl_karg_find(v->items, v->n, "name");
  return nm && nm->kind == NNL_KV_STR ? nm->str : NULL;
}

/* ---- positional arguments (Python calls) ---- */
static const struct positional {
  const char *cls;
  const char *args[5];
} positionals[] = {
    {"Dense", {"units", "activation", "use_bias", "kernel_initializer"}},
    {"Conv1D", {"filters", "kernel_size", "strides", "padding"}},
    {"Conv2D", {"filters", "kernel_size", "strides", "padding"}},
    {"Conv3D", {"filters", "kernel_size", "strides", "padding"}},
    {"SeparableConv1D", {"filters", "kernel_size", "strides", "padding"}},
    {"SeparableConv2D", {"filters", "kernel_size", "strides", "padding"}},
    {"Conv1DTranspose", {"filters", "kernel_size", "strides", "padding"}},
    {"Conv2DTranspose", {"filters", "kernel_size", "strides", "padding"}},
    {"Conv3DTranspose", {"filters", "kernel_size", "strides", "padding"}},
    {"DepthwiseConv2D", {"kernel_size", "strides", "padding"}},
    {"Convolution1D", {"nb_filter", "filter_length"}},
    {"Convolution2D", {"nb_filter", "nb_row", "nb_col"}},
    {"Convolution3D", {"nb_filter", "kernel_dim1", "kernel_dim2"}},
    {"Deconvolution2D", {"nb_filter", "nb_row", "nb_col"}},
    {"Embedding", {"input_dim", "output_dim"}},
    {"LSTM", {"units", "activation"}},
    {"GRU", {"units", "activation"}},
    {"SimpleRNN", {"units", "activation"}},
    {"CuDNNLSTM", {"units"}},
    {"CuDNNGRU", {"units"}},
    {"Bidirectional", {"layer", "merge_mode"}},
    {"TimeDistributed", {"layer"}},
    {"Dropout", {"rate", "noise_shape", "seed"}},
    {"SpatialDropout1D", {"rate"}},
    {"SpatialDropout2D", {"rate"}},
    {"SpatialDropout3D", {"rate"}},
    {"AlphaDropout", {"rate"}},
    {"GaussianDropout", {"rate"}},
    {"GaussianNoise", {"stddev"}},
    {"Activation", {"activation"}},
    {"LeakyReLU", {"alpha"}},
    {"ReLU", {"max_value", "negative_slope", "threshold"}},
    {"ELU", {"alpha"}},
    {"Softmax", {"axis"}},
    {"Lambda", {"function", "output_shape"}},
    {"Reshape", {"target_shape"}},
    {"RepeatVector", {"n"}},
    {"Permute", {"dims"}},
    {"Rescaling", {"scale", "offset"}},
    {"Normalization", {"axis", "mean", "variance"}},
    {"Concatenate", {"axis"}},
    {"MaxPooling1D", {"pool_size", "strides", "padding"}},
    {"MaxPooling2D", {"pool_size", "strides", "padding"}},
    {"AveragePooling2D", {"pool_size", "strides", "padding"}},
    {"MultiHeadAttention", {"num_heads", "key_dim", "value_dim"}},
    {"Input", {"shape", "batch_size", "name", "dtype"}},
    {"InputLayer", {"input_shape", "batch_size", "dtype"}},
    /* initializers, regularizers, losses */
    {"RandomNormal", {"mean", "stddev", "seed"}},
    {"TruncatedNormal", {"mean", "stddev", "seed"}},
    {"RandomUniform", {"minval", "maxval", "seed"}},
    {"Constant", {"value"}},
    {"l1", {"l1"}},
    {"l2", {"l2"}},
    {"L1L2", {"l1", "l2"}},
    {"l1_l2", {"l1", "l2"}},
    {"BinaryCrossentropy", {"from_logits"}},
    {"CategoricalCrossentropy", {"from_logits"}},
    {"SparseCategoricalCrossentropy", {"from_logits"}},
    /* learning rate schedules */
    {"ExponentialDecay", {"initial_learning_rate", "decay_steps", "decay_rate"}},
    {"CosineDecay", {"initial_learning_rate", "decay_steps", "alpha"}},
    {"CosineDecayRestarts", {"initial_learning_rate", "first_decay_steps"}},
    {"InverseTimeDecay", {"initial_learning_rate", "decay_steps", "decay_rate"}},
    {"PolynomialDecay", {"initial_learning_rate", "decay_steps",
                         "end_learning_rate"}},
    {"PiecewiseConstantDecay", {"boundaries", "values"}},
    /* methods */
    {"compile", {"optimizer", "loss", "metrics", "loss_weights"}},
    {"fit", {"x", "y", "batch_size", "epochs", "verbose"}},
};

static const char *const optimizer_names[] = {
    "SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad",
    "Adadelta", "Ftrl", "Lion", "Adafactor", "LAMB", "Lamb", NULL};

const char *nnl_keras_positional(const char *class_name, unsigned i) {
  const char *c = base(class_name);
  for (const char *const *o = optimizer_names; *o; o++)
    if (nnl_name_eq(c, *o)) {
      if (i == 0) return "learning_rate";
      if (i == 1 && nnl_name_eq(c, "SGD")) return "momentum";
      return NULL;
    }
  for (size_t k = 0; k < sizeof positionals / sizeof *positionals; k++)
    if (nnl_name_eq(c, positionals[k].cls))
      return i < 5 ? positionals[k].args[i] : NULL;
  return NULL;
}

/* ---- initializers and regularizers ---- */

/* initializer -> "name" | {class_name, config: {stddev | minval, maxval |
 * value}}; scale and value may be NULL. */
static void set_init(nnl_model *m, const nnl_kval *v, nnl_str *name,
                     nnl_num *scale, nnl_num *value) {
  if (!given(v)) return;
  name->at = v->at;
  if (v->kind == NNL_KV_STR) {
    name->s = canon_name(m->arena, v->str);
    name->state = NNL_KNOWN;
    return;
  }
  const char *c = class_of(v);
  if (!c) {
    name->state = NNL_UNKNOWN;
    return;
  }
  if (nnl_name_eq(c, "Constant")) {
    /* Constant(embedding_matrix), tf.constant_initializer(weights): an
     * array (or a value not followed) loads weights; only a number (or
     * nothing: 0) makes every unit start the same */
    const nnl_kval *val = nnl_karg_find(v->items, v->n, "value");
    if (given(val) && val->kind != NNL_KV_NUM) {
      name->state = NNL_UNKNOWN;
      return;
    }
  }
  name->s = canon_name(m->arena, c);
  name->state = NNL_KNOWN;
  const nnl_karg *a = v->items;
  size_t n = v->n;
  if (scale) {
    const nnl_kval *sd = arg_any(a, n, (const char *const[]){"stddev", "std",
                                                             NULL});
    if (sd) {
      to_num(m, sd, "stddev", NNL_NUM_REAL, scale);
    } else {
      nnl_num lo = {0}, hi = {0};
      to_num(m, nnl_karg_find(a, n, "minval"), "minval", NNL_NUM_REAL, &lo);
      to_num(m, nnl_karg_find(a, n, "maxval"), "maxval", NNL_NUM_REAL, &hi);
      if (lo.state == NNL_KNOWN && hi.state == NNL_KNOWN) {
        scale->v = (hi.v - lo.v) / 2;
        scale->state = NNL_KNOWN;
        uint32_t s0 = lo.at.off < hi.at.off ? lo.at.off : hi.at.off;
        uint32_t e0 = lo.at.off + lo.at.len, e1 = hi.at.off + hi.at.len;
        scale->at = (nnl_span){s0, (e0 > e1 ? e0 : e1) - s0};
      } else if (lo.state == NNL_UNKNOWN || hi.state == NNL_UNKNOWN) {
        scale->state = NNL_UNKNOWN;
        scale->at = lo.state == NNL_UNKNOWN ? lo.at : hi.at;
      }
    }
  }
  if (value) to_num(m, nnl_karg_find(a, n, "value"), "value", NNL_NUM_REAL, value);
}

/* regularizer -> "l2" | {class_name: L1L2, config: {l1, l2}} | Keras 1's
 * {name: L1L2Regularizer, l1, l2}.  All factors 0 is "none". */
static void set_regularizer(nnl_model *m, const nnl_kval *v, nnl_str *out) {
  if (!given(v)) return;
  out->at = v->at;
  if (v->kind == NNL_KV_STR) {
    out->s = canon_name(m->arena, v->str);
    out->state = NNL_KNOWN;
    return;
  }
  if (v->kind != NNL_KV_DICT) {
    out->state = NNL_UNKNOWN;
    return;
  }
  nnl_num l1 = {0}, l2 = {0};
  to_num(m, nnl_karg_find(v->items, v->n, "l1"), "l1", NNL_NUM_REAL, &l1);
  to_num(m, nnl_karg_find(v->items, v->n, "l2"), "l2", NNL_NUM_REAL, &l2);
  if (l1.state == NNL_UNKNOWN || l2.state == NNL_UNKNOWN) {
    out->state = NNL_UNKNOWN;
    return;
  }
  bool has1 = l1.state == NNL_KNOWN && l1.v != 0;
  bool has2 = l2.state == NNL_KNOWN && l2.v != 0;
  const char *c = class_of(v);
  if (l1.state == NNL_KNOWN || l2.state == NNL_KNOWN) {
    out->s = has1 && has2 ? "l1_l2" : has1 ? "l1" : has2 ? "l2" : "none";
    out->state = NNL_KNOWN;
  } else if (c) {
    out->s = canon_name(m->arena, c);
    out->state = NNL_KNOWN;
  } else {
    out->state = NNL_UNKNOWN;
  }
}

/* activation -> "relu" | null (linear) | {class_name: ...} */
static void set_act(const nnl_kval *v, nnl_act *act, nnl_span *at) {
  if (!v || v->kind == NNL_KV_ABSENT) return;
  *at = v->at;
  if (v->kind == NNL_KV_NULL) *act = NNL_ACT_NONE;
  else if (v->kind == NNL_KV_STR) *act = nnl_act_lookup(base(v->str));
  else if (v->kind == NNL_KV_DICT && v->str) *act = nnl_act_lookup(base(v->str));
  else *act = NNL_ACT_UNKNOWN;
}

/* ---- layers ---- */

enum { MAX_WRAP = 8 };

/* Keras 1 Merge(mode=...) as the merge op it performs. */
static nnl_op merge_op(const nnl_kval *mode) {
  if (!mode || mode->kind == NNL_KV_ABSENT) return NNL_OP_ADD; /* "sum" */
  if (mode->kind != NNL_KV_STR) return NNL_OP_OPAQUE;
  static const struct { const char *mode; nnl_op op; } t[] = {
      {"sum", NNL_OP_ADD},         {"concat", NNL_OP_CONCAT},
      {"mul", NNL_OP_MULTIPLY},    {"ave", NNL_OP_AVERAGE},
      {"max", NNL_OP_MAXIMUM},     {"dot", NNL_OP_TENSOR_OP},
      {"cos", NNL_OP_TENSOR_OP}};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    if (strcmp(mode->str, t[i].mode) == 0) return t[i].op;
  return NNL_OP_OPAQUE;
}

/* Recurrent layers' own dropout, and regularizers other than the kernel's:
 * regularization the IR has no field for.  The kernel regularizer becomes
 * UNKNOWN when it is otherwise absent, so that "no regularization" is
 * never concluded. */
static void other_regularization(nnl_model *m, nnl_layer *l,
                                 const nnl_karg *args, size_t n) {
  if (l->kernel_regularizer.state != NNL_ABSENT &&
      !(l->kernel_regularizer.state == NNL_KNOWN &&
        strcmp(l->kernel_regularizer.s, "none") == 0))
    return;
  static const char *const drops[] = {"dropout", "recurrent_dropout",
                                      "dropout_W", "dropout_U"};
  for (size_t i = 0; i < sizeof drops / sizeof *drops; i++) {
    const nnl_kval *v = nnl_karg_find(args, n, drops[i]);
    if (given(v) && !(v->kind == NNL_KV_NUM && v->num == 0)) {
      l->kernel_regularizer = (nnl_str){NULL, v->at, NNL_UNKNOWN};
      return;
    }
  }
  static const char *const regs[] = {
      "bias_regularizer",      "activity_regularizer", "recurrent_regularizer",
      "b_regularizer",         "U_regularizer",        "depthwise_regularizer",
      "pointwise_regularizer", "embeddings_regularizer"};
  for (size_t i = 0; i < sizeof regs / sizeof *regs; i++) {
    const nnl_kval *v = nnl_karg_find(args, n, regs[i]);
    if (!given(v)) continue;
    if (v->kind == NNL_KV_STR && nnl_name_eq(v->str, "none")) continue;
    if (v->kind == NNL_KV_DICT) {
      nnl_num l1 = {0}, l2 = {0};
      to_num(m, nnl_karg_find(v->items, v->n, "l1"), "l1", NNL_NUM_REAL, &l1);
      to_num(m, nnl_karg_find(v->items, v->n, "l2"), "l2", NNL_NUM_REAL, &l2);
      if ((l1.state == NNL_KNOWN || l2.state == NNL_KNOWN) &&
          (l1.state != NNL_KNOWN || l1.v == 0) &&
          (l2.state != NNL_KNOWN || l2.v == 0) && l1.state != NNL_UNKNOWN &&
          l2.state != NNL_UNKNOWN)
        continue; /* all factors 0 */
    }
    l->kernel_regularizer = (nnl_str){NULL, v->at, NNL_UNKNOWN};
    return;
  }
}

/* A TensorFlow op recorded as a layer when tf.keras traced a functional
 * model: the op it calls is its code, as a Lambda's would be.
 *   TFOpLambda / SlicingOpLambda -> {function: "math.round", ...}
 *                                   code "tf.math.round"
 *   TensorFlowOpLayer (TF 2.0-2.3) -> {node_def: {op: "Round", ...}}
 *                                   code "Round"
 * Anything else stays unknown code. */
static void tf_op_code(nnl_model *m, nnl_layer *l, const nnl_karg *args,
                       size_t n, nnl_span type_at) {
  l->code = (nnl_str){NULL, type_at, NNL_UNKNOWN};
  const nnl_kval *f = ARG("function");
  if (f && f->kind == NNL_KV_STR && f->str[0]) {
    l->code = (nnl_str){nnl_arena_printf(m->arena, "tf.%s", f->str), f->at,
                        NNL_KNOWN};
    return;
  }
  const nnl_kval *nd = ARG("node_def");
  const nnl_kval *op =
      nd && nd->kind == NNL_KV_DICT ? nnl_karg_find(nd->items, nd->n, "op")
                                    : NULL;
  if (op && op->kind == NNL_KV_STR && op->str[0])
    l->code = (nnl_str){op->str, op->at, NNL_KNOWN};
}

/* The size arguments of Keras layers that are counts: kernel_size: 3 |
 * [3, 3], strides, pool_size, ... (Keras 1/2/3 and TF.js spellings).  The
 * IR keeps none of them, but a value no framework accepts is bad input, as
 * for units.  Only for classes nnlint knows (a custom class may mean
 * anything by these names). */
static void size_args(nnl_model *m, const nnl_karg *args, size_t n) {
  static const char *const keys[] = {
      "kernel_size", "strides",   "pool_size", "dilation_rate",
      "num_heads",   "key_dim",   "input_dim", "depth_multiplier"};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    const char *key;
    const nnl_kval *v =
        arg_named(args, n, (const char *const[]){keys[i], NULL}, &key);
    if (!given(v)) continue;
    nnl_num scratch = {0};
    if (v->kind != NNL_KV_LIST) {
      to_num(m, v, key, NNL_NUM_COUNT, &scratch);
      continue;
    }
    for (uint32_t j = 0; j < v->n; j++)
      to_num(m, &v->items[j].v, key, NNL_NUM_COUNT, &scratch);
  }
}

/* Fill l from a class and its arguments; wrappers recurse into their inner
 * layer (depth-limited). */
static void fill_layer(nnl_model *m, nnl_layer *l, const char *class_name,
                       nnl_span type_at, const nnl_karg *args, size_t n,
                       int depth) {
  const char *c = base(class_name);
  l->op = nnl_op_lookup(c);
  if (l->op == NNL_OP_OPAQUE) {
    if (nnl_name_eq(c, "Merge")) {
      l->op = merge_op(ARG("mode"));
    } else if (nnl_name_eq(c, "TFOpLambda") ||
               nnl_name_eq(c, "SlicingOpLambda") ||
               nnl_name_eq(c, "TensorFlowOpLayer")) {
      l->op = NNL_OP_LAMBDA;
      tf_op_code(m, l, args, n, type_at);
    } else {
      nnl_act a = nnl_act_lookup(c);
      if (a != NNL_ACT_UNKNOWN) {
        /* ReLU, Softmax, LeakyReLU, ELU, PReLU, ... as their own layer */
        l->op = NNL_OP_ACTIVATION;
        l->act = a;
        l->act_at = type_at;
        if (a == NNL_ACT_RELU) {
          const nnl_kval *ns = ARG("negative_slope");
          const nnl_kval *mv = ARG("max_value");
          if (given(ns) && !(ns->kind == NNL_KV_NUM && ns->num == 0))
            l->act = ns->kind == NNL_KV_NUM && ns->num > 0
                         ? NNL_ACT_LEAKY_RELU
                         : NNL_ACT_UNKNOWN;
          else if (given(mv) && mv->kind == NNL_KV_NUM && mv->num == 6)
            l->act = NNL_ACT_RELU6;
        }
      }
    }
  }

  if (l->op == NNL_OP_BIDIRECTIONAL || l->op == NNL_OP_TIME_DISTRIBUTED) {
    const nnl_kval *in = ARG("layer");
    const char *ic = class_of(in);
    if (ic && depth < MAX_WRAP) {
      bool bi = l->op == NNL_OP_BIDIRECTIONAL;
      fill_layer(m, l, ic, in->str_at, in->items, in->n, depth + 1);
      l->type.s = nnl_arena_printf(m->arena, "%s(%s)", c, l->type.s);
      l->type.at = type_at;
      if (bi && l->units.state == NNL_KNOWN) {
        const nnl_kval *mm = ARG("merge_mode");
        if (!given(mm) || (mm->kind == NNL_KV_STR &&
                           strcmp(mm->str, "concat") == 0))
          l->units.v *= 2;
        else if (!(mm->kind == NNL_KV_STR &&
                   (strcmp(mm->str, "sum") == 0 || strcmp(mm->str, "mul") == 0 ||
                    strcmp(mm->str, "ave") == 0)))
          l->units.state = NNL_UNKNOWN;
      }
      return;
    }
  }

  l->type = (nnl_str){class_name, type_at, NNL_KNOWN};

  if (l->op == NNL_OP_ACTIVATION && l->act == NNL_ACT_NONE) {
    /* Activation(activation=...); without one it is unknown */
    l->act = NNL_ACT_UNKNOWN;
    l->act_at = type_at;
    const nnl_kval *a = ARG("activation");
    if (a && a->kind != NNL_KV_ABSENT) set_act(a, &l->act, &l->act_at);
  } else if (l->op != NNL_OP_ACTIVATION) {
    set_act(ARG("activation"), &l->act, &l->act_at);
  }

  if (l->op != NNL_OP_OPAQUE) {
    num_arg(m, args, n, NNL_NUM_COUNT, &l->units, "units", "filters", "output_dim",
            "nb_filter");
    size_args(m, args, n);
  } else {
    to_num_any(ARG("units", "filters", "output_dim", "nb_filter"), &l->units);
  }
  set_init(m, ARG("kernel_initializer", "init", "depthwise_initializer",
                  "embeddings_initializer"),
           &l->kernel_init, &l->init_scale, &l->init_value);
  set_init(m, ARG("bias_initializer"), &l->bias_init, NULL, NULL);
  set_regularizer(m, ARG("kernel_regularizer", "W_regularizer"),
                  &l->kernel_regularizer);
  if (nnl_op_info_of(l->op)->cls == NNL_K_DROPOUT)
    num_arg(m, args, n, NNL_NUM_FRACTION, &l->rate, "rate", "p");
  other_regularization(m, l, args, n);

  if (l->op == NNL_OP_LAMBDA && l->code.state == NNL_ABSENT) {
    /* Lambda: the function as text only when it is source or a name;
     * serialized bytecode ("function_type": "lambda") is unknown code */
    const nnl_kval *f = ARG("function");
    const nnl_kval *ft = ARG("function_type");
    l->code.at = f ? f->at : type_at;
    l->code.state = NNL_UNKNOWN;
    if (f && f->kind == NNL_KV_STR &&
        !(ft && ft->kind == NNL_KV_STR && strcmp(ft->str, "lambda") == 0)) {
      l->code.s = f->str;
      l->code.state = NNL_KNOWN;
    }
  }
}

nnl_layer *nnl_keras_add_layer(nnl_model *m, const char *class_name,
                               nnl_span type_at, const nnl_karg *args,
                               size_t n) {
  nnl_layer *l = nnl_ir_add_layer(m);
  l->at = type_at;
  l->op = NNL_OP_OPAQUE;
  l->act_at = NNL_NOSPAN;
  l->weights_at = NNL_NOSPAN;
  fill_layer(m, l, class_name ? class_name : "", type_at, args, n, 0);
  if (!class_name) l->type.state = NNL_UNKNOWN;
  return l;
}

/* ---- inputs ---- */

bool nnl_keras_is_input_class(const char *class_name) {
  const char *c = base(class_name);
  return nnl_name_eq(c, "InputLayer") || nnl_name_eq(c, "Input");
}

bool nnl_keras_args_declare_input(const nnl_karg *args, size_t n) {
  return given(ARG("batch_input_shape", "batch_shape", "input_shape",
                   "input_dim"));
}

/* out becomes the known list of the one value it. */
static void one_item(nnl_model *m, nnl_list *out, nnl_value it) {
  nnl_value *p = nnl_arena_alloc(m->arena, sizeof *p);
  *p = it;
  out->items = p;
  out->n = 1;
  out->state = NNL_KNOWN;
}

/* A shape list into an nnl_list (null dimensions are ABSENT items). */
static void set_shape(nnl_model *m, const nnl_kval *v, const char *what,
                      bool drop_batch, nnl_list *out) {
  if (!given(v)) return;
  out->at = v->at;
  if (v->kind == NNL_KV_NUM) { /* input_dim: 8 */
    nnl_num d = {0};
    to_num(m, v, what, NNL_NUM_COUNT, &d);
    if (d.state == NNL_KNOWN)
      one_item(m, out, (nnl_value){.type = NNL_V_NUM, .n = d.v, .at = v->at});
    else
      out->state = NNL_UNKNOWN;
    return;
  }
  if (v->kind != NNL_KV_LIST) {
    out->state = NNL_UNKNOWN;
    return;
  }
  uint32_t skip = drop_batch && v->n > 0 ? 1 : 0;
  uint32_t k = v->n - skip;
  nnl_value *items = nnl_arena_alloc(m->arena, sizeof *items * (k ? k : 1));
  for (uint32_t i = 0; i < k; i++) {
    const nnl_kval *x = &v->items[i + skip].v;
    nnl_value *o = &items[i];
    o->at = x->at;
    o->type = x->kind == NNL_KV_NUM    ? NNL_V_NUM
              : x->kind == NNL_KV_NULL ? NNL_V_ABSENT
                                       : NNL_V_UNKNOWN;
    o->n = x->num;
    if (x->kind == NNL_KV_NUM &&
        !num_ok(m, x,
                nnl_arena_printf(m->arena, "%s[%u]", what, (unsigned)(i + skip)),
                NNL_NUM_DIM))
      o->type = NNL_V_UNKNOWN;
  }
  out->items = items;
  out->n = k;
  out->state = NNL_KNOWN;
}

/* dtype in lower case without a module path: "tf.uint8" -> "uint8". */
static const char *canon_dtype(nnl_model *m, const char *s) {
  s = base(s);
  size_t n = strlen(s);
  char *o = nnl_arena_alloc(m->arena, n + 1);
  for (size_t i = 0; i < n; i++)
    o[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
  if (strcmp(o, "float") == 0) return "float32";
  if (strcmp(o, "double") == 0) return "float64";
  return o;
}

nnl_input *nnl_keras_add_input(nnl_model *m, const nnl_karg *args, size_t n,
                               nnl_span at) {
  nnl_input *in = nnl_ir_add_input(m);
  in->at = at;
  bool batch = false;
  const char *key;
  const nnl_kval *b = arg_named(
      args, n, (const char *const[]){"batch_input_shape", "batch_shape", NULL},
      &key);
  if (!given(b))
    b = arg_named(args, n,
                  (const char *const[]){"shape", "input_shape", "input_dim",
                                        NULL},
                  &key);
  else
    batch = true;
  set_shape(m, b, key, batch, &in->shape);
  const nnl_kval *dt = ARG("dtype", "input_dtype");
  if (given(dt)) {
    in->dtype.at = dt->at;
    if (dt->kind == NNL_KV_STR) {
      in->dtype.s = canon_dtype(m, dt->str);
      in->dtype.state = NNL_KNOWN;
    } else if (dt->kind == NNL_KV_DICT && dt->str &&
               nnl_name_eq(dt->str, "DTypePolicy")) {
      /* Keras 3: {"class_name": "DTypePolicy", "config": {"name": ...}} */
      const nnl_kval *nm = nnl_karg_find(dt->items, dt->n, "name");
      if (nm && nm->kind == NNL_KV_STR) {
        in->dtype.s = canon_dtype(m, nm->str);
        in->dtype.state = NNL_KNOWN;
      } else {
        in->dtype.state = NNL_UNKNOWN;
      }
    } else {
      in->dtype.state = NNL_UNKNOWN;
    }
  }
  const nnl_kval *nm = ARG("name");
  if (nm && nm->kind == NNL_KV_STR)
    in->name = (nnl_str){nm->str, nm->at, NNL_KNOWN};
  return in;
}

/* ---- training ---- */

static void training_known(nnl_training *t, nnl_span at) {
  if (t->state == NNL_ABSENT) t->at = at;
  t->state = NNL_KNOWN;
}

/* A learning rate given as a schedule (keras.optimizers.schedules.*, as a
 * serialized config or a Python call): the value of the rate it starts
 * from, or NULL when v is no schedule nnlint knows.  A schedule starts at
 * its initial_learning_rate, a PiecewiseConstantDecay at the first of its
 * values. */
static const nnl_kval *schedule_start(const nnl_kval *v) {
  static const char *const starts_at_initial[] = {
      "ExponentialDecay", "CosineDecay", "CosineDecayRestarts",
      "InverseTimeDecay", "PolynomialDecay", NULL};
  const char *c = v && v->kind == NNL_KV_DICT && v->str ? base(v->str) : NULL;
  if (!c) return NULL;
  for (const char *const *k = starts_at_initial; *k; k++)
    if (strcmp(c, *k) == 0) {
      const nnl_kval *x = nnl_karg_find(v->items, v->n, "initial_learning_rate");
      return x ? x : v; /* not readable: the schedule, unknown */
    }
  if (strcmp(c, "PiecewiseConstantDecay") == 0) {
    const nnl_kval *x = nnl_karg_find(v->items, v->n, "values");
    return x && x->kind == NNL_KV_LIST && x->n ? &x->items[0].v : v;
  }
  return NULL;
}

void nnl_keras_set_optimizer(nnl_model *m, const nnl_kval *opt) {
  if (!given(opt)) return;
  nnl_training *t = &m->training;
  nnl_optimizer *o = &t->optimizer;
  training_known(t, opt->at);
  *o = (nnl_optimizer){0};
  o->at = opt->at;
  o->state = NNL_KNOWN;
  o->framework = "keras";
  if (opt->kind == NNL_KV_STR) {
    o->type = (nnl_str){base(opt->str), opt->at, NNL_KNOWN};
    return;
  }
  const char *c = class_of(opt);
  if (!c) {
    o->type = (nnl_str){NULL, opt->at, NNL_UNKNOWN};
    o->lr.state = o->clipnorm.state = o->clipvalue.state =
        o->global_clipnorm.state = o->weight_decay.state = NNL_UNKNOWN;
    o->lr.at = o->clipnorm.at = o->clipvalue.at = o->global_clipnorm.at =
        o->weight_decay.at = opt->at;
    return;
  }
  o->type = (nnl_str){base(c), opt->str ? opt->str_at : opt->at, NNL_KNOWN};
  const nnl_karg *args = opt->items;
  size_t n = opt->n;
  const char *lr_key;
  const nnl_kval *lr = arg_named(args, n, (const char *const[]){"learning_rate",
                                 "lr", NULL}, &lr_key);
  const nnl_kval *start = schedule_start(lr);
  to_num(m, start ? start : lr, start ? "initial_learning_rate" : lr_key,
         NNL_NUM_REAL, &o->lr);
  num_arg(m, args, n, NNL_NUM_REAL, &o->clipnorm, "clipnorm");
  num_arg(m, args, n, NNL_NUM_REAL, &o->clipvalue, "clipvalue");
  num_arg(m, args, n, NNL_NUM_REAL, &o->global_clipnorm, "global_clipnorm");
  num_arg(m, args, n, NNL_NUM_REAL, &o->weight_decay, "weight_decay");
  num_arg(m, args, n, NNL_NUM_REAL, &o->momentum, "momentum");
}

/* loss -> "mse" | {class_name: BinaryCrossentropy, config: {from_logits}}
 * | a per-output dict or list (one name when all agree, else unknown). */
static void set_loss(nnl_training *t, const nnl_kval *v) {
  if (!given(v)) return;
  t->loss.at = v->at;
  if (v->kind == NNL_KV_STR) {
    t->loss.s = v->str;
    t->loss.state = NNL_KNOWN;
    return;
  }
  const char *c = v->kind == NNL_KV_DICT ? v->str : NULL;
  if (c) {
    t->loss.s = c;
    t->loss.state = NNL_KNOWN;
    to_flag(nnl_karg_find(v->items, v->n, "from_logits"), &t->from_logits);
    return;
  }
  if ((v->kind == NNL_KV_LIST || v->kind == NNL_KV_DICT) && v->n > 0) {
    /* several outputs: one loss name for all of them, or unknown */
    const char *same = NULL;
    for (uint32_t i = 0; i < v->n; i++) {
      const nnl_kval *x = &v->items[i].v;
      const char *s = x->kind == NNL_KV_STR ? x->str : NULL;
      if (!s || (same && strcmp(same, s) != 0)) {
        same = NULL;
        break;
      }
      same = s;
    }
    if (same) {
      t->loss.s = same;
      t->loss.state = NNL_KNOWN;
      return;
    }
  }
  t->loss.state = NNL_UNKNOWN;
}

/* metrics -> ["accuracy", {class_name: AUC}, ...] | {output: [...]} */
static void set_metrics(nnl_model *m, const nnl_kval *v) {
  nnl_list *out = &m->training.metrics;
  if (!given(v)) return;
  out->at = v->at;
  if (v->kind == NNL_KV_STR) {
    one_item(m, out, (nnl_value){.type = NNL_V_STR, .s = v->str, .at = v->at});
    return;
  }
  if (v->kind != NNL_KV_LIST && v->kind != NNL_KV_DICT) {
    out->state = NNL_UNKNOWN;
    return;
  }
  if (v->kind == NNL_KV_DICT && v->str) { /* one metric object */
    nnl_value *it = nnl_arena_alloc(m->arena, sizeof *it);
    it->type = NNL_V_STR;
    it->s = v->str;
    it->at = v->at;
    out->items = it;
    out->n = 1;
    out->state = NNL_KNOWN;
    return;
  }
  /* a list, or a per-output dict of names or lists: one level flattened */
  uint32_t total = 0;
  for (uint32_t i = 0; i < v->n; i++) {
    const nnl_kval *x = &v->items[i].v;
    total += x->kind == NNL_KV_LIST ? x->n : 1;
  }
  nnl_value *items = nnl_arena_alloc(m->arena, sizeof *items * (total ? total : 1));
  uint32_t k = 0;
  bool unknown = false;
  for (uint32_t i = 0; i < v->n; i++) {
    const nnl_kval *x = &v->items[i].v;
    uint32_t cnt = x->kind == NNL_KV_LIST ? x->n : 1;
    for (uint32_t j = 0; j < cnt && k < total; j++) {
      const nnl_kval *y = x->kind == NNL_KV_LIST ? &x->items[j].v : x;
      nnl_value *o = &items[k++];
      o->at = y->at;
      if (y->kind == NNL_KV_STR) o->type = NNL_V_STR, o->s = y->str;
      else if (y->kind == NNL_KV_DICT && y->str) o->type = NNL_V_STR, o->s = y->str;
      else if (y->kind == NNL_KV_NULL) o->type = NNL_V_ABSENT;
      else o->type = NNL_V_UNKNOWN, unknown = true;
    }
  }
  out->items = items;
  out->n = k;
  out->state = unknown && k == 1 ? NNL_UNKNOWN : NNL_KNOWN;
}

void nnl_keras_set_compile(nnl_model *m, const nnl_karg *args, size_t n,
                           nnl_span at) {
  nnl_training *t = &m->training;
  training_known(t, at);
  const nnl_kval *opt = ARG("optimizer", "optimizer_config");
  if (given(opt)) nnl_keras_set_optimizer(m, opt);
  else if (t->optimizer.state == NNL_ABSENT) {
    /* compile() without an optimizer: Keras' default is rmsprop */
    if (opt == NULL || opt->kind == NNL_KV_ABSENT) {
      t->optimizer.state = NNL_KNOWN;
      t->optimizer.at = at;
      t->optimizer.framework = "keras";
      t->optimizer.type = (nnl_str){"rmsprop", at, NNL_KNOWN};
    }
  }
  set_loss(t, ARG("loss"));
  set_metrics(m, ARG("metrics"));
}

void nnl_keras_set_fit(nnl_model *m, const nnl_karg *args, size_t n,
                       nnl_span at) {
  nnl_training *t = &m->training;
  training_known(t, at);
  num_arg(m, args, n, NNL_NUM_COUNT, &t->batch_size, "batch_size");
  num_arg(m, args, n, NNL_NUM_DIM, &t->epochs, "epochs", "nb_epoch");
  /* Keras 0.x and 1.0: fit(show_accuracy=True) tracks accuracy, when
   * compile() named no metrics */
  const nnl_kval *sa = ARG("show_accuracy");
  if (given(sa) && t->metrics.state == NNL_ABSENT) {
    if (sa->kind == NNL_KV_BOOL && sa->b)
      one_item(m, &t->metrics,
               (nnl_value){.type = NNL_V_STR, .s = "accuracy", .at = sa->at});
    else if (sa->kind != NNL_KV_BOOL)
      t->metrics.state = NNL_UNKNOWN;
    t->metrics.at = sa->at;
  }
  num_arg(m, args, n, NNL_NUM_SPLIT, &t->validation_split, "validation_split");
  if (t->validation_split.state == NNL_KNOWN) {
    t->validation.v = t->validation_split.v > 0;
    t->validation.state = NNL_KNOWN;
    t->validation.at = t->validation_split.at;
  } else if (t->validation_split.state == NNL_UNKNOWN) {
    t->validation.state = NNL_UNKNOWN;
    t->validation.at = t->validation_split.at;
  }
  const nnl_kval *vd = ARG("validation_data", "validation_steps",
                           "validation_freq");
  if (vd && vd->kind != NNL_KV_ABSENT) {
    if (vd->kind == NNL_KV_NULL) {
      if (t->validation.state == NNL_ABSENT) {
        t->validation.v = false;
        t->validation.state = NNL_KNOWN;
        t->validation.at = vd->at;
      }
    } else if (!(t->validation.state == NNL_KNOWN && t->validation.v)) {
      /* a value, or a variable: validation data is given */
      t->validation.v = true;
      t->validation.state = NNL_KNOWN;
      t->validation.at = vd->at;
    }
  }
}

int nnl_keras_report(nnl_ctx *cx, nnl_doc *doc, const nnl_model *m) {
  if (!m->bad_input) return 0;
  nnl_report_bad_input(cx, doc, m->bad_input_at, "%s", m->bad_input);
  return -1;
}
