/*
 * keras.h - the Keras vocabulary, shared by the Keras front ends (JSON
 * configs in keras_json.c, Python source in the Python front end).
 *
 *   front end --reads--> class names and arguments as nnl_kval trees
 *             --nnl_keras_*--> IR layers, inputs, optimizer, compile, fit
 *
 * A front end turns what it reads into nnl_kval values (a JSON value, a
 * Python literal or call) and hands them here; this module knows the Keras
 * 1/2/3 spellings (units/output_dim, filters/nb_filter, kernel_initializer/
 * init, kernel_regularizer/W_regularizer, rate/p, learning_rate/lr, ...) and
 * writes the IR.  It never decides whether something is a mistake.
 *
 * Values the front end cannot resolve (a variable, a call it does not know)
 * are NNL_KV_UNKNOWN: the IR field they feed becomes UNKNOWN, so rules stay
 * silent.  An argument that is not there is simply not in the list (or
 * NNL_KV_ABSENT): the Keras default applies.
 *
 * Ownership: nnl_kval trees belong to the caller (usually the document's
 * arena) and are only read; strings copied into the IR are copied into the
 * model's arena (m->arena), so the trees may be freed afterwards.
 */
#ifndef NNL_KERAS_H
#define NNL_KERAS_H

#include "ir.h"
#include "nnlint.h"

typedef enum nnl_kkind {
  NNL_KV_ABSENT = 0, /* not given */
  NNL_KV_UNKNOWN,    /* given, not resolvable (a variable, a call) */
  NNL_KV_NULL,       /* JSON null, Python None */
  NNL_KV_NUM,
  NNL_KV_STR,
  NNL_KV_BOOL,
  NNL_KV_LIST,       /* items[0..n), keys NULL (a list or a tuple) */
  NNL_KV_DICT        /* an object: str is its class name (NULL for a plain
                        mapping), items its config entries or keyword
                        arguments: {"class_name": "HeNormal", "config":
                        {...}} and HeNormal(seed=1) both look like this */
} nnl_kkind;

typedef struct nnl_karg nnl_karg;

typedef struct nnl_kval {
  uint8_t kind;          /* nnl_kkind */
  bool b;                /* BOOL */
  double num;            /* NUM */
  const char *str;       /* STR: the text; DICT: the class name or NULL */
  nnl_span str_at;       /* DICT: where the class name is written */
  const nnl_karg *items; /* LIST, DICT */
  uint32_t n;
  nnl_span at;           /* the whole value as written */
} nnl_kval;

/* One keyword argument or config entry (key NULL for a list item). */
struct nnl_karg {
  const char *key;
  nnl_span key_at;
  nnl_kval v;
};

/* The value of key in args (compared exactly), or NULL. */
const nnl_kval *nnl_karg_find(const nnl_karg *args, size_t n, const char *key);

/* The keyword name of positional argument i of a Keras layer class
 * ("Dense", 0 -> "units"; "Conv2D", 1 -> "kernel_size"; "Dropout", 0 ->
 * "rate"), for Python calls written positionally; NULL when unknown.
 * Keras 1 classes give their Keras 1 names ("Convolution2D", 0 ->
 * "nb_filter"). */
const char *nnl_keras_positional(const char *class_name, unsigned i);

/* Append a layer for a Keras layer class and its arguments, and return it
 * (the pointer is valid until the next append to m->layers).  Sets type,
 * op (ops.def through nnl_op_lookup; activation classes such as ReLU,
 * Softmax, LeakyReLU, ELU become Activation layers), act, units (units,
 * output_dim, filters, nb_filter, embedding output_dim; x2 for a
 * Bidirectional concat), kernel_init / init_scale / init_value, bias_init,
 * kernel_regularizer, rate, code (Lambda; for a TensorFlow op traced
 * into a functional model, TFOpLambda / TensorFlowOpLayer, the op it
 * calls: "tf.math.round", "Floor").  Bidirectional and
 * TimeDistributed take their inner `layer` (a DICT).  Unknown classes are
 * opaque.  The caller sets at, name and inputs (default: the previous
 * layer).  class_name may carry a module prefix ("keras.layers.Dense"). */
nnl_layer *nnl_keras_add_layer(nnl_model *m, const char *class_name,
                               nnl_span type_at, const nnl_karg *args,
                               size_t n);

/* Does this class name a model input rather than a layer ("InputLayer",
 * "Input")? */
bool nnl_keras_is_input_class(const char *class_name);

/* Append a model input from Input/InputLayer arguments (shape,
 * batch_shape, batch_input_shape, input_shape, dtype, name) and return it;
 * at is the whole input as written.  Also used for a Sequential's first
 * layer that carries input_shape/batch_input_shape (the caller checks
 * nnl_keras_args_declare_input first). */
nnl_input *nnl_keras_add_input(nnl_model *m, const nnl_karg *args, size_t n,
                               nnl_span at);
/* Do a layer's arguments declare the model input (input_shape,
 * batch_input_shape, batch_shape, input_dim)? */
bool nnl_keras_args_declare_input(const nnl_karg *args, size_t n);

/* The optimizer: a name ("adam"), an object (DICT: class_name + config or
 * keyword arguments: learning_rate | lr, clipnorm, clipvalue,
 * global_clipnorm, weight_decay | decay (AdamW's), momentum), or UNKNOWN.
 * at: where it is written.  Marks the training section KNOWN. */
void nnl_keras_set_optimizer(nnl_model *m, const nnl_kval *opt);

/* compile(...) or a compile_config / training_config: optimizer, loss (a
 * name, or an object with from_logits), metrics (list or dict).  Keys
 * outside these are ignored.  at: the call or the config object.  Marks
 * the training section KNOWN (optimizer context). */
void nnl_keras_set_compile(nnl_model *m, const nnl_karg *args, size_t n,
                           nnl_span at);

/* Values no Keras model can have, met by the calls above: units, filters
 * and other counts that are not whole numbers >= 1 (-8, 2.5, NaN, 1e999),
 * a NaN or infinite learning rate, clipping or initializer argument, a
 * dropout rate outside [0, 1], a shape dim that is not a whole number >= 0
 * (or -1), a batch size < 1, a validation split outside [0, 1).  Only
 * numbers are judged: what the front end could not resolve (UNKNOWN) never
 * is.  The IR field such a value feeds is left UNKNOWN.  Each front end
 * calls this once per model it built: NN000 at the first such value, and
 * -1; 0 when there was none. */
int nnl_keras_report(nnl_ctx *cx, nnl_doc *doc, const nnl_model *m);

/* fit(...): batch_size, epochs, validation_split, validation_data,
 * validation_steps/validation_freq (validation when given).  Marks the
 * training section KNOWN (fit context). */
void nnl_keras_set_fit(nnl_model *m, const nnl_karg *args, size_t n,
                       nnl_span at);

#endif
