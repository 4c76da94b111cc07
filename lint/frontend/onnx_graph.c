/*
 * onnx_graph.c - ONNX graph to IR, shared by the binary and the text front
 * ends (onnx.h has the graph both produce).
 *
 *   nnl_onnx_model --nnl_onnx_to_ir--> nnl_model (layers, edges, inputs,
 *                                      outputs, training) -> toposort, derive
 *
 * Values are the edges: every value name maps to what carries it.
 *   const    an initializer, a Constant node, or any node whose inputs are
 *            all constant (shape arithmetic: Shape, ConstantOfShape, Gather
 *            on shapes, ...): folded away, never a layer, never an edge.
 *   param    a graph input without an initializer used only as a weight
 *            operand: a weight, not a model input.
 *   act      an activation: a model input or the output of a layer.
 *
 * Nodes with at least one activation input become layers, in topological
 * order, except:
 *   - the activation right after a weight layer (through shape-only ops
 *     and bias Adds, each value used once) is folded into the weight
 *     layer's `act` and gets no layer;
 *   - a bias Add (a constant operand) right after a weight layer is part
 *     of that layer and gets no layer.
 * Weight layers: MatMul/Gemm/Conv/ConvTranspose/LSTM/GRU/RNN (and their
 * quantized forms) whose weight operand is constant, and Gather on a
 * constant float table (an embedding).  Arithmetic by a constant before
 * any weight layer is an input normalization (Rescaling); merges are
 * Add/Sum/Mul/Concat of two or more activations.  Standard ops with no
 * special role are OTHER layers; unknown ops and custom domains OPAQUE.
 *
 * Before any of that, every name a node input or graph output uses must be
 * defined somewhere in scope (check_refs), and the nodes must order without
 * a cycle: either failing is one NN000 and no model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/onnx.h"

/* ---- data types ---- */

static const struct dtype {
  int32_t id;
  const char *ir;   /* the IR's lower-case name */
  const char *text; /* the onnx.parser spelling */
} dtypes[] = {
    {NNL_ONNX_FLOAT, "float32", "float"},
    {NNL_ONNX_UINT8, "uint8", "uint8"},
    {NNL_ONNX_INT8, "int8", "int8"},
    {NNL_ONNX_UINT16, "uint16", "uint16"},
    {NNL_ONNX_INT16, "int16", "int16"},
    {NNL_ONNX_INT32, "int32", "int32"},
    {NNL_ONNX_INT64, "int64", "int64"},
    {NNL_ONNX_STRING, "string", "string"},
    {NNL_ONNX_BOOL, "bool", "bool"},
    {NNL_ONNX_FLOAT16, "float16", "float16"},
    {NNL_ONNX_DOUBLE, "float64", "double"},
    {NNL_ONNX_UINT32, "uint32", "uint32"},
    {NNL_ONNX_UINT64, "uint64", "uint64"},
    {NNL_ONNX_COMPLEX64, "complex64", "complex64"},
    {NNL_ONNX_COMPLEX128, "complex128", "complex128"},
    {NNL_ONNX_BFLOAT16, "bfloat16", "bfloat16"},
    {NNL_ONNX_FLOAT8E4M3FN, "float8e4m3fn", "float8e4m3fn"},
    {NNL_ONNX_FLOAT8E4M3FNUZ, "float8e4m3fnuz", "float8e4m3fnuz"},
    {NNL_ONNX_FLOAT8E5M2, "float8e5m2", "float8e5m2"},
    {NNL_ONNX_FLOAT8E5M2FNUZ, "float8e5m2fnuz", "float8e5m2fnuz"},
    {NNL_ONNX_UINT4, "uint4", "uint4"},
    {NNL_ONNX_INT4, "int4", "int4"},
    {NNL_ONNX_FLOAT4E2M1, "float4e2m1", "float4e2m1"},
};

const char *nnl_onnx_dtype_name(int32_t t) {
  for (size_t i = 0; i < sizeof dtypes / sizeof *dtypes; i++)
    if (dtypes[i].id == t) return dtypes[i].ir;
  return NULL;
}

int32_t nnl_onnx_dtype_parse(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof dtypes / sizeof *dtypes; i++) {
    const char *a = dtypes[i].text, *b = dtypes[i].ir;
    if ((strlen(a) == len && memcmp(a, name, len) == 0) ||
        (strlen(b) == len && memcmp(b, name, len) == 0))
      return dtypes[i].id;
  }
  return NNL_ONNX_UNDEFINED;
}

static bool is_float_type(int32_t t) {
  return t == NNL_ONNX_FLOAT || t == NNL_ONNX_DOUBLE || t == NNL_ONNX_FLOAT16 ||
         t == NNL_ONNX_BFLOAT16 || (t >= NNL_ONNX_FLOAT8E4M3FN &&
                                    t <= NNL_ONNX_FLOAT8E5M2FNUZ) ||
         t == NNL_ONNX_FLOAT4E2M1;
}

/* ---- weight summaries ---- */

void nnl_onnx_summary_begin(nnl_onnx_tensor *t) {
  t->all_equal = t->all_zero = -1;
  t->n_seen = 0;
  t->value = 0;
}

bool nnl_onnx_summary_add(nnl_onnx_tensor *t, double v) {
  if (t->all_equal == 0) return false;
  if (t->n_seen == 0) {
    t->value = v;
    t->n_seen = 1;
    if (isnan(v)) t->all_equal = 0;
    return !isnan(v);
  }
  t->n_seen++;
  if (v != t->value) { /* NaN compares unequal */
    t->all_equal = 0;
    return false;
  }
  return true;
}

void nnl_onnx_summary_end(nnl_onnx_tensor *t) {
  if (t->all_equal == 0) {
    t->all_zero = 0;
    return;
  }
  if (t->n_elems > 0 && t->n_seen == (uint64_t)t->n_elems) {
    t->all_equal = 1;
    t->all_zero = t->value == 0 ? 1 : 0;
  } else {
    t->all_equal = t->all_zero = -1;
  }
}

/* ---- ops ---- */

/* strcmp(a, b) == 0, rejecting most table entries on the first byte
 * (op tables are scanned once per node). */
static inline bool streq(const char *a, const char *b) {
  return a[0] == b[0] && strcmp(a, b) == 0;
}

static bool default_domain(const char *d) {
  return !d || !*d || strcmp(d, "ai.onnx") == 0;
}

/* Weight-carrying ops: the weight operand's slot (and the alternative for
 * MatMul/Gemm when the constant is on the left), the data slot, and every
 * slot that holds a parameter (weights, biases, quantization params). */
static const struct wop {
  const char *name;
  nnl_op op;
  int8_t wslot, alt, data;
  int8_t params[9]; /* -1 terminated: weights, biases, quantization */
} wops[] = {
    {"MatMul", NNL_OP_DENSE, 1, 0, 0, {1, -1}},
    {"Gemm", NNL_OP_DENSE, 1, 0, 0, {1, 2, -1}},
    {"MatMulInteger", NNL_OP_DENSE, 1, -1, 0, {1, 2, 3, -1}},
    {"QLinearMatMul", NNL_OP_DENSE, 3, -1, 0, {1, 2, 3, 4, 5, 6, 7, -1}},
    {"Conv", NNL_OP_CONV, 1, -1, 0, {1, 2, -1}},
    {"ConvInteger", NNL_OP_CONV, 1, -1, 0, {1, 2, 3, -1}},
    {"QLinearConv", NNL_OP_CONV, 3, -1, 0, {1, 2, 3, 4, 5, 6, 7, 8, -1}},
    {"ConvTranspose", NNL_OP_CONV_TRANSPOSE, 1, -1, 0, {1, 2, -1}},
    {"LSTM", NNL_OP_LSTM, 1, -1, 0, {1, 2, 3, 7, -1}},
    {"GRU", NNL_OP_GRU, 1, -1, 0, {1, 2, 3, -1}},
    {"RNN", NNL_OP_RNN, 1, -1, 0, {1, 2, 3, -1}},
    {"Gather", NNL_OP_EMBEDDING, 0, -1, 1, {0, -1}},
};


static bool is_param_slot(const struct wop *w, uint32_t slot) {
  for (int i = 0; i < 9 && w->params[i] >= 0; i++)
    if ((uint32_t)w->params[i] == slot) return true;
  return false;
}

/* Default-domain ops with a role in the IR, by op_type. */
static const struct opmap {
  const char *name;
  nnl_op op;
} opmap[] = {
    {"Reshape", NNL_OP_RESHAPE}, {"Flatten", NNL_OP_FLATTEN},
    {"Transpose", NNL_OP_TRANSPOSE}, {"Squeeze", NNL_OP_SQUEEZE},
    {"Unsqueeze", NNL_OP_UNSQUEEZE}, {"Identity", NNL_OP_IDENTITY},
    /* a change of representation: transparent like a shape op */
    {"QuantizeLinear", NNL_OP_IDENTITY}, {"DequantizeLinear", NNL_OP_IDENTITY},
    {"Dropout", NNL_OP_DROPOUT},
    {"BatchNormalization", NNL_OP_BATCH_NORM},
    {"LayerNormalization", NNL_OP_LAYER_NORM},
    {"InstanceNormalization", NNL_OP_LAYER_NORM},
    {"GroupNormalization", NNL_OP_LAYER_NORM},
    {"RMSNormalization", NNL_OP_LAYER_NORM},
    {"SimplifiedLayerNormalization", NNL_OP_LAYER_NORM},
    {"LRN", NNL_OP_LAYER_NORM}, {"LpNormalization", NNL_OP_LAYER_NORM},
    {"MeanVarianceNormalization", NNL_OP_NORMALIZATION},
    {"MaxPool", NNL_OP_MAX_POOL}, {"AveragePool", NNL_OP_AVG_POOL},
    {"LpPool", NNL_OP_AVG_POOL}, {"GlobalAveragePool", NNL_OP_GLOBAL_POOL},
    {"GlobalMaxPool", NNL_OP_GLOBAL_POOL},
    {"GlobalLpPool", NNL_OP_GLOBAL_POOL},
    {"Resize", NNL_OP_UPSAMPLE}, {"Upsample", NNL_OP_UPSAMPLE},
    {"Pad", NNL_OP_PAD},
    {"Round", NNL_OP_ROUND}, {"Floor", NNL_OP_FLOOR}, {"Ceil", NNL_OP_CEIL},
    {"Sign", NNL_OP_SIGN}, {"ArgMax", NNL_OP_ARGMAX},
    {"ArgMin", NNL_OP_ARGMIN}, {"Hardmax", NNL_OP_HARDMAX},
    {"Greater", NNL_OP_GREATER}, {"GreaterOrEqual", NNL_OP_GREATER},
    {"Less", NNL_OP_LESS}, {"LessOrEqual", NNL_OP_LESS},
    {"Equal", NNL_OP_EQUAL}, {"IsNaN", NNL_OP_EQUAL}, {"IsInf", NNL_OP_EQUAL},
    {"OneHot", NNL_OP_ONE_HOT}, {"Cast", NNL_OP_CAST},
    {"CastLike", NNL_OP_CAST},
};

/* Standard ops with no special role: OTHER layers (the rest are OPAQUE). */
static const char *const known_ops[] = {
    "Abs", "Acos", "Acosh", "Add", "AffineGrid", "And", "Asin", "Asinh",
    "Atan", "Atanh", "Attention", "BitShift", "BitwiseAnd", "BitwiseNot",
    "BitwiseOr", "BitwiseXor", "BlackmanWindow", "Col2Im", "Compress",
    "Concat", "ConcatFromSequence", "Constant", "ConstantOfShape", "Cos",
    "Cosh", "CumSum", "DFT", "DeformConv", "DepthToSpace", "DequantizeLinear",
    "Det", "Div", "DynamicQuantizeLinear", "Einsum", "Erf", "Exp", "Expand",
    "EyeLike", "Gather", "GatherElements", "GatherND", "GridSample",
    "HammingWindow", "HannWindow", "ImageDecoder", "LpPool", "MatMul",
    "Max", "MaxRoiPool", "MaxUnpool", "Mean", "MelWeightMatrix", "Min", "Mod",
    "Mul", "Multinomial", "Neg", "NegativeLogLikelihoodLoss",
    "NonMaxSuppression", "NonZero", "Not", "Or", "Pow", "QuantizeLinear",
    "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
    "Range", "Reciprocal", "ReduceL1", "ReduceL2", "ReduceLogSum",
    "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
    "ReduceSum", "ReduceSumSquare", "RegexFullMatch", "ReverseSequence",
    "RoiAlign", "RotaryEmbedding", "STFT", "Scatter", "ScatterElements",
    "ScatterND", "SequenceAt", "SequenceConstruct", "SequenceEmpty",
    "SequenceErase", "SequenceInsert", "SequenceLength", "Shape", "Shrink",
    "Sin", "Sinh", "Size", "Slice", "SoftmaxCrossEntropyLoss", "SpaceToDepth",
    "Split", "SplitToSequence", "Sqrt", "StringConcat", "StringNormalizer",
    "StringSplit", "Sub", "Sum", "Tan", "TfIdfVectorizer", "Tile", "TopK",
    "Trilu", "Unique", "Where", "Xor", "Log", "Bernoulli", "CenterCropPad",
    "OptionalGetElement", "OptionalHasElement", "Optional", "Gradient",
    /* weight ops whose weight is an activation (dynamic weights) */
    "Gemm", "Conv", "ConvTranspose", "ConvInteger", "MatMulInteger",
    "QLinearConv", "QLinearMatMul", "LSTM", "GRU", "RNN",
};

static bool known_op(const char *name) {
  for (size_t i = 0; i < sizeof known_ops / sizeof *known_ops; i++)
    if (streq(known_ops[i], name)) return true;
  return false;
}

/* ai.onnx.ml ops that encode ids. */
static nnl_op ml_op(const char *name) {
  if (strcmp(name, "OneHotEncoder") == 0) return NNL_OP_CATEGORY_ENCODING;
  if (strcmp(name, "LabelEncoder") == 0 || strcmp(name, "CategoryMapper") == 0)
    return NNL_OP_STRING_LOOKUP;
  return NNL_OP_OPAQUE;
}

/* ONNX activation ops (default domain). */
static const char *const acts[] = {
    "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu",
    "Sigmoid", "HardSigmoid", "Tanh", "Softmax", "LogSoftmax", "Softplus",
    "Softsign", "HardSwish", "Mish", "ThresholdedRelu", "Clip"};

/* Ops whose outputs are integers (indices, masks). */
static const char *const int_ops[] = {
    "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Equal", "IsNaN",
    "IsInf", "Not", "And", "Or", "Xor", "ArgMax", "ArgMin", "NonZero"};

/* Ops that read a quantized input with its scale and zero point. */
static const char *const deq_ops[] = {"DequantizeLinear", "QLinearConv",
                                      "QLinearMatMul", "ConvInteger",
                                      "MatMulInteger"};

static bool in_list(const char *op, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (streq(list[i], op)) return true;
  return false;
}
#define IN_LIST(op, list) in_list((op), (list), sizeof (list) / sizeof *(list))

static const nnl_onnx_attr *attr(const nnl_onnx_node *n, const char *name) {
  for (uint32_t i = 0; i < n->n_attrs; i++)
    if (strcmp(n->attrs[i].name, name) == 0 && !n->attrs[i].ref_attr_name)
      return &n->attrs[i];
  return NULL;
}

static bool attr_int(const nnl_onnx_node *n, const char *name, int64_t *out) {
  const nnl_onnx_attr *a = attr(n, name);
  if (!a || a->type != NNL_ONNX_ATTR_INT) return false;
  *out = a->i;
  return true;
}

static bool attr_float(const nnl_onnx_node *n, const char *name, double *out) {
  const nnl_onnx_attr *a = attr(n, name);
  if (!a) return false;
  if (a->type == NNL_ONNX_ATTR_FLOAT) *out = a->f;
  else if (a->type == NNL_ONNX_ATTR_INT) *out = (double)a->i;
  else return false;
  return true;
}

/* ---- the conversion state ---- */

enum { V_UNDEF = 0, V_CONST, V_PARAM, V_ACT };

typedef struct val {
  const char *name;
  int32_t node;                 /* producing node, -1 */
  int32_t input;                /* graph input index (its type), -1 */
  int32_t init;                 /* dense initializer index, -1 */
  int32_t sparse;               /* sparse initializer index, -1 */
  uint32_t uses;                /* node operands + graph outputs */
  uint32_t weight_uses;         /* operands in a weight-parameter slot */
  nnl_ref ref;                  /* V_ACT: the layer or model input */
  int32_t fold;                 /* weight layer whose activation may still
                                   be fused here, or -1 */
  uint8_t kind;                 /* V_* once known */
  bool weight_above;            /* a weight layer upstream */
  bool is_int;                  /* integer or boolean values (ids, masks,
                                   indices): arithmetic on them is not a
                                   normalization */
  bool computed;                /* integers computed from float values
                                   (comparisons, argmax, casts): indices,
                                   not ids read from an input */
} val;

/* What an op type means here, computed once per distinct op type of the
 * default domain (a small cache keyed by the op_type pointer: the text
 * front end stores each name once, so every node of a type hits). */
enum {
  OPC_ARITH = 1 << 0,   /* Add Sub Mul Div Sum */
  OPC_MERGE = 1 << 1,   /* Add Sum Mul Concat */
  OPC_NOVALUE = 1 << 2, /* Shape, Size: depend on no activation's values */
  OPC_QDQ = 1 << 3,     /* QuantizeLinear, DequantizeLinear */
  OPC_INTOUT = 1 << 4,  /* comparisons, logic, ArgMax/ArgMin, NonZero */
  OPC_DEQ = 1 << 5,     /* reads a quantized input with its scale */
  OPC_ADDLIKE = 1 << 6  /* Add, Sum: may be a bias */
};
typedef struct opc {
  const char *key;      /* op_type, NULL: empty slot */
  const struct wop *w;  /* weight op, or NULL */
  nnl_act act;          /* activation op, or NONE */
  nnl_op lop;           /* the layer op of the other ops */
  uint8_t f;            /* OPC_* */
} opc;

typedef struct st {
  nnl_ctx *cx;
  nnl_doc *doc;
  const nnl_onnx_model *om;
  const nnl_onnx_graph *g;
  nnl_model *m;
  val *vals;
  uint32_t n_vals;
  uint32_t *table;  /* names without an id: open addressing, 1 + index
                       into vals, 0 empty */
  uint32_t mask;
  uint32_t *by_id;  /* names with an id (om->names): 1 + index into vals */
  /* every operand of every node of g resolved once: node i's inputs are
   * ops[ops_at[i] ..], its outputs follow; 1 + index into vals, 0 none */
  uint32_t *ops;
  uint32_t *ops_at;
  /* one block for the arrays above and those of order_nodes, sized up
     front (few page faults, huge pages when big), freed at the end */
  nnl_scratch scratch;
  opc cache[64];
} st;

static uint32_t hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

/* The slot that holds 1 + the value index of name (0: none yet): in the
 * id map when name is one of the model's names, else in the hash table.
 * name is not empty. */
static uint32_t *slot_of(st *s, const char *name) {
  if (s->by_id) {
    uint32_t id = nnl_onnx_name_id(name);
    if (id < s->om->n_names && s->om->names[id] == name) return &s->by_id[id];
  }
  if (!s->table)
    s->table = nnl_xcalloc((size_t)s->mask + 1, sizeof *s->table);
  for (uint32_t i = hash(name) & s->mask;; i = (i + 1) & s->mask) {
    uint32_t k = s->table[i];
    if (!k || s->vals[k - 1].name == name ||
        strcmp(s->vals[k - 1].name, name) == 0)
      return &s->table[i];
  }
}

static uint32_t find_ix(st *s, const char *name) {
  if (!name || !*name) return 0;
  return *slot_of(s, name);
}

static val *find(st *s, const char *name) {
  uint32_t k = find_ix(s, name);
  return k ? &s->vals[k - 1] : NULL;
}

/* The value named name, created when new (capacity is sized up front). */
static val *intern(st *s, const char *name) {
  uint32_t *sl = slot_of(s, name);
  if (*sl) return &s->vals[*sl - 1];
  val *v = &s->vals[s->n_vals++];
  memset(v, 0, sizeof *v);
  v->name = name;
  v->node = v->input = v->init = v->sparse = -1;
  v->fold = -1;
  *sl = s->n_vals;
  return v;
}

/* Operand k of the flat operand array, and a node's inputs and outputs. */
static inline val *opnd(const st *s, uint32_t k) {
  uint32_t x = s->ops[k];
  return x ? &s->vals[x - 1] : NULL;
}
static inline val *in_val(const st *s, const nnl_onnx_node *n, uint32_t j) {
  return opnd(s, s->ops_at[n - s->g->nodes] + j);
}
static inline val *out_val(const st *s, const nnl_onnx_node *n, uint32_t j) {
  return opnd(s, s->ops_at[n - s->g->nodes] + n->n_inputs + j);
}

static const nnl_onnx_tensor *init_of(const st *s, const val *v) {
  return v->init >= 0 ? &s->g->initializers[v->init] : NULL;
}
static const nnl_onnx_value *info_of(const st *s, const val *v) {
  return v->input >= 0 ? &s->g->inputs[v->input] : NULL;
}

/* What op type n->op_type means, whatever the node's domain (callers check
 * the domain where it matters): computed on the first node of a type, then
 * found in the cache by pointer. */
static const opc *op_class(st *s, const nnl_onnx_node *n) {
  const char *op = n->op_type;
  opc *c = &s->cache[((uintptr_t)op >> 4) & 63];
  if (c->key == op) return c;
  c->key = op;
  c->w = NULL;
  for (size_t i = 0; i < sizeof wops / sizeof *wops && !c->w; i++)
    if (streq(wops[i].name, op)) c->w = &wops[i];
  c->act = NNL_ACT_NONE;
  if (IN_LIST(op, acts)) {
    nnl_act a = nnl_act_lookup(op);
    c->act = a == NNL_ACT_UNKNOWN ? NNL_ACT_NONE : a;
  }
  c->lop = NNL_OP__COUNT;
  for (size_t i = 0; i < sizeof opmap / sizeof *opmap; i++)
    if (streq(opmap[i].name, op)) {
      c->lop = opmap[i].op;
      break;
    }
  if (c->lop == NNL_OP__COUNT)
    c->lop = known_op(op) ? NNL_OP_TENSOR_OP : NNL_OP_OPAQUE;
  bool add = streq(op, "Add"), sum = streq(op, "Sum"), mul = streq(op, "Mul");
  c->f = 0;
  if (add || sum || mul || streq(op, "Sub") || streq(op, "Div"))
    c->f |= OPC_ARITH;
  if (add || sum || mul || streq(op, "Concat")) c->f |= OPC_MERGE;
  if (add || sum) c->f |= OPC_ADDLIKE;
  if (streq(op, "Shape") || streq(op, "Size")) c->f |= OPC_NOVALUE;
  if (streq(op, "QuantizeLinear") || streq(op, "DequantizeLinear"))
    c->f |= OPC_QDQ;
  if (IN_LIST(op, int_ops)) c->f |= OPC_INTOUT;
  if (IN_LIST(op, deq_ops)) c->f |= OPC_DEQ;
  return c;
}

static const struct wop *wop_of(st *s, const nnl_onnx_node *n) {
  if (!default_domain(n->domain)) return NULL;
  return op_class(s, n)->w;
}

/* ---- constants: dims and summaries ---- */

/* Integer element i of a small constant tensor (shape vectors). */
static bool tensor_int(const nnl_onnx_tensor *t, uint64_t i, int64_t *out) {
  if (t->n_elems < 0 || i >= (uint64_t)t->n_elems || !t->data) return false;
  if (t->data_kind == NNL_ONNX_DATA_RAW) {
    if (t->data_type == NNL_ONNX_INT64 && (i + 1) * 8 <= t->data_len) {
      memcpy(out, t->data + 8 * i, 8);
      return true;
    }
    if (t->data_type == NNL_ONNX_INT32 && (i + 1) * 4 <= t->data_len) {
      int32_t v;
      memcpy(&v, t->data + 4 * i, 4);
      *out = v;
      return true;
    }
    return false;
  }
  if (t->data_kind == NNL_ONNX_DATA_VARINT) {
    const uint8_t *p = (const uint8_t *)t->data, *end = p + t->data_len;
    for (uint64_t k = 0; p < end; k++) {
      uint64_t v = 0;
      int sh = 0;
      while (p < end && sh < 64) {
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << sh;
        sh += 7;
        if (!(b & 0x80)) break;
      }
      if (k == i) {
        *out = (int64_t)v;
        return true;
      }
    }
    return false;
  }
  if (t->data_kind == NNL_ONNX_DATA_TEXT && t->n_elems == 1 &&
      t->all_equal == 1) {
    *out = (int64_t)t->value;
    return true;
  }
  return false;
}

typedef struct cdims {
  bool known;
  uint32_t n;
  int64_t d[8];
} cdims;

static const nnl_onnx_node *node_of(const st *s, const val *v) {
  return v && v->node >= 0 ? &s->g->nodes[v->node] : NULL;
}

/* The shape of a constant value, when it can be read. */
static cdims const_dims(st *s, const val *v, int depth) {
  cdims r = {0};
  if (!v || depth > 16) return r;
  const nnl_onnx_tensor *t = init_of(s, v);
  const nnl_onnx_node *n = node_of(s, v);
  if (!t && n && streq(n->op_type, "Constant")) {
    const nnl_onnx_attr *a = attr(n, "value");
    if (a && a->t) t = a->t;
  }
  if (t) {
    if (t->n_dims > 8) return r;
    r.known = true;
    r.n = t->n_dims;
    for (uint32_t i = 0; i < t->n_dims; i++) r.d[i] = t->dims[i];
    return r;
  }
  const nnl_onnx_value *info = info_of(s, v);
  if (v->kind == V_PARAM && info && info->has_shape && info->n_dims <= 8) {
    for (uint32_t i = 0; i < info->n_dims; i++) {
      if (info->dims[i].value < 0) return r;
      r.d[i] = info->dims[i].value;
    }
    r.n = info->n_dims;
    r.known = true;
    return r;
  }
  if (!n || n->n_inputs == 0) return r;
  const char *op = n->op_type;
  val *in = in_val(s, n, 0);
  if (streq(op, "ConstantOfShape")) {
    /* the shape is the value of the input: a constant int vector */
    const nnl_onnx_tensor *st_ = in ? init_of(s, in) : NULL;
    const nnl_onnx_node *sn = node_of(s, in);
    if (!st_ && sn && streq(sn->op_type, "Constant")) {
      const nnl_onnx_attr *a = attr(sn, "value");
      if (a) st_ = a->t;
    }
    if (!st_ || st_->n_elems < 0 || st_->n_elems > 8) return r;
    for (int64_t i = 0; i < st_->n_elems; i++)
      if (!tensor_int(st_, (uint64_t)i, &r.d[i])) return r;
    r.n = (uint32_t)st_->n_elems;
    r.known = true;
    return r;
  }
  if (streq(op, "Identity") || streq(op, "Cast") ||
      streq(op, "DequantizeLinear") || streq(op, "QuantizeLinear"))
    return const_dims(s, in, depth + 1);
  if (streq(op, "Transpose")) {
    cdims x = const_dims(s, in, depth + 1);
    if (!x.known) return r;
    const nnl_onnx_attr *p = attr(n, "perm");
    r = x;
    for (uint32_t i = 0; i < x.n; i++) {
      int64_t src = (int64_t)(x.n - 1 - i);
      if (p && p->type == NNL_ONNX_ATTR_INTS) {
        if (p->n_ints != x.n || p->ints[i] < 0 || p->ints[i] >= (int64_t)x.n)
          return (cdims){0};
        src = p->ints[i];
      }
      r.d[i] = x.d[src];
    }
    return r;
  }
  return r;
}

typedef struct wsum {
  bool carried;   /* the file carries the values */
  int8_t all_equal, all_zero;
  double value;
  int64_t n;      /* elements, -1 unknown */
  nnl_span at;
} wsum;

static wsum tensor_sum(const nnl_onnx_tensor *t) {
  wsum w = {0};
  w.carried = t->data_kind != NNL_ONNX_DATA_NONE || t->n_elems == 0;
  w.all_equal = t->all_equal;
  w.all_zero = t->all_zero;
  w.value = t->value;
  w.n = t->n_elems;
  w.at = t->span;
  return w;
}

/* A float32 result as the shortest decimal that is the same float32
 * (3 * 0.1f is 0.3, not 0.30000001192092896), for messages. */
static double float_value(float f) {
  char b[32];
  if (!isfinite(f)) return f;
  for (int prec = 1; prec <= 9; prec++) {
    snprintf(b, sizeof b, "%.*g", prec, (double)f);
    double d = strtod(b, NULL);
    if ((float)d == f) return d;
  }
  return f;
}

/* What the file says about the values of a constant weight operand. */
static wsum const_sum(st *s, const val *v, int depth) {
  wsum w = {0};
  w.all_equal = w.all_zero = -1;
  w.n = -1;
  w.at = NNL_NOSPAN;
  if (!v || depth > 16) return w;
  if (v->init >= 0) return tensor_sum(&s->g->initializers[v->init]);
  if (v->sparse >= 0) {
    const nnl_onnx_sparse *sp = &s->g->sparse_initializers[v->sparse];
    w.carried = true;
    w.at = sp->span;
    int64_t total = 1;
    for (uint32_t i = 0; i < sp->n_dims; i++) {
      if (sp->dims[i] < 0 || (sp->dims[i] && total > INT64_MAX / sp->dims[i])) {
        total = -1;
        break;
      }
      total *= sp->dims[i];
    }
    w.n = total;
    if (sp->values.n_elems == 0 ||
        (sp->values.all_equal == 1 && sp->values.value == 0)) {
      w.all_equal = w.all_zero = 1;
      w.value = 0;
    } else if (sp->values.n_elems > 0 && total > sp->values.n_elems) {
      w.all_equal = w.all_zero = 0; /* non-zero values and implicit zeros */
    }
    return w;
  }
  const nnl_onnx_node *n = node_of(s, v);
  if (!n) return w; /* a param input: not carried */
  w.carried = true;
  w.at = n->span;
  if (streq(n->op_type, "Constant")) {
    const nnl_onnx_attr *a = attr(n, "value");
    if (a && a->t) return tensor_sum(a->t);
    return w;
  }
  if (streq(n->op_type, "ConstantOfShape")) {
    const nnl_onnx_attr *a = attr(n, "value");
    cdims d = const_dims(s, v, depth + 1);
    if (d.known) {
      w.n = 1;
      for (uint32_t i = 0; i < d.n && w.n >= 0; i++)
        w.n = d.d[i] < 0 || (d.d[i] && w.n > INT64_MAX / d.d[i]) ? -1
                                                                 : w.n * d.d[i];
    }
    if (a && a->t && a->t->n_seen >= 1 && a->t->all_equal == 1) {
      w.all_equal = 1;
      w.value = a->t->value;
      w.all_zero = w.value == 0;
    } else if (!a) {
      w.all_equal = w.all_zero = 1; /* the default value is 0 */
    }
    return w;
  }
  if (streq(n->op_type, "DequantizeLinear") && n->n_inputs >= 2) {
    /* y = (x - zero_point) * scale: with one scale and one zero point for
     * the whole tensor, y's values are equal exactly where x's are; a
     * per-axis scale or zero point that varies leaves them unknown */
    wsum x = const_sum(s, in_val(s, n, 0), depth + 1);
    wsum sc = const_sum(s, in_val(s, n, 1), depth + 1);
    wsum zp = {0};
    zp.carried = true, zp.all_equal = zp.all_zero = 1, zp.value = 0;
    if (n->n_inputs >= 3 && *n->inputs[2])
      zp = const_sum(s, in_val(s, n, 2), depth + 1);
    if (!x.carried || !sc.carried || !zp.carried || sc.all_equal != 1 ||
        zp.all_equal != 1)
      return w;
    w = x;
    if (x.all_equal == 1) {
      w.value = float_value((float)(x.value - zp.value) * (float)sc.value);
      w.all_zero = w.value == 0;
    } else if (x.all_equal == 0 && sc.value != 0) {
      w.all_zero = 0;
    } else {
      w.all_equal = w.all_zero = -1;
    }
    return w;
  }
  static const char *const same[] = {"Identity", "Reshape", "Transpose",
                                     "Squeeze", "Unsqueeze", "Flatten",
                                     "Cast"};
  for (size_t i = 0; i < sizeof same / sizeof *same; i++)
    if (streq(n->op_type, same[i]) && n->n_inputs > 0) {
      wsum x = const_sum(s, in_val(s, n, 0), depth + 1);
      if (x.carried) return x;
      return w;
    }
  return w;
}

/* One scalar constant (a learning rate, a dropout ratio, a Clip bound). */
static bool const_scalar(st *s, const val *v, double *out) {
  if (!v || (v->kind != V_CONST)) return false;
  wsum w = const_sum(s, v, 0);
  if (!w.carried || w.n != 1 || w.all_equal != 1) return false;
  *out = w.value;
  return true;
}

/* ---- layers ---- */

static nnl_str str_known(const char *s, nnl_span at) {
  return (nnl_str){s, at, NNL_KNOWN};
}

static char *where_of(st *s, const nnl_onnx_node *n, uint32_t idx) {
  if (!s->om->binary) return NULL;
  const char *g = *s->g->name ? s->g->name : "graph";
  if (*n->name)
    return nnl_arena_printf(&s->doc->arena, "%s/%s/%s", g, n->name, n->op_type);
  return nnl_arena_printf(&s->doc->arena, "%s/node[%u]/%s", g, idx,
                          n->op_type);
}

/* A new layer for node n with edges from its activation inputs (each
 * source once).  Returns its index. */
static int32_t add_layer(st *s, const nnl_onnx_node *n, uint32_t idx,
                         nnl_op op) {
  nnl_ref *refs = NULL;
  uint32_t k = 0;
  if (n->n_inputs) {
    refs = nnl_arena_alloc(&s->doc->arena, sizeof *refs * n->n_inputs);
    for (uint32_t i = 0; i < n->n_inputs; i++) {
      val *v = in_val(s, n, i);
      if (!v || v->kind != V_ACT) continue;
      bool dup = false;
      for (uint32_t j = 0; j < k && !dup; j++) dup = refs[j] == v->ref;
      if (!dup) refs[k++] = v->ref;
    }
  }
  nnl_layer *l = nnl_ir_add_layer(s->m);
  l->at = n->span;
  if (*n->name) l->name = str_known(n->name, n->span);
  l->type = str_known(n->op_type, n->span);
  l->op = op;
  l->where = where_of(s, n, idx);
  l->inputs = refs;
  l->n_inputs = k;
  return (int32_t)(s->m->layers.len - 1);
}

static bool int_dtype(int64_t t) {
  return t == NNL_ONNX_UINT8 || t == NNL_ONNX_INT8 || t == NNL_ONNX_UINT16 ||
         t == NNL_ONNX_INT16 || t == NNL_ONNX_INT32 || t == NNL_ONNX_INT64 ||
         t == NNL_ONNX_UINT32 || t == NNL_ONNX_UINT64 || t == NNL_ONNX_BOOL ||
         t == NNL_ONNX_UINT4 || t == NNL_ONNX_INT4;
}

/* Do the outputs of n hold integers (indices, masks, ids)?  Casts and
 * comparisons say; other ops keep what their activation inputs hold. */
static bool outputs_int(st *s, const nnl_onnx_node *n, bool weight) {
  if (weight) return false;
  const opc *c = op_class(s, n);
  if (c->lop == NNL_OP_CAST && streq(n->op_type, "Cast")) {
    int64_t to;
    return attr_int(n, "to", &to) && int_dtype(to);
  }
  if (c->f & OPC_INTOUT) return true;
  bool any = false;
  for (uint32_t i = 0; i < n->n_inputs; i++) {
    val *v = in_val(s, n, i);
    if (!v || v->kind != V_ACT) continue;
    if (!v->is_int) return false;
    any = true;
  }
  return any;
}

/* Point every output of n at ref. */
static void set_outputs(st *s, const nnl_onnx_node *n, nnl_ref ref,
                        bool weight_above, int32_t fold) {
  bool is_int = outputs_int(s, n, fold >= 0 && !NNL_REF_IS_INPUT(ref) &&
                                      nnl_op_info_of(s->m->layers.items[ref].op)
                                              ->cls == NNL_K_WEIGHT);
  bool computed = false;
  for (uint32_t i = 0; is_int && i < n->n_inputs && !computed; i++) {
    val *v = in_val(s, n, i);
    if (v && v->kind == V_ACT) computed = v->computed || !v->is_int;
  }
  for (uint32_t i = 0; i < n->n_outputs; i++) {
    val *o = out_val(s, n, i);
    if (!o || o->node < 0 || &s->g->nodes[o->node] != n) continue;
    o->kind = V_ACT;
    o->ref = ref;
    o->weight_above = weight_above;
    o->fold = fold;
    o->is_int = is_int;
    o->computed = computed;
  }
}

static void set_weights(st *s, nnl_layer *l, const val *w) {
  wsum ws = const_sum(s, w, 0);
  if (!ws.carried) return;
  l->weights_at = ws.at;
  if (ws.all_zero >= 0)
    l->weights_all_zero = (nnl_flag){ws.all_zero == 1, ws.at, NNL_KNOWN};
  else
    l->weights_all_zero.state = NNL_UNKNOWN;
  /* one element is trivially "all equal": say nothing then */
  if (ws.all_equal >= 0 && ws.n >= 2) {
    l->weights_all_equal = (nnl_flag){ws.all_equal == 1, ws.at, NNL_KNOWN};
    if (ws.all_equal == 1)
      l->weights_value = (nnl_num){ws.value, ws.at, NNL_KNOWN};
  } else {
    l->weights_all_equal.state = NNL_UNKNOWN;
  }
}

/* Units of a weight layer from its weight's dims. */
static void set_units(st *s, nnl_layer *l, const nnl_onnx_node *n,
                      const struct wop *w, uint32_t wslot, const val *wv) {
  int64_t u = -1, x;
  if (w->op == NNL_OP_LSTM || w->op == NNL_OP_GRU || w->op == NNL_OP_RNN) {
    if (attr_int(n, "hidden_size", &x)) u = x;
  }
  cdims d = const_dims(s, wv, 0);
  if (u < 0 && d.known && d.n >= 1) {
    const char *op = n->op_type;
    if (streq(op, "Gemm") && d.n == 2) {
      int64_t tb = 0, ta = 0;
      attr_int(n, "transB", &tb);
      attr_int(n, "transA", &ta);
      u = wslot == 1 ? (tb ? d.d[0] : d.d[1]) : (ta ? d.d[1] : d.d[0]);
    } else if (w->op == NNL_OP_DENSE && d.n >= 2) {
      u = wslot == 0 ? d.d[d.n - 2] : d.d[d.n - 1];
    } else if (w->op == NNL_OP_CONV) {
      u = d.d[0];
    } else if (w->op == NNL_OP_CONV_TRANSPOSE && d.n >= 2) {
      int64_t group = 1;
      attr_int(n, "group", &group);
      u = group > 0 && d.d[1] <= INT64_MAX / group ? d.d[1] * group : -1;
    } else if (w->op == NNL_OP_EMBEDDING && d.n == 2) {
      u = d.d[1];
    } else if (d.n >= 2 && (w->op == NNL_OP_LSTM || w->op == NNL_OP_GRU ||
                            w->op == NNL_OP_RNN)) {
      int64_t gates = w->op == NNL_OP_LSTM ? 4 : w->op == NNL_OP_GRU ? 3 : 1;
      u = d.d[1] / gates;
    }
  }
  if (u > 0) l->units = (nnl_num){(double)u, n->span, NNL_KNOWN};
}

/* Clip: relu when [0, inf), relu6 when [0, 6], else clip. */
static nnl_act clip_act(st *s, const nnl_onnx_node *n) {
  double lo = -INFINITY, hi = INFINITY, x;
  if (attr_float(n, "min", &x)) lo = x;
  if (attr_float(n, "max", &x)) hi = x;
  if (n->n_inputs > 1 && *n->inputs[1]) {
    if (!const_scalar(s, in_val(s, n, 1), &lo)) return NNL_ACT_CLIP;
  }
  if (n->n_inputs > 2 && *n->inputs[2]) {
    if (!const_scalar(s, in_val(s, n, 2), &hi)) return NNL_ACT_CLIP;
  }
  if (lo == 0 && hi == 6) return NNL_ACT_RELU6;
  if (lo == 0 && isinf(hi) && hi > 0) return NNL_ACT_RELU;
  return NNL_ACT_CLIP;
}

/* ---- one node ---- */

static void convert_node(st *s, uint32_t idx) {
  const nnl_onnx_node *n = &s->g->nodes[idx];
  /* activation inputs */
  uint32_t n_act = 0;
  int32_t first_act = -1;
  bool wabove = false;
  for (uint32_t i = 0; i < n->n_inputs; i++) {
    val *v = in_val(s, n, i);
    if (!v || v->kind != V_ACT) continue;
    if (first_act < 0) first_act = (int32_t)i;
    n_act++;
    wabove |= v->weight_above;
  }
  bool dflt = default_domain(n->domain);
  /* Constant folding: nothing here depends on an activation's values. */
  const opc *c = op_class(s, n);
  if (n_act == 0 || (dflt && (c->f & OPC_NOVALUE))) {
    for (uint32_t i = 0; i < n->n_outputs; i++) {
      val *o = out_val(s, n, i);
      if (o && o->node == (int32_t)idx) o->kind = V_CONST;
    }
    return;
  }
  val *a0 = in_val(s, n, first_act);
  const char *op = n->op_type;

  /* weight layers */
  const struct wop *w = dflt ? c->w : NULL;
  if (w) {
    uint32_t ws = (uint32_t)w->wslot, ds = (uint32_t)w->data;
    val *wv = ws < n->n_inputs ? in_val(s, n, ws) : NULL;
    val *dv = ds < n->n_inputs ? in_val(s, n, ds) : NULL;
    bool ok = wv && (wv->kind == V_CONST || wv->kind == V_PARAM) && dv &&
              dv->kind == V_ACT;
    if (!ok && w->alt >= 0 && n->n_inputs > 1) {
      /* W @ x: the constant on the left */
      val *l0 = in_val(s, n, 0), *l1 = in_val(s, n, 1);
      if (l0 && (l0->kind == V_CONST || l0->kind == V_PARAM) && l1 &&
          l1->kind == V_ACT) {
        ws = 0;
        wv = l0;
        ok = true;
      }
    }
    if (ok && w->op == NNL_OP_EMBEDDING) {
      /* an embedding is a lookup in a float table */
      int32_t t = wv->init >= 0 ? init_of(s, wv)->data_type
                  : wv->input >= 0 ? info_of(s, wv)->elem_type
                                   : NNL_ONNX_UNDEFINED;
      if (t != NNL_ONNX_UNDEFINED && !is_float_type(t)) ok = false;
      /* indices computed from floats (a tree walk, a codebook argmin)
         look a table up; an embedding reads ids */
      if (dv->computed) ok = false;
    }
    if (ok) {
      int32_t li = add_layer(s, n, idx, w->op);
      nnl_layer *l = &s->m->layers.items[li];
      set_weights(s, l, wv);
      set_units(s, l, n, w, ws, wv);
      /* LSTM/GRU/RNN compute their own activations: no fusing */
      bool fusable = w->op == NNL_OP_DENSE || w->op == NNL_OP_CONV ||
                     w->op == NNL_OP_CONV_TRANSPOSE;
      set_outputs(s, n, li, true, fusable ? li : -1);
      return;
    }
  }

  /* activations: fused into the weight layer they follow, or a layer */
  nnl_act act = dflt ? c->act : NNL_ACT_NONE;
  if (act != NNL_ACT_NONE) {
    if (streq(op, "Clip")) act = clip_act(s, n);
    if (a0->fold >= 0 && a0->uses == 1 && first_act == 0) {
      nnl_layer *wl = &s->m->layers.items[a0->fold];
      if (wl->act == NNL_ACT_NONE) {
        wl->act = act;
        wl->act_at = n->span;
        set_outputs(s, n, a0->ref, a0->weight_above, -1);
        return;
      }
    }
    int32_t li = add_layer(s, n, idx, NNL_OP_ACTIVATION);
    s->m->layers.items[li].act = act;
    s->m->layers.items[li].act_at = n->span;
    set_outputs(s, n, li, wabove, -1);
    return;
  }

  if (!dflt) {
    nnl_op mop = strcmp(n->domain, "ai.onnx.ml") == 0 ? ml_op(op)
                                                      : NNL_OP_OPAQUE;
    int32_t li = add_layer(s, n, idx, mop);
    set_outputs(s, n, li, wabove, -1);
    return;
  }

  bool arith = c->f & OPC_ARITH;
  bool merge = c->f & OPC_MERGE;
  if (merge && n_act >= 2) {
    nnl_op mop = streq(op, "Mul")      ? NNL_OP_MULTIPLY
                 : streq(op, "Concat") ? NNL_OP_CONCAT
                                             : NNL_OP_ADD;
    int32_t li = add_layer(s, n, idx, mop);
    set_outputs(s, n, li, wabove, -1);
    return;
  }
  if (arith && n_act == 1) {
    if (!wabove && !a0->is_int) {
      /* arithmetic by a constant before any weight layer: normalization */
      int32_t li = add_layer(s, n, idx, NNL_OP_RESCALING);
      set_outputs(s, n, li, false, -1);
      return;
    }
    if ((c->f & OPC_ADDLIKE) && a0->fold >= 0 &&
        a0->uses == 1) {
      /* the weight layer's bias */
      set_outputs(s, n, a0->ref, true, a0->fold);
      return;
    }
  }

  nnl_op lop = c->lop;
  if (lop == NNL_OP_TENSOR_OP && streq(op, "TopK")) {
    /* only the indices have no gradient */
    val *ix = n->n_outputs > 1 ? out_val(s, n, 1) : NULL;
    lop = ix && ix->uses ? NNL_OP_TOPK : NNL_OP_TENSOR_OP;
  }
  int32_t li = add_layer(s, n, idx, lop);
  nnl_layer *l = &s->m->layers.items[li];
  int32_t fold = -1;
  switch (lop) {
  case NNL_OP_RESHAPE: case NNL_OP_FLATTEN: case NNL_OP_TRANSPOSE:
  case NNL_OP_SQUEEZE: case NNL_OP_UNSQUEEZE: case NNL_OP_IDENTITY:
    /* shape-only: the activation after it still belongs to the layer */
    if (first_act == 0 && a0->fold >= 0 && a0->uses == 1) fold = a0->fold;
    break;
  case NNL_OP_DROPOUT: {
    double r = 0.5, x;
    if (attr_float(n, "ratio", &x)) r = x;
    if (n->n_inputs > 1 && *n->inputs[1]) {
      if (const_scalar(s, in_val(s, n, 1), &x)) r = x;
      else r = NAN;
    }
    if (!isnan(r)) l->rate = (nnl_num){r, n->span, NNL_KNOWN};
    else l->rate.state = NNL_UNKNOWN;
    break;
  }
  case NNL_OP_CAST: {
    int64_t to;
    const char *name = NULL;
    if (streq(op, "Cast") && attr_int(n, "to", &to))
      name = nnl_onnx_dtype_name((int32_t)to);
    if (name) l->cast_to = str_known(name, n->span);
    else l->cast_to.state = NNL_UNKNOWN;
    break;
  }
  default: break;
  }
  set_outputs(s, n, li, wabove, fold);
}

/* ---- training info ---- */

static const nnl_onnx_tensor *graph_init(const nnl_onnx_graph *g,
                                         const char *name) {
  for (uint32_t i = 0; g && i < g->n_initializers; i++)
    if (strcmp(g->initializers[i].name, name) == 0) return &g->initializers[i];
  return NULL;
}

/* A scalar named in graph g (its initializers or Constant nodes), else in
 * the main graph. */
static bool training_scalar(st *s, const nnl_onnx_graph *g, const char *name,
                            double *out) {
  const nnl_onnx_tensor *t = graph_init(g, name);
  for (uint32_t i = 0; !t && g && i < g->n_nodes; i++) {
    const nnl_onnx_node *n = &g->nodes[i];
    if (streq(n->op_type, "Constant") && n->n_outputs == 1 &&
        strcmp(n->outputs[0], name) == 0) {
      const nnl_onnx_attr *a = attr(n, "value");
      if (a && a->t) t = a->t;
      else if (attr_float(n, "value_float", out)) return true;
    }
  }
  if (t) {
    if (t->n_elems != 1 || t->n_seen < 1 || t->all_equal != 1) return false;
    *out = t->value;
    return true;
  }
  if (g == s->g) return const_scalar(s, find(s, name), out);
  if (g) return training_scalar(s, s->g, name, out);
  return false;
}

/* Optimizer and loss nodes of a training graph (or of the main graph, for
 * a model that is itself a training step). */
static void training_from(st *s, const nnl_onnx_graph *g, nnl_span at) {
  nnl_training *tr = &s->m->training;
  for (uint32_t i = 0; g && i < g->n_nodes; i++) {
    const nnl_onnx_node *n = &g->nodes[i];
    const char *op = n->op_type;
    bool preview = strcmp(n->domain, "ai.onnx.preview.training") == 0;
    if (preview && (streq(op, "Adam") || streq(op, "Momentum") ||
                    streq(op, "Adagrad"))) {
      nnl_optimizer *o = &tr->optimizer;
      if (o->state == NNL_KNOWN) continue; /* the first one speaks */
      tr->state = NNL_KNOWN;
      if (!nnl_span_ok(tr->at)) tr->at = at;
      o->state = NNL_KNOWN;
      o->at = n->span;
      o->type = str_known(op, n->span);
      o->framework = "onnx";
      double x;
      if (n->n_inputs > 0 && *n->inputs[0] &&
          training_scalar(s, g, n->inputs[0], &x))
        o->lr = (nnl_num){x, n->span, NNL_KNOWN};
      else
        o->lr.state = NNL_UNKNOWN, o->lr.at = n->span;
      if (attr_float(n, "norm_coefficient", &x))
        o->weight_decay = (nnl_num){x, attr(n, "norm_coefficient")->span,
                                    NNL_KNOWN};
      if (streq(op, "Momentum") && attr_float(n, "alpha", &x))
        o->momentum = (nnl_num){x, attr(n, "alpha")->span, NNL_KNOWN};
    } else if (default_domain(n->domain) &&
               (streq(op, "SoftmaxCrossEntropyLoss") ||
                streq(op, "NegativeLogLikelihoodLoss")) &&
               g != s->g) {
      if (tr->loss.state == NNL_KNOWN) continue;
      tr->state = NNL_KNOWN;
      if (!nnl_span_ok(tr->at)) tr->at = at;
      tr->loss = str_known(op, n->span);
      if (streq(op, "SoftmaxCrossEntropyLoss"))
        tr->from_logits = (nnl_flag){true, n->span, NNL_KNOWN};
    }
  }
}

/* ---- undefined references ----
 *
 * ONNX IR: a name is defined by a graph input, an initializer (dense or
 * sparse) or a node output, and used by a node input or a graph output.
 * Every use must have a definition: in the same graph, or, inside a
 * subgraph (an If/Loop/Scan body), in any enclosing graph.  A function's
 * nodes see only the function's inputs and their own outputs.  The empty
 * name is an omitted optional input, not a use.  Definitions count
 * wherever they sit in the node list: the order step tolerates nodes out
 * of order, so only a name with no definition at all is reported.
 * Training graphs (TrainingInfoProto) name the main graph's initializers
 * and outputs under their own rules and are not checked. */

/* The names one graph or function defines, and the scope it is nested in.
 * The main graph's names are the value table of st (main true, no set). */
typedef struct scope {
  const struct scope *outer;
  const char **set;  /* open addressing by hash(), NULL empty */
  uint32_t mask;
  bool main;
} scope;

/* Where a graph sits, for the logical location of binary diagnostics:
 * its name, and the node (and attribute) of the enclosing graph that
 * holds it. */
typedef struct frame {
  const struct frame *up;   /* the enclosing graph, or NULL */
  const char *graph;        /* this graph's (or function's) name */
  const nnl_onnx_node *node;/* up only: the node holding the subgraph */
  uint32_t idx;             /* its index */
  const char *attr;         /* the attribute holding the subgraph */
  const char *what;         /* "graph" or "function" */
} frame;

static void scope_add(scope *sc, const char *name) {
  if (!name || !*name) return;
  for (uint32_t i = hash(name) & sc->mask;; i = (i + 1) & sc->mask) {
    const char *k = sc->set[i];
    if (!k) {
      sc->set[i] = name;
      return;
    }
    if (k == name || strcmp(k, name) == 0) return;
  }
}

static bool scope_has(const scope *sc, const char *name) {
  for (uint32_t i = hash(name) & sc->mask;; i = (i + 1) & sc->mask) {
    const char *k = sc->set[i];
    if (!k) return false;
    if (k == name || strcmp(k, name) == 0) return true;
  }
}

/* Is name (not empty) defined in sc or a scope it is nested in? */
static bool visible(st *s, const scope *sc, const char *name) {
  for (; sc; sc = sc->outer)
    if (sc->main ? find(s, name) != NULL : scope_has(sc, name)) return true;
  return false;
}

/* A set sized for n names (at most half full). */
static void scope_init(scope *sc, const scope *outer, uint64_t n) {
  uint64_t size = 16;
  while (size < n * 2) size <<= 1;
  sc->outer = outer;
  sc->set = nnl_xcalloc(size, sizeof *sc->set);
  sc->mask = (uint32_t)(size - 1);
  sc->main = false;
}

/* Append "graph/node/op" of node n (index idx) of the graph of f, after
 * the locations of the graphs enclosing it, to buf (truncated at cap). */
static void put_path(char *buf, size_t cap, size_t *len, const frame *f,
                     const nnl_onnx_node *n, uint32_t idx, const char *attr) {
  if (f->up) put_path(buf, cap, len, f->up, f->up->node, f->up->idx,
                      f->up->attr);
  if (*len >= cap) return;
  const char *g = f->graph && *f->graph ? f->graph : "graph";
  int k = *n->name
              ? snprintf(buf + *len, cap - *len, "%s/%s/%s", g, n->name,
                         n->op_type)
              : snprintf(buf + *len, cap - *len, "%s/node[%u]/%s", g, idx,
                         n->op_type);
  if (k > 0) *len += (size_t)k;
  if (attr && *len < cap) {
    k = snprintf(buf + *len, cap - *len, "/%s/", attr);
    if (k > 0) *len += (size_t)k;
  }
  if (*len >= cap) *len = cap - 1;
}

/* " at LOCATION (byte N)" for a binary model, "" for text (whose span
 * gives line and column). */
static const char *binary_at(st *s, const frame *f, const nnl_onnx_node *n,
                             uint32_t idx, nnl_span at) {
  if (!s->om->binary) return "";
  char path[512];
  size_t len = 0;
  path[0] = 0;
  if (n) put_path(path, sizeof path, &len, f, n, idx, NULL);
  else if (f->up)
    put_path(path, sizeof path, &len, f->up, f->up->node, f->up->idx,
             f->up->attr);
  if (!n) {
    /* a graph output: the graph's own location */
    const char *g = f->graph && *f->graph ? f->graph : "graph";
    if (len < sizeof path)
      snprintf(path + len, sizeof path - len, "%s", g);
  }
  return nnl_arena_printf(&s->doc->arena, " at %s (byte %u)", path, at.off);
}

/* "'name' (Op)" or "INDEX (Op)": a node in a message. */
static const char *node_who(st *s, const nnl_onnx_node *n, uint32_t idx) {
  return *n->name ? nnl_arena_printf(&s->doc->arena, "'%s' (%s)", n->name,
                                     n->op_type)
                  : nnl_arena_printf(&s->doc->arena, "%u (%s)", idx,
                                     n->op_type);
}

/* " in graph 'NAME'" for a node of a subgraph or a function in a text
 * model (a binary location names the graph already), else "". */
static const char *inside(st *s, const frame *f) {
  if (s->om->binary || (!f->up && streq(f->what, "graph"))) return "";
  return nnl_arena_printf(&s->doc->arena, " in %s '%s'", f->what,
                          f->graph ? f->graph : "");
}

static void undefined_input(st *s, const frame *f, const nnl_onnx_node *n,
                            uint32_t idx, const char *name) {
  nnl_report_bad_input(s->cx, s->doc, n->span,
                       "input '%s' of node %s%s is not defined%s", name,
                       node_who(s, n, idx), inside(s, f),
                       binary_at(s, f, n, idx, n->span));
}

static void undefined_output(st *s, const frame *f, const char *name,
                             nnl_span at) {
  const char *g = f->graph && *f->graph ? f->graph : "";
  nnl_report_bad_input(s->cx, s->doc, at, "output '%s' of %s%s%s%s is not "
                       "defined%s", name, f->what, *g ? " '" : "", g,
                       *g ? "'" : "", binary_at(s, f, NULL, 0, at));
}

static bool check_graph(st *s, const scope *outer, const frame *up,
                        const nnl_onnx_graph *g, int depth);

/* Check the subgraphs held by the attributes of node n (index idx) of the
 * graph of f, whose names are sc.  false once one NN000 is reported. */
static bool check_subgraphs(st *s, const scope *sc, frame *f,
                            const nnl_onnx_node *n, uint32_t idx, int depth) {
  for (uint32_t i = 0; i < n->n_attrs; i++) {
    const nnl_onnx_attr *a = &n->attrs[i];
    if (!a->g && !a->n_graphs) continue;
    f->node = n;
    f->idx = idx;
    f->attr = a->name;
    if (a->g && !check_graph(s, sc, f, a->g, depth + 1)) return false;
    for (uint32_t k = 0; k < a->n_graphs; k++)
      if (a->graphs[k] && !check_graph(s, sc, f, a->graphs[k], depth + 1))
        return false;
  }
  return true;
}

/* Check a subgraph (depth: its nesting, 1 for a body of the main graph)
 * whose enclosing graphs' names are outer.  false once one NN000 is
 * reported. */
static bool check_graph(st *s, const scope *outer, const frame *up,
                        const nnl_onnx_graph *g, int depth) {
  if (depth > NNL_MAX_DEPTH) {
    nnl_report_bad_input(s->cx, s->doc, g->span,
                         "subgraphs nested more than %d deep", NNL_MAX_DEPTH);
    return false;
  }
  uint64_t n = (uint64_t)g->n_inputs + g->n_initializers +
               g->n_sparse_initializers;
  for (uint32_t i = 0; i < g->n_nodes; i++) n += g->nodes[i].n_outputs;
  scope sc;
  scope_init(&sc, outer, n);
  for (uint32_t i = 0; i < g->n_inputs; i++) scope_add(&sc, g->inputs[i].name);
  for (uint32_t i = 0; i < g->n_initializers; i++)
    scope_add(&sc, g->initializers[i].name);
  for (uint32_t i = 0; i < g->n_sparse_initializers; i++)
    scope_add(&sc, g->sparse_initializers[i].values.name);
  for (uint32_t i = 0; i < g->n_nodes; i++)
    for (uint32_t j = 0; j < g->nodes[i].n_outputs; j++)
      scope_add(&sc, g->nodes[i].outputs[j]);
  frame f = {up, g->name, NULL, 0, NULL, "graph"};
  bool ok = true;
  for (uint32_t i = 0; ok && i < g->n_nodes; i++) {
    const nnl_onnx_node *nd = &g->nodes[i];
    for (uint32_t j = 0; ok && j < nd->n_inputs; j++) {
      const char *name = nd->inputs[j];
      if (name && *name && !visible(s, &sc, name)) {
        undefined_input(s, &f, nd, i, name);
        ok = false;
      }
    }
    if (ok) ok = check_subgraphs(s, &sc, &f, nd, i, depth);
  }
  for (uint32_t i = 0; ok && i < g->n_outputs; i++) {
    const char *name = g->outputs[i].name;
    if (name && *name && !visible(s, &sc, name)) {
      undefined_output(s, &f, name, g->outputs[i].span);
      ok = false;
    }
  }
  free(sc.set);
  return ok;
}

/* Check a model-local function: its nodes see its inputs and their own
 * outputs (and nothing of the main graph).  false once one NN000 is
 * reported. */
static bool check_function(st *s, const nnl_onnx_function *fn) {
  uint64_t n = fn->n_inputs;
  for (uint32_t i = 0; i < fn->n_nodes; i++) n += fn->nodes[i].n_outputs;
  scope sc;
  scope_init(&sc, NULL, n);
  for (uint32_t i = 0; i < fn->n_inputs; i++) scope_add(&sc, fn->inputs[i]);
  for (uint32_t i = 0; i < fn->n_nodes; i++)
    for (uint32_t j = 0; j < fn->nodes[i].n_outputs; j++)
      scope_add(&sc, fn->nodes[i].outputs[j]);
  frame f = {NULL, fn->name, NULL, 0, NULL, "function"};
  bool ok = true;
  for (uint32_t i = 0; ok && i < fn->n_nodes; i++) {
    const nnl_onnx_node *nd = &fn->nodes[i];
    for (uint32_t j = 0; ok && j < nd->n_inputs; j++) {
      const char *name = nd->inputs[j];
      if (name && *name && !scope_has(&sc, name)) {
        undefined_input(s, &f, nd, i, name);
        ok = false;
      }
    }
    if (ok) ok = check_subgraphs(s, &sc, &f, nd, i, 0);
  }
  for (uint32_t i = 0; ok && i < fn->n_outputs; i++) {
    const char *name = fn->outputs[i];
    if (name && *name && !scope_has(&sc, name)) {
      undefined_output(s, &f, name, fn->span);
      ok = false;
    }
  }
  free(sc.set);
  return ok;
}

/* Every use in the model has a definition: the main graph's node inputs
 * (resolved in s->ops: 0 is no definition) and outputs, its subgraphs,
 * and the model's functions.  Reports the first undefined name as NN000
 * (at the node, or at the graph output) and returns false. */
static bool check_refs(st *s) {
  const nnl_onnx_graph *g = s->g;
  scope top = {NULL, NULL, 0, true};
  frame f = {NULL, g->name, NULL, 0, NULL, "graph"};
  for (uint32_t i = 0; i < g->n_nodes; i++) {
    const nnl_onnx_node *n = &g->nodes[i];
    for (uint32_t j = 0; j < n->n_inputs; j++) {
      const char *name = n->inputs[j];
      if (name && *name && !s->ops[s->ops_at[i] + j]) {
        undefined_input(s, &f, n, i, name);
        return false;
      }
    }
    if (!check_subgraphs(s, &top, &f, n, i, 0)) return false;
  }
  for (uint32_t i = 0; i < g->n_outputs; i++) {
    const char *name = g->outputs[i].name;
    if (name && *name && !find(s, name)) {
      undefined_output(s, &f, name, g->outputs[i].span);
      return false;
    }
  }
  for (uint32_t i = 0; i < s->om->n_functions; i++)
    if (!check_function(s, &s->om->functions[i])) return false;
  return true;
}

/* ---- the graph ---- */

/* Node order: Kahn's algorithm, file order where free.  Returns the number
 * of nodes ordered (fewer than n_nodes: a cycle). */
static uint32_t order_nodes(st *s, uint32_t *order) {
  const nnl_onnx_graph *g = s->g;
  uint32_t nn = g->n_nodes;
  uint32_t *indeg = nnl_scratch_get(&s->scratch, sizeof *indeg * nn, true);
  /* consumers per value, CSR */
  uint32_t *start =
      nnl_scratch_get(&s->scratch, sizeof *start * (s->n_vals + 1), true);
  uint64_t edges = 0;
  for (uint32_t i = 0; i < nn; i++)
    for (uint32_t j = 0; j < g->nodes[i].n_inputs; j++) {
      val *v = in_val(s, &g->nodes[i], j);
      if (!v || v->node < 0) continue;
      start[v - s->vals + 1]++;
      indeg[i]++;
      edges++;
    }
  for (uint32_t i = 0; i < s->n_vals; i++) start[i + 1] += start[i];
  uint32_t *fill =
      nnl_scratch_get(&s->scratch, sizeof *fill * (s->n_vals + 1), false);
  memcpy(fill, start, sizeof *fill * (s->n_vals + 1));
  uint32_t *cons = nnl_scratch_get(&s->scratch, sizeof *cons * edges, false);
  for (uint32_t i = 0; i < nn; i++)
    for (uint32_t j = 0; j < g->nodes[i].n_inputs; j++) {
      val *v = in_val(s, &g->nodes[i], j);
      if (!v || v->node < 0) continue;
      cons[fill[v - s->vals]++] = i;
    }
  uint32_t head = 0, tail = 0;
  for (uint32_t i = 0; i < nn; i++)
    if (!indeg[i]) order[tail++] = i;
  while (head < tail) {
    uint32_t i = order[head++];
    const nnl_onnx_node *n = &g->nodes[i];
    for (uint32_t j = 0; j < n->n_outputs; j++) {
      val *v = out_val(s, n, j);
      if (!v || v->node != (int32_t)i) continue;
      uint32_t vi = (uint32_t)(v - s->vals);
      for (uint32_t k = start[vi]; k < start[vi + 1]; k++)
        if (--indeg[cons[k]] == 0) order[tail++] = cons[k];
    }
  }
  return tail;
}

/* A quantized input (uint8 x with a scale and zero point) read by a
 * dequantizing op is normalized by them: say so on the input. */
static void mark_dequantized(st *s) {
  for (uint32_t i = 0; i < s->g->n_nodes; i++) {
    const nnl_onnx_node *n = &s->g->nodes[i];
    if (!default_domain(n->domain) || n->n_inputs < 2) continue;
    if (!(op_class(s, n)->f & OPC_DEQ)) continue;
    val *v = in_val(s, n, 0);
    if (!v || v->kind != V_ACT || !NNL_REF_IS_INPUT(v->ref)) continue;
    nnl_input *in = &s->m->inputs.items[NNL_REF_INPUT_INDEX(v->ref)];
    if (in->normalize.state == NNL_ABSENT)
      in->normalize = str_known("dequantize", n->span);
  }
}

static void add_inputs_outputs(st *s) {
  const nnl_onnx_graph *g = s->g;
  for (uint32_t i = 0; i < g->n_inputs; i++) {
    const nnl_onnx_value *gi = &g->inputs[i];
    val *v = find(s, gi->name);
    if (!v || v->input != (int32_t)i || v->init >= 0 || v->sparse >= 0 ||
        v->node >= 0)
      continue;
    if (v->uses > 0 && v->uses == v->weight_uses) {
      v->kind = V_PARAM;
      continue;
    }
    nnl_input *in = nnl_ir_add_input(s->m);
    in->at = gi->span;
    in->name = str_known(gi->name, gi->span);
    const char *dt = gi->type_kind == NNL_ONNX_TYPE_TENSOR
                         ? nnl_onnx_dtype_name(gi->elem_type)
                         : NULL;
    if (dt) in->dtype = str_known(dt, gi->span);
    else in->dtype.state = NNL_UNKNOWN;
    if (gi->has_shape) {
      nnl_value *items = gi->n_dims ? nnl_arena_alloc(&s->doc->arena,
                                                      sizeof *items * gi->n_dims)
                                    : NULL;
      for (uint32_t k = 0; k < gi->n_dims; k++) {
        items[k].at = gi->span;
        if (gi->dims[k].value >= 0) {
          items[k].type = NNL_V_NUM;
          items[k].n = (double)gi->dims[k].value;
        } else if (gi->dims[k].param) {
          items[k].type = NNL_V_STR;
          items[k].s = gi->dims[k].param;
        } else {
          items[k].type = NNL_V_UNKNOWN;
        }
      }
      in->shape = (nnl_list){items, gi->n_dims, gi->span, NNL_KNOWN};
    }
    v->kind = V_ACT;
    v->ref = NNL_REF_INPUT(s->m->inputs.len - 1);
    v->is_int = gi->type_kind == NNL_ONNX_TYPE_TENSOR && int_dtype(gi->elem_type);
  }
}

/* Count operand uses; mark weight-parameter slots for param detection. */
static void count_uses(st *s) {
  const nnl_onnx_graph *g = s->g;
  for (uint32_t i = 0; i < g->n_nodes; i++) {
    const nnl_onnx_node *n = &g->nodes[i];
    const struct wop *w = wop_of(s, n);
    bool qdq = !w && default_domain(n->domain) &&
               (op_class(s, n)->f & OPC_QDQ);
    for (uint32_t j = 0; j < n->n_inputs; j++) {
      val *v = in_val(s, n, j);
      if (!v) continue;
      v->uses++;
      if (qdq && j > 0) {
        v->weight_uses++; /* scale and zero point */
        continue;
      }
      if (w && is_param_slot(w, j)) {
        /* a Gather's table is a weight only when the ids come from
           elsewhere */
        if (w->op == NNL_OP_EMBEDDING && n->n_inputs > 1 &&
            in_val(s, n, 1) == v)
          continue;
        v->weight_uses++;
      }
    }
  }
  for (uint32_t i = 0; i < g->n_outputs; i++) {
    val *v = find(s, g->outputs[i].name);
    if (v) v->uses++;
  }
}

int nnl_onnx_to_ir(nnl_ctx *cx, nnl_doc *doc, const nnl_onnx_model *om) {
  if (!om || !om->graph) {
    nnl_report_bad_input(cx, doc, om ? om->span : (nnl_span){0, 0},
                         "ONNX model has no graph");
    return -1;
  }
  const nnl_onnx_graph *g = om->graph;
  if (g->n_nodes > NNL_MAX_LAYERS) {
    nnl_report_bad_input(cx, doc, g->span, "graph has %u nodes (limit %d)",
                         g->n_nodes, NNL_MAX_LAYERS);
    return -1;
  }
  st s = {0};
  s.cx = cx;
  s.doc = doc;
  s.om = om;
  s.g = g;
  s.m = nnl_ir_model_new(&doc->arena);
  s.m->at = om->span;
  if (*g->name) s.m->name = str_known(g->name, g->span);

  /* every value name: inputs, initializers, node outputs */
  uint64_t cap = (uint64_t)g->n_inputs + g->n_initializers +
                 g->n_sparse_initializers + 1;
  uint64_t n_ops = 0;
  for (uint32_t i = 0; i < g->n_nodes; i++) {
    cap += g->nodes[i].n_outputs;
    n_ops += (uint64_t)g->nodes[i].n_inputs + g->nodes[i].n_outputs;
  }
  if (n_ops >= UINT32_MAX) {
    nnl_report_bad_input(cx, doc, g->span, "graph has %llu operands (limit "
                         "%u)", (unsigned long long)n_ops, UINT32_MAX - 1);
    return -1;
  }
  uint64_t tsize = 16;
  while (tsize < cap * 2) tsize <<= 1;
  /* the scratch block: vals, by_id, ops_at, ops, order, and order_nodes'
     indeg, start, fill and cons (edges <= n_ops); 16 bytes of rounding
     each */
  uint64_t nn = g->n_nodes;
  nnl_scratch_open(&s.scratch,
                   (size_t)(sizeof *s.vals * cap + 4 * (uint64_t)om->n_names +
                            4 * (nn + 1) + 4 * n_ops + 4 * nn + 4 * nn +
                            2 * 4 * (cap + 1) + 4 * n_ops + 9 * 16));
  s.vals = nnl_scratch_get(&s.scratch, sizeof *s.vals * cap, false);
  /* the hash table is allocated by slot_of when a name without an id
     first needs it: with name ids it is only a fallback */
  s.mask = (uint32_t)(tsize - 1);
  if (om->names && om->n_names)
    s.by_id =
        nnl_scratch_get(&s.scratch, sizeof *s.by_id * om->n_names, true);
  for (uint32_t i = 0; i < g->n_inputs; i++)
    if (*g->inputs[i].name) {
      val *v = intern(&s, g->inputs[i].name);
      if (v->input < 0) v->input = (int32_t)i;
    }
  for (uint32_t i = 0; i < g->n_initializers; i++)
    if (*g->initializers[i].name) {
      val *v = intern(&s, g->initializers[i].name);
      v->init = (int32_t)i;
      v->kind = V_CONST;
    }
  for (uint32_t i = 0; i < g->n_sparse_initializers; i++)
    if (*g->sparse_initializers[i].values.name) {
      val *v = intern(&s, g->sparse_initializers[i].values.name);
      v->sparse = (int32_t)i;
      v->kind = V_CONST;
    }
  for (uint32_t i = 0; i < g->n_nodes; i++)
    for (uint32_t j = 0; j < g->nodes[i].n_outputs; j++)
      if (*g->nodes[i].outputs[j]) {
        val *v = intern(&s, g->nodes[i].outputs[j]);
        v->node = (int32_t)i;
        v->kind = V_UNDEF; /* decided when the node is converted */
        v->init = v->sparse = -1;
      }

  /* every operand resolved once */
  s.ops_at = nnl_scratch_get(&s.scratch,
                             sizeof *s.ops_at * ((size_t)g->n_nodes + 1), false);
  s.ops = nnl_scratch_get(&s.scratch, sizeof *s.ops * n_ops, false);
  uint32_t k = 0;
  for (uint32_t i = 0; i < g->n_nodes; i++) {
    const nnl_onnx_node *n = &g->nodes[i];
    s.ops_at[i] = k;
    for (uint32_t j = 0; j < n->n_inputs; j++)
      s.ops[k++] = find_ix(&s, n->inputs[j]);
    for (uint32_t j = 0; j < n->n_outputs; j++)
      s.ops[k++] = find_ix(&s, n->outputs[j]);
  }
  s.ops_at[g->n_nodes] = k;

  int rc = 0;
  uint32_t *order = NULL;
  if (!check_refs(&s)) {
    rc = -1;
    goto out;
  }

  count_uses(&s);
  add_inputs_outputs(&s);

  order = nnl_scratch_get(&s.scratch, sizeof *order * g->n_nodes, false);
  uint32_t done = order_nodes(&s, order);
  if (done < g->n_nodes) {
    /* the first node left over sits on (or after) a cycle */
    bool *seen = nnl_xcalloc(g->n_nodes, sizeof *seen);
    for (uint32_t i = 0; i < done; i++) seen[order[i]] = true;
    uint32_t bad = 0;
    while (seen[bad]) bad++;
    const nnl_onnx_node *n = &g->nodes[bad];
    frame f = {NULL, g->name, NULL, 0, NULL, "graph"};
    nnl_report_bad_input(cx, doc, n->span,
                         "the graph has a cycle: node %s depends on its own "
                         "output%s",
                         node_who(&s, n, bad), binary_at(&s, &f, n, bad,
                                                         n->span));
    free(seen);
    rc = -1;
    goto out;
  }
  /* at most one layer a node: the layer array sized once, untouched
     capacity costs no page (no growth by doubling, which copies) */
  if (!s.m->layers.items && done) {
    s.m->layers.items = nnl_huge_alloc(sizeof *s.m->layers.items * done);
    s.m->layers.cap = done;
  }
  for (uint32_t i = 0; i < done; i++) convert_node(&s, order[i]);
  mark_dequantized(&s);

  for (uint32_t i = 0; i < g->n_outputs; i++) {
    val *v = find(&s, g->outputs[i].name);
    if (!v || v->kind != V_ACT || NNL_REF_IS_INPUT(v->ref)) continue;
    nnl_output *o = nnl_ir_add_output(s.m);
    o->at = g->outputs[i].span;
    o->name = str_known(g->outputs[i].name, g->outputs[i].span);
    o->layer = v->ref;
  }

  for (uint32_t i = 0; i < om->n_training_info; i++)
    if (om->training_info[i].algorithm)
      training_from(&s, om->training_info[i].algorithm,
                    om->training_info[i].span);
  training_from(&s, g, g->span);

  int32_t cyc = nnl_ir_toposort(s.m);
  if (cyc >= 0) {
    const nnl_layer *l = &s.m->layers.items[cyc];
    nnl_report_bad_input(cx, doc, l->at, "the graph has a cycle through %s",
                         l->where ? l->where : l->type.s);
    rc = -1;
    goto out;
  }
  nnl_ir_derive(s.m);
  nnl_array_push(&doc->models, s.m);
  s.m = NULL;
out:
  if (s.m) nnl_ir_model_free(s.m);
  free(s.table);
  nnl_scratch_close(&s.scratch);
  return rc;
}
