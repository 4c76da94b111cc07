/*
 * fuzz.c - the pipeline the libFuzzer targets share (fuzz.h): one input
 * through front end, derive, engine, suppressions, baseline and all five
 * reporters, in memory.  Linked into every target; lint/cli/main.c is not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "suppress.h"

const char fz_sample_spec[] =
    "# nnlint: disable=NN005\n"
    "nnlint: 1\n"
    "name: sample\n"
    "task: classification\n"
    "classes: 10\n"
    "dataset_size: 500\n"
    "inputs:\n"
    "  - {name: image, shape: [28, 28, 1], dtype: uint8, range: [0, 255],\n"
    "     kind: image, normalize: {mean: 0.1, std: 0.3}, preprocess: [to_float]}\n"
    "outputs:\n"
    "  - {name: digit, range: [0, 1]}\n"
    "layers:\n"
    "  - {type: Conv2D, name: c1, filters: 4, kernel_size: 3, activation: relu,\n"
    "     kernel_initializer: zeros}\n"
    "  - {type: Conv2D, name: c2, filters: 4, kernel_size: 3, activation: sigmoid}\n"
    "  - {type: Add, name: res, inputs: [c1, c2]}\n"
    "  - {type: Flatten}\n"
    "  - {type: Dense, units: 3, activation: tanh, repeat: 12,\n"
    "     kernel_regularizer: {type: l2, l2: 0.0001}}\n"
    "  - {type: Dropout, rate: 0.2}\n"
    "  - {type: Dense, name: logits, units: 10, activation: relu}\n"
    "training:\n"
    "  optimizer: {type: Adam, learning_rate: 3.0, clipnorm: 1.0}\n"
    "  loss: {type: categorical_crossentropy, from_logits: true}\n"
    "  metrics: [accuracy]\n"
    "  batch_size: 4096  # nnlint: disable=NN004\n"
    "  epochs: 2\n"
    "  augmentation: [random_flip]\n";

/* abort() with a message: the harness itself is broken, not the input. */
static void die(const char *what, const nnl_error *err) {
  fprintf(stderr, "fuzz harness: %s", what);
  if (err) nnl_error_print(err, stderr);
  else fputc('\n', stderr);
  abort();
}

nnl_ruleset *fz_builtin_rules(void) {
  static nnl_ruleset *rs;
  if (!rs) {
    nnl_error err = {0};
    rs = nnl_ruleset_new();
    if (nnl_ruleset_load_builtin(rs, &err) != 0) die("built-in rules: ", &err);
    if (nnl_suppress_register(rs, &err) != 0) die("meta-rules: ", &err);
  }
  return rs;
}

/* The files fz_tmpdir and the targets write into it (cfg/: fuzz_config,
 * lsp.in: fuzz_lsp). */
static const char *const tmp_files[] = {"w.bin", "cfg/.nnlint.yaml", "cfg",
                                        "lsp.in"};

/* Remove a folder made by mkdtemp at exit (a crash leaves it behind). */
static char made_dir[256];
static void remove_tmpdir(void) {
  char path[512];
  for (size_t i = 0; i < sizeof tmp_files / sizeof *tmp_files; i++) {
    snprintf(path, sizeof path, "%s/%s", made_dir, tmp_files[i]);
    remove(path);
  }
  remove(made_dir);
}

const char *fz_tmpdir(void) {
  static char dir[256];
  if (!dir[0]) {
    /* NNLINT_FUZZ_TMP: a folder of the run's own (run.sh sets one per
     * target, so the processes of fork mode share it); else a new one */
    const char *fixed = getenv("NNLINT_FUZZ_TMP");
    if (fixed && *fixed) {
      snprintf(dir, sizeof dir, "%s", fixed);
      if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        die("cannot create NNLINT_FUZZ_TMP", NULL);
    } else {
      const char *t = getenv("TMPDIR");
      snprintf(dir, sizeof dir, "%s/nnlint-fuzz.XXXXXX", t && *t ? t : "/tmp");
      if (!mkdtemp(dir)) die("cannot create a temporary folder", NULL);
      snprintf(made_dir, sizeof made_dir, "%s", dir);
      atexit(remove_tmpdir);
    }
    char path[300];
    snprintf(path, sizeof path, "%s/w.bin", dir);
    FILE *f = fopen(path, "wb");
    if (!f) die("cannot write w.bin", NULL);
    static const char zeros[4096];
    fwrite(zeros, 1, sizeof zeros, f);
    fclose(f);
  }
  return dir;
}

/* doc printed in format f, as a heap string.  rs: the rules SARIF
 * describes (NULL: only those with findings). */
static char *report_str(nnl_output_format f, const nnl_ruleset *rs,
                        nnl_doc *doc, bool color) {
  char *buf = NULL;
  size_t n = 0;
  FILE *out = open_memstream(&buf, &n);
  if (!out) nnl_oom();
  nnl_reporter *r = nnl_reporter_new(f, out, color);
  nnl_reporter_set_rules(r, rs);
  nnl_reporter_doc(r, doc);
  nnl_reporter_finish(r);
  fclose(out);
  return buf;
}

/* Print doc in format f into memory, and throw the text away. */
static void report_as(nnl_output_format f, const nnl_ruleset *rs,
                      nnl_doc *doc, bool color) {
  free(report_str(f, rs, doc, color));
}

size_t fz_lint(nnl_ruleset *rs, const char *name, nnl_format fmt,
               const uint8_t *data, size_t size) {
  fz_opts o = {.rules = rs};
  return fz_lint_with(&o, name, fmt, data, size);
}

size_t fz_lint_with(const fz_opts *o, const char *name, nnl_format fmt,
                    const uint8_t *data, size_t size) {
  static const fz_opts none;
  if (!o) o = &none;
  nnl_ruleset *rs = o->rules ? o->rules : fz_builtin_rules();
  char path[512];
  snprintf(path, sizeof path, "%s/%s", fz_tmpdir(), name);
  nnl_ctx cx = {0};
  cx.rules = rs;
  cx.select = o->select;
  cx.ignore = o->ignore;
  cx.fail_on = NNL_SEV_WARNING;

  /* the bytes as nnl_doc_open would hand them over */
  bool binary = fmt == NNL_FMT_ONNX;
  size_t cap = size + (binary ? 0 : 1);
  char *src = malloc(cap ? cap : 1);
  if (!src) nnl_oom();
  if (size) memcpy(src, data, size);
  if (!binary) src[size] = '\0';
  /* the content checks of format detection, on their own */
  if (!binary) {
    (void)nnl_detect_format("detect.json", src, size);
    (void)nnl_onnx_text_sniff(src, size);
  }
  nnl_doc *doc = nnl_doc_new(path, src, size);
  doc->format = fmt;

  nnl_frontend_run(&cx, doc);
  nnl_suppress_attach(doc, o->file_ignores, NULL);
  if (!doc->skipped && !doc->failed) {
    nnl_engine_run(&cx, doc);
    nnl_suppress_finish(&cx, doc);
  }
  nnl_baseline *bl = nnl_baseline_new();
  nnl_baseline_add_doc(bl, doc);
  nnl_baseline_free(bl);

  report_as(NNL_OUT_TEXT, rs, doc, size & 1);
  report_as(NNL_OUT_JSON, rs, doc, false);
  /* Describing every rule costs more than the rest of a small input and
   * does not depend on it: only when the rules are the input's. */
  report_as(NNL_OUT_SARIF, o->rules, doc, false);
  report_as(NNL_OUT_GITHUB, rs, doc, false);
  report_as(NNL_OUT_LSP, rs, doc, false);

  size_t nd = doc->diags.len;
  nnl_suppress_free(doc);
  nnl_doc_free(doc);
  return nd;
}

/* data as a YAML spec named name (in fz_tmpdir) through the front end,
 * with cache c (may be NULL) and the built-in rules in *cx. */
static nnl_doc *yaml_parsed(nnl_yaml_cache *c, const char *name,
                            const uint8_t *data, size_t size, nnl_ctx *cx) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", fz_tmpdir(), name);
  cx->rules = fz_builtin_rules();
  cx->fail_on = NNL_SEV_WARNING;
  char *src = malloc(size + 1);
  if (!src) nnl_oom();
  if (size) memcpy(src, data, size);
  src[size] = '\0';
  nnl_doc *doc = nnl_doc_new(path, src, size);
  doc->format = NNL_FMT_YAML_SPEC;
  doc->yaml_cache = c;
  nnl_frontend_run(cx, doc);
  return doc;
}

char *fz_lint_json(nnl_yaml_cache *c, const char *name, const uint8_t *data,
                   size_t size) {
  nnl_ruleset *rs = fz_builtin_rules();
  nnl_ctx cx = {0};
  nnl_doc *doc = yaml_parsed(c, name, data, size, &cx);
  nnl_suppress_attach(doc, NULL, NULL);
  if (!doc->skipped && !doc->failed) {
    nnl_engine_run(&cx, doc);
    nnl_suppress_finish(&cx, doc);
  }
  char *buf = report_str(NNL_OUT_JSON, rs, doc, false);
  nnl_suppress_free(doc);
  nnl_doc_free(doc);
  return buf;
}

size_t fz_yaml_fill(nnl_yaml_cache *c, const char *name, const uint8_t *data,
                  size_t size) {
  nnl_ctx cx = {0};
  nnl_doc *doc = yaml_parsed(c, name, data, size, &cx);
  size_t n = 0;
  for (uint32_t i = 0; i < doc->models.len; i++)
    n += doc->models.items[i]->layers.len;
  nnl_doc_free(doc);
  return n;
}
