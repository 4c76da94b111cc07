/*
 * ir_test.c - unit tests of the IR's derived facts (lint/ir_derive.c).
 *
 * Builds small models with the nnl_ir_* builders (no front end), runs
 * nnl_ir_toposort and nnl_ir_derive, and checks each fact.  Prints one line
 * per check, "ok NAME" or "FAIL NAME: detail"; tests/suite_ir.sh turns
 * them into pass/fail.  Exit status 1 when any check failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir.h"

static int failures;
static nnl_arena A;

static void report(const char *name, bool ok, const char *expr, int line) {
  if (ok) {
    printf("ok %s\n", name);
  } else {
    printf("FAIL %s: %s (ir_test.c:%d)\n", name, expr, line);
    failures++;
  }
}
#define CHECK(name, cond) report(name, (cond), #cond, __LINE__)

/* ---- builders ---- */

static nnl_str str(const char *s) {
  return (nnl_str){s, NNL_NOSPAN, s ? NNL_KNOWN : NNL_ABSENT};
}
static nnl_num num(double v) { return (nnl_num){v, NNL_NOSPAN, NNL_KNOWN}; }
static nnl_num unknown_num(void) {
  return (nnl_num){0, NNL_NOSPAN, NNL_UNKNOWN};
}

static nnl_model *model(void) { return nnl_ir_model_new(&A); }

static uint32_t input(nnl_model *m, const char *dtype) {
  nnl_input *in = nnl_ir_add_input(m);
  if (dtype) in->dtype = str(dtype);
  return m->inputs.len - 1;
}

/* A layer of a type (looked up in ops.def) with a fused activation. */
static uint32_t layer(nnl_model *m, const char *type, const char *act,
                      double units) {
  nnl_layer *l = nnl_ir_add_layer(m);
  l->type = str(type);
  l->op = nnl_op_lookup(type);
  l->act = act ? nnl_act_lookup(act) : NNL_ACT_NONE;
  if (units > 0) l->units = num(units);
  return m->layers.len - 1;
}

/* An activation as its own layer. */
static uint32_t act_layer(nnl_model *m, const char *act) {
  nnl_layer *l = nnl_ir_add_layer(m);
  l->type = str("Activation");
  l->op = NNL_OP_ACTIVATION;
  l->act = act ? nnl_act_lookup(act) : NNL_ACT_UNKNOWN;
  return m->layers.len - 1;
}

/* Explicit inputs of layer i: n refs. */
static void edges(nnl_model *m, uint32_t i, uint32_t n, ...) {
  va_list ap;
  nnl_ref *r = nnl_arena_alloc(&A, n * sizeof *r);
  va_start(ap, n);
  for (uint32_t k = 0; k < n; k++) r[k] = va_arg(ap, nnl_ref);
  va_end(ap);
  m->layers.items[i].inputs = r;
  m->layers.items[i].n_inputs = n;
}

static int32_t prepare(nnl_model *m) {
  int32_t c = nnl_ir_toposort(m);
  if (c < 0) nnl_ir_derive(m);
  return c;
}

static nnl_layer *L(nnl_model *m, uint32_t i) { return &m->layers.items[i]; }

static bool str_is(const char *a, const char *b) {
  return a && b && strcmp(a, b) == 0;
}

/* Field value through the engine's accessor, as a string ("" unknown). */
static const char *get_str(nnl_model *m, nnl_objkind kind, const void *obj,
                           const char *field) {
  nnl_value v;
  nnl_ir_get(m, obj, nnl_ir_field_lookup(kind, field), &v);
  return v.type == NNL_V_STR ? v.s : "";
}
static int get_bool(nnl_model *m, nnl_objkind kind, const void *obj,
                    const char *field) {
  nnl_value v;
  nnl_ir_get(m, obj, nnl_ir_field_lookup(kind, field), &v);
  return v.type == NNL_V_BOOL ? v.b : -1;
}

/* ---- tests ---- */

static void test_mlp(void) {
  nnl_model *m = model();
  input(m, "float32");
  layer(m, "Flatten", NULL, 0);
  uint32_t h = layer(m, "Dense", "relu", 512);
  layer(m, "Dropout", NULL, 0);
  uint32_t o = layer(m, "Dense", "softmax", 10);
  CHECK("mlp: sorts", prepare(m) == -1);
  CHECK("mlp: first layer takes input 0",
        L(m, 0)->n_inputs == 1 && L(m, 0)->inputs[0] == NNL_REF_INPUT(0));
  CHECK("mlp: default edge is the previous layer",
        L(m, 2)->n_inputs == 1 && L(m, 2)->inputs[0] == 1);
  CHECK("mlp: is_weight", L(m, h)->is_weight && !L(m, 0)->is_weight);
  CHECK("mlp: weight_layers", m->weight_layers == 2);
  CHECK("mlp: depth", m->depth == 2 && L(m, h)->depth == 1 &&
                          L(m, 2)->depth == 1 && L(m, o)->depth == 2);
  CHECK("mlp: output layer", m->output_layer == (int32_t)o &&
                                 L(m, o)->is_output && !L(m, h)->is_output);
  CHECK("mlp: hidden", L(m, h)->is_hidden && !L(m, o)->is_hidden &&
                           !L(m, 0)->is_hidden);
  CHECK("mlp: out_act softmax", L(m, o)->out_act == NNL_ACT_SOFTMAX &&
                                    L(m, o)->pre_act == NNL_ACT_NONE);
  CHECK("mlp: n_outputs", m->n_outputs.state == NNL_KNOWN &&
                              m->n_outputs.v == 10);
  CHECK("mlp: task from softmax", str_is(m->task_derived, "classification"));
  CHECK("mlp: n_classes from units",
        m->n_classes.state == NNL_KNOWN && m->n_classes.v == 10);
  CHECK("mlp: plain", m->plain);
  CHECK("mlp: has_dropout", m->has_dropout && m->has_regularization);
  CHECK("mlp: no norm", !m->has_norm_layers);
  CHECK("mlp: relu_layers", m->relu_layers == 1);
  CHECK("mlp: n_consumers", L(m, h)->n_consumers == 1 &&
                                L(m, o)->n_consumers == 0);
  CHECK("mlp: input_mask", L(m, o)->input_mask == 1);
  CHECK("mlp: derived", m->derived);
  CHECK("mlp: get out_activation",
        str_is(get_str(m, NNL_O_LAYER, L(m, o), "out_activation"), "softmax"));
  CHECK("mlp: get task",
        str_is(get_str(m, NNL_O_MODEL, m, "task"), "classification"));
  CHECK("mlp: get is_hidden",
        get_bool(m, NNL_O_LAYER, L(m, h), "is_hidden") == 1);
  /* derive twice: same facts */
  nnl_ir_derive(m);
  CHECK("mlp: derive is repeatable",
        m->weight_layers == 2 && m->depth == 2 &&
            m->output_layer == (int32_t)o && L(m, h)->n_consumers == 1 &&
            L(m, o)->out_act == NNL_ACT_SOFTMAX);
  nnl_ir_model_free(m);
}

static void test_activation_layers(void) {
  /* Dense (linear) then its own ReLU layer: the output sees relu */
  nnl_model *m = model();
  uint32_t d = layer(m, "Dense", NULL, 1);
  act_layer(m, "relu");
  prepare(m);
  CHECK("act layer: output layer is the Dense", m->output_layer == (int32_t)d);
  CHECK("act layer: out_act relu", L(m, d)->out_act == NNL_ACT_RELU &&
                                       L(m, d)->pre_act == NNL_ACT_NONE);
  CHECK("act layer: relu counted once", m->relu_layers == 1);
  CHECK("act layer: no input, first layer has no edge", L(m, 0)->n_inputs == 0);
  nnl_ir_model_free(m);

  /* Dense(relu) -> Softmax: pre_act relu */
  m = model();
  layer(m, "Dense", "relu", 64);
  d = layer(m, "Dense", "relu", 10);
  act_layer(m, "softmax");
  prepare(m);
  CHECK("softmax after relu: out_act", L(m, d)->out_act == NNL_ACT_SOFTMAX);
  CHECK("softmax after relu: pre_act", L(m, d)->pre_act == NNL_ACT_RELU);
  CHECK("softmax after relu: get pre_relu_like",
        get_bool(m, NNL_O_LAYER, L(m, d), "pre_relu_like") == 1);
  CHECK("softmax after relu: relu_layers", m->relu_layers == 2);
  nnl_ir_model_free(m);

  /* shape ops and pooling between do not break the link */
  m = model();
  d = layer(m, "Conv2D", "relu", 10);
  layer(m, "GlobalAveragePooling2D", NULL, 0);
  layer(m, "Reshape", NULL, 0);
  layer(m, "Flatten", NULL, 0);
  act_layer(m, "softmax");
  prepare(m);
  CHECK("shape ops between: output layer", m->output_layer == (int32_t)d);
  CHECK("shape ops between: acts", L(m, d)->out_act == NNL_ACT_SOFTMAX &&
                                       L(m, d)->pre_act == NNL_ACT_RELU);
  nnl_ir_model_free(m);

  /* Dense (linear) -> ReLU layer -> Softmax layer: pre_act relu */
  m = model();
  d = layer(m, "Dense", NULL, 10);
  act_layer(m, "relu");
  act_layer(m, "softmax");
  prepare(m);
  CHECK("relu layer before softmax: pre_act",
        L(m, d)->out_act == NNL_ACT_SOFTMAX && L(m, d)->pre_act == NNL_ACT_RELU);
  nnl_ir_model_free(m);

  /* an Activation layer that is linear changes nothing */
  m = model();
  d = layer(m, "Dense", "relu", 10);
  act_layer(m, "linear");
  prepare(m);
  CHECK("linear act layer: relu still seen",
        L(m, d)->out_act == NNL_ACT_RELU && L(m, d)->pre_act == NNL_ACT_NONE);
  nnl_ir_model_free(m);

  /* an unknown activation layer */
  m = model();
  d = layer(m, "Dense", NULL, 10);
  act_layer(m, NULL);
  prepare(m);
  CHECK("unknown act layer: out_act unknown",
        L(m, d)->is_output && L(m, d)->out_act == NNL_ACT_UNKNOWN);
  CHECK("unknown act layer: get out_activation is unknown",
        str_is(get_str(m, NNL_O_LAYER, L(m, d), "out_activation"), "") &&
            get_bool(m, NNL_O_LAYER, L(m, d), "out_relu_like") == -1);
  nnl_ir_model_free(m);
}

static void test_opaque(void) {
  nnl_model *m = model();
  uint32_t h = layer(m, "Dense", "relu", 32);
  uint32_t d = layer(m, "Dense", "relu", 1);
  layer(m, "MyCustomLayer", NULL, 0);
  prepare(m);
  CHECK("opaque after output: out_act unknown",
        L(m, d)->out_act == NNL_ACT_UNKNOWN && L(m, d)->pre_act == NNL_ACT_UNKNOWN);
  CHECK("opaque after output: still the output layer",
        m->output_layer == (int32_t)d && L(m, d)->is_output &&
            L(m, h)->is_hidden);
  CHECK("opaque after output: no task guessed", m->task_derived == NULL);
  nnl_ir_model_free(m);

  /* Lambda between the weight layer and a Softmax */
  m = model();
  d = layer(m, "Dense", NULL, 10);
  layer(m, "Lambda", NULL, 0);
  act_layer(m, "softmax");
  prepare(m);
  CHECK("lambda before softmax: out_act unknown",
        L(m, d)->out_act == NNL_ACT_UNKNOWN && L(m, d)->is_output);
  nnl_ir_model_free(m);
}

/* stem conv -> relu -> [conv(relu) -> conv -> BN] + shortcut -> relu -> head */
static void test_residual(void) {
  nnl_model *m = model();
  input(m, "float32");
  uint32_t stem = layer(m, "Conv2D", NULL, 16);
  uint32_t a0 = act_layer(m, "relu");
  uint32_t c1 = layer(m, "Conv2D", "relu", 16);
  uint32_t c2 = layer(m, "Conv2D", NULL, 16);
  uint32_t bn = layer(m, "BatchNormalization", NULL, 0);
  uint32_t add = layer(m, "Add", NULL, 0);
  edges(m, add, 2, (nnl_ref)a0, (nnl_ref)bn);
  act_layer(m, "relu");
  layer(m, "GlobalAveragePooling2D", NULL, 0);
  uint32_t head = layer(m, "Dense", "softmax", 10);
  CHECK("residual: sorts", prepare(m) == -1);
  CHECK("residual: not plain", !m->plain);
  CHECK("residual: skip merge", L(m, add)->is_skip_merge);
  CHECK("residual: ends_branch on the branch's last conv",
        L(m, c2)->ends_branch && !L(m, c1)->ends_branch);
  CHECK("residual: shortcut's stem conv is not a branch end",
        !L(m, stem)->ends_branch);
  CHECK("residual: feeds_merge", L(m, a0)->feeds_merge && L(m, bn)->feeds_merge);
  CHECK("residual: depth is the longest path", m->depth == 4);
  CHECK("residual: norm layers", m->has_norm_layers);
  CHECK("residual: output", m->output_layer == (int32_t)head &&
                                L(m, head)->out_act == NNL_ACT_SOFTMAX);
  CHECK("residual: n_consumers of the fork", L(m, a0)->n_consumers == 2);
  nnl_ir_model_free(m);

  /* a projection shortcut: both paths have a conv, the deeper one ends */
  m = model();
  input(m, "float32");
  uint32_t x = layer(m, "Conv2D", "relu", 8);
  uint32_t p = layer(m, "Conv2D", NULL, 8);
  edges(m, p, 1, (nnl_ref)x);
  uint32_t b1 = layer(m, "Conv2D", "relu", 8);
  edges(m, b1, 1, (nnl_ref)x);
  uint32_t b2 = layer(m, "Conv2D", NULL, 8);
  add = layer(m, "Add", NULL, 0);
  edges(m, add, 2, (nnl_ref)p, (nnl_ref)b2);
  prepare(m);
  CHECK("projection shortcut: branch end", L(m, b2)->ends_branch &&
                                               !L(m, p)->ends_branch);
  nnl_ir_model_free(m);
}

static void test_two_inputs(void) {
  nnl_model *m = model();
  input(m, "float32");
  input(m, "float32");
  uint32_t a = layer(m, "Dense", "relu", 8);
  edges(m, a, 1, NNL_REF_INPUT(0));
  uint32_t b = layer(m, "Dense", "relu", 8);
  edges(m, b, 1, NNL_REF_INPUT(1));
  uint32_t c = layer(m, "Concatenate", NULL, 0);
  edges(m, c, 2, (nnl_ref)a, (nnl_ref)b);
  uint32_t o = layer(m, "Dense", NULL, 1);
  prepare(m);
  CHECK("two inputs: plain", m->plain && !L(m, c)->is_skip_merge);
  CHECK("two inputs: input_mask", L(m, c)->input_mask == 3 &&
                                      L(m, a)->input_mask == 1 &&
                                      L(m, b)->input_mask == 2);
  CHECK("two inputs: first_weight", m->inputs.items[0].first_weight == (int32_t)a &&
                                        m->inputs.items[1].first_weight == (int32_t)b);
  CHECK("two inputs: output", m->output_layer == (int32_t)o &&
                                  L(m, o)->out_act == NNL_ACT_NONE);
  CHECK("two inputs: depth", m->depth == 2);
  nnl_ir_model_free(m);

  /* the same input concatenated with a transform of itself is a skip */
  m = model();
  input(m, "float32");
  a = layer(m, "Dense", "relu", 8);
  c = layer(m, "Concatenate", NULL, 0);
  edges(m, c, 2, NNL_REF_INPUT(0), (nnl_ref)a);
  prepare(m);
  CHECK("input concat own transform: not plain", !m->plain &&
                                                     L(m, c)->is_skip_merge);
  nnl_ir_model_free(m);

  /* Add(x, x) is one path, not a skip */
  m = model();
  a = layer(m, "Dense", "relu", 8);
  c = layer(m, "Add", NULL, 0);
  edges(m, c, 2, (nnl_ref)a, (nnl_ref)a);
  prepare(m);
  CHECK("add(x, x): plain", m->plain && !L(m, c)->is_skip_merge);
  CHECK("add(x, x): two consumers counted", L(m, a)->n_consumers == 2);
  nnl_ir_model_free(m);

  /* a custom layer joining two paths from one source: maybe a skip */
  m = model();
  a = layer(m, "Dense", "relu", 8);
  b = layer(m, "Dense", "relu", 8);
  c = layer(m, "MyResidual", NULL, 0);
  edges(m, c, 2, (nnl_ref)a, (nnl_ref)b);
  prepare(m);
  CHECK("custom join: not plain", !m->plain && !L(m, c)->is_skip_merge);
  nnl_ir_model_free(m);
}

static void test_multi_output(void) {
  nnl_model *m = model();
  input(m, "float32");
  uint32_t t = layer(m, "Dense", "relu", 64);
  uint32_t h1 = layer(m, "Dense", "softmax", 10);
  uint32_t h2 = layer(m, "Dense", NULL, 1);
  edges(m, h2, 1, (nnl_ref)t);
  prepare(m);
  CHECK("multi-output sinks: both heads are outputs",
        L(m, h1)->is_output && L(m, h2)->is_output && L(m, t)->is_hidden);
  CHECK("multi-output sinks: primary is the last layer",
        m->output_layer == (int32_t)h2 && m->n_outputs.v == 1);
  CHECK("multi-output sinks: each its activation",
        L(m, h1)->out_act == NNL_ACT_SOFTMAX && L(m, h2)->out_act == NNL_ACT_NONE);
  nnl_ir_model_free(m);

  /* declared outputs: the first one is primary */
  m = model();
  input(m, "float32");
  t = layer(m, "Dense", "relu", 64);
  h1 = layer(m, "Dense", NULL, 10);
  uint32_t s = act_layer(m, "softmax");
  h2 = layer(m, "Dense", NULL, 1);
  edges(m, h2, 1, (nnl_ref)t);
  nnl_ir_add_output(m)->layer = (int32_t)s;
  nnl_ir_add_output(m)->layer = (int32_t)h2;
  prepare(m);
  CHECK("declared outputs: primary", m->output_layer == (int32_t)h1 &&
                                         L(m, h1)->out_act == NNL_ACT_SOFTMAX);
  CHECK("declared outputs: second head", L(m, h2)->is_output &&
                                             L(m, t)->is_hidden);
  CHECK("declared outputs: classes", m->n_classes.v == 10);
  CHECK("declared outputs: each its output layer",
        m->outputs.items[0].output_layer == (int32_t)h1 &&
            m->outputs.items[1].output_layer == (int32_t)h2 &&
            m->outputs.items[0].layer == (int32_t)s);
  nnl_ir_model_free(m);

  /* a merge at the end: heads are outputs, activation unknown */
  m = model();
  input(m, "float32");
  t = layer(m, "Dense", "relu", 64);
  h1 = layer(m, "Dense", "sigmoid", 3);
  h2 = layer(m, "Dense", "relu", 2);
  edges(m, h2, 1, (nnl_ref)t);
  uint32_t c = layer(m, "Concatenate", NULL, 0);
  edges(m, c, 2, (nnl_ref)h1, (nnl_ref)h2);
  prepare(m);
  CHECK("merge at the end: no single output layer", m->output_layer == -1);
  CHECK("merge at the end: heads marked",
        L(m, h1)->is_output && L(m, h2)->is_output && !L(m, t)->is_output);
  CHECK("merge at the end: unknown activation",
        L(m, h1)->out_act == NNL_ACT_UNKNOWN && L(m, h2)->out_act == NNL_ACT_UNKNOWN);
  CHECK("merge at the end: n_outputs unknown", m->n_outputs.state != NNL_KNOWN);
  nnl_ir_model_free(m);
}

static void test_order(void) {
  /* a cycle: 0 -> 1 -> 2 -> 1 */
  nnl_model *m = model();
  layer(m, "Dense", NULL, 4);
  uint32_t a = layer(m, "Dense", NULL, 4);
  uint32_t b = layer(m, "Dense", NULL, 4);
  edges(m, a, 2, (nnl_ref)0, (nnl_ref)b);
  nnl_ref *before = L(m, a)->inputs;
  int32_t c = nnl_ir_toposort(m);
  CHECK("cycle: detected", c == (int32_t)a || c == (int32_t)b);
  CHECK("cycle: layers left as they were",
        L(m, a)->inputs == before && L(m, b)->n_inputs == 0);
  nnl_ir_derive(m); /* must not crash or loop */
  CHECK("cycle: derive is conservative", !m->plain);
  nnl_ir_model_free(m);

  /* self loop */
  m = model();
  a = layer(m, "Dense", NULL, 4);
  edges(m, a, 1, (nnl_ref)a);
  CHECK("self loop: detected", nnl_ir_toposort(m) == (int32_t)a);
  nnl_ir_model_free(m);

  /* forward references are sorted; outputs follow */
  m = model();
  input(m, "float32");
  uint32_t head = layer(m, "Dense", "softmax", 3); /* file index 0 */
  edges(m, head, 1, (nnl_ref)2);
  uint32_t first = layer(m, "Dense", "relu", 8); /* 1 */
  edges(m, first, 1, NNL_REF_INPUT(0));
  uint32_t mid = layer(m, "Dense", "relu", 8); /* 2 */
  edges(m, mid, 1, (nnl_ref)first);
  nnl_ir_add_output(m)->layer = (int32_t)head;
  L(m, mid)->name = str("mid");
  L(m, head)->name = str("head");
  CHECK("forward refs: sorts", prepare(m) == -1);
  CHECK("forward refs: order",
        str_is(L(m, 1)->name.s, "mid") && str_is(L(m, 2)->name.s, "head") &&
            L(m, 2)->inputs[0] == 1 && L(m, 1)->inputs[0] == 0);
  CHECK("forward refs: output remapped", m->outputs.items[0].layer == 2 &&
                                             m->output_layer == 2);
  CHECK("forward refs: depth", m->depth == 3 && L(m, 2)->depth == 3);
  nnl_ir_model_free(m);

  /* empty model */
  m = model();
  CHECK("empty: sorts", prepare(m) == -1);
  CHECK("empty: facts", m->derived && m->output_layer == -1 && m->depth == 0 &&
                            m->weight_layers == 0 && m->task_derived == NULL &&
                            !m->training.optimizer_context &&
                            m->n_classes.state != NNL_KNOWN);
  nnl_ir_model_free(m);

  /* inputs but no layers, outputs naming nothing */
  m = model();
  input(m, "uint8");
  nnl_ir_add_output(m);
  CHECK("no layers: sorts", prepare(m) == -1);
  CHECK("no layers: input facts", m->inputs.items[0].is_raw &&
                                      m->inputs.items[0].normalized == -1 &&
                                      m->inputs.items[0].first_weight == -1);
  nnl_ir_model_free(m);

  /* an explicit empty input list: a source, not the previous layer */
  m = model();
  input(m, "float32");
  a = layer(m, "Dense", "relu", 4);
  b = layer(m, "Dense", "relu", 4);
  edges(m, b, 0);
  CHECK("explicit no inputs: sorts", prepare(m) == -1);
  CHECK("explicit no inputs: kept", L(m, b)->n_inputs == 0 &&
                                        L(m, a)->n_consumers == 0 &&
                                        L(m, b)->depth == 1 && m->depth == 1);
  CHECK("explicit no inputs: toposort again keeps it",
        nnl_ir_toposort(m) == -1 && L(m, b)->n_inputs == 0);
  nnl_ir_model_free(m);

  /* refs to layers or inputs that do not exist are dropped */
  m = model();
  a = layer(m, "Dense", NULL, 4);
  b = layer(m, "Dense", NULL, 4);
  edges(m, b, 3, (nnl_ref)a, (nnl_ref)99, NNL_REF_INPUT(5));
  CHECK("bad refs: sorts", prepare(m) == -1);
  CHECK("bad refs: dropped", L(m, b)->n_inputs == 1 && L(m, b)->inputs[0] == 0);
  nnl_ir_model_free(m);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_big(void) {
  enum { N = 100000 };
  /* a 100k chain in file order */
  nnl_model *m = model();
  input(m, "float32");
  for (uint32_t i = 0; i < N; i++)
    layer(m, i % 2 ? "Dense" : "Activation", i % 2 ? "relu" : "tanh", 8);
  double t0 = now();
  CHECK("100k chain: sorts", prepare(m) == -1);
  double t1 = now();
  CHECK("100k chain: depth", m->depth == N / 2 && m->weight_layers == N / 2);
  CHECK("100k chain: output", m->output_layer == N - 1 && m->plain);
  CHECK("100k chain: first_weight", m->inputs.items[0].first_weight == 1);
  CHECK("100k chain: fast", t1 - t0 < 3.0);
  nnl_ir_model_free(m);

  /* a 100k chain written backwards: deep iterative sort */
  m = model();
  input(m, "float32");
  for (uint32_t i = 0; i < N; i++) {
    uint32_t k = layer(m, "Dense", "relu", 8);
    if (k + 1 < N) edges(m, k, 1, (nnl_ref)(k + 1));
    else edges(m, k, 1, NNL_REF_INPUT(0));
  }
  L(m, 0)->name = str("last");
  t0 = now();
  CHECK("100k reversed: sorts", prepare(m) == -1);
  t1 = now();
  CHECK("100k reversed: order", str_is(L(m, N - 1)->name.s, "last") &&
                                    L(m, N - 1)->inputs[0] == N - 2);
  CHECK("100k reversed: depth", m->depth == N && m->output_layer == N - 1);
  CHECK("100k reversed: fast", t1 - t0 < 3.0);
  nnl_ir_model_free(m);

  /* 100k layers all merging into one: linear, not quadratic */
  m = model();
  input(m, "float32");
  for (uint32_t i = 0; i < N; i++) {
    uint32_t k = layer(m, "Dense", "relu", 8);
    edges(m, k, 1, NNL_REF_INPUT(0));
  }
  uint32_t c = layer(m, "Concatenate", NULL, 0);
  nnl_ref *r = nnl_arena_alloc(&A, N * sizeof *r);
  for (uint32_t i = 0; i < N; i++) r[i] = (nnl_ref)i;
  L(m, c)->inputs = r;
  L(m, c)->n_inputs = N;
  t0 = now();
  CHECK("100k-way merge: sorts", prepare(m) == -1);
  t1 = now();
  CHECK("100k-way merge: facts", !m->plain && L(m, c)->is_skip_merge &&
                                     m->output_layer == -1);
  CHECK("100k-way merge: fast", t1 - t0 < 3.0);
  nnl_ir_model_free(m);
}

static void test_zero_grad(void) {
  nnl_model *m = model();
  input(m, "float32");
  uint32_t d1 = layer(m, "Dense", "relu", 8);
  uint32_t rnd = layer(m, "Round", NULL, 0);
  uint32_t cast_f = layer(m, "Cast", NULL, 0);
  L(m, cast_f)->cast_to = str("float32");
  uint32_t cast_i = layer(m, "Cast", NULL, 0);
  L(m, cast_i)->cast_to = str("tf.int64");
  uint32_t lam1 = layer(m, "Lambda", NULL, 0);
  L(m, lam1)->code = str("lambda x: tf.math.round(x * 3)");
  uint32_t lam2 = layer(m, "Lambda", NULL, 0);
  L(m, lam2)->code = str("lambda x: tf.cast(x, dtype=tf.int32)");
  uint32_t lam3 = layer(m, "Lambda", NULL, 0);
  L(m, lam3)->code = str("lambda x: design(x) * 2.0 + tf.cast(x, tf.float32)");
  uint32_t lam4 = layer(m, "Lambda", NULL, 0);
  L(m, lam4)->code = str("lambda x: x.long()");
  uint32_t d2 = layer(m, "Dense", NULL, 4);
  uint32_t am = layer(m, "ArgMax", NULL, 0);
  prepare(m);
  CHECK("zero_grad: Round", L(m, rnd)->zero_grad);
  CHECK("zero_grad: Cast to float is fine", !L(m, cast_f)->zero_grad);
  CHECK("zero_grad: Cast to int", L(m, cast_i)->zero_grad);
  CHECK("zero_grad: Lambda round", L(m, lam1)->zero_grad);
  CHECK("zero_grad: Lambda cast to int", L(m, lam2)->zero_grad);
  CHECK("zero_grad: Lambda without", !L(m, lam3)->zero_grad);
  CHECK("zero_grad: Lambda .long()", L(m, lam4)->zero_grad);
  CHECK("zero_grad: ArgMax", L(m, am)->zero_grad);
  CHECK("between_weights: inside", L(m, rnd)->between_weights &&
                                       L(m, lam2)->between_weights);
  CHECK("between_weights: after the last weight layer",
        !L(m, am)->between_weights);
  CHECK("between_weights: first weight layer", !L(m, d1)->between_weights);
  CHECK("output through ArgMax: unknown activation",
        m->output_layer == (int32_t)d2 && L(m, d2)->out_act == NNL_ACT_UNKNOWN);
  nnl_ir_model_free(m);
}

static void test_inputs(void) {
  /* uint8 image straight into a Dense */
  nnl_model *m = model();
  input(m, "uint8");
  layer(m, "Flatten", NULL, 0);
  uint32_t d = layer(m, "Dense", "relu", 8);
  prepare(m);
  nnl_input *in = &m->inputs.items[0];
  CHECK("raw image: is_raw", in->is_raw && !in->is_id_like);
  CHECK("raw image: not normalized", in->normalized == 0);
  CHECK("raw image: first_weight", in->first_weight == (int32_t)d);
  CHECK("raw image: encoded 0", in->encoded == 0);
  nnl_ir_model_free(m);

  /* ... with Rescaling on the way */
  m = model();
  input(m, "uint8");
  layer(m, "Rescaling", NULL, 0);
  layer(m, "Conv2D", "relu", 8);
  prepare(m);
  CHECK("rescaled: normalized", m->inputs.items[0].normalized == 1);
  nnl_ir_model_free(m);

  /* ... with a declared normalization */
  m = model();
  input(m, "uint8");
  m->inputs.items[0].normalize = str("standardize");
  layer(m, "Dense", NULL, 8);
  prepare(m);
  CHECK("declared normalize: normalized", m->inputs.items[0].normalized == 1);
  nnl_ir_model_free(m);

  /* ... normalize: none */
  m = model();
  input(m, "uint8");
  m->inputs.items[0].normalize = str("none");
  layer(m, "Dense", NULL, 8);
  prepare(m);
  CHECK("normalize none: not normalized", m->inputs.items[0].normalized == 0);
  nnl_ir_model_free(m);

  /* ... a Lambda on the way: unknown */
  m = model();
  input(m, "uint8");
  layer(m, "Lambda", NULL, 0);
  layer(m, "Dense", NULL, 8);
  prepare(m);
  CHECK("lambda on the way: unknown", m->inputs.items[0].normalized == -1);
  nnl_ir_model_free(m);

  /* ... one path normalized, one not */
  m = model();
  input(m, "float32");
  m->inputs.items[0].range_lo = num(0);
  m->inputs.items[0].range_hi = num(1000);
  uint32_t bn = layer(m, "BatchNormalization", NULL, 0);
  uint32_t c = layer(m, "Concatenate", NULL, 0);
  edges(m, c, 2, (nnl_ref)bn, NNL_REF_INPUT(0));
  layer(m, "Dense", NULL, 8);
  prepare(m);
  CHECK("range over 10: is_raw", m->inputs.items[0].is_raw);
  CHECK("one path raw: not normalized", m->inputs.items[0].normalized == 0);
  nnl_ir_model_free(m);

  /* categorical ids through an Embedding */
  m = model();
  input(m, "int64");
  uint32_t e = layer(m, "Embedding", NULL, 16);
  layer(m, "Flatten", NULL, 0);
  layer(m, "Dense", NULL, 1);
  prepare(m);
  in = &m->inputs.items[0];
  CHECK("ids: is_id_like", in->is_id_like && !in->is_raw);
  CHECK("ids via Embedding: encoded", in->encoded == 1);
  CHECK("ids via Embedding: first_weight", in->first_weight == (int32_t)e);
  CHECK("ids via Embedding: normalization not asked", in->normalized == 1);
  nnl_ir_model_free(m);

  /* ids cast to float into a Dense */
  m = model();
  input(m, "int32");
  uint32_t cast = layer(m, "Cast", NULL, 0);
  L(m, cast)->cast_to = str("float32");
  layer(m, "Dense", NULL, 1);
  prepare(m);
  CHECK("ids cast to float: not encoded", m->inputs.items[0].encoded == 0);
  nnl_ir_model_free(m);

  /* categorical kind wins over dtype; StringLookup then one-hot encodes */
  m = model();
  input(m, "uint8");
  m->inputs.items[0].kind = str("categorical");
  layer(m, "IntegerLookup", NULL, 0);
  layer(m, "Dense", NULL, 4);
  prepare(m);
  in = &m->inputs.items[0];
  CHECK("categorical: id-like, not raw", in->is_id_like && !in->is_raw);
  CHECK("lookup: encoded", in->encoded == 1);
  nnl_ir_model_free(m);

  /* int64 with a declared range is not id-like; an unused input */
  m = model();
  input(m, "int64");
  m->inputs.items[0].range_lo = num(0);
  m->inputs.items[0].range_hi = num(5);
  input(m, "float32");
  layer(m, "Dense", NULL, 4);
  prepare(m);
  CHECK("int64 with range: not id-like", !m->inputs.items[0].is_id_like);
  CHECK("unused input: unknown", m->inputs.items[1].normalized == -1 &&
                                     m->inputs.items[1].encoded == -1 &&
                                     m->inputs.items[1].first_weight == -1);
  nnl_ir_model_free(m);

  /* a preprocessing step that one-hot encodes */
  m = model();
  input(m, "int64");
  static nnl_value steps[1];
  steps[0].type = NNL_V_STR;
  steps[0].s = "one_hot";
  m->inputs.items[0].preprocess = (nnl_list){steps, 1, NNL_NOSPAN, NNL_KNOWN};
  layer(m, "Dense", NULL, 4);
  prepare(m);
  CHECK("declared one-hot step: encoded", m->inputs.items[0].encoded == 1);
  nnl_ir_model_free(m);

  /* 70 inputs: the second batch of 64 */
  m = model();
  for (int i = 0; i < 70; i++) input(m, "uint8");
  uint32_t cc = layer(m, "Concatenate", NULL, 0);
  nnl_ref *r = nnl_arena_alloc(&A, 70 * sizeof *r);
  for (int i = 0; i < 70; i++) r[i] = NNL_REF_INPUT(i);
  L(m, cc)->inputs = r;
  L(m, cc)->n_inputs = 70;
  d = layer(m, "Dense", NULL, 4);
  prepare(m);
  CHECK("70 inputs: last one walked", m->inputs.items[69].normalized == 0 &&
                                          m->inputs.items[69].first_weight == (int32_t)d);
  CHECK("70 inputs: mask keeps 64", L(m, cc)->input_mask == UINT64_MAX);
  CHECK("70 inputs: plain (different inputs)", m->plain);
  nnl_ir_model_free(m);
}

static nnl_model *opt_model(const char *type) {
  nnl_model *m = model();
  layer(m, "Dense", "relu", 8);
  layer(m, "Dense", NULL, 1);
  m->training.state = NNL_KNOWN;
  m->training.optimizer.state = NNL_KNOWN;
  m->training.optimizer.type = str(type);
  return m;
}

static void test_optimizer(void) {
  nnl_model *m = opt_model("Adam");
  nnl_optimizer *o = &m->training.optimizer;
  prepare(m);
  CHECK("adam: canon", str_is(o->canon, "adam") && str_is(o->framework, "keras"));
  CHECK("adam: default lr", o->lr_default.state == NNL_KNOWN &&
                                o->lr_default.v == 0.001 && o->lr_is_default == 1);
  CHECK("adam: adaptive", o->is_adaptive == 1);
  CHECK("adam: no clipping", o->clipping.state == NNL_ABSENT);
  CHECK("adam: optimizer context only", m->training.optimizer_context &&
                                            !m->training.fit_context);
  CHECK("adam: no regularization", !m->has_regularization);
  o->lr = num(0.0010000000474974513);
  nnl_ir_derive(m);
  CHECK("adam: float32 0.001 is the default", o->lr_is_default == 1);
  o->lr = num(0.0003);
  nnl_ir_derive(m);
  CHECK("adam: 3e-4 is not", o->lr_is_default == 0);
  o->lr = unknown_num();
  nnl_ir_derive(m);
  CHECK("adam: unknown lr", o->lr_is_default == -1);
  nnl_ir_model_free(m);

  m = opt_model("torch.optim.SGD");
  o = &m->training.optimizer;
  o->clipnorm = num(0);
  o->clipvalue = num(0.5);
  prepare(m);
  CHECK("torch sgd: canon and framework",
        str_is(o->canon, "sgd") && str_is(o->framework, "pytorch"));
  CHECK("torch sgd: default 0.001", o->lr_default.v == 0.001 &&
                                        o->lr_is_default == 1);
  CHECK("torch sgd: not adaptive", o->is_adaptive == 0);
  CHECK("clipnorm 0 is none, clipvalue in force",
        o->clipping.state == NNL_KNOWN && o->clipping.v == 0.5 &&
            str_is(o->clipping_name, "clipvalue"));
  nnl_ir_model_free(m);

  m = opt_model("keras.optimizers.SGD");
  o = &m->training.optimizer;
  o->lr = num(0.01);
  o->clipnorm = unknown_num();
  prepare(m);
  CHECK("keras sgd: default 0.01", o->lr_default.v == 0.01 &&
                                       o->lr_is_default == 1);
  CHECK("unknown clipnorm: clipping unknown", o->clipping.state == NNL_UNKNOWN);
  nnl_ir_model_free(m);

  m = opt_model("tf.keras.optimizers.Nadam");
  prepare(m);
  CHECK("nadam: keras default", str_is(m->training.optimizer.canon, "nadam") &&
                                    m->training.optimizer.lr_default.v == 0.001);
  nnl_ir_model_free(m);

  m = opt_model("torch.optim.RMSprop");
  prepare(m);
  CHECK("torch RMSprop: the rules.md NN006 default 0.001",
        m->training.optimizer.lr_default.v == 0.001);
  nnl_ir_model_free(m);

  m = opt_model("torch.optim.NAdam");
  prepare(m);
  CHECK("NAdam: torch default", m->training.optimizer.lr_default.v == 0.002);
  nnl_ir_model_free(m);

  m = opt_model("Adam");
  m->training.optimizer.framework = "onnx";
  m->training.optimizer.lr = num(0.001);
  prepare(m);
  CHECK("onnx Adam: no framework default",
        m->training.optimizer.lr_default.state == NNL_ABSENT &&
            m->training.optimizer.lr_is_default == -1 &&
            m->training.optimizer.is_adaptive == 1);
  nnl_ir_model_free(m);

  m = opt_model("MyFancyOptimizer");
  o = &m->training.optimizer;
  o->lr = num(0.001);
  o->global_clipnorm = num(1);
  prepare(m);
  CHECK("unknown optimizer: unknowns", o->canon == NULL &&
                                           o->lr_is_default == -1 &&
                                           o->is_adaptive == -1 &&
                                           o->lr_default.state == NNL_ABSENT);
  CHECK("global_clipnorm", str_is(o->clipping_name, "global_clipnorm"));
  nnl_ir_model_free(m);

  /* regularization from the optimizer */
  m = opt_model("AdamW");
  prepare(m);
  CHECK("adamw: regularization", m->has_regularization);
  m->training.optimizer.weight_decay = num(0);
  nnl_ir_derive(m);
  CHECK("adamw decay 0: none", !m->has_regularization);
  m->training.optimizer.weight_decay = unknown_num();
  nnl_ir_derive(m);
  CHECK("unknown decay: counts", m->has_regularization);
  nnl_ir_model_free(m);

  m = opt_model("Adam");
  m->training.optimizer.weight_decay = num(1e-4);
  prepare(m);
  CHECK("adam decay: regularization", m->has_regularization);
  nnl_ir_model_free(m);

  m = opt_model("sgd");
  static nnl_value aug[1];
  aug[0].type = NNL_V_STR;
  aug[0].s = "random_flip";
  m->training.augmentation = (nnl_list){aug, 1, NNL_NOSPAN, NNL_KNOWN};
  prepare(m);
  CHECK("augmentation: regularization", m->has_regularization);
  nnl_ir_model_free(m);

  m = opt_model("sgd");
  layer(m, "RandomFlip", NULL, 0);
  prepare(m);
  CHECK("RandomFlip layer: regularization", m->has_regularization);
  nnl_ir_model_free(m);

  m = opt_model("sgd");
  L(m, 0)->kernel_regularizer = str("l2");
  L(m, 1)->kernel_regularizer = str("none");
  prepare(m);
  CHECK("kernel regularizer", m->has_kernel_regularizer && m->has_regularization);
  nnl_ir_model_free(m);

  m = opt_model("sgd");
  L(m, 1)->kernel_regularizer = str("none");
  prepare(m);
  CHECK("kernel regularizer none", !m->has_kernel_regularizer &&
                                       !m->has_regularization);
  nnl_ir_model_free(m);
}

static nnl_model *loss_model(const char *loss, const char *act, double units) {
  nnl_model *m = model();
  layer(m, "Dense", "relu", 8);
  layer(m, "Dense", act, units);
  if (loss) {
    m->training.state = NNL_KNOWN;
    m->training.loss = str(loss);
  }
  return m;
}

static void test_loss_task(void) {
  nnl_model *m = loss_model("sparse_categorical_crossentropy", NULL, 10);
  prepare(m);
  nnl_training *t = &m->training;
  CHECK("scce: canon", str_is(t->loss_canon, "sparse_categorical_crossentropy") &&
                           str_is(t->loss_task, "classification"));
  CHECK("scce: no implied logits", t->from_logits.state == NNL_ABSENT);
  CHECK("scce: task", str_is(m->task_derived, "classification") &&
                          m->n_classes.v == 10);
  CHECK("loss: optimizer context", t->optimizer_context && !t->fit_context);
  nnl_ir_model_free(m);

  m = loss_model("torch.nn.CrossEntropyLoss", NULL, 5);
  prepare(m);
  t = &m->training;
  CHECK("CrossEntropyLoss: sparse + logits",
        str_is(t->loss_canon, "sparse_categorical_crossentropy") &&
            t->from_logits.state == NNL_KNOWN && t->from_logits.v);
  nnl_ir_model_free(m);

  m = loss_model("BCEWithLogitsLoss", NULL, 1);
  m->training.from_logits = (nnl_flag){false, NNL_NOSPAN, NNL_KNOWN};
  prepare(m);
  t = &m->training;
  CHECK("BCEWithLogits: declared from_logits kept",
        str_is(t->loss_canon, "binary_crossentropy") && !t->from_logits.v);
  CHECK("binary loss, 1 unit: 2 classes", m->n_classes.v == 2);
  nnl_ir_model_free(m);

  m = loss_model("MSELoss", "sigmoid", 1);
  prepare(m);
  CHECK("mse with sigmoid: regression", str_is(m->training.loss_canon, "mse") &&
                                            str_is(m->task_derived, "regression") &&
                                            m->n_classes.state != NNL_KNOWN);
  nnl_ir_model_free(m);

  m = loss_model("keras.losses.Huber()", NULL, 1);
  prepare(m);
  CHECK("Huber(): huber", str_is(m->training.loss_canon, "huber"));
  nnl_ir_model_free(m);

  m = loss_model("cosine_similarity", "softmax", 4);
  prepare(m);
  CHECK("cosine: no task", m->training.loss_task == NULL && m->task_derived == NULL);
  nnl_ir_model_free(m);

  m = loss_model(NULL, "sigmoid", 1);
  prepare(m);
  CHECK("one sigmoid unit: binary, 2 classes",
        str_is(m->task_derived, "classification") && m->n_classes.v == 2);
  nnl_ir_model_free(m);

  m = loss_model(NULL, "softmax", 1);
  prepare(m);
  CHECK("one softmax unit: classes unknown", m->n_classes.state != NNL_KNOWN);
  nnl_ir_model_free(m);

  m = loss_model("mse", "softmax", 3);
  m->task = str("Binary_Classification");
  m->classes = num(5);
  prepare(m);
  CHECK("declared task and classes win",
        str_is(m->task_derived, "binary-classification") && m->n_classes.v == 5);
  nnl_ir_model_free(m);

  m = loss_model(NULL, NULL, 3);
  m->task = str("segmentation");
  prepare(m);
  CHECK("declared other task", str_is(m->task_derived, "other"));
  nnl_ir_model_free(m);

  m = loss_model(NULL, NULL, 3);
  prepare(m);
  CHECK("linear, no loss: task unknown", m->task_derived == NULL);
  nnl_ir_model_free(m);

  m = loss_model(NULL, NULL, 3);
  m->training.state = NNL_KNOWN;
  m->training.batch_size = num(32);
  prepare(m);
  CHECK("batch size: fit context", m->training.fit_context &&
                                       !m->training.optimizer_context);
  nnl_ir_model_free(m);

  m = loss_model(NULL, NULL, 3);
  m->training.state = NNL_KNOWN;
  m->training.validation = (nnl_flag){false, NNL_NOSPAN, NNL_KNOWN};
  prepare(m);
  CHECK("fit call without arguments: fit context", m->training.fit_context);
  nnl_ir_model_free(m);
}

int main(void) {
  nnl_arena_init(&A);
  test_mlp();
  test_activation_layers();
  test_opaque();
  test_residual();
  test_two_inputs();
  test_multi_output();
  test_order();
  test_big();
  test_zero_grad();
  test_inputs();
  test_optimizer();
  test_loss_task();
  nnl_arena_free(&A);
  return failures ? 1 : 0;
}
