/*
 * keras_json.c - the Keras JSON front end: model configs as Keras writes
 * them, into the IR.
 *
 *   bytes --(.keras zip: config.json)--> JSON tree (json.c, with spans)
 *         --(a JSON string holding JSON: parsed again)-->
 *         model object --Sequential | Functional/Model | custom-->
 *         layers (keras.c maps each class and its config) --> nnl_model
 *
 * Forms read:
 *   Keras 1/2 model.to_json(): {class_name, config, keras_version, backend}
 *     Sequential config as a list (Keras <= 2.1) or {name, layers};
 *     Model/Functional {layers: [{name, class_name, config,
 *     inbound_nodes: [[[name, node, tensor, kwargs?], ...], ...]}],
 *     input_layers, output_layers}.
 *   Keras 3 config.json: {module, class_name, config, registered_name,
 *     build_config, compile_config}; inbound nodes are {args, kwargs} with
 *     {"class_name": "__keras_tensor__", "config": {keras_history}}.
 *   .keras archives: a zip whose config.json is the above.
 *   TF.js model.json: {modelTopology: model | {model_config,
 *     training_config}, trainingConfig?, weightsManifest}.
 * Keras 2 inbound tensors carry the call's keyword arguments; tensors among
 * them (`x + y` traced as TFOpLambda with {"y": [name, node, tensor]}) are
 * edges too, and a traced add/concat/multiply of two tensors is that merge.
 * A layer that is itself a model (Sequential, Functional, Model) is
 * expanded in place: its inputs become Identity layers fed by what the
 * outer call passes.  Other model classes (subclassed models, KerasHub
 * backbones) are one opaque layer: nnlint cannot see their layers.
 *
 * A tensor reference naming no layer of its model (inbound node or
 * output_layers) is NN000 at the name; one naming a call the layer does not
 * have loses that edge.  Numbers no model can have are NN000 through
 * nnl_keras_report (keras.c).
 *
 * Not Keras models, skipped: TF.js graph models (modelTopology holds a
 * GraphDef), JSON without a model object.
 *
 * Positions: every value keeps its byte span, except in a double-encoded
 * file (the model JSON inside a JSON string), where every span is the
 * outer string's; in a .keras archive, lines and columns are those of the
 * archive's config.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "frontend/json.h"
#include "frontend/keras.h"
#include "nnlint.h"

enum { MAX_NEST = 64 }; /* models inside models */
#define NOREF INT32_MIN  /* no tensor feeds this (a model without input) */

typedef struct kj {
  nnl_ctx *cx;
  nnl_doc *doc;
  nnl_arena *a;
  nnl_model *m;
  bool failed; /* an NN000 was reported while resolving tensors */
} kj;

/* ---- JSON values as Keras arguments ---- */

static const char *jstr(const nnl_jnode *o, const char *k1, const char *k2) {
  const char *s = nnl_json_str(o, k1);
  return s || !k2 ? s : nnl_json_str(o, k2);
}

static const nnl_jnode *jget(const nnl_jnode *o, const char *k1,
                             const char *k2) {
  const nnl_jnode *v = nnl_json_get(o, k1);
  return v || !k2 ? v : nnl_json_get(o, k2);
}

static void to_kval(kj *k, const nnl_jnode *j, nnl_kval *out);

/* The members of an object as keyword arguments. */
static nnl_karg *members(kj *k, const nnl_jnode *obj, uint32_t *n) {
  *n = 0;
  if (!obj || (obj->type != NNL_J_OBJ && obj->type != NNL_J_ARR) || !obj->n)
    return NULL;
  nnl_karg *a = nnl_arena_alloc(k->a, sizeof *a * obj->n);
  uint32_t i = 0;
  for (const nnl_jnode *c = obj->kids; c && i < obj->n; c = c->next, i++) {
    a[i].key = obj->type == NNL_J_OBJ ? c->key : NULL;
    a[i].key_at = c->key_at;
    to_kval(k, c, &a[i].v);
  }
  *n = i;
  return a;
}

/* JSON -> nnl_kval.  {class_name, config} objects become DICTs with the
 * class name; Keras 3's wrappers are unwrapped: "__tuple__" is a list,
 * "function" with a string config is that name, tensors and serialized
 * code are unknown.  Depth is bounded by the JSON reader's limit. */
static void to_kval(kj *k, const nnl_jnode *j, nnl_kval *out) {
  memset(out, 0, sizeof *out);
  out->at = j->at;
  switch (j->type) {
  case NNL_J_NULL: out->kind = NNL_KV_NULL; return;
  case NNL_J_BOOL: out->kind = NNL_KV_BOOL, out->b = j->b; return;
  case NNL_J_NUM: out->kind = NNL_KV_NUM, out->num = j->num; return;
  case NNL_J_STR: out->kind = NNL_KV_STR, out->str = j->s; return;
  case NNL_J_ARR:
    out->kind = NNL_KV_LIST;
    out->items = members(k, j, &out->n);
    return;
  default: break;
  }
  const nnl_jnode *cn = jget(j, "class_name", "className");
  const nnl_jnode *cfg = nnl_json_get(j, "config");
  if (!cn || cn->type != NNL_J_STR) {
    out->kind = NNL_KV_DICT;
    out->items = members(k, j, &out->n);
    return;
  }
  const char *c = cn->s;
  if (strcmp(c, "__tuple__") == 0 && cfg) {
    const nnl_jnode *v = nnl_json_get(cfg, "value");
    if (v) {
      to_kval(k, v, out);
      return;
    }
  }
  if (strncmp(c, "__", 2) == 0) { /* __keras_tensor__, __lambda__, ... */
    out->kind = NNL_KV_UNKNOWN;
    return;
  }
  if (cfg && cfg->type == NNL_J_STR) {
    /* Keras 3 functions: {"class_name": "function", "config": "relu"} */
    out->kind = NNL_KV_STR;
    out->str = cfg->s;
    out->at = cfg->at;
    return;
  }
  out->kind = NNL_KV_DICT;
  out->str = c;
  out->str_at = cn->at;
  if (cfg && cfg->type == NNL_J_OBJ) out->items = members(k, cfg, &out->n);
}

/* ---- the model graph ---- */

/* What one call (node) of a layer produces: one ref per output tensor. */
typedef struct knode {
  nnl_ref *outs;
  uint32_t n;
} knode;

/* A layer name in a functional scope and its calls. */
typedef struct kname {
  const char *name;
  NNL_ARRAY(knode) nodes;
} kname;

/* The layer names of one functional model, hashed (open addressing). */
typedef struct scope {
  kname *slots;
  uint32_t cap; /* power of two */
} scope;

/* A layer's inputs, resolved once every layer of the model exists: a
 * node's tensor list (or one tensor) looked up in a scope. */
typedef struct pending {
  uint32_t layer;
  const nnl_jnode *in;
  scope *sc;
} pending;

typedef struct graph {
  NNL_ARRAY(pending) todo;
  NNL_ARRAY(scope *) scopes;
} graph;

static uint32_t hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static scope *scope_new(graph *g, uint32_t n) {
  scope *sc = nnl_xcalloc(1, sizeof *sc);
  uint32_t cap = 16;
  while (cap < 2 * n + 2 && cap < (1u << 30)) cap <<= 1;
  sc->cap = cap;
  sc->slots = nnl_xcalloc(cap, sizeof *sc->slots);
  nnl_array_push(&g->scopes, sc);
  return sc;
}

static kname *scope_find(scope *sc, const char *name, bool add) {
  uint32_t i = hash(name) & (sc->cap - 1);
  for (uint32_t probes = 0; probes < sc->cap; probes++) {
    kname *e = &sc->slots[i];
    if (!e->name) {
      if (!add) return NULL;
      e->name = name;
      return e;
    }
    if (strcmp(e->name, name) == 0) return e;
    i = (i + 1) & (sc->cap - 1);
  }
  return NULL; /* full: cannot happen, the table is sized for every layer */
}

static void graph_free(graph *g) {
  for (uint32_t i = 0; i < g->scopes.len; i++) {
    scope *sc = g->scopes.items[i];
    for (uint32_t k = 0; k < sc->cap; k++) nnl_array_free(&sc->slots[k].nodes);
    free(sc->slots);
    free(sc);
  }
  nnl_array_free(&g->scopes);
  nnl_array_free(&g->todo);
}

static nnl_ref *one_ref(kj *k, nnl_ref r) {
  nnl_ref *p = nnl_arena_alloc(k->a, sizeof *p);
  *p = r;
  return p;
}

static bool is_model_class(const char *c) {
  return c && (strcmp(c, "Sequential") == 0 || strcmp(c, "Functional") == 0 ||
               strcmp(c, "Model") == 0);
}

/* A Keras 3 class that is not Keras' own (a registered custom class). */
static bool is_custom(const nnl_jnode *obj) {
  const char *mod = nnl_json_str(obj, "module");
  const char *reg = nnl_json_str(obj, "registered_name");
  if (mod && strcmp(mod, "keras") != 0 && strncmp(mod, "keras.", 6) != 0 &&
      strcmp(mod, "builtins") != 0)
    return true;
  const char *cn = nnl_json_str(obj, "class_name");
  return reg && cn && strcmp(reg, cn) != 0 && strchr(reg, '>') &&
         strncmp(reg, "keras>", 6) != 0;
}

/* A layer for a class nnlint cannot see into. */
static nnl_layer *opaque_layer(kj *k, const nnl_jnode *obj, const char *c,
                               nnl_span type_at) {
  nnl_layer *l = nnl_keras_add_layer(k->m, NULL, type_at, NULL, 0);
  l->type = (nnl_str){c ? c : "?", type_at, c ? NNL_KNOWN : NNL_UNKNOWN};
  const char *reg = nnl_json_str(obj, "registered_name");
  if (reg && strchr(reg, '>')) l->type.s = reg;
  l->op = NNL_OP_OPAQUE;
  l->at = obj->at;
  return l;
}

/* A layer from its JSON object {class_name, config, name, ...}. */
static nnl_layer *json_layer(kj *k, const nnl_jnode *obj) {
  const nnl_jnode *cn = jget(obj, "class_name", "className");
  const nnl_jnode *cfg = nnl_json_get(obj, "config");
  const char *c = cn && cn->type == NNL_J_STR ? cn->s : NULL;
  nnl_span type_at = cn ? cn->at : obj->at;
  nnl_layer *l;
  uint32_t n = 0;
  nnl_karg *args = cfg && cfg->type == NNL_J_OBJ ? members(k, cfg, &n) : NULL;
  if (!c || is_custom(obj)) {
    l = opaque_layer(k, obj, c, type_at);
  } else {
    l = nnl_keras_add_layer(k->m, c, type_at, args, n);
    l->at = obj->at;
  }
  const nnl_jnode *nm = nnl_json_get(obj, "name");
  if (!nm || nm->type != NNL_J_STR) nm = nnl_json_get(cfg, "name");
  if (nm && nm->type == NNL_J_STR)
    l->name = (nnl_str){nm->s, nm->at, NNL_KNOWN};
  return l;
}

static uint32_t index_of(kj *k, const nnl_layer *l) {
  return (uint32_t)(l - k->m->layers.items);
}

static void set_inputs(kj *k, uint32_t li, nnl_ref r) {
  nnl_layer *l = &k->m->layers.items[li];
  l->inputs = r == NOREF ? nnl_arena_alloc(k->a, sizeof *l->inputs)
                         : one_ref(k, r);
  l->n_inputs = r == NOREF ? 0 : 1;
}

/* Layer li is called on `call` (tensor references resolved once every
 * layer of g exists, in scope sc), or on nothing when call is NULL. */
static void inputs_later(kj *k, graph *g, uint32_t li, const nnl_jnode *call,
                         scope *sc) {
  if (!call) {
    set_inputs(k, li, NOREF);
    return;
  }
  pending *p = nnl_array_grow1(&g->todo);
  p->layer = li;
  p->in = call;
  p->sc = sc;
}

/* An InputLayer at the top: a model input; inside a nested model: an
 * Identity layer fed by the outer call's tensor `ext` (resolved later). */
static nnl_ref input_layer(kj *k, graph *g, const nnl_jnode *obj, bool top,
                           const nnl_jnode *ext, scope *ext_sc) {
  const nnl_jnode *cfg = nnl_json_get(obj, "config");
  if (top) {
    uint32_t n = 0;
    nnl_karg *args = members(k, cfg, &n);
    nnl_input *in = nnl_keras_add_input(k->m, args, n, obj->at);
    if (in->name.state == NNL_ABSENT) {
      const nnl_jnode *nm = nnl_json_get(obj, "name");
      if (nm && nm->type == NNL_J_STR)
        in->name = (nnl_str){nm->s, nm->at, NNL_KNOWN};
    }
    return NNL_REF_INPUT(k->m->inputs.len - 1);
  }
  nnl_layer *l = nnl_keras_add_layer(k->m, "Identity", obj->at, NULL, 0);
  l->at = obj->at;
  uint32_t li = index_of(k, l);
  inputs_later(k, g, li, ext, ext_sc);
  return (nnl_ref)li;
}

static int emit_model(kj *k, graph *g, const nnl_jnode *obj, bool top,
                      const nnl_jnode *ext, scope *ext_sc, nnl_ref ext_ref,
                      knode *outs, int depth);

/* The layers list of a Sequential or Functional config. */
static const nnl_jnode *layers_of(const nnl_jnode *cfg) {
  if (!cfg) return NULL;
  if (cfg->type == NNL_J_ARR) return cfg; /* Keras <= 2.1 Sequential */
  const nnl_jnode *ls = nnl_json_get(cfg, "layers");
  return ls && ls->type == NNL_J_ARR ? ls : NULL;
}

/* Sequential: a chain.  prev is what feeds the first layer (an outer
 * tensor when nested: ext_ref, or ext resolved later), none at the top
 * until an input is declared. */
static int emit_sequential(kj *k, graph *g, const nnl_jnode *cfg, bool top,
                           const nnl_jnode *ext, scope *ext_sc, nnl_ref ext_ref,
                           knode *outs, int depth) {
  const nnl_jnode *ls = layers_of(cfg);
  bool have_prev = !top && ext_ref != NOREF;
  nnl_ref prev = ext_ref;
  const nnl_jnode *prev_ext = top ? NULL : ext; /* feed still unresolved */
  bool first = true;
  for (const nnl_jnode *o = ls ? ls->kids : NULL; o; o = o->next) {
    if (o->type != NNL_J_OBJ) {
      nnl_report_bad_input(k->cx, k->doc, o->at,
                           "a Sequential layer must be an object");
      return -1;
    }
    const char *c = jstr(o, "class_name", "className");
    if (c && nnl_keras_is_input_class(c)) {
      if (top && !have_prev) {
        prev = input_layer(k, g, o, true, NULL, NULL);
        have_prev = true;
      }
      continue;
    }
    if (c && is_model_class(c) && !is_custom(o)) {
      knode sub = {0};
      if (emit_model(k, g, o, false, prev_ext, ext_sc,
                     have_prev ? prev : NOREF, &sub, depth + 1))
        return -1;
      prev_ext = NULL;
      if (sub.n && sub.outs[0] != NOREF) prev = sub.outs[0], have_prev = true;
      first = false;
      continue;
    }
    if (top && first && !have_prev) {
      const nnl_jnode *cfg1 = nnl_json_get(o, "config");
      uint32_t n = 0;
      nnl_karg *args = members(k, cfg1, &n);
      if (nnl_keras_args_declare_input(args, n)) {
        nnl_input *in = nnl_keras_add_input(k->m, args, n, o->at);
        /* Keras names the implicit input after the first layer */
        const nnl_jnode *ln = nnl_json_get(cfg1, "name");
        in->name = ln && ln->type == NNL_J_STR
                       ? (nnl_str){nnl_arena_printf(k->a, "%s_input", ln->s),
                                   ln->at, NNL_KNOWN}
                       : (nnl_str){0};
        prev = NNL_REF_INPUT(k->m->inputs.len - 1);
        have_prev = true;
      }
    }
    nnl_layer *l = json_layer(k, o);
    uint32_t li = index_of(k, l);
    if (prev_ext) {
      pending *p = nnl_array_grow1(&g->todo);
      p->layer = li;
      p->in = prev_ext;
      p->sc = ext_sc;
      prev_ext = NULL;
    } else if (have_prev) {
      set_inputs(k, li, prev);
    }
    prev = (nnl_ref)li;
    have_prev = true;
    first = false;
  }
  if (have_prev && !prev_ext) {
    outs->outs = one_ref(k, prev);
    outs->n = 1;
  }
  return 0;
}

/* One tensor reference: [name, node, tensor, kwargs?] (Keras 1/2, TF.js)
 * or a Keras 3 __keras_tensor__ object; NULL name when it is neither. */
static const char *tensor_ref(const nnl_jnode *t, uint32_t *node,
                              uint32_t *tensor) {
  const nnl_jnode *h = t;
  if (t->type == NNL_J_OBJ) {
    const char *c = jstr(t, "class_name", "className");
    if (!c || strcmp(c, "__keras_tensor__") != 0) return NULL;
    h = nnl_json_get(nnl_json_get(t, "config"), "keras_history");
  }
  if (!h || h->type != NNL_J_ARR || h->n < 1 || h->kids->type != NNL_J_STR)
    return NULL;
  const nnl_jnode *a = h->kids->next, *b = a ? a->next : NULL;
  *node = a && a->type == NNL_J_NUM && a->num >= 0 && a->num < 1e9
              ? (uint32_t)a->num : 0;
  *tensor = b && b->type == NNL_J_NUM && b->num >= 0 && b->num < 1e9
                ? (uint32_t)b->num : 0;
  return h->kids->s;
}

typedef NNL_ARRAY(nnl_ref) refs;

/* Is t written as a tensor reference beyond doubt: a Keras 3
 * __keras_tensor__, or [name, node, tensor(, kwargs)] with numbers where
 * Keras writes them?  (A keyword argument's value may be any list.) */
static bool surely_tensor(const nnl_jnode *t) {
  if (t->type == NNL_J_OBJ) return true; /* tensor_ref checked the class */
  const nnl_jnode *a = t->kids->next, *b = a ? a->next : NULL;
  return b && a->type == NNL_J_NUM && b->type == NNL_J_NUM;
}

/* Collect the refs of an inbound node (a list of tensor refs, a Keras 3
 * {args, kwargs}, or one tensor ref) into out.  A tensor naming no layer
 * of the scope is NN000 at the name (what: where it is written, "an
 * inbound node"), once: k->failed.  A reference to a call the layer does
 * not have is skipped (the edge is lost, the layer keeps its other
 * inputs). */
static void collect(kj *k, const nnl_jnode *in, scope *sc, refs *out,
                    const char *what, int depth) {
  if (!in || depth > 16 || k->failed) return;
  uint32_t node, tensor;
  const char *name = tensor_ref(in, &node, &tensor);
  if (name) {
    kname *e = scope_find(sc, name, false);
    if (!e && surely_tensor(in)) {
      const nnl_jnode *h = in->type == NNL_J_OBJ
                               ? nnl_json_get(nnl_json_get(in, "config"),
                                              "keras_history")
                               : in;
      nnl_report_bad_input(k->cx, k->doc, h->kids->at,
                           "%s names no layer '%s'", what, name);
      k->failed = true;
      return;
    }
    if (e && node < e->nodes.len) {
      knode *kn = &e->nodes.items[node];
      /* a plain layer's other tensors (an LSTM's states) are the layer too */
      if (kn->n == 1) tensor = 0;
      if (tensor < kn->n && kn->outs[tensor] != NOREF)
        nnl_array_push(out, kn->outs[tensor]);
    }
    /* Keras 2 / TF.js: [name, node, tensor, kwargs]; tensors passed by
     * keyword (`x + y` traced as {"y": [name, node, tensor]}, attention's
     * value, an RNN's initial_state) are inputs too.  The kwargs repeat on
     * every tensor of the first argument: each edge is kept once. */
    const nnl_jnode *kw = in->type == NNL_J_ARR && in->n >= 4
                              ? in->kids->next->next->next
                              : NULL;
    if (kw && kw->type == NNL_J_OBJ)
      for (const nnl_jnode *c = kw->kids; c; c = c->next) {
        if (c->type != NNL_J_ARR) continue;
        refs more = {0};
        collect(k, c, sc, &more, what, depth + 1);
        for (uint32_t i = 0; i < more.len; i++) {
          bool seen = false;
          for (uint32_t j = 0; j < out->len && !seen; j++)
            seen = out->items[j] == more.items[i];
          if (!seen) nnl_array_push(out, more.items[i]);
        }
        nnl_array_free(&more);
      }
    return;
  }
  if (in->type == NNL_J_OBJ) {
    collect(k, nnl_json_get(in, "args"), sc, out, what, depth + 1);
    collect(k, nnl_json_get(in, "kwargs"), sc, out, what, depth + 1);
    for (const nnl_jnode *c = in->kids; c; c = c->next)
      if (strcmp(c->key, "args") && strcmp(c->key, "kwargs") &&
          c->type == NNL_J_OBJ)
        collect(k, c, sc, out, what, depth + 1); /* kwargs values: tensors */
    return;
  }
  if (in->type == NNL_J_ARR)
    for (const nnl_jnode *c = in->kids; c; c = c->next)
      collect(k, c, sc, out, what, depth + 1);
}

/* The i-th tensor of an inbound node, for a nested model's i-th input. */
static const nnl_jnode *nth_tensor(const nnl_jnode *in, uint32_t i) {
  if (!in) return NULL;
  const nnl_jnode *list = in;
  if (in->type == NNL_J_OBJ) {
    list = nnl_json_get(in, "args");
    /* Keras 3: one arg that is a list of tensors */
    if (list && list->type == NNL_J_ARR && list->n == 1 &&
        list->kids->type == NNL_J_ARR)
      list = list->kids;
  }
  if (!list || list->type != NNL_J_ARR) return NULL;
  for (const nnl_jnode *c = list->kids; c; c = c->next, i--)
    if (i == 0) return c;
  return NULL;
}

/* Functional: every layer's calls, then the outputs.  At the top, input
 * layers are the model's inputs; nested, they are fed by ext (the outer
 * call's inbound node, resolved in ext_sc). */
static int emit_functional(kj *k, graph *g, const nnl_jnode *cfg, bool top,
                           const nnl_jnode *ext, scope *ext_sc, nnl_ref ext_ref,
                           knode *outs, int depth) {
  const nnl_jnode *ls = layers_of(cfg);
  scope *sc = scope_new(g, ls ? ls->n : 0);
  /* input_layers, to give each input layer its position in the call */
  const nnl_jnode *il = nnl_json_get(cfg, "input_layers");
  for (const nnl_jnode *o = ls ? ls->kids : NULL; o; o = o->next) {
    if (o->type != NNL_J_OBJ) {
      nnl_report_bad_input(k->cx, k->doc, o->at, "a layer must be an object");
      return -1;
    }
    const nnl_jnode *nm = nnl_json_get(o, "name");
    if (!nm || nm->type != NNL_J_STR) nm = nnl_json_get(nnl_json_get(o, "config"), "name");
    if (!nm || nm->type != NNL_J_STR) {
      nnl_report_bad_input(k->cx, k->doc, o->at, "a functional layer has no name");
      return -1;
    }
    kname *e = scope_find(sc, nm->s, true);
    const char *c = jstr(o, "class_name", "className");
    const nnl_jnode *ib = jget(o, "inbound_nodes", "inboundNodes");
    if (c && nnl_keras_is_input_class(c)) {
      nnl_ref r;
      if (top) {
        r = input_layer(k, g, o, true, NULL, NULL);
      } else if (ext) {
        /* the outer call's tensor at this input's place in input_layers
         * (all of the call's tensors when that cannot be told) */
        uint32_t pos = 0, i = 0;
        for (const nnl_jnode *t = il ? il->kids : NULL; t; t = t->next, i++) {
          uint32_t a, b;
          const char *n2 = tensor_ref(t, &a, &b);
          if (n2 && strcmp(n2, nm->s) == 0) pos = i;
        }
        const nnl_jnode *feed = nth_tensor(ext, pos);
        r = input_layer(k, g, o, false, feed ? feed : ext, ext_sc);
      } else {
        r = ext_ref;
      }
      knode *kn = nnl_array_grow1(&e->nodes);
      kn->outs = one_ref(k, r);
      kn->n = 1;
      continue;
    }
    uint32_t calls = ib && ib->type == NNL_J_ARR ? ib->n : 0;
    const nnl_jnode *call = ib && ib->type == NNL_J_ARR ? ib->kids : NULL;
    if (calls == 0) calls = 1; /* a layer never called: one unconnected copy */
    for (uint32_t ci = 0; ci < calls; ci++, call = call ? call->next : NULL) {
      knode *kn;
      if (c && is_model_class(c) && !is_custom(o)) {
        knode sub = {0};
        if (emit_model(k, g, o, false, call, sc, NOREF, &sub, depth + 1))
          return -1;
        kn = nnl_array_grow1(&e->nodes);
        *kn = sub;
        continue;
      }
      nnl_layer *l = json_layer(k, o);
      uint32_t li = index_of(k, l);
      inputs_later(k, g, li, call, sc);
      kn = nnl_array_grow1(&e->nodes);
      kn->outs = one_ref(k, (nnl_ref)li);
      kn->n = 1;
    }
  }
  /* outputs: [[name, node, tensor], ...] or one [name, node, tensor] */
  const nnl_jnode *ol = jget(cfg, "output_layers", "outputLayers");
  refs r = {0};
  if (ol && ol->type == NNL_J_ARR && ol->n && ol->kids->type == NNL_J_STR)
    collect(k, ol, sc, &r, "output_layers", 0);
  else if (ol)
    for (const nnl_jnode *t = ol->kids; t; t = t->next)
      collect(k, t, sc, &r, "output_layers", 0);
  if (k->failed) {
    nnl_array_free(&r);
    return -1;
  }
  if (!ol && ls && ls->n) {
    /* no output list: the last layer's last call */
    const nnl_jnode *last = ls->kids;
    while (last->next) last = last->next;
    const nnl_jnode *nm = nnl_json_get(last, "name");
    kname *e = nm && nm->type == NNL_J_STR ? scope_find(sc, nm->s, false) : NULL;
    if (e && e->nodes.len && e->nodes.items[e->nodes.len - 1].n)
      nnl_array_push(&r, e->nodes.items[e->nodes.len - 1].outs[0]);
  }
  if (r.len) {
    outs->outs = nnl_arena_alloc(k->a, sizeof *outs->outs * r.len);
    memcpy(outs->outs, r.items, sizeof *r.items * r.len);
    outs->n = r.len;
  }
  if (top)
    for (uint32_t i = 0; i < r.len; i++) {
      if (NNL_REF_IS_INPUT(r.items[i])) continue;
      nnl_output *out = nnl_ir_add_output(k->m);
      nnl_layer *l = &k->m->layers.items[r.items[i]];
      out->at = l->at;
      out->name = l->name;
      out->layer = r.items[i];
      out->output_layer = -1;
    }
  nnl_array_free(&r);
  return 0;
}

/* A model object {class_name, config}: Sequential, Functional/Model, or a
 * class nnlint cannot see into (one opaque layer). */
static int emit_model(kj *k, graph *g, const nnl_jnode *obj, bool top,
                      const nnl_jnode *ext, scope *ext_sc, nnl_ref ext_ref,
                      knode *outs, int depth) {
  if (depth > MAX_NEST) {
    nnl_report_bad_input(k->cx, k->doc, obj->at,
                         "models nested deeper than %d levels", MAX_NEST);
    return -1;
  }
  const char *c = jstr(obj, "class_name", "className");
  const nnl_jnode *cn = jget(obj, "class_name", "className");
  const nnl_jnode *cfg = nnl_json_get(obj, "config");
  if (c && !is_custom(obj) && layers_of(cfg)) {
    if (strcmp(c, "Sequential") == 0)
      return emit_sequential(k, g, cfg, top, ext, ext_sc, ext_ref, outs, depth);
    if (strcmp(c, "Functional") == 0 || strcmp(c, "Model") == 0)
      return emit_functional(k, g, cfg, top, ext, ext_sc, ext_ref, outs, depth);
  }
  nnl_layer *l = opaque_layer(k, obj, c, cn ? cn->at : obj->at);
  uint32_t li = index_of(k, l);
  if (ext) {
    pending *p = nnl_array_grow1(&g->todo);
    p->layer = li;
    p->in = ext;
    p->sc = ext_sc;
  } else if (!top) {
    set_inputs(k, li, ext_ref);
  }
  outs->outs = one_ref(k, (nnl_ref)li);
  outs->n = 1;
  return 0;
}

/* compile_config (Keras 3), training_config (Keras 2 / TF.js): empty or
 * null says nothing. */
static void training(kj *k, const nnl_jnode *tc) {
  if (!tc || tc->type != NNL_J_OBJ || tc->n == 0) return;
  uint32_t n = 0;
  nnl_karg *args = members(k, tc, &n);
  nnl_keras_set_compile(k->m, args, n, tc->at);
}

/* ---- .keras archives (zip) ---- */

static uint32_t rd16(const unsigned char *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) {
  return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p) {
  return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* The inflated config.json of a .keras archive: real ones are a few MB (a
 * large KerasHub model's, about 1); more is a zip bomb (docs/configuration.md,
 * "Limits on hostile input"). */
enum { MAX_CONFIG = 64 * 1024 * 1024 };

/* Find config.json in the zip z[0..n) and return it inflated (malloc'd,
 * NUL-terminated) in *out, or NULL with *why set.  Bounds-checked: every
 * offset and size from the archive is checked against n. */
static char *zip_config(const unsigned char *z, size_t n, size_t *out_len,
                        const char **why, uint32_t *where) {
  *where = 0;
  if (n < 22) return *why = "truncated zip archive", NULL;
  /* end of central directory: the last signature within 64 KiB + 22 */
  size_t lo = n > 65557 ? n - 65557 : 0, e = n - 22 + 1;
  bool found = false;
  while (e-- > lo)
    if (rd32(z + e) == 0x06054b50) {
      found = true;
      break;
    }
  if (!found) return *why = "not a zip archive (no end of central directory)", NULL;
  *where = (uint32_t)e;
  uint64_t count = rd16(z + e + 10), cd_size = rd32(z + e + 12),
           cd_off = rd32(z + e + 16);
  if ((count == 0xFFFF || cd_off == 0xFFFFFFFF || cd_size == 0xFFFFFFFF) &&
      e >= 20 && rd32(z + e - 20) == 0x07064b50) {
    uint64_t r = rd64(z + e - 20 + 8);
    if (r > n || n - r < 56 || rd32(z + r) != 0x06064b50)
      return *why = "bad zip64 end of central directory", NULL;
    count = rd64(z + r + 32);
    cd_size = rd64(z + r + 40);
    cd_off = rd64(z + r + 48);
  }
  if (cd_off > n || cd_size > n - cd_off)
    return *why = "zip central directory points past the end of the file", NULL;
  const unsigned char *p = z + cd_off, *end = p + cd_size;
  for (uint64_t i = 0; i < count; i++) {
    if (end - p < 46 || rd32(p) != 0x02014b50)
      return *why = "bad zip central directory entry", NULL;
    uint32_t method = rd16(p + 10), flags = rd16(p + 8);
    uint64_t csize = rd32(p + 20), usize = rd32(p + 24),
             loff = rd32(p + 42);
    uint32_t nlen = rd16(p + 28), xlen = rd16(p + 30), clen = rd16(p + 32);
    if ((size_t)(end - p) - 46 < (size_t)nlen + xlen + clen)
      return *why = "bad zip central directory entry", NULL;
    const unsigned char *name = p + 46, *x = name + nlen;
    /* zip64 extra field: the 0xFFFFFFFF fields, in order */
    for (const unsigned char *q = x; q + 4 <= x + xlen;) {
      uint32_t id = rd16(q), sz = rd16(q + 2);
      if (q + 4 + sz > x + xlen) break;
      if (id == 1) {
        const unsigned char *f = q + 4, *fe = f + sz;
        if (usize == 0xFFFFFFFF && f + 8 <= fe) usize = rd64(f), f += 8;
        if (csize == 0xFFFFFFFF && f + 8 <= fe) csize = rd64(f), f += 8;
        if (loff == 0xFFFFFFFF && f + 8 <= fe) loff = rd64(f), f += 8;
      }
      q += 4 + sz;
    }
    p += 46 + nlen + xlen + clen;
    if (!(nlen == 11 && memcmp(name, "config.json", 11) == 0)) continue;
    *where = (uint32_t)(name - z);
    if (flags & 1) return *why = "config.json is encrypted", NULL;
    if (loff > n || n - loff < 30 || rd32(z + loff) != 0x04034b50)
      return *why = "bad zip local header for config.json", NULL;
    uint64_t data = loff + 30 + rd16(z + loff + 26) + rd16(z + loff + 28);
    if (data > n || csize > n - data)
      return *why = "config.json extends past the end of the archive", NULL;
    if (usize > MAX_CONFIG)
      return *why = "config.json is too large: it inflates to more than "
                    "64 MiB, the limit for a .keras archive",
             NULL;
    if (method == 0) {
      if (csize != usize) return *why = "bad sizes for a stored config.json", NULL;
      char *o = nnl_xmalloc(usize + 1);
      memcpy(o, z + data, usize);
      o[usize] = '\0';
      *out_len = usize;
      return o;
    }
    if (method != 8)
      return *why = "config.json uses a compression method other than deflate", NULL;
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK) return *why = "zlib failed", NULL;
    size_t cap = usize + 1;
    char *o = nnl_xmalloc(cap);
    s.next_in = (Bytef *)(z + data);
    s.avail_in = (uInt)(csize > UINT32_MAX ? UINT32_MAX : csize);
    s.next_out = (Bytef *)o;
    s.avail_out = (uInt)usize;
    int rc = inflate(&s, Z_FINISH);
    size_t got = s.total_out;
    inflateEnd(&s);
    if (rc != Z_STREAM_END || got != usize) {
      free(o);
      return *why = "config.json does not inflate (corrupt archive)", NULL;
    }
    o[got] = '\0';
    *out_len = got;
    return o;
  }
  return *why = "no config.json in the archive", NULL;
}

/* A traced TensorFlow op (a Lambda whose code is the op, see keras.c) that
 * joins two or more tensors is the merge layer it stands for: `x + y` in a
 * tf.keras functional model is an Add.  With one tensor (`x + 1.0`) it
 * stays a Lambda: nnlint cannot see what it does to the values. */
static void traced_merge(nnl_layer *l) {
  static const struct { const char *code; nnl_op op; } t[] = {
      {"tf.__operators__.add", NNL_OP_ADD}, {"tf.math.add", NNL_OP_ADD},
      {"tf.math.add_n", NNL_OP_ADD},        {"tf.concat", NNL_OP_CONCAT},
      {"tf.math.multiply", NNL_OP_MULTIPLY}};
  if (l->op != NNL_OP_LAMBDA || l->code.state != NNL_KNOWN) return;
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    if (strcmp(l->code.s, t[i].code) == 0) {
      l->op = t[i].op;
      return;
    }
}

/* ---- detection ---- */

static size_t skip_ws(const char *s, size_t i, size_t len) {
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
    i++;
  return i;
}

static bool key_is(const char *s, size_t k0, size_t klen, const char *key) {
  return klen == strlen(key) && memcmp(s + k0, key, klen) == 0;
}

/* Top-level keys only, in one linear scan (nested values are skipped by
 * counting brackets outside strings). */
bool nnl_keras_json_sniff(const char *s, size_t len) {
  size_t i = 0;
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
  i = skip_ws(s, i, len);
  if (i >= len) return false;
  if (s[i] == '"') {
    /* a JSON string holding a model's JSON */
    size_t lim = len - i > 4096 ? i + 4096 : len;
    for (size_t j = i; j + 10 < lim; j++)
      if (memcmp(s + j, "class_name", 10) == 0) return true;
    return false;
  }
  if (s[i] != '{') return false;
  i++;
  bool class_name = false, config = false, module = false, registered = false;
  for (;;) {
    i = skip_ws(s, i, len);
    if (i >= len || s[i] != '"') return false;
    size_t k0 = i + 1, k1 = i + 1;
    while (k1 < len && s[k1] != '"') k1 += s[k1] == '\\' ? 2 : 1;
    if (k1 >= len) return false;
    size_t klen = k1 - k0;
    i = skip_ws(s, k1 + 1, len);
    if (i >= len || s[i] != ':') return false;
    i++;
    if (key_is(s, k0, klen, "modelTopology") ||
        key_is(s, k0, klen, "keras_version") ||
        key_is(s, k0, klen, "model_config"))
      return true;
    class_name |= key_is(s, k0, klen, "class_name");
    config |= key_is(s, k0, klen, "config");
    module |= key_is(s, k0, klen, "module");
    registered |= key_is(s, k0, klen, "registered_name");
    if ((class_name && config) || (module && registered)) return true;
    int depth = 0;
    for (; i < len; i++) {
      char c = s[i];
      if (c == '"') {
        for (i++; i < len && s[i] != '"'; i++)
          if (s[i] == '\\') i++;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return false;
        depth--;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    if (i >= len) return false;
    i++;
  }
}

/* ---- the front end ---- */

static int bad_json(kj *k, const nnl_json_error *e, nnl_span flat) {
  nnl_span at = nnl_span_ok(flat) ? flat : (nnl_span){e->off, 1};
  if (!nnl_span_ok(flat) && e->off >= k->doc->len) at.len = 0;
  if (nnl_span_ok(flat))
    nnl_report_bad_input(k->cx, k->doc, at,
                         "invalid JSON inside the JSON string: %s", e->msg);
  else
    nnl_report_bad_input(k->cx, k->doc, at, "invalid JSON: %s", e->msg);
  return -1;
}

static void skip(nnl_doc *doc, const char *why) {
  doc->skipped = true;
  doc->skip_reason = why;
}

int nnl_parse_keras_json(nnl_ctx *cx, nnl_doc *doc) {
  kj k = {cx, doc, &doc->arena, NULL, false};
  /* a .keras archive: lint its config.json in place of the zip bytes */
  if (doc->len >= 4 && memcmp(doc->src, "PK\x03\x04", 4) == 0) {
    const char *why = NULL;
    uint32_t where = 0;
    size_t clen = 0;
    char *cfg = zip_config((const unsigned char *)doc->src, doc->len, &clen,
                           &why, &where);
    if (!cfg) {
      nnl_report_bad_input(cx, doc, (nnl_span){where, 0}, "%s", why);
      return -1;
    }
    if (doc->mapped) doc->mapped = false; /* nnl_doc_open reads .keras */
    else free(doc->src);
    doc->src = cfg;
    doc->len = clen;
    free(doc->line_starts);
    doc->line_starts = NULL;
    doc->n_lines = 0;
  }

  nnl_json_error err;
  nnl_jnode *root = nnl_json_parse(k.a, doc->src, doc->len, NNL_NOSPAN, &err);
  if (!root) return bad_json(&k, &err, NNL_NOSPAN);
  /* double encoding: the model's JSON inside a JSON string */
  for (int unwrap = 0; root->type == NNL_J_STR && unwrap < 2; unwrap++) {
    nnl_span flat = root->at;
    nnl_jnode *inner = nnl_json_parse(k.a, root->s, root->slen, flat, &err);
    if (!inner) {
      if (nnl_keras_json_sniff(root->s, root->slen))
        return bad_json(&k, &err, flat);
      skip(doc, "a JSON string that does not hold a Keras model");
      return 0;
    }
    root = inner;
  }
  if (root->type != NNL_J_OBJ) {
    skip(doc, "JSON without a Keras model object");
    return 0;
  }

  /* find the model object and its training configuration */
  const nnl_jnode *model = root, *tc = NULL;
  const nnl_jnode *mt = jget(root, "modelTopology", "model_topology");
  if (mt) {
    const char *fmt = nnl_json_str(root, "format");
    if ((fmt && strcmp(fmt, "graph-model") == 0) || nnl_json_get(mt, "node")) {
      skip(doc, "a TF.js graph model (a TensorFlow graph), not a Keras layers "
                "model");
      return 0;
    }
    model = mt;
    tc = jget(root, "trainingConfig", "training_config");
  }
  const nnl_jnode *mc = jget(model, "model_config", "modelConfig");
  if (mc && mc->type == NNL_J_OBJ) {
    if (!tc) tc = jget(model, "training_config", "trainingConfig");
    model = mc;
  }
  if (!tc) tc = jget(model, "training_config", "trainingConfig");
  if (!tc) tc = jget(model, "compile_config", "compileConfig");
  if (!tc) tc = jget(root, "compile_config", NULL);
  const nnl_jnode *cn = jget(model, "class_name", "className");
  if (!cn || cn->type != NNL_J_STR || !nnl_json_get(model, "config")) {
    skip(doc, "JSON without a Keras model (no class_name and config)");
    return 0;
  }
  if (model->type != NNL_J_OBJ) {
    skip(doc, "JSON without a Keras model object");
    return 0;
  }

  k.m = nnl_ir_model_new(k.a);
  nnl_array_push(&doc->models, k.m);
  k.m->at = model->at;
  const char *mname = nnl_json_str(nnl_json_get(model, "config"), "name");
  if (mname) k.m->name = (nnl_str){mname, cn->at, NNL_KNOWN};

  graph g = {0};
  knode outs = {0};
  int rc = emit_model(&k, &g, model, true, NULL, NULL, NOREF, &outs, 0);
  if (rc == 0) {
    /* every layer exists: resolve the recorded inbound nodes */
    refs r = {0};
    for (uint32_t i = 0; i < g.todo.len; i++) {
      pending *p = &g.todo.items[i];
      r.len = 0;
      collect(&k, p->in, p->sc, &r, "an inbound node", 0);
      if (k.failed) break;
      nnl_layer *l = &k.m->layers.items[p->layer];
      l->inputs = nnl_arena_alloc(k.a, sizeof *l->inputs * (r.len ? r.len : 1));
      if (r.len) memcpy(l->inputs, r.items, sizeof *r.items * r.len);
      l->n_inputs = r.len;
      if (r.len >= 2) traced_merge(l);
    }
    nnl_array_free(&r);
    if (k.failed) rc = -1;
    else training(&k, tc);
  }
  graph_free(&g);
  /* a number no Keras model can have (keras.c): units -8, lr NaN */
  if (rc == 0) rc = nnl_keras_report(cx, doc, k.m);
  if (k.m->layers.len > NNL_MAX_LAYERS) {
    nnl_report_bad_input(cx, doc, model->at, "more than %d layers",
                         NNL_MAX_LAYERS);
    return -1;
  }
  if (rc) {
    doc->models.len--;
    nnl_ir_model_free(k.m);
  }
  return rc;
}
