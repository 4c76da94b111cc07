/*
 * onnx.h - the in-memory ONNX graph both ONNX front ends produce.
 *
 *   onnx_binary.c (ModelProto wire format) --\
 *                                              +--> nnl_onnx_model --> nnl_onnx_to_ir (onnx_graph.c) --> nnl_model
 *   onnx_text.c   (onnx.parser syntax)     --/
 *
 * The structure mirrors onnx.proto, reduced to what linting needs.  A
 * producer fills it; nnl_onnx_to_ir turns it into IR layers, edges, inputs
 * and training facts, then sorts and derives.
 *
 * Ownership: everything (structs, arrays, strings) lives in the document's
 * arena (doc->arena).  Strings are NUL-terminated arena copies; tensor data
 * is never copied: a tensor points at its bytes in the source (the mapped
 * file, an external data file mapping, or a text literal) and carries a
 * weight summary computed by the producer.
 *
 * Arrays are plain pointer + count (count 0: pointer may be NULL).
 * Spans are byte ranges in doc->src: for the binary format the byte range
 * of the message, for the text format the range of its text.
 */
#ifndef NNL_ONNX_H
#define NNL_ONNX_H

#include "nnlint.h"

/* TensorProto.DataType (onnx.proto numbering). */
enum {
  NNL_ONNX_UNDEFINED = 0,
  NNL_ONNX_FLOAT = 1,
  NNL_ONNX_UINT8 = 2,
  NNL_ONNX_INT8 = 3,
  NNL_ONNX_UINT16 = 4,
  NNL_ONNX_INT16 = 5,
  NNL_ONNX_INT32 = 6,
  NNL_ONNX_INT64 = 7,
  NNL_ONNX_STRING = 8,
  NNL_ONNX_BOOL = 9,
  NNL_ONNX_FLOAT16 = 10,
  NNL_ONNX_DOUBLE = 11,
  NNL_ONNX_UINT32 = 12,
  NNL_ONNX_UINT64 = 13,
  NNL_ONNX_COMPLEX64 = 14,
  NNL_ONNX_COMPLEX128 = 15,
  NNL_ONNX_BFLOAT16 = 16,
  NNL_ONNX_FLOAT8E4M3FN = 17,
  NNL_ONNX_FLOAT8E4M3FNUZ = 18,
  NNL_ONNX_FLOAT8E5M2 = 19,
  NNL_ONNX_FLOAT8E5M2FNUZ = 20,
  NNL_ONNX_UINT4 = 21,
  NNL_ONNX_INT4 = 22,
  NNL_ONNX_FLOAT4E2M1 = 23
};

/* Lower-case IR dtype name of a DataType ("float32", "uint8", "int64",
 * "bfloat16", ...), or NULL when the number is not one. */
const char *nnl_onnx_dtype_name(int32_t data_type);
/* DataType of a text-syntax element type name ("float", "int64",
 * "uint8", "bfloat16", ...), or NNL_ONNX_UNDEFINED. */
int32_t nnl_onnx_dtype_parse(const char *name, size_t len);

/* Where a tensor's element data is, and how it is encoded. */
typedef enum nnl_onnx_data {
  NNL_ONNX_DATA_NONE = 0,  /* no data given */
  NNL_ONNX_DATA_RAW,       /* raw_data: little-endian elements */
  NNL_ONNX_DATA_VARINT,    /* packed varints (int32_data/int64_data/uint64) */
  NNL_ONNX_DATA_FIXED32,   /* packed float_data */
  NNL_ONNX_DATA_FIXED64,   /* packed double_data */
  NNL_ONNX_DATA_STRINGS,   /* string_data (not scanned) */
  NNL_ONNX_DATA_TEXT,      /* a text-syntax literal `{0.5, 1.0}` */
  NNL_ONNX_DATA_EXTERNAL   /* in an external file (external_location) */
} nnl_onnx_data;

/* TensorProto (also the values/indices of a SparseTensorProto). */
typedef struct nnl_onnx_tensor {
  const char *name;        /* "" when unnamed */
  int32_t data_type;       /* NNL_ONNX_* */
  const int64_t *dims;
  uint32_t n_dims;
  int64_t n_elems;         /* product of dims (1 for a scalar); -1 when a
                              dim is negative or the product overflows */
  /* The element data, referenced in place (never copied).  For RAW,
   * VARINT, FIXED32, FIXED64 and TEXT, data points into doc->src; it is
   * NULL for EXTERNAL data and for elements stored one per field
   * (unpacked), whose summary is computed all the same. */
  uint8_t data_kind;       /* nnl_onnx_data */
  const char *data;
  size_t data_len;
  const char *external_location; /* as written, for DATA_EXTERNAL */
  /* Weight summary, computed by the producer while it scans the data,
   * stopping at the first element that differs from the first one
   * (nnl_onnx_summary_add does the bookkeeping):
   *   all_equal  1: every element equals `value`; 0: two elements differ;
   *             -1: not known (no data, empty, external data not read,
   *                 strings, an element type nnlint does not decode).
   *   all_zero   1: all_equal and value == 0; 0: not; -1: not known. */
  int8_t all_equal;
  int8_t all_zero;
  double value;            /* the first element (the common value when
                              all_equal is 1); valid once n_seen > 0 */
  uint64_t n_seen;         /* elements fed to nnl_onnx_summary_add */
  nnl_span span;
} nnl_onnx_tensor;

/* Start a summary: all_equal = all_zero = -1, n_seen = 0. */
void nnl_onnx_summary_begin(nnl_onnx_tensor *t);
/* Feed the next element.  Returns false once two elements differ (the
 * producer stops scanning); true while all elements seen are equal.  NaN
 * elements count as differing. */
bool nnl_onnx_summary_add(nnl_onnx_tensor *t, double v);
/* Finish: with n_seen == n_elems > 0 and no difference, all_equal = 1;
 * a difference gives 0; anything else stays -1.  Sets all_zero. */
void nnl_onnx_summary_end(nnl_onnx_tensor *t);

/* SparseTensorProto: values (named: the initializer's name), indices. */
typedef struct nnl_onnx_sparse {
  nnl_onnx_tensor values;
  nnl_onnx_tensor indices;
  const int64_t *dims;     /* the dense shape */
  uint32_t n_dims;
  nnl_span span;
} nnl_onnx_sparse;

/* TensorShapeProto.Dimension: a number, a symbol, or neither. */
typedef struct nnl_onnx_dim {
  int64_t value;           /* dim_value, or -1 when not given */
  const char *param;       /* dim_param, or NULL */
} nnl_onnx_dim;

/* TypeProto kinds. */
enum {
  NNL_ONNX_TYPE_NONE = 0,  /* no type given */
  NNL_ONNX_TYPE_TENSOR,
  NNL_ONNX_TYPE_SPARSE_TENSOR,
  NNL_ONNX_TYPE_SEQUENCE,
  NNL_ONNX_TYPE_MAP,
  NNL_ONNX_TYPE_OPTIONAL,
  NNL_ONNX_TYPE_OTHER
};

/* ValueInfoProto: graph input, output or value_info entry. */
typedef struct nnl_onnx_value {
  const char *name;
  uint8_t type_kind;       /* NNL_ONNX_TYPE_* */
  int32_t elem_type;       /* tensor element type (NNL_ONNX_*), 0 unknown */
  bool has_shape;          /* a shape was given (n_dims may be 0: scalar) */
  const nnl_onnx_dim *dims;
  uint32_t n_dims;
  nnl_span span;
} nnl_onnx_value;

typedef struct nnl_onnx_graph nnl_onnx_graph;

/* AttributeProto.AttributeType (onnx.proto numbering). */
enum {
  NNL_ONNX_ATTR_UNDEFINED = 0,
  NNL_ONNX_ATTR_FLOAT = 1,
  NNL_ONNX_ATTR_INT = 2,
  NNL_ONNX_ATTR_STRING = 3,
  NNL_ONNX_ATTR_TENSOR = 4,
  NNL_ONNX_ATTR_GRAPH = 5,
  NNL_ONNX_ATTR_FLOATS = 6,
  NNL_ONNX_ATTR_INTS = 7,
  NNL_ONNX_ATTR_STRINGS = 8,
  NNL_ONNX_ATTR_TENSORS = 9,
  NNL_ONNX_ATTR_GRAPHS = 10,
  NNL_ONNX_ATTR_SPARSE_TENSOR = 11,
  NNL_ONNX_ATTR_SPARSE_TENSORS = 12,
  NNL_ONNX_ATTR_TYPE_PROTO = 13,
  NNL_ONNX_ATTR_TYPE_PROTOS = 14
};

/* AttributeProto.  `type` says which value fields are meaningful; a
 * producer that sees values without a type sets type from them.  List
 * values are copies (attributes are small); a producer may cap very long
 * lists and then sets `truncated`. */
typedef struct nnl_onnx_attr {
  const char *name;
  int32_t type;            /* NNL_ONNX_ATTR_* */
  const char *ref_attr_name; /* inside a function: refers to the caller's
                                attribute of that name (value unknown) */
  double f;                /* FLOAT */
  int64_t i;               /* INT */
  const char *s;           /* STRING: bytes + NUL (may not be UTF-8) */
  size_t s_len;
  const nnl_onnx_tensor *t;   /* TENSOR (SPARSE_TENSOR: its values) */
  const nnl_onnx_graph *g;    /* GRAPH */
  const double *floats;    /* FLOATS */
  uint32_t n_floats;
  const int64_t *ints;     /* INTS */
  uint32_t n_ints;
  const char *const *strings; /* STRINGS */
  uint32_t n_strings;
  const nnl_onnx_tensor *tensors; /* TENSORS */
  uint32_t n_tensors;
  const nnl_onnx_graph *const *graphs; /* GRAPHS */
  uint32_t n_graphs;
  bool truncated;
  nnl_span span;
  nnl_span name_at;        /* text format: the attribute's name and its */
  nnl_span value_at;       /* value as written; binary: NOSPAN or zero */
} nnl_onnx_attr;

/* NodeProto.  An omitted optional input or output is "". */
typedef struct nnl_onnx_node {
  const char *op_type;
  const char *domain;      /* "" or "ai.onnx": the default domain */
  const char *name;        /* "" when unnamed */
  const char *const *inputs;
  uint32_t n_inputs;
  const char *const *outputs;
  uint32_t n_outputs;
  const nnl_onnx_attr *attrs;
  uint32_t n_attrs;
  nnl_span span;
  nnl_span op_at;          /* text format: the op type as written (with its
                              domain); binary: NNL_NOSPAN or zero */
} nnl_onnx_node;

/* GraphProto.  Subgraphs (If/Loop/Scan bodies) hang off attributes. */
struct nnl_onnx_graph {
  const char *name;
  const nnl_onnx_node *nodes;
  uint32_t n_nodes;
  const nnl_onnx_value *inputs;
  uint32_t n_inputs;
  const nnl_onnx_value *outputs;
  uint32_t n_outputs;
  const nnl_onnx_value *value_info;
  uint32_t n_value_info;
  const nnl_onnx_tensor *initializers;
  uint32_t n_initializers;
  const nnl_onnx_sparse *sparse_initializers;
  uint32_t n_sparse_initializers;
  nnl_span span;
};

/* OperatorSetIdProto. */
typedef struct nnl_onnx_opset {
  const char *domain;      /* "" for the default domain */
  int64_t version;
} nnl_onnx_opset;

/* FunctionProto. */
typedef struct nnl_onnx_function {
  const char *name;
  const char *domain;
  const char *overload;    /* "" when none */
  const char *const *inputs;
  uint32_t n_inputs;
  const char *const *outputs;
  uint32_t n_outputs;
  const char *const *attributes; /* attribute names */
  uint32_t n_attributes;
  const nnl_onnx_node *nodes;
  uint32_t n_nodes;
  const nnl_onnx_opset *opsets;
  uint32_t n_opsets;
  nnl_span span;
} nnl_onnx_function;

/* TrainingInfoProto: how the model is trained (optimizer nodes of domain
 * ai.onnx.preview.training live in the algorithm graph). */
typedef struct nnl_onnx_training {
  const nnl_onnx_graph *initialization; /* or NULL */
  const nnl_onnx_graph *algorithm;      /* or NULL */
  nnl_span span;
} nnl_onnx_training;

/* ModelProto. */
typedef struct nnl_onnx_model {
  int64_t ir_version;      /* 0 when not given */
  const nnl_onnx_opset *opsets;
  uint32_t n_opsets;
  const char *producer_name;    /* "" when not given */
  const char *producer_version;
  const char *domain;
  int64_t model_version;
  const nnl_onnx_graph *graph;  /* NULL when the model has none */
  const nnl_onnx_function *functions;
  uint32_t n_functions;
  const nnl_onnx_training *training_info;
  uint32_t n_training_info;
  /* true for the binary format: the file has no lines, so layers get a
   * logical location ("graph/node name/op type") in nnl_layer.where. */
  bool binary;
  nnl_span span;
  /* Optional name ids (NULL and 0 when the producer has none).  A producer
   * that stores each distinct name once (the text front end) lists them
   * here, names[id], each allocated as an nnl_onnx_name so that its id sits
   * just before its bytes (as Redis' sds keeps its header).  Every
   * non-empty name of the model is then one of these, and the graph step
   * indexes arrays by id instead of hashing strings. */
  const char *const *names;
  uint32_t n_names;
} nnl_onnx_model;

/* A name with its id in front (see nnl_onnx_model.names). */
typedef struct nnl_onnx_name {
  uint32_t id;
  char s[]; /* NUL-terminated */
} nnl_onnx_name;

/* The id of s, a name of a model with names (s == names[id]).  Only for
 * such names: s must have been allocated as an nnl_onnx_name. */
static inline uint32_t nnl_onnx_name_id(const char *s) {
  const nnl_onnx_name *n =
      (const nnl_onnx_name *)(const void *)(s - offsetof(nnl_onnx_name, s));
  return n->id;
}

/* Turn an ONNX model into one IR model appended to doc->models: layers
 * for nodes of the main graph, edges from value names, inputs from graph
 * inputs that are not initializers, weight summaries, and training facts
 * from training_info; then nnl_ir_toposort and nnl_ir_derive.  Returns 0,
 * or reports one NN000 and returns -1: a model without a graph, a cycle,
 * or a name used and never defined (a node input or graph output of the
 * main graph, of a subgraph, which also sees its enclosing graphs' names,
 * or of a function, which sees only its own; "" is an omitted input and
 * definitions may follow their uses).  Everything is allocated in
 * doc->arena; m is only read. */
int nnl_onnx_to_ir(nnl_ctx *cx, nnl_doc *doc, const nnl_onnx_model *m);

#endif
