/*
 * ir_derive.c - the IR's derived facts, computed once for every front end.
 *
 *   front end --builds--> nnl_model --nnl_ir_toposort--> edges explicit,
 *   layers in topological order --nnl_ir_derive--> the facts ir.h marks
 *   "derived" --nnl_ir_get--> rules
 *
 * Nothing here knows which format a model came from.  Every graph pass is
 * iterative and linear in layers + edges (inputs are handled 64 at a time
 * with bit masks), so a 100k-layer chain costs what a 10-layer one does,
 * times 10k, and no recursion can overflow the stack.
 *
 * What cannot be resolved stays unknown (tri-states at -1, NNL_ACT_UNKNOWN,
 * NULL names), so that rules stay silent on it.  Where a fact is a plain
 * bool, it leans to the value that makes rules quieter (plain is false when
 * a custom layer might hide a skip; has_regularization is true when a
 * value nnlint cannot read might be a regularizer).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

/* ---- small helpers ---- */

static const nnl_op_info *opi(const nnl_layer *l) {
  return nnl_op_info_of(l->op);
}

static bool known_str(nnl_str s) { return s.state == NNL_KNOWN && s.s; }

/* The name without module prefixes or a call: "torch.optim.AdamW" ->
 * "AdamW", "keras.losses.MeanSquaredError()" -> "MeanSquaredError".
 * Writes into out (cap bytes); false when it does not fit. */
static bool base_name(const char *s, char *out, size_t cap) {
  const char *end = strchr(s, '(');
  if (!end) end = s + strlen(s);
  while (end > s && (end[-1] == ' ' || end[-1] == '\t')) end--;
  const char *start = s;
  for (const char *p = s; p < end; p++)
    if (*p == '.') start = p + 1;
  while (start < end && (*start == ' ' || *start == '\t')) start++;
  size_t n = (size_t)(end - start);
  if (n + 1 > cap) return false;
  memcpy(out, start, n);
  out[n] = '\0';
  return true;
}

/* Case-, '_'- and '-'-insensitive match of the base name of s against a
 * NULL-terminated list. */
static bool name_in(const char *s, const char *const *names) {
  char b[128];
  if (!s || !base_name(s, b, sizeof b)) return false;
  for (; *names; names++)
    if (nnl_name_eq(b, *names)) return true;
  return false;
}

/* Does s contain needle, ignoring case? */
static bool has_ci(const char *s, const char *needle) {
  size_t n = strlen(needle);
  for (; s && *s; s++) {
    size_t i = 0;
    while (i < n && s[i] &&
           (s[i] | 0x20) == (needle[i] | 0x20))
      i++;
    if (i == n) return true;
  }
  return false;
}

/* "none", "null", "false", "no", "" and a KNOWN NULL all mean: nothing. */
static bool says_none(nnl_str s) {
  static const char *const none[] = {"none", "null", "false", "no", "off",
                                     "", NULL};
  return s.state == NNL_KNOWN && (!s.s || name_in(s.s, none) || !*s.s);
}

static bool act_linear(nnl_act a) {
  return a == NNL_ACT_NONE || a == NNL_ACT_LINEAR;
}

static bool act_same(nnl_act a, nnl_act b) {
  return a == b || (act_linear(a) && act_linear(b));
}

/* Index of the lowest set bit of a non-zero word. */
static uint32_t low_bit(uint64_t x) {
#if defined(__GNUC__)
  return (uint32_t)__builtin_ctzll(x);
#else
  uint32_t k = 0;
  while (!(x & 1)) x >>= 1, k++;
  return k;
#endif
}

static bool is_lambda(const nnl_layer *l) { return l->op == NNL_OP_LAMBDA; }

/* Layers whose effect on values nnlint cannot see: unknown types, code,
 * and wrappers that may hide a weight layer. */
static bool is_opaque(const nnl_layer *l) {
  return opi(l)->cls == NNL_K_OPAQUE || is_lambda(l) ||
         l->op == NNL_OP_TIME_DISTRIBUTED || l->op == NNL_OP_BIDIRECTIONAL;
}

/* Is edge k of layer i usable: a model input that exists, or an earlier
 * layer (edges that break topological order are ignored). */
static bool ref_ok(const nnl_model *m, uint32_t i, nnl_ref r) {
  if (NNL_REF_IS_INPUT(r)) return NNL_REF_INPUT_INDEX(r) < m->inputs.len;
  return (uint32_t)r < i;
}

/* ---- topological order ---- */

/* nnl_ir_toposort: resolve default edges (inputs NULL and n_inputs 0: the
 * previous layer in file order; the first layer takes model input 0, if
 * any; a non-NULL inputs with n_inputs 0 is a layer with no inputs), then
 * order the layers by an iterative depth-first search that emits each in file
 * order, right after any of its inputs that the file defines later.  A file
 * already in order is left in order.  Edge refs that name no layer or input
 * are dropped.  On success the layers get fresh edge arrays (in m->arena)
 * with remapped refs, and outputs' layer and repeat_of are remapped too.
 * A cycle: the index of a layer on it, the model untouched. */
int32_t nnl_ir_toposort(nnl_model *m) {
  uint32_t n = m->layers.len, nin = m->inputs.len;
  nnl_layer *L = m->layers.items;
  if (n == 0 || !m->arena) return -1;
  /* Every edge explicit and pointing backwards (a front end that
   * resolved them in file order, or an earlier sort): the order below
   * would be this one and the edges the same. */
  bool in_order = true;
  for (uint32_t i = 0; i < n && in_order; i++) {
    if (!L[i].inputs) in_order = false;
    for (uint32_t k = 0; k < L[i].n_inputs && in_order; k++)
      if (!ref_ok(m, i, L[i].inputs[k])) in_order = false;
  }
  if (in_order) return -1;

  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) total += L[i].n_inputs ? L[i].n_inputs : 1;
  if (total > SIZE_MAX / sizeof(nnl_ref)) nnl_oom();
  nnl_ref *edges = nnl_arena_alloc(m->arena, total * sizeof *edges);
  size_t *off = nnl_xmalloc(((size_t)n + 1) * sizeof *off);
  size_t e = 0;
  for (uint32_t i = 0; i < n; i++) {
    off[i] = e;
    if (L[i].n_inputs == 0 && !L[i].inputs) {
      if (i > 0) edges[e++] = (nnl_ref)(i - 1);
      else if (nin > 0) edges[e++] = NNL_REF_INPUT(0);
      continue;
    }
    for (uint32_t k = 0; k < L[i].n_inputs; k++) {
      nnl_ref r = L[i].inputs ? L[i].inputs[k] : (nnl_ref)n;
      bool ok = NNL_REF_IS_INPUT(r) ? NNL_REF_INPUT_INDEX(r) < nin
                                    : (uint32_t)r < n;
      if (ok) edges[e++] = r;
    }
  }
  off[n] = e;

  /* Iterative DFS over inputs.  color: 0 new, 1 on the stack, 2 placed. */
  uint8_t *color = nnl_xcalloc(n, 1);
  uint32_t *order = nnl_xmalloc((size_t)n * sizeof *order);
  uint32_t *stk = nnl_xmalloc((size_t)n * sizeof *stk);
  size_t *pos = nnl_xmalloc((size_t)n * sizeof *pos);
  uint32_t placed = 0;
  int32_t cycle = -1;
  for (uint32_t s = 0; s < n && cycle < 0; s++) {
    if (color[s]) continue;
    uint32_t sp = 0;
    stk[sp] = s;
    pos[sp++] = off[s];
    color[s] = 1;
    while (sp > 0) {
      uint32_t v = stk[sp - 1];
      if (pos[sp - 1] < off[v + 1]) {
        nnl_ref r = edges[pos[sp - 1]++];
        if (NNL_REF_IS_INPUT(r)) continue;
        if (color[r] == 1) {
          cycle = r;
          break;
        }
        if (color[r] == 0) {
          color[r] = 1;
          stk[sp] = (uint32_t)r;
          pos[sp++] = off[r];
        }
        continue;
      }
      color[v] = 2;
      order[placed++] = v;
      sp--;
    }
  }
  free(stk);
  free(pos);
  free(color);
  if (cycle >= 0) {
    free(order);
    free(off);
    return cycle;
  }

  /* newpos[old] = new index; remap the edge block in place. */
  bool moved = false;
  uint32_t *newpos = nnl_xmalloc((size_t)n * sizeof *newpos);
  for (uint32_t k = 0; k < n; k++) {
    newpos[order[k]] = k;
    if (order[k] != k) moved = true;
  }
  for (size_t k = 0; k < e; k++)
    if (!NNL_REF_IS_INPUT(edges[k])) edges[k] = (nnl_ref)newpos[edges[k]];

  nnl_layer *out = L;
  if (moved) {
    out = nnl_xmalloc((size_t)n * sizeof *out);
    for (uint32_t k = 0; k < n; k++) out[k] = L[order[k]];
  }
  for (uint32_t k = 0; k < n; k++) {
    uint32_t old = order[k];
    out[k].inputs = edges + off[old];
    out[k].n_inputs = (uint32_t)(off[old + 1] - off[old]);
    if (moved && out[k].repeat_of > 0 && out[k].repeat_of <= n)
      out[k].repeat_of = newpos[out[k].repeat_of - 1] + 1;
  }
  if (moved) {
    free(m->layers.items);
    m->layers.items = out;
    m->layers.cap = n;
    for (uint32_t k = 0; k < m->outputs.len; k++) {
      int32_t li = m->outputs.items[k].layer;
      if (li >= 0 && (uint32_t)li < n)
        m->outputs.items[k].layer = (int32_t)newpos[li];
    }
  }
  free(newpos);
  free(order);
  free(off);
  return -1;
}

/* True when every edge is explicit and points backwards (what toposort
 * leaves), so derive can read edges directly. */
static bool is_sorted(const nnl_model *m) {
  for (uint32_t i = 0; i < m->layers.len; i++) {
    const nnl_layer *l = &m->layers.items[i];
    if (l->n_inputs == 0 && !l->inputs && (i > 0 || m->inputs.len > 0))
      return false;
    for (uint32_t k = 0; k < l->n_inputs; k++)
      if (!l->inputs || !ref_ok(m, i, l->inputs[k])) return false;
  }
  return true;
}

/* ---- per-layer facts ---- */

/* Ops with a zero or undefined gradient: ops.def's flag, a Cast to an
 * integer or bool type, or a Lambda whose code rounds, takes an arg-max,
 * a sign, or casts to an integer. */
static const char *const int_types[] = {
    "int8",  "int16",  "int32",  "int64", "uint8", "uint16", "uint32",
    "uint64", "int",   "long",   "short", "bool",  "boolean", "byte",
    "char",  NULL};

static bool word_at(const char *s, const char *p, const char *w) {
  size_t n = strlen(w);
  if (p > s && ((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z')) return false;
  if (p > s && (p[-1] == '_' || (p[-1] >= '0' && p[-1] <= '9'))) return false;
  for (size_t i = 0; i < n; i++)
    if (!p[i] || (p[i] | 0x20) != w[i]) return false;
  char c = p[n];
  return !(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' ||
           (c >= '0' && c <= '9'));
}

static bool code_zero_grad(const char *code) {
  static const char *const words[] = {"round", "floor", "ceil", "argmax",
                                      "argmin", "sign", "rint", NULL};
  for (const char *p = code; *p; p++) {
    for (const char *const *w = words; *w; w++)
      if (word_at(code, p, *w)) return true;
    /* cast(x, tf.int32), x.astype(int), x.long(), x.int(), to(torch.int64) */
    if (word_at(code, p, "cast") || word_at(code, p, "astype") ||
        word_at(code, p, "to")) {
      const char *q = p;
      while (*q && *q != '(') q++;
      int depth = 0;
      for (; *q; q++) {
        if (*q == '(') depth++;
        else if (*q == ')' && --depth <= 0) break;
        for (const char *const *t = int_types; *t; t++)
          if (word_at(code, q, *t)) return true;
      }
    }
    if (*p == '.' && (word_at(code, p + 1, "long") ||
                      word_at(code, p + 1, "int") ||
                      word_at(code, p + 1, "bool")))
      return true;
  }
  return false;
}

static bool layer_zero_grad(const nnl_layer *l) {
  if (opi(l)->flags & NNL_F_ZERO_GRAD) return true;
  if (l->op == NNL_OP_CAST && known_str(l->cast_to))
    return name_in(l->cast_to.s, int_types);
  if (is_lambda(l) && known_str(l->code)) return code_zero_grad(l->code.s);
  return false;
}

/* Custom layers whose names say they regularize: in-model augmentation
 * (Keras RandomFlip, RandomCrop, ...), stochastic depth, DropBlock, noise. */
static bool opaque_regularizer(const nnl_layer *l) {
  if (opi(l)->cls != NNL_K_OPAQUE || !known_str(l->type)) return false;
  static const char *const parts[] = {"drop",   "noise",  "regulari",
                                      "augment", "mixup", "cutmix",
                                      "stochasticdepth", NULL};
  char b[128];
  if (!base_name(l->type.s, b, sizeof b)) return false;
  for (const char *const *p = parts; *p; p++)
    if (has_ci(b, *p)) return true;
  return strncmp(b, "Random", 6) == 0 || strncmp(b, "random", 6) == 0;
}

/* ---- the output layers ----
 * Walking back from an output's producing layer: activation layers, shape
 * ops, pooling and dropout are transparent; any other single-input layer
 * (opaque, Lambda, norm, Cast, ...) is walked through but makes the
 * activation unknown; a merge ends the chain.  This is computed forward,
 * once per layer, as the state "what an output taken here would see". */
typedef struct chain {
  int32_t w;    /* last weight layer; -1 none; -2 a merge is on the way */
  uint8_t act;  /* nnl_act in force */
  uint8_t pre;  /* nnl_act in force before the last activation layer */
  bool unk;     /* an opaque or value-changing layer since w */
  nnl_span at;  /* where act is written */
  nnl_span pre_at; /* where pre is written */
} chain;

static nnl_span span_or(nnl_span a, nnl_span b) {
  return nnl_span_ok(a) ? a : b;
}

/* One output produced by layer p: mark its output layer(s). */
static void set_out(nnl_layer *w, nnl_act act, nnl_act pre, nnl_span at,
                    nnl_span pre_at) {
  if (!w->is_output) {
    w->is_output = true;
    w->out_act = act;
    w->pre_act = pre;
    w->out_act_at = at;
    w->pre_act_at = pre_at;
    return;
  }
  /* a layer feeding several outputs: agree or be unknown */
  if (!act_same(w->out_act, act)) w->out_act = NNL_ACT_UNKNOWN;
  if (!act_same(w->pre_act, pre)) w->pre_act = NNL_ACT_UNKNOWN;
}

/* Mark the output layer(s) of producer p; returns the single output layer
 * or -1.  Behind a merge, every weight layer first reached walking back is
 * an output layer whose activation is unknown (seen: shared marks, so all
 * outputs together cost one pass). */
static int32_t mark_output(nnl_model *m, uint32_t p, const chain *ch,
                           uint8_t *seen, uint32_t *stk) {
  nnl_layer *L = m->layers.items;
  const chain *c = &ch[p];
  if (c->w >= 0) {
    nnl_act act = c->unk ? NNL_ACT_UNKNOWN : (nnl_act)c->act;
    nnl_act pre = c->unk ? NNL_ACT_UNKNOWN : (nnl_act)c->pre;
    set_out(&L[c->w], act, pre, c->at, c->pre_at);
    return c->w;
  }
  if (c->w == -1) return -1;
  uint32_t sp = 0;
  stk[sp++] = p;
  while (sp > 0) {
    uint32_t v = stk[--sp];
    if (seen[v]) continue;
    seen[v] = 1;
    if (L[v].is_weight) {
      set_out(&L[v], NNL_ACT_UNKNOWN, NNL_ACT_UNKNOWN, L[v].at, L[v].at);
      continue;
    }
    for (uint32_t k = 0; k < L[v].n_inputs; k++) {
      nnl_ref r = L[v].inputs[k];
      if (ref_ok(m, v, r) && !NNL_REF_IS_INPUT(r) && !seen[r])
        stk[sp++] = (uint32_t)r; /* each layer pushed once per edge: <= E */
    }
  }
  return -1;
}

/* ---- the graph pass ---- */

/* A skip merge i: its inputs feed a merge; walking back from each through
 * activation/norm/shape/dropout layers (be[]) finds the last weight layer
 * of each path.  The deepest of them end residual branches: a shortcut's
 * weight layer lies upstream of the fork, so it is shallower than the
 * branch's, and is left alone (an identity shortcut from the stem conv is
 * not a branch).  Parallel branches of equal depth all count. */
static void mark_branch_ends(nnl_model *m, uint32_t i, const int32_t *be) {
  nnl_layer *L = m->layers.items;
  const nnl_layer *l = &L[i];
  uint32_t deepest = 0;
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t k = 0; k < l->n_inputs; k++) {
      nnl_ref r = l->inputs[k];
      if (!ref_ok(m, i, r) || NNL_REF_IS_INPUT(r)) continue;
      L[r].feeds_merge = true;
      if (be[r] < 0) continue;
      if (pass == 0 && L[be[r]].depth > deepest) deepest = L[be[r]].depth;
      if (pass == 1 && L[be[r]].depth == deepest) L[be[r]].ends_branch = true;
    }
}

/* Source bit of the k-th source (model inputs first, then layers with no
 * inputs); past 63 they share bit 63, which then reads as "may share". */
static uint64_t src_bit(uint32_t k) {
  return (uint64_t)1 << (k < 63 ? k : 63);
}

/* eff_act of every weight layer: its fused activation, or, when that is
 * linear, the first activation layer its output reaches through shape,
 * pooling, dropout and normalization layers (Conv -> BatchNorm -> ReLU).
 * Two different activation layers behind one weight layer: unknown.  The
 * chain scratch (one slot per layer) is reused for the walk. */
static void derive_effective_act(nnl_model *m, chain *ch, nnl_scratch *sc) {
  uint32_t n = m->layers.len;
  nnl_layer *L = m->layers.items;
  uint8_t *fused = nnl_scratch_get(sc, n, true); /* weight layer had one */
  for (uint32_t i = 0; i < n; i++) {
    nnl_layer *l = &L[i];
    const nnl_op_info *oi = opi(l);
    int32_t w = -1;
    if (l->is_weight) {
      l->eff_act = l->act;
      l->eff_act_at = span_or(l->act_at, l->at);
      fused[i] = !act_linear(l->act);
      w = (int32_t)i;
    } else if (l->n_inputs == 1 && ref_ok(m, i, l->inputs[0]) &&
               !NNL_REF_IS_INPUT(l->inputs[0])) {
      int32_t up = ch[l->inputs[0]].w;
      switch (oi->cls) {
      case NNL_K_SHAPE: case NNL_K_POOL: case NNL_K_DROPOUT: case NNL_K_NORM:
        w = up;
        break;
      case NNL_K_ACTIVATION:
        if (up >= 0 && !fused[up] && !act_linear(l->act)) {
          nnl_layer *wl = &L[up];
          if (act_linear(wl->eff_act)) {
            wl->eff_act = l->act;
            wl->eff_act_at = span_or(l->act_at, l->at);
          } else if (!act_same(wl->eff_act, l->act)) {
            wl->eff_act = NNL_ACT_UNKNOWN;
          }
        }
        break;
      default:
        break;
      }
    }
    ch[i].w = w; /* scratch: the weight layer whose output reaches here */
  }
}

/* Path states along a walk from the inputs: for every layer, which inputs
 * (bits) arrive still raw, already normalized/encoded, or through a layer
 * nnlint cannot see into. */
typedef struct walk {
  uint64_t raw, done, unk;
} walk;

/* The scratch derive_graph and derive_inputs take from one block, for a
 * model of n layers, nin inputs and nedges edges: 12 arrays. */
static size_t derive_scratch_size(size_t n, size_t nin, size_t nedges) {
  return n * (sizeof(uint64_t) + 2 + sizeof(chain) + sizeof(int32_t) +
              sizeof(uint32_t) + 1 + 1) +
         sizeof(uint32_t) * (nin + 1) + sizeof(uint32_t) * (nedges + 1) +
         2 * sizeof(walk) * (n + 1) + 12 * 16;
}

static void derive_graph(nnl_model *m, bool sorted, nnl_scratch *sc) {
  uint32_t n = m->layers.len, nin = m->inputs.len;
  nnl_layer *L = m->layers.items;
  uint64_t *smask = nnl_scratch_get(sc, n * sizeof *smask, true);
  uint8_t *wa = nnl_scratch_get(sc, n, true);
  uint8_t *wd = nnl_scratch_get(sc, n, true);
  chain *ch = nnl_scratch_get(sc, n * sizeof *ch, true);
  int32_t *be = nnl_scratch_get(sc, (size_t)n * sizeof *be, false);
  uint32_t *stamp = nnl_scratch_get(sc, n * sizeof *stamp, true);
  uint32_t *istamp = nnl_scratch_get(sc, (nin + 1) * sizeof *istamp, true);
  uint32_t next_src = nin;
  m->plain = sorted;

  for (uint32_t i = 0; i < n; i++) {
    nnl_layer *l = &L[i];
    const nnl_op_info *oi = opi(l);
    l->is_weight = oi->cls == NNL_K_WEIGHT;
    l->zero_grad = layer_zero_grad(l);
    if (l->is_weight) m->weight_layers++;
    if (l->act != NNL_ACT_UNKNOWN &&
        (nnl_act_info_of(l->act)->flags & NNL_A_RELU_LIKE))
      m->relu_layers++;
    if (oi->cls == NNL_K_NORM) m->has_norm_layers = true;
    if (oi->cls == NNL_K_DROPOUT) m->has_dropout = true;
    if (known_str(l->kernel_regularizer) && !says_none(l->kernel_regularizer))
      m->has_kernel_regularizer = true;
    if (l->kernel_regularizer.state == NNL_UNKNOWN || opaque_regularizer(l) ||
        (oi->flags & NNL_F_AUGMENTS)) /* in-model data augmentation */
      m->has_regularization = true;

    /* Fold the inputs: depth, masks, weight ancestry; count distinct
     * inputs and whether two of them share a source. */
    uint32_t depth = 0, distinct = 0, nlayer = 0;
    uint64_t mask = 0, sm = 0, uni = 0, uni_layers = 0;
    bool shared = false, wanc = false;
    int32_t last_layer = -1;
    for (uint32_t k = 0; k < l->n_inputs; k++) {
      nnl_ref r = l->inputs[k];
      if (!ref_ok(m, i, r)) continue;
      uint64_t s;
      if (NNL_REF_IS_INPUT(r)) {
        uint32_t x = NNL_REF_INPUT_INDEX(r);
        if (x < 64) mask |= (uint64_t)1 << x;
        s = src_bit(x);
        if (istamp[x] == i + 1) continue;
        istamp[x] = i + 1;
      } else {
        nnl_layer *p = &L[r];
        p->n_consumers++;
        if (p->depth > depth) depth = p->depth;
        mask |= p->input_mask;
        s = smask[r];
        wanc |= p->is_weight || wa[r];
        if (stamp[r] == i + 1) continue;
        stamp[r] = i + 1;
        nlayer++;
        last_layer = r;
      }
      distinct++;
      /* two different model inputs never share a source; a layer shares
       * with whatever its mask meets */
      if ((NNL_REF_IS_INPUT(r) ? uni_layers : uni) & s) shared = true;
      uni |= s;
      if (!NNL_REF_IS_INPUT(r)) uni_layers |= s;
      sm |= s;
    }
    if (distinct == 0) sm = src_bit(next_src++);
    smask[i] = sm;
    l->input_mask = mask;
    l->depth = depth + (l->is_weight ? 1 : 0);
    wa[i] = wanc;

    /* skip connections */
    bool merge = oi->cls == NNL_K_MERGE && distinct >= 2;
    if (merge && shared) l->is_skip_merge = true;
    if (distinct >= 2 && shared && (merge || is_opaque(l))) m->plain = false;

    /* the ends_branch walk: through activation/norm/shape/dropout */
    be[i] = -1;
    if (l->is_weight) be[i] = (int32_t)i;
    else if (distinct == 1 && last_layer >= 0 &&
             (oi->cls == NNL_K_ACTIVATION || oi->cls == NNL_K_NORM ||
              oi->cls == NNL_K_SHAPE || oi->cls == NNL_K_DROPOUT))
      be[i] = be[last_layer];
    if (l->is_skip_merge) mark_branch_ends(m, i, be);

    /* the output chain */
    chain *c = &ch[i];
    if (l->is_weight) {
      c->w = (int32_t)i;
      c->act = (uint8_t)l->act;
      c->pre = NNL_ACT_NONE;
      c->pre_at = NNL_NOSPAN;
      c->unk = false;
      c->at = span_or(l->act_at, l->at);
    } else if (distinct != 1) {
      c->w = distinct == 0 ? -1 : -2;
    } else if (last_layer < 0) {
      c->w = -1; /* straight from a model input */
    } else {
      *c = ch[last_layer];
      if (c->w >= 0) {
        switch (oi->cls) {
        case NNL_K_ACTIVATION:
          if (act_linear(l->act)) break; /* identity */
          c->pre = act_linear((nnl_act)c->act) ? NNL_ACT_NONE : c->act;
          c->pre_at = c->at;
          c->act = (uint8_t)l->act;
          c->at = span_or(l->act_at, l->at);
          break;
        case NNL_K_SHAPE:
        case NNL_K_POOL:
        case NNL_K_DROPOUT:
        case NNL_K_INPUT:
        case NNL_K_MERGE: /* a merge of one input */
          break;
        default:
          c->unk = true;
        }
      }
    }
  }

  /* weight descendants, backwards */
  for (uint32_t i = n; i-- > 0;) {
    nnl_layer *l = &L[i];
    for (uint32_t k = 0; k < l->n_inputs; k++) {
      nnl_ref r = l->inputs[k];
      if (ref_ok(m, i, r) && !NNL_REF_IS_INPUT(r))
        wd[r] |= (uint8_t)(l->is_weight || wd[i]);
    }
  }
  for (uint32_t i = 0; i < n; i++) L[i].between_weights = wa[i] && wd[i];

  /* outputs: declared ones (layer -1: the last layer), else every sink */
  size_t nedges = 0;
  for (uint32_t i = 0; i < n; i++) nedges += L[i].n_inputs;
  uint8_t *seen = nnl_scratch_get(sc, n, true);
  uint32_t *stk = nnl_scratch_get(sc, (nedges + 1) * sizeof *stk, false);
  /* gets[i]: layer i gets a gradient from the loss; the outputs first
   * (wd is done with) */
  uint8_t *gets = wd;
  memset(gets, 0, n);
  m->output_layer = -1;
  if (n > 0 && m->outputs.len > 0) {
    for (uint32_t k = 0; k < m->outputs.len; k++) {
      int32_t p = m->outputs.items[k].layer;
      if (p < 0) p = (int32_t)n - 1;
      if ((uint32_t)p >= n) continue;
      gets[p] = 1;
      int32_t w = mark_output(m, (uint32_t)p, ch, seen, stk);
      m->outputs.items[k].output_layer = w;
      if (k == 0) m->output_layer = w;
      if (L[p].depth > m->depth) m->depth = L[p].depth;
    }
  } else if (n > 0) {
    for (uint32_t i = 0; i < n; i++) {
      if (L[i].depth > m->depth) m->depth = L[i].depth;
      if (L[i].n_consumers == 0) {
        gets[i] = 1;
        int32_t w = mark_output(m, i, ch, seen, stk);
        if (i == n - 1) m->output_layer = w;
      }
    }
  }
  for (uint32_t i = 0; i < n; i++)
    L[i].is_hidden = L[i].is_weight && !L[i].is_output;

  /* Which layers get a gradient from the loss: the outputs (marked
   * above), and backwards every input of a layer that gets one and passes
   * it on (not a zero-gradient op).  A zero-gradient op between weight
   * layers cuts the gradient when a weight layer right before it gets
   * none: no other route (a Where's data input next to the comparison
   * that feeds its condition, a skip connection) reaches it. */
  for (uint32_t i = n; i-- > 0;) {
    if (!gets[i] || L[i].zero_grad) continue;
    for (uint32_t k = 0; k < L[i].n_inputs; k++) {
      nnl_ref r = L[i].inputs[k];
      if (ref_ok(m, i, r) && !NNL_REF_IS_INPUT(r)) gets[r] = 1;
    }
  }
  /* starved[i]: a nearest weight layer up the inputs of i gets no gradient */
  uint8_t *starved = wa; /* reused: weight ancestry is folded already */
  for (uint32_t i = 0; i < n; i++) {
    uint8_t st = 0;
    for (uint32_t k = 0; k < L[i].n_inputs; k++) {
      nnl_ref r = L[i].inputs[k];
      if (!ref_ok(m, i, r) || NNL_REF_IS_INPUT(r)) continue;
      st |= L[r].is_weight ? !gets[r] : starved[r];
    }
    starved[i] = st;
    L[i].cuts_gradient = L[i].between_weights && L[i].zero_grad && st;
  }

  derive_effective_act(m, ch, sc); /* last: it reuses ch as scratch */
}

/* ---- inputs ---- */

static const char *const raw_dtypes[] = {"uint8", "int8", "uint16", "int16",
                                         NULL};
static const char *const id_dtypes[] = {"int32", "int64", "int", "long", NULL};

/* A preprocessing step list mentioning one of parts (as the item text). */
static bool preprocess_says(const nnl_input *in, const char *const *parts) {
  if (in->preprocess.state != NNL_KNOWN) return false;
  for (uint32_t k = 0; k < in->preprocess.n; k++) {
    const nnl_value *v = &in->preprocess.items[k];
    if (v->type != NNL_V_STR || !v->s) continue;
    for (const char *const *p = parts; *p; p++)
      if (has_ci(v->s, *p)) return true;
  }
  return false;
}

static void derive_input_kinds(nnl_input *in) {
  bool categorical = known_str(in->kind) && nnl_name_eq(in->kind.s, "categorical");
  bool range_big = (in->range_lo.state == NNL_KNOWN && in->range_lo.v < -10) ||
                   (in->range_hi.state == NNL_KNOWN && in->range_hi.v > 10);
  bool has_range = in->range_lo.state != NNL_ABSENT ||
                   in->range_hi.state != NNL_ABSENT;
  bool dt = known_str(in->dtype);
  /* kind UNKNOWN might be categorical: not raw then */
  in->is_raw = !categorical && in->kind.state != NNL_UNKNOWN &&
               ((dt && name_in(in->dtype.s, raw_dtypes)) || range_big);
  /* a declared magnitude kind says the integers are not ids */
  static const char *const magnitudes[] = {"image", "position", "angle",
                                           "timestamp", NULL};
  bool magnitude = known_str(in->kind) && name_in(in->kind.s, magnitudes);
  in->is_id_like = categorical || (dt && name_in(in->dtype.s, id_dtypes) &&
                                   !has_range && !magnitude);
}

/* An Add/Subtract/Multiply/... with an operand no model input reaches:
 * arithmetic with a constant, which may well be a normalization. */
static bool const_arith(const nnl_model *m, uint32_t i) {
  const nnl_layer *l = &m->layers.items[i];
  if (opi(l)->cls != NNL_K_MERGE || l->op == NNL_OP_CONCAT) return false;
  for (uint32_t k = 0; k < l->n_inputs; k++) {
    nnl_ref r = l->inputs[k];
    if (ref_ok(m, i, r) && !NNL_REF_IS_INPUT(r) &&
        m->layers.items[r].input_mask == 0)
      return true;
  }
  return false;
}

/* normalized: walk to the first weight layers; a normalizing or encoding
 * layer (or an Embedding, which reads ids, not magnitudes) normalizes.
 * encoded: walk to the first FC/conv layers; an encoder (Embedding, OneHot,
 * lookups) encodes; a Cast does not; other weight layers end the walk.
 * Both for inputs [base, base+64). */
static void walk_inputs(nnl_model *m, uint32_t base, walk *nw, walk *ew) {
  uint32_t n = m->layers.len, nin = m->inputs.len;
  nnl_layer *L = m->layers.items;
  walk nout = {0, 0, 0}, eout = {0, 0, 0};
  uint64_t fw_done = 0;
  for (uint32_t i = 0; i < n; i++) {
    nnl_layer *l = &L[i];
    const nnl_op_info *oi = opi(l);
    walk a = {0, 0, 0}, b = {0, 0, 0};
    for (uint32_t k = 0; k < l->n_inputs; k++) {
      nnl_ref r = l->inputs[k];
      if (!ref_ok(m, i, r)) continue;
      if (NNL_REF_IS_INPUT(r)) {
        uint32_t x = NNL_REF_INPUT_INDEX(r);
        if (x >= base && x - base < 64) {
          a.raw |= (uint64_t)1 << (x - base);
          b.raw |= (uint64_t)1 << (x - base);
        }
      } else {
        a.raw |= nw[r].raw, a.done |= nw[r].done, a.unk |= nw[r].unk;
        b.raw |= ew[r].raw, b.done |= ew[r].done, b.unk |= ew[r].unk;
      }
    }
    uint64_t reach = a.raw | a.done | a.unk;
    uint64_t ereach = b.raw | b.done | b.unk;
    bool opaque = is_opaque(l) || const_arith(m, i);

    /* normalized */
    walk na = {0, 0, 0};
    if (l->is_weight) {
      for (uint64_t nw_bits = reach & ~fw_done; nw_bits; nw_bits &= nw_bits - 1) {
        uint32_t x = base + low_bit(nw_bits);
        if (x < nin) m->inputs.items[x].first_weight = (int32_t)i;
      }
      fw_done |= reach;
      if (oi->flags & NNL_F_ENCODES) {
        nout.done |= reach;
      } else {
        nout.raw |= a.raw, nout.done |= a.done, nout.unk |= a.unk;
      }
    } else if ((oi->flags & NNL_F_NORMALIZES_INPUT) || oi->cls == NNL_K_NORM ||
               oi->cls == NNL_K_ENCODER) {
      na.done = reach;
    } else if (opaque) {
      na.done = a.done, na.unk = a.raw | a.unk;
    } else {
      na = a;
    }
    nw[i] = na;

    /* encoded */
    walk eb = {0, 0, 0};
    if (l->is_weight && !(oi->flags & NNL_F_ENCODES)) {
      if (oi->flags & (NNL_F_FC | NNL_F_CONV))
        eout.raw |= b.raw, eout.done |= b.done, eout.unk |= b.unk;
    } else if ((oi->flags & NNL_F_ENCODES) || oi->cls == NNL_K_ENCODER) {
      eb.done = ereach;
    } else if (opaque || (oi->flags & NNL_F_ZERO_GRAD)) {
      eb.done = b.done, eb.unk = b.raw | b.unk;
    } else {
      eb = b;
    }
    ew[i] = eb;
  }

  static const char *const norm_steps[] = {
      "normaliz", "standardiz", "scal", "minmax", "min_max", "zscore",
      "z_score", "meanstd", "mean_std", "/255", "/ 255", "divide", NULL};
  static const char *const enc_steps[] = {
      "one_hot", "onehot", "one-hot", "embed", "lookup", "encod", "hash",
      "vectoriz", "bucket", "token", "categor", NULL};
  for (uint32_t x = base; x < nin && x - base < 64; x++) {
    nnl_input *in = &m->inputs.items[x];
    uint64_t bit = (uint64_t)1 << (x - base);
    bool declared = (known_str(in->normalize) && !says_none(in->normalize)) ||
                    preprocess_says(in, norm_steps);
    bool maybe = in->normalize.state == NNL_UNKNOWN ||
                 in->preprocess.state == NNL_UNKNOWN;
    if (declared) in->normalized = 1;
    else if ((nout.raw & bit) && !maybe) in->normalized = 0;
    else if ((nout.raw | nout.unk) & bit || !(nout.done & bit)) in->normalized = -1;
    else in->normalized = 1;

    if (preprocess_says(in, enc_steps)) in->encoded = 1;
    else if ((eout.raw & bit) && in->preprocess.state != NNL_UNKNOWN)
      in->encoded = 0;
    else if ((eout.raw | eout.unk) & bit || !(eout.done & bit)) in->encoded = -1;
    else in->encoded = 1;
  }
}

static void derive_inputs(nnl_model *m, nnl_scratch *sc) {
  uint32_t n = m->layers.len, nin = m->inputs.len;
  for (uint32_t x = 0; x < nin; x++) derive_input_kinds(&m->inputs.items[x]);
  if (nin == 0) return;
  walk *nw = nnl_scratch_get(sc, ((size_t)n + 1) * sizeof *nw, false);
  walk *ew = nnl_scratch_get(sc, ((size_t)n + 1) * sizeof *ew, false);
  for (uint32_t base = 0; base < nin; base += 64) walk_inputs(m, base, nw, ew);
}

/* ---- optimizer ----
 * canon, adaptive?, Keras default lr, PyTorch default lr (NAN: none).
 * Keras: keras.optimizers (2.3+ and 3).  PyTorch: torch.optim (2.x).
 * PyTorch Adamax and RMSprop follow rules.md NN006 (0.001), the product's
 * contract; torch.optim itself documents 0.002 and 0.01 for them. */
#define NO NAN
static const struct opt_def {
  const char *canon;
  int8_t adaptive;
  double keras_lr, torch_lr;
} opt_defs[] = {
    {"adam", 1, 0.001, 0.001},     {"adamw", 1, 0.001, 0.001},
    {"adamax", 1, 0.001, 0.001},   {"nadam", 1, 0.001, 0.002},
    {"radam", 1, NO, 0.001},       {"rmsprop", 1, 0.001, 0.001},
    {"adagrad", 1, 0.001, 0.01},   {"adadelta", 1, 0.001, 1.0},
    {"ftrl", 1, 0.001, NO},        {"lamb", 1, 0.001, NO},
    {"lion", 1, 0.001, NO},        {"adafactor", 1, 0.001, NO},
    {"novograd", 1, NO, NO},       {"sparse_adam", 1, NO, 0.001},
    {"yogi", 1, NO, NO},           {"adabelief", 1, NO, NO},
    {"rprop", 1, NO, 0.01},        {"sgd", 0, 0.01, 0.001},
    {"sgdw", 0, NO, NO},           {"asgd", 0, NO, 0.01},
    {"lars", 0, NO, NO},           {"lbfgs", 0, NO, 1.0},
};

/* Other spellings -> canon (canonical names match themselves). */
static const struct {
  const char *name, *canon;
} opt_aliases[] = {
    {"AdamOptimizer", "adam"},        {"LazyAdam", "adam"},
    {"FusedAdam", "adam"},            {"Adam8bit", "adam"},
    {"PagedAdam", "adam"},            {"AdamWeightDecay", "adamw"},
    {"AdamW8bit", "adamw"},           {"FusedAdamW", "adamw"},
    {"PagedAdamW", "adamw"},          {"GradientDescent", "sgd"},
    {"GradientDescentOptimizer", "sgd"}, {"Momentum", "sgd"},
    {"MomentumOptimizer", "sgd"},     {"RMSPropOptimizer", "rmsprop"},
    {"AdagradOptimizer", "adagrad"},  {"AdadeltaOptimizer", "adadelta"},
    {"FtrlOptimizer", "ftrl"},        {"FusedLAMB", "lamb"},
    {"LBFGS", "lbfgs"},               {"SparseAdam", "sparse_adam"},
};

static const struct opt_def *opt_lookup(const char *type) {
  char b[128];
  if (!base_name(type, b, sizeof b)) return NULL;
  const char *canon = NULL;
  for (size_t k = 0; k < sizeof opt_aliases / sizeof *opt_aliases; k++)
    if (nnl_name_eq(b, opt_aliases[k].name)) canon = opt_aliases[k].canon;
  for (size_t k = 0; k < sizeof opt_defs / sizeof *opt_defs; k++)
    if (nnl_name_eq(canon ? canon : b, opt_defs[k].canon)) return &opt_defs[k];
  return NULL;
}

static bool torch_named(const char *s) {
  return s && (has_ci(s, "torch") || strncmp(s, "optim.", 6) == 0 ||
               strncmp(s, "F.", 2) == 0 || strncmp(s, "nn.", 3) == 0);
}

static void derive_optimizer(nnl_optimizer *o) {
  o->canon = NULL;
  o->lr_default = (nnl_num){0, NNL_NOSPAN, NNL_ABSENT};
  o->lr_is_default = -1;
  o->is_adaptive = -1;
  o->clipping = (nnl_num){0, NNL_NOSPAN, NNL_ABSENT};
  o->clipping_name = NULL;
  if (o->state == NNL_ABSENT) return;

  if (!o->framework)
    o->framework = known_str(o->type) && torch_named(o->type.s) ? "pytorch"
                                                                : "keras";
  const struct opt_def *d = known_str(o->type) ? opt_lookup(o->type.s) : NULL;
  if (d) {
    o->canon = d->canon;
    o->is_adaptive = d->adaptive;
    /* other frameworks (an ONNX training graph) have no defaults here */
    double def = strcmp(o->framework, "pytorch") == 0 ? d->torch_lr
                 : strcmp(o->framework, "keras") == 0 ? d->keras_lr
                                                      : NAN;
    if (!isnan(def)) o->lr_default = (nnl_num){def, o->type.at, NNL_KNOWN};
  }
  if (o->lr_default.state == NNL_KNOWN) {
    double def = o->lr_default.v;
    if (o->lr.state == NNL_ABSENT) o->lr_is_default = 1;
    else if (o->lr.state == NNL_KNOWN)
      /* a float32-stored 0.001 is 0.0010000000474974513 */
      o->lr_is_default = fabs(o->lr.v - def) <= 1e-6 * fabs(def);
  }

  const nnl_num *clips[] = {&o->clipnorm, &o->global_clipnorm, &o->clipvalue};
  static const char *const clip_names[] = {"clipnorm", "global_clipnorm",
                                           "clipvalue"};
  bool unknown = false;
  for (int k = 0; k < 3; k++) {
    if (clips[k]->state == NNL_UNKNOWN) unknown = true;
    if (clips[k]->state == NNL_KNOWN && clips[k]->v > 0) {
      o->clipping = *clips[k];
      o->clipping_name = clip_names[k];
      return;
    }
  }
  if (unknown) o->clipping = (nnl_num){0, o->at, NNL_UNKNOWN};
}

/* ---- loss ----
 * canonical names rules compare with (loss_name), the task they imply, and
 * whether the loss itself takes logits (from_logits implied when unset).
 *
 *   categorical_crossentropy         one-hot targets, probabilities
 *   sparse_categorical_crossentropy  class-index targets; PyTorch
 *                                    CrossEntropyLoss is this + logits
 *   binary_crossentropy              BCELoss; BCEWithLogitsLoss + logits
 *   binary_focal_crossentropy, categorical_focal_crossentropy
 *   cross_entropy                    a bare "cross_entropy" of no known
 *                                    framework: classification, nothing more
 *   nll                              NLLLoss: log-probabilities
 *   kl_divergence, hinge, squared_hinge, categorical_hinge, multi_margin,
 *   soft_margin, multilabel_soft_margin          classification
 *   mse, mae, huber (SmoothL1), log_cosh, mape, msle, rmse, poisson,
 *   gaussian_nll, quantile                       regression
 *   cosine_similarity, cosine_embedding, ctc, triplet_margin,
 *   margin_ranking, dice, contrastive            no task
 */
#define CLS "classification"
#define REG "regression"
static const struct loss_def {
  const char *name, *canon, *task;
  bool logits;
} loss_defs[] = {
    {"categorical_crossentropy", "categorical_crossentropy", CLS, false},
    {"cce", "categorical_crossentropy", CLS, false},
    {"softmax_cross_entropy_with_logits", "categorical_crossentropy", CLS, true},
    {"softmax_cross_entropy", "categorical_crossentropy", CLS, true},
    {"sparse_categorical_crossentropy", "sparse_categorical_crossentropy", CLS, false},
    {"scce", "sparse_categorical_crossentropy", CLS, false},
    {"CrossEntropyLoss", "sparse_categorical_crossentropy", CLS, true},
    {"sparse_softmax_cross_entropy_with_logits", "sparse_categorical_crossentropy", CLS, true},
    {"cross_entropy", "cross_entropy", CLS, false},
    {"crossentropy", "cross_entropy", CLS, false},
    {"binary_crossentropy", "binary_crossentropy", CLS, false},
    {"binary_cross_entropy", "binary_crossentropy", CLS, false},
    {"bce", "binary_crossentropy", CLS, false},
    {"BCELoss", "binary_crossentropy", CLS, false},
    {"BCEWithLogitsLoss", "binary_crossentropy", CLS, true},
    {"binary_cross_entropy_with_logits", "binary_crossentropy", CLS, true},
    {"sigmoid_cross_entropy_with_logits", "binary_crossentropy", CLS, true},
    {"sigmoid_binary_cross_entropy", "binary_crossentropy", CLS, true},
    {"binary_focal_crossentropy", "binary_focal_crossentropy", CLS, false},
    {"focal", "binary_focal_crossentropy", CLS, false},
    {"focal_loss", "binary_focal_crossentropy", CLS, false},
    {"SigmoidFocalCrossEntropy", "binary_focal_crossentropy", CLS, false},
    {"sigmoid_focal_loss", "binary_focal_crossentropy", CLS, true},
    {"categorical_focal_crossentropy", "categorical_focal_crossentropy", CLS, false},
    {"NLLLoss", "nll", CLS, false},
    {"nll_loss", "nll", CLS, false},
    {"nll", "nll", CLS, false},
    {"negative_log_likelihood", "nll", CLS, false},
    {"kl_divergence", "kl_divergence", CLS, false},
    {"kld", "kl_divergence", CLS, false},
    {"kullback_leibler_divergence", "kl_divergence", CLS, false},
    {"KLDivLoss", "kl_divergence", CLS, false},
    {"kl_div", "kl_divergence", CLS, false},
    {"hinge", "hinge", CLS, false},
    {"squared_hinge", "squared_hinge", CLS, false},
    {"categorical_hinge", "categorical_hinge", CLS, false},
    {"MultiMarginLoss", "multi_margin", CLS, true},
    {"SoftMarginLoss", "soft_margin", CLS, true},
    {"MultiLabelSoftMarginLoss", "multilabel_soft_margin", CLS, true},
    {"mse", "mse", REG, false},
    {"mean_squared_error", "mse", REG, false},
    {"MSELoss", "mse", REG, false},
    {"mse_loss", "mse", REG, false},
    {"l2_loss", "mse", REG, false},
    {"mae", "mae", REG, false},
    {"mean_absolute_error", "mae", REG, false},
    {"L1Loss", "mae", REG, false},
    {"l1_loss", "mae", REG, false},
    {"l1", "mae", REG, false},
    {"huber", "huber", REG, false},
    {"huber_loss", "huber", REG, false},
    {"HuberLoss", "huber", REG, false},
    {"SmoothL1Loss", "huber", REG, false},
    {"smooth_l1_loss", "huber", REG, false},
    {"smooth_l1", "huber", REG, false},
    {"log_cosh", "log_cosh", REG, false},
    {"logcosh", "log_cosh", REG, false},
    {"mape", "mape", REG, false},
    {"mean_absolute_percentage_error", "mape", REG, false},
    {"msle", "msle", REG, false},
    {"mean_squared_logarithmic_error", "msle", REG, false},
    {"rmse", "rmse", REG, false},
    {"root_mean_squared_error", "rmse", REG, false},
    {"poisson", "poisson", REG, false},
    {"PoissonNLLLoss", "poisson", REG, false},
    {"poisson_nll_loss", "poisson", REG, false},
    {"GaussianNLLLoss", "gaussian_nll", REG, false},
    {"gaussian_nll_loss", "gaussian_nll", REG, false},
    {"quantile", "quantile", REG, false},
    {"pinball", "quantile", REG, false},
    {"cosine_similarity", "cosine_similarity", NULL, false},
    {"cosine_proximity", "cosine_similarity", NULL, false},
    {"CosineEmbeddingLoss", "cosine_embedding", NULL, false},
    {"ctc", "ctc", NULL, false},
    {"CTCLoss", "ctc", NULL, false},
    {"ctc_loss", "ctc", NULL, false},
    {"TripletMarginLoss", "triplet_margin", NULL, false},
    {"triplet_margin_loss", "triplet_margin", NULL, false},
    {"MarginRankingLoss", "margin_ranking", NULL, false},
    {"dice", "dice", NULL, false},
    {"dice_loss", "dice", NULL, false},
    {"contrastive", "contrastive", NULL, false},
};

/* The loss a name (or a class, a call: "keras.losses.MeanSquaredError()")
 * stands for, or NULL.  The one alias table of loss names. */
static const struct loss_def *loss_def_of(const char *name) {
  char b[128];
  if (!base_name(name, b, sizeof b)) return NULL;
  for (size_t k = 0; k < sizeof loss_defs / sizeof *loss_defs; k++)
    if (nnl_name_eq(b, loss_defs[k].name)) return &loss_defs[k];
  return NULL;
}

static void derive_loss(nnl_training *t) {
  t->loss_canon = NULL;
  t->loss_task = NULL;
  if (!known_str(t->loss)) return;
  const struct loss_def *d = loss_def_of(t->loss.s);
  if (d) {
    t->loss_canon = d->canon;
    t->loss_task = d->task;
    bool logits = d->logits;
    /* F.cross_entropy / torch.nn.functional.cross_entropy take logits */
    if (strcmp(d->canon, "cross_entropy") == 0 && torch_named(t->loss.s)) {
      t->loss_canon = "sparse_categorical_crossentropy";
      logits = true;
    }
    if (logits && t->from_logits.state == NNL_ABSENT)
      t->from_logits = (nnl_flag){true, t->loss.at, NNL_KNOWN};
  }
}

/* A metric that names a loss is spelled as loss_name spells that loss:
 * metrics ["mean_squared_error"] with loss "mse" (or MeanSquaredError)
 * track nothing besides the loss, and a rule comparing names must see it
 * (NN002).  Other metrics (accuracy, AUC) stay as written. */
static void derive_metrics(nnl_training *t) {
  if (t->metrics.state != NNL_KNOWN) return;
  for (uint32_t i = 0; i < t->metrics.n; i++) {
    nnl_value *v = &t->metrics.items[i];
    if (v->type != NNL_V_STR || !v->s) continue;
    const struct loss_def *d = loss_def_of(v->s);
    if (d) v->s = d->canon;
  }
}

/* ---- task and classes ---- */
static const char *task_of(const char *declared) {
  static const struct {
    const char *name, *task;
  } tasks[] = {
      {"classification", "classification"},
      {"classifier", "classification"},
      {"multiclass", "classification"},
      {"multiclass_classification", "classification"},
      {"multi_label", "classification"},
      {"multilabel", "classification"},
      {"multilabel_classification", "classification"},
      {"binary_classification", "binary-classification"},
      {"binary", "binary-classification"},
      {"regression", "regression"},
      {"regressor", "regression"},
      {"autoencoder", "autoencoder"},
      {"auto_encoder", "autoencoder"},
      {"reconstruction", "autoencoder"},
      {"other", "other"},
  };
  for (size_t k = 0; k < sizeof tasks / sizeof *tasks; k++)
    if (nnl_name_eq(declared, tasks[k].name)) return tasks[k].task;
  return "other";
}

static void derive_task(nnl_model *m) {
  nnl_training *t = &m->training;
  const nnl_layer *ol =
      m->output_layer >= 0 ? &m->layers.items[m->output_layer] : NULL;

  if (m->task.state == NNL_KNOWN)
    m->task_derived = m->task.s ? task_of(m->task.s) : NULL;
  else if (m->task.state == NNL_UNKNOWN) m->task_derived = NULL;
  else if (t->loss_task) m->task_derived = t->loss_task;
  else if (t->loss.state == NNL_KNOWN && t->loss_canon) m->task_derived = NULL;
  else if (ol && ol->out_act != NNL_ACT_UNKNOWN &&
           (nnl_act_info_of(ol->out_act)->flags & NNL_A_PROBABILITY))
    m->task_derived = "classification";

  /* n_outputs: units of the output layer */
  if (ol) {
    m->n_outputs = ol->units;
    if (m->n_outputs.state == NNL_ABSENT) m->n_outputs.state = NNL_UNKNOWN;
  } else {
    m->n_outputs = (nnl_num){0, m->at, m->layers.len ? NNL_UNKNOWN : NNL_ABSENT};
  }

  /* n_classes: declared, else a classifier's output units (one sigmoid
   * unit, or a binary loss on one unit: 2 classes) */
  m->n_classes = (nnl_num){0, m->at, NNL_ABSENT};
  if (m->classes.state != NNL_ABSENT) {
    m->n_classes = m->classes;
    return;
  }
  const char *task = m->task_derived;
  bool binary = task && strcmp(task, "binary-classification") == 0;
  if (!task || !(binary || strcmp(task, "classification") == 0)) return;
  if (!ol || ol->units.state != NNL_KNOWN) {
    m->n_classes.state = NNL_UNKNOWN;
    return;
  }
  double u = ol->units.v;
  if (u > 1) {
    m->n_classes = (nnl_num){u, ol->units.at, NNL_KNOWN};
  } else if (u == 1 &&
             (binary || ol->out_act == NNL_ACT_SIGMOID ||
              (t->loss_canon && strncmp(t->loss_canon, "binary", 6) == 0))) {
    m->n_classes = (nnl_num){2, ol->units.at, NNL_KNOWN};
  }
}

/* ---- training: contexts and regularization ----
 * optimizer context: an optimizer or a loss is written.
 * fit context: a batch size, epochs, a validation split or a validation
 * setting is written.  A front end that sees a fit call that gives none of
 * them records that call as `validation` KNOWN false (the call says there is
 * no validation), which also makes the fit context.  A training section
 * with only an optimizer, a loss, metrics or augmentation is not enough:
 * it says how the model is optimized, not how training is run. */
static void derive_training(nnl_model *m) {
  nnl_training *t = &m->training;
  nnl_optimizer *o = &t->optimizer;
  derive_loss(t);
  derive_metrics(t);
  derive_optimizer(o);
  t->optimizer_context = o->state != NNL_ABSENT || t->loss.state != NNL_ABSENT;
  t->fit_context = t->batch_size.state != NNL_ABSENT ||
                   t->epochs.state != NNL_ABSENT ||
                   t->validation_split.state != NNL_ABSENT ||
                   t->validation.state != NNL_ABSENT;

  /* has_regularization: what cannot be read counts as present */
  bool decoupled = o->canon && (strcmp(o->canon, "adamw") == 0 ||
                                strcmp(o->canon, "sgdw") == 0);
  if (m->has_dropout || m->has_kernel_regularizer) m->has_regularization = true;
  if (o->state != NNL_ABSENT) {
    if (o->weight_decay.state == NNL_UNKNOWN ||
        (o->weight_decay.state == NNL_KNOWN && o->weight_decay.v > 0) ||
        (o->weight_decay.state == NNL_ABSENT && decoupled))
      m->has_regularization = true;
    if (known_str(o->type) && !o->canon) m->has_regularization = true;
    if (o->type.state == NNL_UNKNOWN) m->has_regularization = true;
  }
  if (t->augmentation.state == NNL_UNKNOWN ||
      (t->augmentation.state == NNL_KNOWN && t->augmentation.n > 0))
    m->has_regularization = true;
}

/* ---- reset: derive may run again on a changed model ---- */
static void reset(nnl_model *m) {
  for (uint32_t i = 0; i < m->layers.len; i++) {
    nnl_layer *l = &m->layers.items[i];
    l->is_weight = l->is_output = l->is_hidden = l->zero_grad = false;
    l->between_weights = l->ends_branch = l->feeds_merge = false;
    l->cuts_gradient = false;
    l->is_skip_merge = false;
    l->out_act = l->pre_act = NNL_ACT_NONE;
    /* out_act_at and pre_act_at are read for output layers only, and
     * set_out sets both: left alone here, so that this pass does not load
     * the layer's last cache line */
    l->depth = 0;
    l->input_mask = 0;
    l->n_consumers = 0;
  }
  for (uint32_t x = 0; x < m->inputs.len; x++) {
    nnl_input *in = &m->inputs.items[x];
    in->is_raw = in->is_id_like = false;
    in->normalized = in->encoded = -1;
    in->first_weight = -1;
  }
  for (uint32_t k = 0; k < m->outputs.len; k++)
    m->outputs.items[k].output_layer = -1;
  m->task_derived = NULL;
  m->weight_layers = m->depth = m->relu_layers = 0;
  m->plain = true;
  m->output_layer = -1;
  m->has_norm_layers = m->has_dropout = false;
  m->has_kernel_regularizer = m->has_regularization = false;
}

/* nnl_ir_derive: every derived fact, in dependency order: the graph (needs
 * topological order; an unsorted model is sorted first, and a model with a
 * cycle keeps only its backward edges and counts as not plain), then the
 * inputs' walks, the training setup, and the task (needs the output layer
 * and the loss). */
void nnl_ir_derive(nnl_model *m) {
  reset(m);
  bool sorted = is_sorted(m);
  if (!sorted) /* sorted now, unless a cycle or no arena left it as it was */
    sorted = nnl_ir_toposort(m) < 0 && is_sorted(m);
  /* the per-layer scratch of both passes: one block (huge pages when big) */
  size_t nedges = 0;
  for (uint32_t i = 0; i < m->layers.len; i++)
    nedges += m->layers.items[i].n_inputs;
  nnl_scratch sc;
  nnl_scratch_open(&sc, derive_scratch_size(m->layers.len, m->inputs.len,
                                            nedges));
  derive_graph(m, sorted, &sc);
  derive_inputs(m, &sc);
  nnl_scratch_close(&sc);
  derive_training(m);
  derive_task(m);
  m->derived = true;
}
