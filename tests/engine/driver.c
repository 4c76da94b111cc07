/*
 * driver.c - test driver for the rule engine, independent of the front
 * ends: a fixed, hand-built model (below) that expressions, templates and
 * rule folders run over.  Built by tests/suite_engine.sh against the
 * object files (everything but the CLI).
 *
 *   driver eval TEMPLATE...   render each template over the model; a compile
 *                             error prints "error @OFFSET: message"
 *   driver run DIR [ID.PARAM=VALUE | ID=SEVERITY]...
 *                             load DIR, apply overrides, run, print findings
 *                             "RULE severity off+len [where] message | fix"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/expr.h"

static nnl_span sp(uint32_t off, uint32_t len) { return (nnl_span){off, len}; }
static nnl_num num(double v, uint32_t off) { return (nnl_num){v, sp(off, 2), NNL_KNOWN}; }
static nnl_str str(const char *s, uint32_t off) { return (nnl_str){s, sp(off, 3), NNL_KNOWN}; }

static nnl_value list_items[2];
static nnl_ref out_inputs[1] = {1};

/* The model:
 *   inputs:  img (uint8, range 0..255, norm_std [0.5, 0])
 *   layers:  d1 Dense 64 relu zeros-init (hidden) | Dropout 0.5 |
 *            out Dense 10 softmax (output, where "graph/node[2]")
 *   training: batch 1024, loss categorical_crossentropy, metrics absent,
 *             optimizer Adam with an unknown lr; fit context only
 *   dataset_size 1000, classes 10, task classification */
static nnl_doc *make_doc(void) {
  size_t len = 400;
  char *src = malloc(len + 1);
  memset(src, 'x', len);
  src[len] = '\0';
  nnl_doc *d = nnl_doc_new("model.yaml", src, len);
  nnl_model *m = nnl_ir_model_new(&d->arena);
  m->at = sp(0, 300);
  m->name = str("mnist", 1);
  m->dataset_size = num(1000, 5);
  m->n_classes = num(10, 7);
  m->task_derived = "classification";
  m->weight_layers = 2;
  m->depth = 2;
  m->plain = true;
  m->has_dropout = true;
  m->has_regularization = true;
  nnl_input *in = nnl_ir_add_input(m);
  in->at = sp(20, 30);
  in->name = str("img", 21);
  in->dtype = str("uint8", 25);
  in->range_lo = num(0, 30);
  in->range_hi = num(255, 33);
  list_items[0] = (nnl_value){.type = NNL_V_NUM, .n = 0.5, .at = sp(40, 3)};
  list_items[1] = (nnl_value){.type = NNL_V_NUM, .n = 0, .at = sp(45, 1)};
  in->norm_std = (nnl_list){list_items, 2, sp(39, 10), NNL_KNOWN};
  in->is_raw = true;
  in->normalized = 0;
  nnl_layer *l = nnl_ir_add_layer(m);
  l->at = sp(60, 40);
  l->name = str("d1", 61);
  l->type = str("Dense", 65);
  l->op = nnl_op_lookup("Dense");
  l->act = nnl_act_lookup("relu");
  l->act_at = sp(70, 4);
  l->units = num(64, 76);
  l->kernel_init = str("zeros", 80);
  l->is_weight = l->is_hidden = true;
  l = nnl_ir_add_layer(m);
  l->at = sp(110, 20);
  l->type = str("Dropout", 111);
  l->op = nnl_op_lookup("Dropout");
  l->rate = num(0.5, 120);
  l = nnl_ir_add_layer(m);
  l->at = sp(140, 40);
  l->name = str("out", 141);
  l->type = str("Dense", 145);
  l->op = nnl_op_lookup("Dense");
  l->act = nnl_act_lookup("softmax");
  l->act_at = sp(150, 7);
  l->units = num(10, 160);
  l->is_weight = l->is_output = true;
  l->out_act = l->act;
  l->out_act_at = l->act_at;
  l->where = "graph/node[2]";
  l->inputs = out_inputs;
  l->n_inputs = 1;
  m->output_layer = 2;
  m->n_outputs = num(10, 160);
  nnl_training *t = &m->training;
  t->at = sp(200, 80);
  t->state = NNL_KNOWN;
  t->batch_size = num(1024, 210);
  t->loss = str("categorical_crossentropy", 220);
  t->loss_canon = "categorical_crossentropy";
  t->loss_task = "classification";
  t->fit_context = true;
  t->optimizer.at = sp(250, 20);
  t->optimizer.state = NNL_KNOWN;
  t->optimizer.type = str("Adam", 252);
  t->optimizer.canon = "adam";
  t->optimizer.lr = (nnl_num){0, sp(258, 5), NNL_UNKNOWN};
  t->optimizer.lr_default = num(0.001, 0);
  t->optimizer.is_adaptive = 1;
  t->optimizer.lr_is_default = -1;
  m->derived = true;
  nnl_array_push(&d->models, m);
  return d;
}

static int eval_templates(int argc, char **argv) {
  nnl_arena arena;
  nnl_arena_init(&arena);
  nnl_regex_list regexes = {0};
  nnl_param params[3] = {
      {.name = "lim", .def = {.type = NNL_V_NUM, .n = 3}},
      {.name = "act", .def = {.type = NNL_V_STR, .s = "relu"}},
      {.name = "flag", .def = {.type = NNL_V_BOOL, .b = true}}};
  for (int i = 0; i < 3; i++) params[i].cur = params[i].def;
  nnl_doc *d = make_doc();
  for (int i = 0; i < argc; i++) {
    nnl_compiler c;
    memset(&c, 0, sizeof c);
    c.arena = &arena;
    c.params = params;
    c.n_params = 3;
    c.regexes = &regexes;
    nnl_tmpl *t = nnl_tmpl_compile(&c, argv[i], strlen(argv[i]));
    if (!t) {
      printf("error @%u: %s\n", c.err_off, c.msg);
      continue;
    }
    nnl_eval ev;
    nnl_eval_init(&ev, c.n_slots);
    ev.m = d->models.items[0];
    nnl_buf b = {0};
    nnl_tmpl_render(&ev, t, &b);
    printf("%s\n", nnl_buf_str(&b));
    nnl_buf_free(&b);
    nnl_eval_free(&ev);
  }
  nnl_doc_free(d);
  nnl_expr_free_regexes(&regexes);
  nnl_arena_free(&arena);
  return 0;
}

static int run_dir(int argc, char **argv) {
  nnl_ruleset *rs = nnl_ruleset_new();
  nnl_error err;
  int rc = 0;
  if (nnl_ruleset_load_dir(rs, argv[0], &err) < 0) {
    nnl_error_print(&err, stdout);
    nnl_ruleset_free(rs);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    char *a = argv[i], *eq = strchr(a, '='), *dot = strchr(a, '.');
    if (!eq) continue;
    *eq = '\0';
    int r;
    if (dot && dot < eq) {
      *dot = '\0';
      r = nnl_ruleset_set_param(rs, a, dot + 1, eq + 1, &err);
    } else {
      r = nnl_ruleset_set_severity(rs, a, (nnl_severity)nnl_severity_parse(eq + 1), &err);
    }
    if (r < 0) {
      nnl_error_print(&err, stdout);
      rc = 2;
    }
  }
  nnl_ctx cx = {.rules = rs, .fail_on = NNL_SEV_WARNING, .log = stderr};
  nnl_doc *d = make_doc();
  nnl_engine_run(&cx, d);
  for (uint32_t i = 0; i < d->diags.len; i++) {
    const nnl_diag *g = &d->diags.items[i];
    printf("%s %s %u+%u%s%s%s %s | %s\n", g->rule, nnl_severity_name(g->severity),
           g->span.off, g->span.len, g->where ? " [" : "", g->where ? g->where : "",
           g->where ? "]" : "", g->message, g->fix ? g->fix : "-");
  }
  nnl_doc_free(d);
  nnl_ruleset_free(rs);
  return rc;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "eval")) return eval_templates(argc - 2, argv + 2);
  if (argc >= 3 && !strcmp(argv[1], "run")) return run_dir(argc - 2, argv + 2);
  fprintf(stderr, "usage: driver eval TEMPLATE... | driver run DIR [overrides]\n");
  return 2;
}
