/*
 * dump.c - print what the ONNX binary front end builds from a file: the
 * diagnostics, then the IR (inputs, layers with their edges, outputs,
 * training).  A test driver that does not need the CLI:
 *
 *   cc -Ilint tests/onnx/dump.c lint/base.c lint/doc.c lint/ir.c \
 *      lint/ir_derive.c lint/frontend/onnx_binary.c lint/frontend/onnx_graph.c -lm
 *   ./a.out model.onnx
 *
 * Exit status: 0 parsed, 1 NN000, 2 the file could not be opened.
 */
#include <stdio.h>
#include <string.h>

#include "nnlint.h"

/* doc.c asks for the format of the path; this driver reads ONNX only. */
nnl_format nnl_detect_format(const char *path, const char *src, size_t len) {
  (void)path, (void)src, (void)len;
  return NNL_FMT_ONNX;
}

static void num(const char *k, nnl_num n) {
  if (n.state == NNL_KNOWN) printf(" %s=%g", k, n.v);
  else if (n.state == NNL_UNKNOWN) printf(" %s=?", k);
}
static void flag(const char *k, nnl_flag f) {
  if (f.state == NNL_KNOWN) printf(" %s=%s", k, f.v ? "true" : "false");
  else if (f.state == NNL_UNKNOWN) printf(" %s=?", k);
}
static void str(const char *k, nnl_str s) {
  if (s.state == NNL_KNOWN) printf(" %s=%s", k, s.s);
  else if (s.state == NNL_UNKNOWN) printf(" %s=?", k);
}
static void ref(nnl_ref r) {
  if (NNL_REF_IS_INPUT(r)) printf(" in%u", NNL_REF_INPUT_INDEX(r));
  else printf(" L%d", r);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: dump FILE.onnx\n");
    return 2;
  }
  nnl_error err;
  nnl_doc *d = nnl_doc_open(argv[1], NULL, &err);
  if (!d) {
    nnl_error_print(&err, stderr);
    return 2;
  }
  nnl_ctx cx = {0};
  int rc = nnl_parse_onnx(&cx, d);
  for (uint32_t i = 0; i < d->diags.len; i++) {
    nnl_diag *g = &d->diags.items[i];
    printf("%s @%u+%u%s%s: %s\n", g->rule, g->span.off, g->span.len,
           g->where ? " " : "", g->where ? g->where : "", g->message);
  }
  for (uint32_t mi = 0; mi < d->models.len; mi++) {
    nnl_model *m = d->models.items[mi];
    for (uint32_t i = 0; i < m->inputs.len; i++) {
      nnl_input *in = &m->inputs.items[i];
      printf("input in%u", i);
      str("name", in->name);
      str("dtype", in->dtype);
      if (in->shape.state == NNL_KNOWN) {
        printf(" shape=[");
        for (uint32_t k = 0; k < in->shape.n; k++) {
          const nnl_value *v = &in->shape.items[k];
          printf("%s", k ? "," : "");
          if (v->type == NNL_V_NUM) printf("%g", v->n);
          else if (v->type == NNL_V_STR) printf("%s", v->s);
          else printf("?");
        }
        printf("]");
      }
      printf(" raw=%d id=%d norm=%d enc=%d\n", in->is_raw, in->is_id_like,
             in->normalized, in->encoded);
    }
    for (uint32_t i = 0; i < m->layers.len; i++) {
      nnl_layer *l = &m->layers.items[i];
      printf("L%u %s op=%s", i, l->type.s ? l->type.s : "?",
             nnl_op_info_of(l->op)->name);
      if (l->act != NNL_ACT_NONE) printf(" act=%s", nnl_act_info_of(l->act)->name);
      num("units", l->units);
      num("rate", l->rate);
      str("cast_to", l->cast_to);
      flag("w_zero", l->weights_all_zero);
      flag("w_equal", l->weights_all_equal);
      num("w_value", l->weights_value);
      printf(" <-");
      for (uint32_t k = 0; k < l->n_inputs; k++) ref(l->inputs[k]);
      if (l->is_output) printf(" OUTPUT");
      if (l->where) printf("  [%s]", l->where);
      printf("\n");
    }
    for (uint32_t i = 0; i < m->outputs.len; i++)
      printf("output %s <- L%d\n", m->outputs.items[i].name.s,
             m->outputs.items[i].layer);
    nnl_training *t = &m->training;
    if (t->state == NNL_KNOWN) {
      printf("training");
      str("loss", t->loss);
      str("optimizer", t->optimizer.type);
      num("lr", t->optimizer.lr);
      num("weight_decay", t->optimizer.weight_decay);
      num("momentum", t->optimizer.momentum);
      printf("\n");
    }
    printf("model weight_layers=%u depth=%u plain=%d output_layer=%d\n",
           m->weight_layers, m->depth, m->plain, m->output_layer);
  }
  nnl_doc_free(d);
  return rc ? 1 : 0;
}
