/*
 * ir.h - the one intermediate representation every front end produces and
 * every rule reads.
 *
 *   front end --builds--> nnl_model (facts as written, with spans)
 *   nnl_ir_derive(model)  computes the derived facts once (task, depth,
 *                         output layer, plain/residual, ...)
 *   engine   --reads-->   fields by name through nnl_ir_get (ir_fields.def)
 *
 * Ownership: a model and everything it points to live in its document's
 * arena (nnl_doc.arena); nothing here is freed on its own.
 *
 * Knowledge has three states.  ABSENT: the file does not say (the framework
 * default applies, derived facts may use it).  UNKNOWN: the file says
 * something nnlint cannot resolve (a variable, a custom class): rules stay
 * silent.  KNOWN: a value.
 */
#ifndef NNL_IR_H
#define NNL_IR_H

#include <math.h>

#include "base.h"

/* ---- the vocabulary: ops.def ---- */
typedef enum nnl_op_class {
  NNL_K_OPAQUE = 0, /* unknown type: kept, never judged */
  NNL_K_WEIGHT,     /* trainable weights */
  NNL_K_ACTIVATION, /* an activation as its own layer */
  NNL_K_DROPOUT,    /* Dropout family, GaussianNoise */
  NNL_K_NORM,       /* BatchNorm, LayerNorm, Normalization, Rescaling */
  NNL_K_ENCODER,    /* one-hot, lookups: turn ids into vectors */
  NNL_K_MERGE,      /* Add, Concatenate, Multiply, ... */
  NNL_K_SHAPE,      /* Flatten, Reshape, Identity, ... */
  NNL_K_POOL,
  NNL_K_INPUT,
  NNL_K_OTHER
} nnl_op_class;

enum {
  NNL_F_FC = 1u << 0,               /* fully connected: Dense/Linear/Gemm */
  NNL_F_CONV = 1u << 1,             /* convolution */
  NNL_F_RECURRENT = 1u << 2,        /* LSTM/GRU/RNN */
  NNL_F_ENCODES = 1u << 3,          /* turns ids into vectors */
  NNL_F_NORMALIZES_INPUT = 1u << 4, /* counts as input normalization */
  NNL_F_ZERO_GRAD = 1u << 5,        /* zero or undefined gradient */
  NNL_F_AUGMENTS = 1u << 6          /* data augmentation (RandomFlip, ...):
                                       regularizes, passes values on */
};

enum {
  NNL_A_RELU_LIKE = 1u << 0,   /* output >= 0, zero gradient below 0 */
  NNL_A_BOUNDED = 1u << 1,     /* output range is bounded */
  NNL_A_PROBABILITY = 1u << 2, /* softmax / sigmoid */
  NNL_A_NORMALIZING = 1u << 3  /* softmax / log_softmax: over the units */
};

typedef enum nnl_op {
#define OP(id, name, cls, flags) NNL_OP_##id,
#include "ops.def"
  NNL_OP_OPAQUE, /* a type nnlint does not know */
  NNL_OP__COUNT
} nnl_op;

typedef enum nnl_act {
  NNL_ACT_NONE = 0, /* not given: linear for weight layers */
  NNL_ACT_UNKNOWN,  /* given but not resolvable (custom, variable) */
#define ACT(id, name, lo, hi, flags) NNL_ACT_##id,
#include "ops.def"
  NNL_ACT__COUNT
} nnl_act;

typedef struct nnl_op_info {
  const char *name;
  nnl_op_class cls;
  unsigned flags;
} nnl_op_info;
typedef struct nnl_act_info {
  const char *name;
  double lo, hi;
  unsigned flags;
} nnl_act_info;

/* What an op and an activation are (ops.def), inline: every pass over the
 * layers asks.  Out-of-range values read as opaque / unknown. */
extern const nnl_op_info nnl_op_table[NNL_OP__COUNT];
extern const nnl_act_info nnl_act_table[NNL_ACT__COUNT];
static inline const nnl_op_info *nnl_op_info_of(nnl_op op) {
  return &nnl_op_table[op < NNL_OP__COUNT ? op : NNL_OP_OPAQUE];
}
static inline const nnl_act_info *nnl_act_info_of(nnl_act act) {
  return &nnl_act_table[act < NNL_ACT__COUNT ? act : NNL_ACT_UNKNOWN];
}
/* Name lookups ignore case, '_' and '-'.  NNL_OP_OPAQUE / NNL_ACT_UNKNOWN
 * when the name is not in ops.def. */
nnl_op nnl_op_lookup(const char *name);
nnl_act nnl_act_lookup(const char *name);

/* An initializer or regularizer name in the IR's spelling, lower snake
 * case: "HeNormal" -> "he_normal", "RandomNormal" -> "random_normal",
 * "L1L2" -> "l1_l2", "zeros_" -> "zeros", and a few aliases ("zero",
 * "const", "normal") to the Keras names.  name has no module path; the
 * result lives in a (or is static). */
const char *nnl_ir_init_name(nnl_arena *a, const char *name);

/* ---- values as written ---- */
typedef enum nnl_state { NNL_ABSENT = 0, NNL_KNOWN, NNL_UNKNOWN } nnl_state;

typedef struct nnl_num {
  double v;
  nnl_span at;
  uint8_t state;
} nnl_num;
typedef struct nnl_str {
  const char *s; /* arena; as written */
  nnl_span at;
  uint8_t state;
} nnl_str;
typedef struct nnl_flag {
  bool v;
  nnl_span at;
  uint8_t state;
} nnl_flag;

/* A list of scalars as written (ranges, std lists, metrics, steps). */
typedef struct nnl_list {
  struct nnl_value *items;
  uint32_t n;
  nnl_span at;
  uint8_t state;
} nnl_list;

/* ---- values as the engine sees them ---- */
typedef enum nnl_vtype {
  NNL_V_UNKNOWN = 0, /* unresolvable: comparisons are unknown */
  NNL_V_ABSENT,      /* not written: comparisons are unknown too */
  NNL_V_BOOL,
  NNL_V_NUM,
  NNL_V_STR,
  NNL_V_LIST,    /* items[0..n) */
  NNL_V_OBJ,     /* one IR object: obj of kind */
  NNL_V_OBJLIST  /* IR objects of kind, contiguous from obj */
} nnl_vtype;

typedef enum nnl_objkind {
  NNL_O_MODEL,
  NNL_O_LAYER,
  NNL_O_INPUT,
  NNL_O_OUTPUT,
  NNL_O_TRAINING,
  NNL_O_OPTIMIZER,
  NNL_O__COUNT
} nnl_objkind;

typedef struct nnl_value {
  uint8_t type; /* nnl_vtype */
  uint8_t kind; /* nnl_objkind, for OBJ and OBJLIST */
  bool b;
  double n;
  const char *s;
  const struct nnl_value *items; /* LIST */
  const void *obj;               /* OBJ, OBJLIST */
  uint32_t count;                /* LIST, OBJLIST */
  nnl_span at;                   /* where the value is written */
} nnl_value;

/* ---- the model ---- */

/* A layer's input: a layer index (>= 0) or a model input (-1 - index). */
typedef int32_t nnl_ref;
#define NNL_REF_INPUT(i) (-1 - (int32_t)(i))
#define NNL_REF_IS_INPUT(r) ((r) < 0)
#define NNL_REF_INPUT_INDEX(r) ((uint32_t)(-1 - (r)))

typedef struct nnl_layer {
  /* The fields are ordered by how often they are read, not by topic: the
   * passes of nnl_ir_derive and the rules' `for: layer in layers` scans
   * read the first 64 bytes of every layer, the next 64 hold what rules
   * test on every layer, and the rest is read for a few layers only, so
   * that a pass over a big model touches few cache lines per layer. */
  nnl_op op;         /* canonical op */
  nnl_act act;       /* fused `activation=`, or the Activation layer's */
  nnl_ref *inputs;   /* edges; default: the previous layer */
                     /* (inputs NULL and n_inputs 0: the default; a
                        non-NULL inputs with n_inputs 0: no inputs) */
  uint32_t n_inputs;
  uint32_t repeat_of; /* for a `repeat:` copy, 1 + index of the original */

  /* ---- derived (nnl_ir_derive) ---- */
  bool is_weight;    /* trainable weight layer */
  bool is_output;    /* the output layer: last weight layer before an output */
  bool is_hidden;    /* a weight layer that is not an output layer */
  bool zero_grad;    /* op with zero/undefined gradient */
  bool between_weights; /* weight layers both before and after it */
  bool cuts_gradient; /* a zero-gradient op between weight layers that a
                         weight layer right before it gets its only
                         gradient through: that layer gets none */
  bool ends_branch;  /* last weight layer of a residual branch */
  bool feeds_merge;  /* output goes into a merge (skip connection) */
  bool is_skip_merge; /* a merge joining two paths from the same source */
  nnl_act out_act;   /* for output layers: the activation the output sees */
  nnl_act eff_act;   /* weight layers: the activation their output goes
                        through: the fused one, else the first activation
                        layer after it (through shape, pooling, dropout and
                        normalization layers); UNKNOWN when ambiguous */
  nnl_act pre_act;   /* for output layers with a separate final
                        activation: the fused activation before it */
  uint32_t depth;    /* weight layers on the longest path up to and
                        including this layer */
  uint32_t n_consumers;
  uint64_t input_mask; /* which model inputs (first 64) reach this layer */

  /* ---- declared, tested on every layer by the rules ---- */
  nnl_flag weights_all_zero;  /* carried weights: every value 0 */
  nnl_flag weights_all_equal; /* carried weights: every value equal */
  nnl_num init_scale;    /* stddev (normal) or half-range (uniform) */
  nnl_span weights_at;        /* where the weight tensor is */

  /* ---- declared, read for some layers ---- */
  nnl_span at;       /* the whole layer as written */
  nnl_str name;      /* declared name, or ABSENT */
  nnl_str type;      /* type as written ("Conv2d", "Gemm") */
  nnl_span act_at;   /* where the activation is written */
  nnl_num units;     /* units / filters / out_features / output channels */
  nnl_str kernel_init;   /* canonical-ish lower name: "zeros", "he_normal" */
  nnl_num init_value;    /* constant initializer's value */
  nnl_str bias_init;
  nnl_str kernel_regularizer;
  nnl_num rate;          /* dropout rate */
  nnl_flag bottleneck;   /* declared a bottleneck (NN011) */
  nnl_str code;          /* Lambda body / custom code text, if any */
  nnl_str cast_to;       /* Cast: target dtype ("int64", "float32") */
  nnl_num weights_value;      /* the common value when all equal */
  const char *where;  /* logical location for binary formats, or NULL */
  /* derived, for some layers */
  nnl_span out_act_at;
  nnl_span eff_act_at;
  nnl_span pre_act_at; /* where pre_act is written */
} nnl_layer;

typedef struct nnl_input {
  nnl_span at;
  nnl_str name;
  nnl_str dtype;      /* lower-case: "float32", "uint8", "int64" */
  nnl_list shape;
  nnl_num range_lo, range_hi; /* declared raw value range */
  nnl_span range_at;
  nnl_str kind;       /* image | tabular | categorical | sequence | text |
                         position | angle | timestamp | other */
  nnl_str normalize;  /* "standardize", "minmax", "none", "meanstd" (a
                         mapping with mean/std), ... */
  nnl_list norm_std;  /* std or variance values of a mean/std mapping */
  nnl_list preprocess;

  /* ---- derived ---- */
  bool is_raw;       /* raw measurement: see rules.md */
  bool is_id_like;
  int8_t normalized; /* tri: declared or a normalizing layer before the
                        first weight layer (1), none (0), unknown (-1) */
  int8_t encoded;    /* tri: an encoder on every path to an FC/conv layer */
  int32_t first_weight; /* first weight layer it reaches, or -1 */
} nnl_input;

typedef struct nnl_output {
  nnl_span at;
  nnl_str name;
  nnl_num range_lo, range_hi; /* target range */
  nnl_span range_at;
  nnl_str normalize;
  int32_t layer; /* producing layer index; -1: the last layer */
  int32_t output_layer; /* derived: its output (weight) layer, or -1 */
} nnl_output;

typedef struct nnl_optimizer {
  nnl_span at;
  uint8_t state;      /* ABSENT: no optimizer written */
  nnl_str type;       /* as written: "Adam", "torch.optim.SGD", "adamw" */
  const char *framework; /* "keras" (default) or "pytorch": for defaults */
  nnl_num lr;
  nnl_num clipnorm, clipvalue, global_clipnorm; /* ABSENT: none */
  nnl_num weight_decay;
  nnl_num momentum;

  /* ---- derived ---- */
  const char *canon;  /* "adam", "sgd", ... lower, no prefix; NULL unknown */
  nnl_num lr_default; /* the framework default for canon, ABSENT unknown */
  int8_t lr_is_default; /* tri */
  int8_t is_adaptive;   /* tri */
  nnl_num clipping;     /* the clipping value in force, ABSENT: none */
  const char *clipping_name; /* "clipnorm", "clipvalue", ... */
} nnl_optimizer;

typedef struct nnl_training {
  nnl_span at;
  uint8_t state;      /* ABSENT: no training section */
  nnl_optimizer optimizer;
  nnl_str loss;       /* as written */
  nnl_flag from_logits;
  nnl_list metrics;   /* as written; derive spells a metric that names a
                         loss by that loss's canonical name (loss_canon):
                         mean_squared_error -> mse */
  nnl_num batch_size;
  nnl_num epochs;
  nnl_num validation_split;
  nnl_flag validation; /* validation data / split / eval given */
  nnl_list augmentation;

  /* ---- derived ---- */
  bool optimizer_context; /* the file says how the model is optimized */
  bool fit_context;       /* the file says how training is run */
  const char *loss_canon; /* lower, "mse", "categorical_crossentropy" */
  const char *loss_task;  /* "classification", "regression", or NULL */
} nnl_training;

typedef struct nnl_model {
  nnl_arena *arena;   /* the document's arena (nnl_ir_model_new) */
  nnl_span at;
  nnl_str name;
  nnl_str task;       /* declared */
  nnl_num classes;    /* declared */
  nnl_num dataset_size;

  NNL_ARRAY(nnl_input) inputs;
  NNL_ARRAY(nnl_output) outputs;
  NNL_ARRAY(nnl_layer) layers; /* topological order after derive */
  nnl_training training;

  /* ---- derived ---- */
  const char *task_derived; /* classification | binary-classification |
                               regression | autoencoder | other | NULL */
  nnl_num n_classes;        /* declared or output units (classification) */
  nnl_num n_outputs;        /* units of the output layer */
  uint32_t weight_layers;
  uint32_t depth;
  bool plain;               /* no skip connection */
  int32_t output_layer;     /* index or -1 */
  uint32_t relu_layers;     /* layers with a ReLU-like activation */
  bool has_norm_layers;
  bool has_dropout;
  bool has_kernel_regularizer;
  bool has_regularization;  /* dropout, regularizer, decay, augmentation */
  bool derived;

  /* A value no model can have (`units: -8`, a NaN learning rate), met by
   * a helper shared by several front ends (frontend/keras.c), which has
   * no document to report to: the first one, for the front end to report
   * as NN000.  NULL: none. */
  const char *bad_input;
  nnl_span bad_input_at;
} nnl_model;

/* What a number a front end reads into the IR may hold (docs/model-spec.md,
 * "Values"; the same for every format).  A value no model can have (units
 * -8, a NaN learning rate, a dim of 1e999) is NN000 where it is written,
 * never a finding about "inf units". */
typedef enum nnl_numkind {
  NNL_NUM_ANY,      /* any number: an argument nnlint cannot interpret */
  NNL_NUM_REAL,     /* finite: learning rate, momentum, clipping, init args */
  NNL_NUM_BOUND,    /* finite or +-infinity, not NaN: ends of a value range */
  NNL_NUM_COUNT,    /* a whole number >= 1: units, filters, batch size */
  NNL_NUM_DIM,      /* a whole number >= 0, or -1: a shape dim, epochs */
  NNL_NUM_FRACTION, /* 0 <= x <= 1: a dropout rate */
  NNL_NUM_SPLIT     /* 0 <= x < 1: a validation split */
} nnl_numkind;

/* NULL when d is a value of kind k; else what it must be, for a message
 * ("a positive whole number"). */
const char *nnl_num_check(double d, nnl_numkind k);

/* Fresh model in the arena, zeroed; output_layer -1. */
nnl_model *nnl_ir_model_new(nnl_arena *a);
/* Append a zeroed layer/input/output and return it (pointers are stable
 * only until the next append). */
nnl_layer *nnl_ir_add_layer(nnl_model *m);
nnl_input *nnl_ir_add_input(nnl_model *m);
nnl_output *nnl_ir_add_output(nnl_model *m);
/* Release the arrays of a model (its arena memory goes with the arena). */
void nnl_ir_model_free(nnl_model *m);

/* Put layers in topological order (stable: file order where free) and
 * remap edges.  Returns -1 when done, or the index of a layer on a cycle
 * (the layers are then left as they were). */
int32_t nnl_ir_toposort(nnl_model *m);

/* Compute every derived fact once; layers must be topologically ordered. */
void nnl_ir_derive(nnl_model *m);

/* ---- field access for the engine (ir_fields.def) ---- */
typedef enum nnl_field {
#define FIELD(kind, id, name, doc) NNL_FLD_##kind##_##id,
#include "ir_fields.def"
  NNL_FLD__COUNT
} nnl_field;

/* Field id for name on objects of kind, or -1. */
int nnl_ir_field_lookup(nnl_objkind kind, const char *name);
const char *nnl_ir_field_name(int field);
const char *nnl_objkind_name(nnl_objkind kind);
/* Read field of obj (an object of the field's kind) of model m. */
void nnl_ir_get(const nnl_model *m, const void *obj, int field, nnl_value *out);
/* Three-valued truth of a value: 1 true, 0 false, -1 unknown.  Numbers are
 * true when non-zero, strings and lists when non-empty, objects always. */
int nnl_value_truth(const nnl_value *v);
/* The three-valued truth of that value (1, 0, -1 unknown), read directly
 * for the layer's flags: what conditions and `for` guards need. */
int nnl_ir_truth(const nnl_model *m, const void *obj, int field);
/* Is the field's value known (nnl_ir_get gives neither unknown nor
 * absent)?  Without building the value for the common layer fields. */
bool nnl_ir_known(const nnl_model *m, const void *obj, int field);
/* The span of an object (its whole text), for `at:` fallbacks. */
nnl_span nnl_ir_obj_span(nnl_objkind kind, const void *obj);

#endif
