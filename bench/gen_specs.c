/*
 * gen_specs.c - the benchmark corpus: COUNT varied nnlint YAML model specs
 * (the nnlint YAML model spec, version 1), written deterministically from SEED.
 *
 *   gen_specs OUTDIR COUNT SEED
 *
 * Files go to OUTDIR/gNN/NNNNN-FAMILY.nnlint.yaml, 100 per subfolder.  File i
 * depends only on (SEED, i), so BENCH_FILES=500 is a prefix of the 2000-file
 * corpus.  Prints "files bytes" on stdout.
 *
 * The mix imitates what a team keeps in its repository:
 *   families   mlp, cnn, resnet (named graph, Add skips), unet (Concatenate
 *              skips), text (Embedding + LSTM/GRU), transformer (attention
 *              blocks, Add skips)
 *   spelling   Keras or PyTorch layer names; fused `activation:` or
 *              activation layers; `repeat:`; initializers and regularizers
 *              as names, mappings and (sometimes) YAML anchors/aliases
 *   layout     flow, block or mixed layers; two sequence indents; comments,
 *              suppressions, a folded description
 *   size       5 to 300 layer entries, skewed small (most files 1-20 KB)
 *   mistakes   about a third of the files carry one to three of the
 *              checklist's mistakes (rules.md) so that rules fire and the
 *              cost of reporting is measured too
 *
 * Needs only the C compiler: no YAML library, no scripting language.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- randomness: splitmix64, one stream per file ---- */

static uint64_t rng_state;

static uint64_t rnd64(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
/* Uniform in [0, n); n > 0. */
static int rnd(int n) { return (int)(rnd64() % (uint64_t)n); }
/* Uniform in [lo, hi]. */
static int range(int lo, int hi) { return lo + rnd(hi - lo + 1); }
/* True with probability pct/100. */
static int chance(int pct) { return rnd(100) < pct; }
static double unit(void) { return (double)(rnd64() >> 11) / 9007199254740992.0; }

#define PICK(arr) ((arr)[rnd((int)(sizeof(arr) / sizeof((arr)[0])))])

/* ---- one layer, built as key/value pairs, then printed in some style ---- */

enum { MAX_KV = 16, MAX_SUB = 5, MAX_LIST = 4 };

typedef struct kv {
  char k[32];
  char v[96];                 /* scalar, or printed verbatim when raw */
  int raw;                    /* v is YAML text already (anchor, alias) */
  int nsub;                   /* > 0: a mapping value */
  char sk[MAX_SUB][24], sv[MAX_SUB][48];
  int nlist;                  /* > 0: a sequence value */
  char li[MAX_LIST][32];
} kv;

typedef struct layer {
  kv it[MAX_KV];
  int n;
  char comment[64];           /* trailing comment, or "" */
} layer;

static void lbegin(layer *l, const char *type) {
  l->n = 0;
  l->comment[0] = 0;
  memset(&l->it[0], 0, sizeof l->it[0]);
  snprintf(l->it[0].k, sizeof l->it[0].k, "type");
  snprintf(l->it[0].v, sizeof l->it[0].v, "%s", type);
  l->n = 1;
}

/* Add key: printf-formatted scalar; returns the new pair. */
static kv *lset(layer *l, const char *k, const char *fmt, ...) {
  if (l->n >= MAX_KV)
    return &l->it[MAX_KV - 1]; /* cannot happen with the builders below */
  kv *p = &l->it[l->n++];
  memset(p, 0, sizeof *p);
  snprintf(p->k, sizeof p->k, "%s", k);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->v, sizeof p->v, fmt, ap);
  va_end(ap);
  return p;
}

static void sub(kv *p, const char *k, const char *fmt, ...) {
  if (p->nsub >= MAX_SUB)
    return;
  snprintf(p->sk[p->nsub], sizeof p->sk[0], "%s", k);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->sv[p->nsub], sizeof p->sv[0], fmt, ap);
  va_end(ap);
  p->nsub++;
}

static void item(kv *p, const char *fmt, ...) {
  if (p->nlist >= MAX_LIST)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->li[p->nlist], sizeof p->li[0], fmt, ap);
  va_end(ap);
  p->nlist++;
}

/* ---- the file being written ---- */

enum { STYLE_FLOW, STYLE_BLOCK, STYLE_MIXED };
enum { TASK_CLS, TASK_BIN, TASK_REG, TASK_AE };

/* Mistakes (rules.md) a file may carry. */
enum {
  M_RAW_INPUT = 1 << 0,    /* NN001: uint8 [0,255] with no normalization */
  M_NO_VAL = 1 << 1,       /* NN002 */
  M_ID_INPUT = 1 << 2,     /* NN003: int64 ids straight into Dense */
  M_NO_REG = 1 << 3,       /* NN004 */
  M_BIG_BATCH = 1 << 4,    /* NN005 */
  M_CLIP_DEFAULT = 1 << 5, /* NN006: clipping with the default lr */
  M_BAD_LR = 1 << 6,       /* NN006: lr <= 0 or too high */
  M_RELU_OUT = 1 << 7,     /* NN007 */
  M_ZERO_GRAD = 1 << 8,    /* NN008: Round/ArgMax between weight layers */
  M_ZERO_INIT = 1 << 9,    /* NN009 */
  M_FEW_UNITS = 1 << 10,   /* NN011 */
  M_WIDE_STD = 1 << 11,    /* NN009: RandomNormal stddev >= 1 */
  M_SOFTMAX1 = 1 << 12,    /* NN007: softmax over one unit */
  M_LOGITS = 1 << 13,      /* NN007: softmax output, from_logits: true */
};

typedef struct gen {
  FILE *f;
  int torch;        /* PyTorch spellings */
  int style;
  int ind;          /* indent of the `- ` of layers: 0 or 2 */
  int fused;        /* percent of weight layers with a fused activation */
  unsigned mistakes;
  int task, classes, out_units;
  int regularized;  /* some layer or the optimizer regularizes */
  int anchor;       /* 0 none, 1 use &reg next, 2 *reg defined */
  int n_layers;     /* entries written so far */
  int target;       /* entries wanted */
  int zero_init_done, zero_grad_done, few_units_done;
  char act[16];     /* the hidden activation of this model */
  char input_name[24];
} gen;

static const char *sp(int n) {
  static const char spaces[] = "                                ";
  return spaces + (sizeof spaces - 1 - (size_t)n);
}

/* Occasionally quote a name the way people do (never a number or a
 * boolean, which would change its type). */
static void put_str(gen *g, const char *s) {
  int word = ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) &&
             strcmp(s, "true") != 0 && strcmp(s, "false") != 0;
  int c = word ? rnd(100) : 100;
  if (c < 3)
    fprintf(g->f, "\"%s\"", s);
  else if (c < 5)
    fprintf(g->f, "'%s'", s);
  else
    fputs(s, g->f);
}

static void put_flow_value(gen *g, const kv *p) {
  if (p->raw) {
    fputs(p->v, g->f);
  } else if (p->nsub) {
    fputc('{', g->f);
    for (int i = 0; i < p->nsub; i++)
      fprintf(g->f, "%s%s: %s", i ? ", " : "", p->sk[i], p->sv[i]);
    fputc('}', g->f);
  } else if (p->nlist) {
    fputc('[', g->f);
    for (int i = 0; i < p->nlist; i++)
      fprintf(g->f, "%s%s", i ? ", " : "", p->li[i]);
    fputc(']', g->f);
  } else {
    put_str(g, p->v);
  }
}

/* One pair in block style at column `col` (the key's column). */
static void put_block_pair(gen *g, const kv *p, int col, int first) {
  if (!first)
    fputs(sp(col), g->f);
  fprintf(g->f, "%s:", p->k);
  if (p->nsub && chance(60)) {
    fputc('\n', g->f);
    for (int i = 0; i < p->nsub; i++)
      fprintf(g->f, "%s%s: %s\n", sp(col + 2), p->sk[i], p->sv[i]);
  } else if (p->nlist > 1 && chance(30)) {
    fputc('\n', g->f);
    for (int i = 0; i < p->nlist; i++)
      fprintf(g->f, "%s- %s\n", sp(col + 2), p->li[i]);
  } else {
    fputc(' ', g->f);
    put_flow_value(g, p);
    fputc('\n', g->f);
  }
}

/* Write the layer as one sequence item, in the file's style. */
static void emit(gen *g, layer *l) {
  int block = g->style == STYLE_BLOCK ||
              (g->style == STYLE_MIXED && (l->n > 4 ? chance(60) : chance(25)));
  if (block) {
    fprintf(g->f, "%s- ", sp(g->ind));
    for (int i = 0; i < l->n; i++)
      put_block_pair(g, &l->it[i], g->ind + 2, i == 0);
    if (l->comment[0])
      fprintf(g->f, "%s# %s\n", sp(g->ind + 2), l->comment);
  } else {
    fprintf(g->f, "%s- {", sp(g->ind));
    for (int i = 0; i < l->n; i++) {
      fprintf(g->f, "%s%s: ", i ? ", " : "", l->it[i].k);
      put_flow_value(g, &l->it[i]);
    }
    fputc('}', g->f);
    if (l->comment[0])
      fprintf(g->f, "  # %s", l->comment);
    fputc('\n', g->f);
  }
  g->n_layers++;
}

static int room(const gen *g) { return g->target - g->n_layers; }

/* ---- vocabulary ---- */

static const char *T(const gen *g, const char *keras, const char *torch) {
  return g->torch ? torch : keras;
}

static const char *good_inits[] = {"he_normal", "he_uniform", "glorot_uniform",
                                   "glorot_normal", "lecun_normal"};
static const char *acts[] = {"relu", "relu", "relu", "gelu", "swish", "elu",
                             "leaky_relu", "tanh", "selu"};
static const char *float_lrs[] = {"0.1", "0.01", "0.001", "0.0003", "3e-4",
                                  "1.0e-4", "2e-5", "0.05", "5e-4"};

/* kernel_initializer on a weight layer: mostly a name, sometimes a
 * mapping; the zero/constant and wide-stddev mistakes go through here. */
static void add_init(gen *g, layer *l, int hidden) {
  if (hidden && (g->mistakes & M_ZERO_INIT) && !g->zero_init_done &&
      g->n_layers > 1) {
    g->zero_init_done = 1;
    if (chance(50))
      lset(l, "kernel_initializer", "%s", chance(70) ? "zeros" : "ones");
    else {
      kv *p = lset(l, "kernel_initializer", "");
      sub(p, "type", "Constant");
      sub(p, "value", "0.1");
    }
    return;
  }
  if (hidden && (g->mistakes & M_WIDE_STD) && chance(30)) {
    kv *p = lset(l, "kernel_initializer", "");
    sub(p, "type", chance(50) ? "RandomNormal" : "RandomUniform");
    if (p->sv[0][6] == 'N')
      sub(p, "stddev", "%s", chance(50) ? "1.0" : "2");
    else {
      sub(p, "minval", "-1.5");
      sub(p, "maxval", "1.5");
    }
    return;
  }
  int c = rnd(100);
  if (c < 40)
    return;
  if (c < 80) {
    lset(l, "kernel_initializer", "%s", PICK(good_inits));
  } else if (c < 90) {
    kv *p = lset(l, "kernel_initializer", "");
    sub(p, "type", chance(50) ? "TruncatedNormal" : "RandomNormal");
    sub(p, "mean", "0.0");
    sub(p, "stddev", "%s", chance(50) ? "0.02" : "0.05");
  } else {
    kv *p = lset(l, "kernel_initializer", "");
    sub(p, "type", "VarianceScaling");
    sub(p, "scale", "2.0");
    sub(p, "mode", "fan_in");
    sub(p, "distribution", "truncated_normal");
  }
  if (chance(20))
    lset(l, "bias_initializer", "zeros");
}

static void add_reg(gen *g, layer *l) {
  if ((g->mistakes & M_NO_REG) || !chance(15))
    return;
  g->regularized = 1;
  if (g->anchor == 1) {
    kv *p = lset(l, "kernel_regularizer", "&reg {type: l2, l2: 1.0e-4}");
    p->raw = 1;
    g->anchor = 2;
  } else if (g->anchor == 2) {
    lset(l, "kernel_regularizer", "*reg")->raw = 1;
  } else if (chance(50)) {
    lset(l, "kernel_regularizer", "%s", chance(70) ? "l2" : "l1");
  } else {
    kv *p = lset(l, "kernel_regularizer", "");
    if (chance(70)) {
      sub(p, "type", "l2");
      sub(p, "l2", "%s", chance(50) ? "1e-4" : "0.0005");
    } else {
      sub(p, "type", "l1_l2");
      sub(p, "l1", "1e-5");
      sub(p, "l2", "1e-4");
    }
  }
}

/* An activation layer after a weight layer (no fused activation). */
static void act_layer(gen *g, const char *act) {
  layer l;
  if (!strcmp(act, "relu") && chance(70))
    lbegin(&l, "ReLU");
  else if (!strcmp(act, "gelu") && g->torch)
    lbegin(&l, "GELU");
  else if (!strcmp(act, "leaky_relu") && chance(60)) {
    lbegin(&l, "LeakyReLU");
    if (chance(50))
      lset(&l, g->torch ? "negative_slope" : "alpha", "0.1");
  } else if (!strcmp(act, "softmax") && g->torch) {
    lbegin(&l, "Softmax");
    lset(&l, "dim", "-1");
  } else {
    lbegin(&l, "Activation");
    lset(&l, "activation", "%s", act);
  }
  emit(g, &l);
}

static void dropout(gen *g, int spatial) {
  if (g->mistakes & M_NO_REG)
    return;
  layer l;
  lbegin(&l, spatial ? T(g, "SpatialDropout2D", "Dropout2d") : "Dropout");
  lset(&l, g->torch && chance(50) ? "p" : "rate", "%s",
       chance(50) ? "0.1" : chance(50) ? "0.25" : "0.5");
  g->regularized = 1;
  emit(g, &l);
}

static void norm(gen *g, int dims) {
  layer l;
  if (g->torch)
    lbegin(&l, dims == 1 ? "BatchNorm1d" : "BatchNorm2d");
  else
    lbegin(&l, "BatchNormalization");
  if (chance(20))
    lset(&l, "momentum", "0.9");
  if (chance(10))
    lset(&l, "epsilon", "1e-5");
  emit(g, &l);
}

/* A fully-connected hidden layer (and its activation layer, if separate). */
static void dense(gen *g, int units, int hidden) {
  layer l;
  lbegin(&l, T(g, "Dense", chance(90) ? "Linear" : "Dense"));
  if ((g->mistakes & M_FEW_UNITS) && hidden && !g->few_units_done &&
      g->task == TASK_CLS && g->classes > 4) {
    units = g->classes / 2;
    g->few_units_done = 1;
  }
  lset(&l, "units", "%d", units);
  int fused = chance(g->fused);
  if (fused)
    lset(&l, "activation", "%s", g->act);
  add_init(g, &l, hidden);
  add_reg(g, &l);
  if (chance(5))
    lset(&l, "use_bias", "%s", chance(50) ? "false" : "true");
  if (hidden && chance(8) && room(g) > 10) {
    lset(&l, "repeat", "%d", range(2, 6));
  }
  if (chance(6))
    snprintf(l.comment, sizeof l.comment, "hidden %d", units);
  emit(g, &l);
  if (!fused && hidden)
    act_layer(g, g->act);
}

static void conv(gen *g, int filters, int k, const char *name,
                 const char *input) {
  layer l;
  lbegin(&l, T(g, "Conv2D", "Conv2d"));
  if (name)
    lset(&l, "name", "%s", name);
  if (input) {
    kv *p = lset(&l, "inputs", "");
    item(p, "%s", input);
  }
  lset(&l, "filters", "%d", filters);
  if (chance(70)) {
    lset(&l, "kernel_size", "%d", k);
  } else {
    kv *p = lset(&l, "kernel_size", "");
    item(p, "%d", k);
    item(p, "%d", k);
  }
  if (chance(50))
    lset(&l, "padding", "%s", chance(80) ? "same" : "valid");
  if (chance(15))
    lset(&l, "strides", "%d", chance(70) ? 1 : 2);
  int fused = !name && chance(g->fused);
  if (fused)
    lset(&l, "activation", "%s", g->act);
  add_init(g, &l, 1);
  add_reg(g, &l);
  emit(g, &l);
  if (!fused && !name)
    act_layer(g, g->act);
}

static void pool(gen *g) {
  layer l;
  int mx = chance(75);
  lbegin(&l, mx ? T(g, "MaxPooling2D", "MaxPool2d")
                : T(g, "AveragePooling2D", "AvgPool2d"));
  if (chance(60))
    lset(&l, g->torch ? "kernel_size" : "pool_size", "2");
  emit(g, &l);
}

/* A zero-gradient op between weight layers (NN008), once per file. */
static void maybe_zero_grad(gen *g) {
  if (!(g->mistakes & M_ZERO_GRAD) || g->zero_grad_done || g->n_layers < 3)
    return;
  g->zero_grad_done = 1;
  layer l;
  int c = rnd(3);
  lbegin(&l, c == 0 ? "Round" : c == 1 ? "ArgMax" : "Floor");
  if (c == 1)
    lset(&l, "axis", "-1");
  snprintf(l.comment, sizeof l.comment, "quantize features");
  emit(g, &l);
}

/* The output layer for the task, with its activation (and the NN007
 * mistakes). */
static void head(gen *g) {
  layer l;
  const char *act = "linear";
  int units = g->out_units;
  if (g->task == TASK_CLS)
    act = "softmax";
  else if (g->task == TASK_BIN)
    act = "sigmoid";
  if ((g->mistakes & M_LOGITS) && g->task == TASK_CLS)
    act = "softmax";
  if (g->mistakes & M_RELU_OUT)
    act = "relu";
  if ((g->mistakes & M_SOFTMAX1) && g->task == TASK_BIN)
    act = "softmax";
  lbegin(&l, T(g, "Dense", "Linear"));
  if (chance(60))
    lset(&l, "name", "%s", g->task == TASK_REG ? "prediction"
                                               : chance(50) ? "logits" : "head");
  lset(&l, "units", "%d", units);
  int separate = g->torch ? chance(70) : chance(15);
  if (!strcmp(act, "linear")) {
    if (chance(30))
      lset(&l, "activation", "%s", chance(50) ? "linear" : "none");
    separate = 0;
  } else if (!separate) {
    lset(&l, "activation", "%s", act);
  }
  if (chance(15)) {
    /* deliberate zero-initialized head: must not be flagged */
    lset(&l, "kernel_initializer", "zeros");
  }
  emit(g, &l);
  if (separate)
    act_layer(g, act);
}

/* ---- families ---- */

static void fam_mlp(gen *g) {
  int width = PICK(((int[]){64, 128, 256, 512, 1024}));
  if (g->mistakes & M_ID_INPUT) {
    /* ids straight into a Dense layer */
  } else if (chance(20)) {
    layer l;
    lbegin(&l, "Normalization");
    if (chance(50))
      lset(&l, "axis", "-1");
    emit(g, &l);
  }
  while (room(g) > 2) {
    dense(g, width, 1);
    if (chance(25))
      norm(g, 1);
    if (chance(35))
      dropout(g, 0);
    if (g->n_layers > g->target / 2)
      maybe_zero_grad(g);
    if (chance(15) && width > 32)
      width /= 2;
  }
  head(g);
}

static void fam_cnn(gen *g) {
  int filters = PICK(((int[]){16, 32, 64}));
  if (!(g->mistakes & M_RAW_INPUT) && chance(40)) {
    layer l;
    lbegin(&l, "Rescaling");
    lset(&l, "scale", "%s", chance(50) ? "0.00392156862745098" : "0.003921569");
    emit(g, &l);
  }
  while (room(g) > 6) {
    int convs = range(1, 3);
    for (int i = 0; i < convs && room(g) > 6; i++) {
      conv(g, filters, chance(80) ? 3 : 5, NULL, NULL);
      if (chance(50))
        norm(g, 2);
    }
    if (chance(70))
      pool(g);
    if (chance(20))
      dropout(g, 1);
    if (g->n_layers > g->target / 2)
      maybe_zero_grad(g);
    if (filters < 512 && chance(60))
      filters *= 2;
  }
  layer l;
  lbegin(&l, chance(50) ? "Flatten" : T(g, "GlobalAveragePooling2D",
                                        "AdaptiveAvgPool2d"));
  emit(g, &l);
  if (room(g) > 2) {
    dense(g, 256, 1);
    dropout(g, 0);
  }
  head(g);
}

/* Named graph: a stem, then residual blocks joined by Add. */
static void fam_resnet(gen *g) {
  int filters = PICK(((int[]){16, 32, 64}));
  char prev[32], a[32], b[32], s[32];
  conv(g, filters, 7, "stem", g->input_name);
  snprintf(prev, sizeof prev, "stem");
  int stage = 1, blk = 0;
  while (room(g) > 8) {
    blk++;
    layer l;
    snprintf(a, sizeof a, "s%db%d_conv1", stage, blk);
    snprintf(b, sizeof b, "s%db%d_conv2", stage, blk);
    snprintf(s, sizeof s, "s%db%d_out", stage, blk);
    conv(g, filters, 3, a, chance(50) ? prev : NULL);
    lbegin(&l, T(g, "BatchNormalization", "BatchNorm2d"));
    lset(&l, "name", "s%db%d_bn1", stage, blk);
    emit(g, &l);
    lbegin(&l, "ReLU");
    lset(&l, "name", "s%db%d_relu1", stage, blk);
    emit(g, &l);
    conv(g, filters, 3, b, NULL);
    lbegin(&l, T(g, "BatchNormalization", "BatchNorm2d"));
    lset(&l, "name", "s%db%d_bn2", stage, blk);
    if (chance(20)) /* zero-init residual: deliberate, never flagged */
      lset(&l, "gamma_initializer", "zeros");
    emit(g, &l);
    lbegin(&l, "Add");
    lset(&l, "name", "s%db%d_add", stage, blk);
    kv *p = lset(&l, "inputs", "");
    item(p, "%s", prev);
    item(p, "s%db%d_bn2", stage, blk);
    if (chance(10))
      snprintf(l.comment, sizeof l.comment, "skip connection");
    emit(g, &l);
    lbegin(&l, "ReLU");
    lset(&l, "name", "%s", s);
    emit(g, &l);
    snprintf(prev, sizeof prev, "%s", s);
    if (blk % 2 == 0 && filters < 512) {
      stage++;
      blk = 0;
      filters *= 2;
      /* projection so the next Add sees matching shapes */
      char proj[32];
      snprintf(proj, sizeof proj, "s%d_proj", stage);
      conv(g, filters, 1, proj, prev);
      snprintf(prev, sizeof prev, "%s", proj);
    }
  }
  layer l;
  lbegin(&l, T(g, "GlobalAveragePooling2D", "AdaptiveAvgPool2d"));
  lset(&l, "name", "gap");
  if (chance(50)) {
    kv *p = lset(&l, "inputs", "");
    item(p, "%s", prev);
  }
  emit(g, &l);
  head(g);
}

/* Encoder-decoder with Concatenate skips. */
static void fam_unet(gen *g) {
  int filters = PICK(((int[]){16, 32}));
  int depth = range(2, 5);
  while (depth > 1 && 11 * depth + 4 > room(g))
    depth--;
  char enc[8][32];
  int level = 0;
  snprintf(enc[0], sizeof enc[0], "%s", g->input_name);
  /* each level costs ~6 entries down and ~5 up */
  while (level < depth) {
    char n1[32], n2[32];
    snprintf(n1, sizeof n1, "enc%d_a", level + 1);
    snprintf(n2, sizeof n2, "enc%d_b", level + 1);
    conv(g, filters, 3, n1, level == 0 ? enc[0] : NULL);
    conv(g, filters, 3, n2, NULL);
    snprintf(enc[level + 1], sizeof enc[0], "%s", n2);
    layer l;
    lbegin(&l, T(g, "MaxPooling2D", "MaxPool2d"));
    lset(&l, "name", "pool%d", level + 1);
    emit(g, &l);
    filters *= 2;
    level++;
  }
  /* bottleneck, padded with extra convs to reach the target size */
  int bi = 0;
  while (room(g) > 6 * level + 3) {
    char n[32];
    snprintf(n, sizeof n, "mid%d", ++bi);
    conv(g, filters, 3, n, NULL);
    if (room(g) > 6 * level + 3 && chance(40))
      dropout(g, 1);
  }
  for (int lv = level; lv >= 1; lv--) {
    filters /= 2;
    layer l;
    lbegin(&l, T(g, "UpSampling2D", "Upsample"));
    lset(&l, "name", "up%d", lv);
    if (g->torch)
      lset(&l, "scale_factor", "2");
    emit(g, &l);
    lbegin(&l, T(g, "Concatenate", chance(50) ? "Concat" : "Concatenate"));
    lset(&l, "name", "cat%d", lv);
    kv *p = lset(&l, "inputs", "");
    item(p, "up%d", lv);
    item(p, "%s", enc[lv]);
    if (chance(50))
      lset(&l, "axis", "-1");
    emit(g, &l);
    char n[32];
    snprintf(n, sizeof n, "dec%d", lv);
    conv(g, filters, 3, n, NULL);
  }
  head(g);
}

static void fam_text(gen *g) {
  int units = PICK(((int[]){64, 128, 256}));
  if (!(g->mistakes & M_ID_INPUT)) {
    layer l;
    lbegin(&l, "Embedding");
    lset(&l, g->torch ? "num_embeddings" : "input_dim", "%d",
         PICK(((int[]){5000, 20000, 32000, 50257})));
    lset(&l, g->torch ? "embedding_dim" : "output_dim", "%d", units);
    if (chance(30))
      lset(&l, "mask_zero", "true");
    emit(g, &l);
  }
  while (room(g) > 3) {
    layer l;
    const char *cell = chance(60) ? "LSTM" : "GRU";
    if (!g->torch && chance(25)) {
      lbegin(&l, "Bidirectional");
      kv *p = lset(&l, "layer", "");
      sub(p, "type", "%s", cell);
      sub(p, "units", "%d", units);
      sub(p, "return_sequences", "%s", room(g) > 5 ? "true" : "false");
    } else {
      lbegin(&l, cell);
      lset(&l, g->torch ? "hidden_size" : "units", "%d", units);
      if (!g->torch)
        lset(&l, "return_sequences", "%s", room(g) > 5 ? "true" : "false");
      if (chance(30))
        lset(&l, "dropout", "0.2");
      if (chance(20))
        lset(&l, "recurrent_dropout", "0.1");
    }
    add_reg(g, &l);
    emit(g, &l);
    if (chance(30))
      dropout(g, 0);
    if (chance(20) && room(g) > 3)
      dense(g, units, 1);
  }
  head(g);
}

static void fam_transformer(gen *g) {
  int d = PICK(((int[]){128, 256, 384, 512, 768}));
  char prev[32];
  layer l;
  lbegin(&l, "Embedding");
  lset(&l, "name", "tok_embed");
  kv *p = lset(&l, "inputs", "");
  item(p, "%s", g->input_name);
  lset(&l, g->torch ? "num_embeddings" : "input_dim", "%d",
       PICK(((int[]){30522, 32000, 50257})));
  lset(&l, g->torch ? "embedding_dim" : "output_dim", "%d", d);
  emit(g, &l);
  snprintf(prev, sizeof prev, "tok_embed");
  int b = 0;
  while (room(g) > 9) {
    b++;
    lbegin(&l, T(g, "LayerNormalization", "LayerNorm"));
    lset(&l, "name", "b%d_ln1", b);
    if (chance(30))
      lset(&l, "epsilon", "1e-6");
    emit(g, &l);
    lbegin(&l, T(g, "MultiHeadAttention", "MultiheadAttention"));
    lset(&l, "name", "b%d_attn", b);
    p = lset(&l, "inputs", "");
    item(p, "b%d_ln1", b);
    item(p, "b%d_ln1", b);
    lset(&l, g->torch ? "num_heads" : "num_heads", "%d", d / 64);
    if (!g->torch)
      lset(&l, "key_dim", "64");
    else
      lset(&l, "embed_dim", "%d", d);
    if (!(g->mistakes & M_NO_REG) && chance(60)) {
      lset(&l, "dropout", "0.1");
      g->regularized = 1;
    }
    emit(g, &l);
    lbegin(&l, "Add");
    lset(&l, "name", "b%d_res1", b);
    p = lset(&l, "inputs", "");
    item(p, "%s", prev);
    item(p, "b%d_attn", b);
    emit(g, &l);
    lbegin(&l, T(g, "LayerNormalization", "LayerNorm"));
    lset(&l, "name", "b%d_ln2", b);
    emit(g, &l);
    lbegin(&l, T(g, "Dense", "Linear"));
    lset(&l, "name", "b%d_ff1", b);
    lset(&l, "units", "%d", 4 * d);
    lset(&l, "activation", "gelu");
    add_init(g, &l, 1);
    emit(g, &l);
    lbegin(&l, T(g, "Dense", "Linear"));
    lset(&l, "name", "b%d_ff2", b);
    lset(&l, "units", "%d", d);
    if (chance(30)) /* adaLN-Zero style: deliberate */
      lset(&l, "kernel_initializer", "zeros");
    emit(g, &l);
    if (!(g->mistakes & M_NO_REG)) {
      lbegin(&l, "Dropout");
      lset(&l, "name", "b%d_drop", b);
      lset(&l, "rate", "0.1");
      emit(g, &l);
      g->regularized = 1;
    }
    lbegin(&l, "Add");
    lset(&l, "name", "b%d_res2", b);
    p = lset(&l, "inputs", "");
    item(p, "b%d_res1", b);
    item(p, "b%d_%s", b, (g->mistakes & M_NO_REG) ? "ff2" : "drop");
    emit(g, &l);
    snprintf(prev, sizeof prev, "b%d_res2", b);
  }
  lbegin(&l, T(g, "LayerNormalization", "LayerNorm"));
  lset(&l, "name", "final_ln");
  emit(g, &l);
  lbegin(&l, T(g, "GlobalAveragePooling1D", "AdaptiveAvgPool1d"));
  emit(g, &l);
  head(g);
}

/* ---- sections around the layers ---- */

enum { F_MLP, F_CNN, F_RESNET, F_UNET, F_TEXT, F_TRANSFORMER, F_COUNT };
static const char *fam_names[F_COUNT] = {"mlp", "cnn", "resnet",
                                         "unet", "text", "transformer"};

static void header(gen *g, int fam, int idx) {
  FILE *f = g->f;
  if (chance(70)) {
    fprintf(f, "# %s model %d\n", fam_names[fam], idx);
    if (chance(40))
      fputs("# Kept next to the training code; linted in CI with nnlint.\n", f);
  }
  if (g->mistakes && chance(10))
    fputs("# nnlint: disable-file=NN011\n", f);
  if (chance(60))
    fputs("nnlint: 1\n", f);
  fprintf(f, "name: %s-%s-%d\n", fam_names[fam],
          g->torch ? "torch" : "keras", idx);
  if (chance(15))
    fprintf(f, "description: >-\n  A %s baseline for the %s task. Numbers\n"
               "  come from the last sweep; do not edit by hand.\n",
            fam_names[fam], g->task == TASK_REG ? "regression" : "labeling");
  if (chance(75) || g->task == TASK_AE) {
    static const char *tn[] = {"classification", "binary-classification",
                               "regression", "autoencoder"};
    fprintf(f, "task: %s\n", tn[g->task]);
  }
  if (g->task == TASK_CLS && chance(70))
    fprintf(f, "classes: %d\n", g->classes);
  if (chance(50))
    fprintf(f, "dataset_size: %d\n", PICK(((int[]){1200, 8000, 50000, 60000,
                                                   120000, 1281167})));
}

static void inputs(gen *g, int fam) {
  FILE *f = g->f;
  int flow = g->style == STYLE_FLOW && chance(50);
  int image = fam == F_CNN || fam == F_RESNET || fam == F_UNET;
  int ids = fam == F_TEXT || fam == F_TRANSFORMER || (g->mistakes & M_ID_INPUT);
  snprintf(g->input_name, sizeof g->input_name, "%s",
           image ? (chance(50) ? "image" : "pixels")
                 : ids ? "tokens" : "features");
  if (chance(10) && !(fam == F_RESNET || fam == F_UNET || fam == F_TRANSFORMER))
    return; /* no inputs section at all */
  const char *dtype = "float32", *kind = NULL, *rng = NULL, *normalize = NULL;
  char shape[48];
  if (image) {
    int s = PICK(((int[]){28, 32, 64, 224}));
    snprintf(shape, sizeof shape, "[%d, %d, %d]", s, s, s == 28 ? 1 : 3);
    dtype = chance(70) ? "uint8" : "float32";
    kind = "image";
    rng = !strcmp(dtype, "uint8") ? "[0, 255]" : chance(50) ? "[0, 1]" : NULL;
    if (!(g->mistakes & M_RAW_INPUT))
      normalize = chance(50) ? "{mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}"
                  : chance(50) ? "standardize" : "minmax";
    else {
      dtype = "uint8";
      rng = "[0, 255]";
    }
  } else if (ids) {
    snprintf(shape, sizeof shape, "[%d]", PICK(((int[]){64, 128, 512})));
    dtype = chance(50) ? "int64" : "int32";
    kind = (g->mistakes & M_ID_INPUT) && fam == F_MLP ? "categorical" : "text";
  } else {
    snprintf(shape, sizeof shape, "[%d]", range(4, 300));
    kind = "tabular";
    if (g->mistakes & M_RAW_INPUT) {
      dtype = "uint16";
      rng = "[0, 4095]";
    } else if (chance(50)) {
      rng = "[-3.5, 3.5]";
      if (chance(50))
        normalize = chance(50) ? "standardize" : "{mean: 0.0, std: 1.0}";
    }
  }
  fputs("inputs:\n", f);
  if (flow) {
    fprintf(f, "  - {name: %s, shape: %s, dtype: %s", g->input_name, shape,
            dtype);
    if (rng)
      fprintf(f, ", range: %s", rng);
    if (kind)
      fprintf(f, ", kind: %s", kind);
    if (normalize)
      fprintf(f, ", normalize: %s", normalize);
    fputs("}\n", f);
  } else {
    fprintf(f, "  - name: %s\n    shape: %s\n", g->input_name, shape);
    if (strcmp(dtype, "float32") || chance(30))
      fprintf(f, "    dtype: %s%s\n", dtype,
              chance(20) ? "          # as stored on disk" : "");
    if (rng)
      fprintf(f, "    range: %s\n", rng);
    if (kind)
      fprintf(f, "    kind: %s\n", kind);
    if (normalize) {
      if (normalize[0] == '{' && image && chance(60))
        fprintf(f, "    normalize:\n      mean: [0.485, 0.456, 0.406]\n"
                   "      std: [0.229, 0.224, 0.225]\n");
      else if (normalize[0] == '{' && chance(60))
        fputs("    normalize:\n      mean: 0.0\n      std: 1.0\n", f);
      else
        fprintf(f, "    normalize: %s\n", normalize);
    }
    if (chance(30))
      fprintf(f, "    preprocess: [%s]\n",
              image ? "to_float, resize" : ids ? "tokenize" : "impute_median");
  }
  if (g->task == TASK_REG && chance(50))
    fprintf(f, "outputs:\n  - name: target\n    range: [%s]\n%s",
            chance(50) ? "0, 1" : "-50, 120",
            chance(50) ? "    normalize: standardize\n" : "");
}

static const char *loss_name(const gen *g) {
  switch (g->task) {
  case TASK_CLS:
    return chance(60) ? "sparse_categorical_crossentropy"
                      : "categorical_crossentropy";
  case TASK_BIN:
    return "binary_crossentropy";
  case TASK_REG:
    return chance(40) ? "mse" : chance(50) ? "mae" : "huber";
  default:
    return "mse";
  }
}

/* training: optimizer, loss, metrics, batch, validation, augmentation. */
static void training(gen *g, int fam) {
  FILE *f = g->f;
  if (chance(12))
    return; /* a bare architecture */
  if (chance(30))
    fputs("\n# how it is trained\n", f);
  fputs("training:\n", f);

  /* optimizer */
  static const char *k_opts[] = {"Adam", "Adam", "AdamW", "SGD", "RMSprop",
                                 "Nadam", "Adagrad"};
  static const char *t_opts[] = {"adam", "adamw", "sgd", "rmsprop", "AdamW"};
  const char *opt = g->torch ? PICK(t_opts) : PICK(k_opts);
  char lr[24] = "";
  int clip = 0;
  if (g->mistakes & M_CLIP_DEFAULT) {
    clip = 1;
    if (chance(50))
      snprintf(lr, sizeof lr, "%s",
               strcasecmp(opt, "sgd") == 0 ? (g->torch ? "0.001" : "0.01")
                                           : "0.001");
  } else if (g->mistakes & M_BAD_LR) {
    snprintf(lr, sizeof lr, "%s", PICK(((const char *[]){"0", "-0.001", "3.0", "25"})));
  } else if (chance(88)) {
    snprintf(lr, sizeof lr, "%s", PICK(float_lrs));
    clip = chance(20);
  }
  int decay = !(g->mistakes & M_NO_REG) && (strcasecmp(opt, "adamw") == 0 || chance(20));
  int c = rnd(100);
  if (c < 12 && !lr[0] && !clip && !decay) {
    fprintf(f, "  optimizer: %s\n", opt);
  } else {
    int block = g->style == STYLE_BLOCK ? chance(80) : chance(35);
    const char *pre = block ? "\n    " : "";
    const char *sep = block ? "\n    " : ", ";
    fprintf(f, "  optimizer:%s%s", block ? "" : " {", pre);
    fprintf(f, "type: %s", opt);
    if (lr[0])
      fprintf(f, "%s%s: %s", sep, g->torch && chance(60) ? "lr" : "learning_rate", lr);
    if (strcasecmp(opt, "sgd") == 0)
      fprintf(f, "%smomentum: 0.9%s", sep, chance(50) ? (block ? "\n    nesterov: true" : ", nesterov: true") : "");
    if (g->torch && strncasecmp(opt, "adam", 4) == 0 && chance(40))
      fprintf(f, "%sbetas: [0.9, 0.999]%seps: 1e-8", sep, sep);
    if (decay) {
      fprintf(f, "%sweight_decay: %s", sep, chance(50) ? "0.01" : "5e-4");
      g->regularized = 1;
    }
    if (clip) {
      int k = rnd(3);
      fprintf(f, "%s%s: %s", sep,
              k == 0 ? "clipnorm" : k == 1 ? "clipvalue" : "global_clipnorm",
              k == 1 ? "0.5" : "1.0");
    }
    fputs(block ? "\n" : "}\n", f);
  }

  /* loss */
  const char *loss = loss_name(g);
  if ((g->mistakes & M_LOGITS) && g->task == TASK_CLS)
    fprintf(f, "  loss: {type: %s, from_logits: true}\n", loss);
  else if (chance(20))
    fprintf(f, "  loss:\n    type: %s\n%s", loss,
            g->task == TASK_CLS && chance(30) ? "    label_smoothing: 0.1\n" : "");
  else
    fprintf(f, "  loss: %s\n", loss);

  if (chance(80)) {
    const char *m = g->task == TASK_REG ? "[mae, rmse]"
                    : chance(70) ? "[accuracy]" : "[accuracy, top_k_categorical_accuracy]";
    if (chance(20) && g->task != TASK_REG)
      fputs("  metrics:\n    - accuracy\n    - auc\n", f);
    else
      fprintf(f, "  metrics: %s\n", m);
  }
  int batch = PICK(((int[]){8, 16, 32, 32, 64, 128, 256}));
  if (g->mistakes & M_BIG_BATCH)
    batch = PICK(((int[]){1024, 2048, 4096, 8192}));
  fprintf(f, "  batch_size: %d%s\n", batch,
          batch > 256 && chance(50) ? "   # fits on the big GPU" : "");
  fprintf(f, "  epochs: %d\n", PICK(((int[]){5, 10, 20, 50, 90, 200})));
  if (!(g->mistakes & M_NO_VAL)) {
    int k = rnd(4);
    if (k < 2)
      fprintf(f, "  validation_split: %s\n", k ? "0.1" : "0.2");
    else if (k == 2)
      fputs("  validation: {split: 0.1}\n", f);
    else
      fputs("  validation:\n    data: data/val.tfrecord\n", f);
  }
  int image = fam == F_CNN || fam == F_RESNET || fam == F_UNET;
  if (image && !(g->mistakes & M_NO_REG) && chance(50)) {
    g->regularized = 1;
    if (chance(50))
      fputs("  augmentation: [random_flip, random_crop]\n", f);
    else
      fputs("  augmentation:\n    - random_flip\n    - {type: random_rotation, factor: 0.1}\n", f);
  }
  if (clip && chance(20))
    fputs("  gradient_clipping: {norm: 1.0}\n", f);
}

/* Write file idx; returns its size in bytes, or -1. */
static long write_spec(const char *path, int idx, int fam) {
  gen g;
  memset(&g, 0, sizeof g);
  g.f = fopen(path, "w");
  if (!g.f) {
    fprintf(stderr, "gen_specs: %s: %s\n", path, strerror(errno));
    return -1;
  }
  static char buf[1 << 16];
  setvbuf(g.f, buf, _IOFBF, sizeof buf);
  g.torch = chance(40);
  g.style = chance(45) ? STYLE_FLOW : chance(55) ? STYLE_BLOCK : STYLE_MIXED;
  g.ind = chance(70) ? 2 : 0;
  g.fused = g.torch ? 15 : 80;
  g.anchor = g.style != STYLE_FLOW && chance(8) ? 1 : 0;
  snprintf(g.act, sizeof g.act, "%s", PICK(acts));
  /* 5..300 entries, skewed small: the median file has ~80 entries */
  g.target = 5 + (int)(295.0 * unit() * unit() + 0.5);
  if (fam == F_RESNET || fam == F_TRANSFORMER || fam == F_UNET)
    g.target = g.target < 14 ? 14 : g.target;
  /* task */
  if (fam == F_UNET || fam == F_RESNET || fam == F_TRANSFORMER)
    g.task = chance(85) ? TASK_CLS : TASK_REG;
  else
    g.task = chance(55) ? TASK_CLS : chance(40) ? TASK_BIN : chance(85) ? TASK_REG : TASK_AE;
  g.classes = PICK(((int[]){2, 3, 5, 10, 10, 10, 20, 100, 1000}));
  g.out_units = g.task == TASK_CLS ? g.classes
                : g.task == TASK_BIN ? 1
                : g.task == TASK_REG ? range(1, 4) : 64;
  /* mistakes: about a third of the files */
  if (chance(35)) {
    int n = range(1, 3);
    for (int i = 0; i < n; i++)
      g.mistakes |= 1u << rnd(14);
  }
  if (fam != F_MLP && fam != F_TEXT)
    g.mistakes &= ~(unsigned)M_ID_INPUT;

  header(&g, fam, idx);
  inputs(&g, fam);
  if (chance(25))
    fputs("\n# architecture\n", g.f);
  if ((g.mistakes & M_NO_REG) && chance(20))
    fputs("# nnlint: disable=NN004\n", g.f);
  fputs("layers:\n", g.f);
  switch (fam) {
  case F_MLP: fam_mlp(&g); break;
  case F_CNN: fam_cnn(&g); break;
  case F_RESNET: fam_resnet(&g); break;
  case F_UNET: fam_unet(&g); break;
  case F_TEXT: fam_text(&g); break;
  default: fam_transformer(&g); break;
  }
  training(&g, fam);
  long size = ftell(g.f);
  if (fclose(g.f) != 0) {
    fprintf(stderr, "gen_specs: %s: write failed\n", path);
    return -1;
  }
  return size;
}

static int make_dir(const char *path) {
  if (mkdir(path, 0755) == 0 || errno == EEXIST)
    return 0;
  fprintf(stderr, "gen_specs: %s: %s\n", path, strerror(errno));
  return -1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fputs("usage: gen_specs OUTDIR COUNT SEED\n", stderr);
    return 2;
  }
  const char *out = argv[1];
  long count = strtol(argv[2], NULL, 10);
  unsigned long long seed = strtoull(argv[3], NULL, 10);
  if (count < 0 || count > 1000000) {
    fputs("gen_specs: COUNT must be 0..1000000\n", stderr);
    return 2;
  }
  if (make_dir(out))
    return 2;
  static const int fam_weights[F_COUNT] = {24, 24, 18, 10, 12, 12};
  unsigned long long total = 0;
  char path[4096];
  for (long i = 0; i < count; i++) {
    /* each file its own stream: file i depends on (seed, i) only */
    rng_state = seed * 0x2545f4914f6cdd1dULL + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    rnd64();
    int w = rnd(100), fam = 0;
    while (fam < F_COUNT - 1 && w >= fam_weights[fam])
      w -= fam_weights[fam++];
    snprintf(path, sizeof path, "%s/g%02ld", out, i / 100);
    if (i % 100 == 0 && make_dir(path))
      return 2;
    snprintf(path, sizeof path, "%s/g%02ld/%05ld-%s.nnlint.yaml", out, i / 100,
             i, fam_names[fam]);
    long n = write_spec(path, (int)i, fam);
    if (n < 0)
      return 2;
    total += (unsigned long long)n;
  }
  printf("%ld %llu\n", count, total);
  return 0;
}
