/*
 * yaml_spec.c - the nnlint YAML model spec front end (model-spec.md).
 *
 *   bytes --libyaml events--> node tree per YAML document (scratch arena,
 *         byte spans) --walk--> one nnl_model per document that is a spec
 *
 * One pass over libyaml's events builds the tree: nodes are bump-allocated,
 * children are linked, anchors go in a hash table, and every node knows how
 * many nodes a walk through it visits with aliases expanded, so an alias
 * bomb is refused at the alias that crosses NNL_MAX_ALIAS_NODES without
 * being expanded.  The walk then reads the spec's schema; it never follows
 * tags (a !!python/object is an unknown value) and never executes anything.
 *
 * Spans: libyaml counts marks in characters; they are turned into byte
 * offsets here (a moving cursor for non-ASCII text), so every IR value
 * points at its exact bytes.  Scalar text is written once, into the
 * document's arena, so the IR refers to it without another copy; the nodes
 * are dropped after each YAML document.
 *
 * Incremental re-parsing (nnl_yaml_cache, for the language server): the
 * tree and the layers as read are kept, and a text that changed inside
 * one item of `layers:`, or inside one other top-level entry (`inputs:`,
 * `training:`, ...), has only those lines read again (see "the
 * incremental state" below); the model built is the one a full parse
 * builds, which the differential check of `nnlint lsp --self-check`
 * tests.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "nnlint.h"

/* ---- the node tree ---- */
enum { Y_SCALAR, Y_SEQ, Y_MAP, Y_ALIAS };
/* What a tag says: nothing, a standard scalar type, or something nnlint
 * does not construct (!!python/object, !custom). */
enum { T_NONE, T_STR, T_NUM, T_BOOL, T_NULL, T_OTHER };

typedef struct ynode ynode;
struct ynode {
  uint8_t kind;
  uint8_t plain; /* plain scalar: may be a number, bool or null */
  uint8_t tag;   /* T_* */
  uint8_t open : 1; /* collection not finished (an alias to it recurses) */
  uint8_t flow : 1;
  uint8_t keyed : 1; /* a mapping key scalar: `kw` is its keyword */
  uint8_t merges : 1; /* mapping: some key may be a `<<` merge key */
  uint8_t null_word : 1; /* scalar: "", ~, null, Null or NULL (is_null) */
  uint32_t n;     /* scalar: bytes; collection: children */
  nnl_span at;
  uint32_t size;  /* nodes a walk visits, aliases expanded (saturating) */
  uint16_t depth; /* collections open around it when it began */
  uint8_t kw;     /* keyed: the keyword of s (kw_of) */
  const char *s;  /* scalar text (NUL-terminated) */
  ynode *kids;    /* first child; Y_ALIAS: the anchored node */
  ynode *next;
};

#define SIZE_CAP UINT32_MAX
enum { MAX_MERGE_DEPTH = 16, MAX_MERGE_SOURCES = 64, MAX_CONFIG_DEPTH = 4 };

/* ---- string-keyed hash table (anchors, layer names) ---- */
typedef struct htab {
  struct hent {
    const char *key;
    void *val;
  } *e;
  uint32_t n, cap; /* cap: 0 or a power of two */
} htab;

static uint32_t hash_str(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static struct hent *ht_find(htab *t, const char *key) {
  if (!t->cap) return NULL;
  for (uint32_t i = hash_str(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    if (!t->e[i].key) return &t->e[i];
    if (strcmp(t->e[i].key, key) == 0) return &t->e[i];
  }
}

static void *ht_get(htab *t, const char *key) {
  struct hent *e = ht_find(t, key);
  return e && e->key ? e->val : NULL;
}

/* Room for n entries without growing (the table stays at most half
 * full). */
static void ht_reserve(htab *t, uint32_t n) {
  if (n <= t->cap / 2) return;
  htab g = {0};
  g.cap = t->cap ? t->cap : 16;
  while (g.cap / 2 < n) {
    if (g.cap > UINT32_MAX / 4) nnl_oom();
    g.cap *= 2;
  }
  g.e = nnl_xcalloc(g.cap, sizeof *g.e);
  for (uint32_t i = 0; i < t->cap; i++)
    if (t->e[i].key) *ht_find(&g, t->e[i].key) = t->e[i], g.n++;
  free(t->e);
  *t = g;
}

/* Insert or replace; returns the previous value (NULL if none). */
static void *ht_put(htab *t, const char *key, void *val) {
  ht_reserve(t, t->n + 1);
  struct hent *e = ht_find(t, key);
  void *old = e->key ? e->val : NULL;
  if (!e->key) t->n++;
  e->key = key;
  e->val = val;
  return old;
}

static void ht_free(htab *t) {
  free(t->e);
  memset(t, 0, sizeof *t);
}

/* ---- keywords ----
 * The mapping keys the spec reads, normalized as nnl_name_key does
 * ("kernel_initializer" -> "kernelinitializer").  A key scalar gets its
 * keyword id when the tree is built (kw_of), so the readers below compare
 * small integers, and dispatch on them, instead of strings. */
#define KEYWORDS(X) \
  X(a) X(activation) X(augment) X(augmentation) X(b) X(batchsize) X(biasinit) \
  X(biasinitializer) X(bottleneck) X(class) X(classes) X(classname) \
  X(clipgradnorm) X(clipnorm) X(clipvalue) X(code) X(config) X(data) \
  X(dataaugmentation) X(datasetsize) X(dilation) X(dilationrate) \
  X(dropoutrate) X(dtype) X(embeddingdim) X(epochs) X(evaldata) X(expression) \
  X(features) X(filters) X(framework) X(fromlogits) X(function) \
  X(globalclipnorm) X(gradientclipalgorithm) X(gradientclipping) \
  X(gradientclipval) X(groups) X(heads) X(hiddensize) X(inchannels) \
  X(infeatures) X(init) X(initializer) X(initiallearningrate) X(input) \
  X(inputdim) X(inputs) X(kernelinit) X(kernelinitializer) \
  X(kernelregularizer) X(kernelsize) X(keydim) X(kind) X(l1) X(l2) X(lambda) \
  X(layer) X(layers) X(learningrate) X(loss) X(lr) X(maxepochs) \
  X(maxgradnorm) X(maxval) X(mean) X(mergemode) X(method) X(metrics) \
  X(minval) X(momentum) X(name) X(nhead) X(nnlint) X(norm) X(normalization) \
  X(normalize) X(numclasses) X(numembeddings) X(numepochs) X(numfeatures) \
  X(numgroups) X(numheads) X(numlayers) X(numoutput) X(optimizer) \
  X(outchannels) X(outfeatures) X(outputdim) X(outputs) X(p) X(poolsize) \
  X(preprocess) X(preprocessing) X(range) X(rate) X(repeat) X(shape) X(split) \
  X(std) X(stddev) X(stride) X(strides) X(task) X(to) X(training) X(type) \
  X(units) X(val) X(valdata) X(validation) X(validationdata) \
  X(validationsplit) X(value) X(var) X(variance) X(weightdecay) X(weightinit) \
  X(weightinitializer) X(weightregularizer) X(wregularizer)

enum {
  KW_NONE, /* not a keyword (or not a scalar, or too long) */
#define X(k) KW_##k,
  KEYWORDS(X)
#undef X
  KW__N
};
_Static_assert(KW__N <= 256, "keyword ids are bytes");
static const char *const kw_text[KW__N] = {
    "",
#define X(k) #k,
    KEYWORDS(X)
#undef X
};

/* An open-addressing table of the keywords, built once, hashed by their
 * length and three of their bytes (the table is for the few keywords;
 * other keys end at an empty slot after a probe or two). */
enum { KW_SLOTS = 512 };
static uint8_t kw_slot[KW_SLOTS]; /* 0: empty, else a keyword id */
static uint8_t kw_len[KW__N];
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static uint32_t kw_hash(const char *t, size_t n) {
  uint32_t h = (uint32_t)n * 0x9E3779B1u ^
               (uint32_t)(unsigned char)t[0] << 5 ^
               (uint32_t)(unsigned char)t[n - 1] << 10 ^
               (uint32_t)(unsigned char)t[n / 2] << 15;
  h ^= h >> 13;
  h *= 0x85EBCA6Bu;
  return (h ^ h >> 16) & (KW_SLOTS - 1);
}

static void kw_build(void) {
  for (int id = 1; id < KW__N; id++) {
    size_t n = strlen(kw_text[id]);
    uint32_t i = kw_hash(kw_text[id], n);
    while (kw_slot[i]) i = (i + 1) & (KW_SLOTS - 1);
    kw_slot[i] = (uint8_t)id;
    kw_len[id] = (uint8_t)n;
  }
}

/* The keyword of key text s, folded as nnl_name_key folds (C locale,
 * ASCII only: '_' and '-' dropped, A-Z lowered), or KW_NONE. */
static int kw_of(const char *s) {
  /* 1 for the bytes a key keeps as they are: not NUL, '_', '-' or A-Z */
  static const uint8_t same[256] = {
      0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
      1,1,1,1,1,1,1,1,1,1,1,1,1,0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
      1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,1,1,0,
      1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
      1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
      1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
      1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
      1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
  };
  enum { MAX = 32 }; /* longer than any keyword */
  char buf[MAX];
  const char *q = s, *t = s;
  while (same[(unsigned char)*q]) q++;
  size_t n = (size_t)(q - s);
  if (n > MAX) return KW_NONE;
  if (*q) { /* fold from the first byte that changes */
    memcpy(buf, s, n);
    for (; *q; q++) {
      unsigned char c = (unsigned char)*q;
      if (c == '_' || c == '-') continue;
      if (n == MAX) return KW_NONE;
      buf[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    t = buf;
  }
  if (!n) return KW_NONE;
  for (uint32_t i = kw_hash(t, n);; i = (i + 1) & (KW_SLOTS - 1)) {
    int id = kw_slot[i];
    if (!id) return KW_NONE;
    if (kw_len[id] == n && memcmp(kw_text[id], t, n) == 0) return id;
  }
}

/* kw_of for a key scalar of n bytes, through a small per-thread memo of
 * the keys last seen: a spec repeats the same few keys (type, units,
 * activation) layer after layer.  The memo holds bytes and ids only. */
static int kw_of_key(const char *s, size_t n) {
  enum { MEMO = 64, TEXT = 24 };
  static _Thread_local struct {
    uint8_t n, kw;
    char s[TEXT];
  } memo[MEMO];
  if (n == 0 || n >= TEXT) return kw_of(s);
  unsigned h = ((unsigned)n * 7u ^ (unsigned char)s[0] ^
                (unsigned)(unsigned char)s[n - 1] << 2 ^
                (unsigned)(unsigned char)s[n / 2] << 1) & (MEMO - 1);
  if (memo[h].n == n && memcmp(memo[h].s, s, n) == 0) return memo[h].kw;
  int kw = kw_of(s);
  memo[h].n = (uint8_t)n;
  memo[h].kw = (uint8_t)kw;
  memcpy(memo[h].s, s, n);
  return kw;
}

/* ---- parser state ---- */
typedef struct yp {
  nnl_ctx *cx;
  nnl_doc *doc;
  nnl_arena *a;  /* everything the IR keeps: the document's arena, or the
                    cache's (strings that outlive the document) */
  nnl_arena *run; /* what one lint needs: the model and its edges (the
                     document's arena) */
  nnl_arena *tree; /* nodes of the current YAML document: own_tree, or
                      the cache's */
  nnl_arena own_tree;
  char *room;     /* unaligned string space in p->a */
  size_t room_left, chunk;
  htab anchors;
  uint64_t alias_nodes;
  /* the text libyaml reads: the document, or one layer item's lines that
   * start at byte base of the document */
  const char *src;
  size_t len;
  uint32_t base;
  /* character index -> byte offset */
  size_t bom;
  bool ascii, utf16;
  size_t ci, bi;
  /* incremental parsing (nnl_yaml_cache) */
  struct nnl_yaml_cache *cache;
  bool quiet;      /* an attempt: problems are not reported, they fail it */
  bool item_mode;  /* read_stream reads one layer item (read_item) */
  bool plain;      /* cache fill: no anchor, alias, directive, 2nd document */
  uint32_t depth0; /* collections open around the text read */
  uint32_t docs;
  ynode *root;     /* item_mode: the document's root */
  ynode *layers;   /* the model's `layers` list (build_model) */
  uint32_t dirty;  /* an incremental build: the item read again (0 when
                      none); else UINT32_MAX */
  bool names_kept; /* the build takes the layer names from the cache */
} yp;

static uint32_t byte_off(yp *p, size_t idx) {
  size_t len = p->len, off;
  if (p->ascii) {
    off = p->bom + idx;
  } else if (p->utf16) {
    off = p->bom + 2 * idx; /* exact for the Basic Multilingual Plane */
  } else {
    const unsigned char *s = (const unsigned char *)p->src;
    while (p->ci < idx && p->bi < len) {
      unsigned char c = s[p->bi];
      p->bi += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      p->ci++;
    }
    while (p->ci > idx && p->bi > p->bom) {
      p->bi--;
      while (p->bi > p->bom && (s[p->bi] & 0xC0) == 0x80) p->bi--;
      p->ci--;
    }
    off = p->bi;
  }
  if (off > len) off = len;
  return (uint32_t)off + p->base;
}

static inline nnl_span span_of(yp *p, yaml_mark_t a, yaml_mark_t b) {
  if (p->ascii) { /* byte_off's first case, without the calls */
    size_t len = p->len, so = p->bom + a.index, eo = p->bom + b.index;
    if (so > len) so = len;
    if (eo > len) eo = len;
    return (nnl_span){(uint32_t)so + p->base,
                      eo > so ? (uint32_t)(eo - so) : 0};
  }
  uint32_t s = byte_off(p, a.index), e = byte_off(p, b.index);
  return (nnl_span){s, e > s ? e - s : 0};
}

/* NN000 at `at`; returns -1 so callers can `return bad(...)`. */
static int bad(yp *p, nnl_span at, const char *fmt, ...) NNL_PRINTF(3, 4);
static int bad(yp *p, nnl_span at, const char *fmt, ...) {
  if (p->quiet) return -1; /* an incremental attempt: the full parse says it */
  va_list ap;
  va_start(ap, fmt);
  const char *msg = nnl_arena_vprintf(p->a, fmt, ap);
  va_end(ap);
  nnl_report_bad_input(p->cx, p->doc, at, "%s", msg);
  return -1;
}
#define TRY(x)                                                                 \
  do {                                                                         \
    if ((x) < 0) return -1;                                                    \
  } while (0)

/* ---- building the tree from events ---- */
static uint8_t tag_class(const yaml_char_t *tag, bool scalar) {
  static const char std[] = "tag:yaml.org,2002:";
  if (!tag) return T_NONE;
  const char *t = (const char *)tag;
  if (strcmp(t, "!") == 0) return T_STR; /* non-specific: a string */
  if (strncmp(t, std, sizeof std - 1) != 0) return T_OTHER;
  t += sizeof std - 1;
  if (scalar) {
    if (strcmp(t, "str") == 0) return T_STR;
    if (strcmp(t, "int") == 0 || strcmp(t, "float") == 0) return T_NUM;
    if (strcmp(t, "bool") == 0) return T_BOOL;
    if (strcmp(t, "null") == 0) return T_NULL;
    return T_OTHER;
  }
  return strcmp(t, "map") == 0 || strcmp(t, "seq") == 0 ||
                 strcmp(t, "omap") == 0
             ? T_NONE
             : T_OTHER;
}

static uint32_t sat_add(uint64_t a, uint64_t b) {
  return a + b > SIZE_CAP ? SIZE_CAP : (uint32_t)(a + b);
}

/* Scalar text, packed without the arena's alignment (most are short), in
 * the document's arena: the IR keeps these strings as they are. */
static inline const char *tree_str(yp *p, const char *s, size_t n) {
  enum { CHUNK = 64 * 1024 };
  if (n >= 1024) return nnl_arena_strndup(p->a, s, n);
  if (p->room_left < n + 1) {
    /* chunks grow with the document: small files stay small */
    p->chunk = p->chunk ? (p->chunk < CHUNK ? 2 * p->chunk : CHUNK) : 2048;
    p->room = nnl_arena_alloc(p->a, p->chunk);
    p->room_left = p->chunk;
  }
  char *o = p->room;
  memcpy(o, s, n);
  o[n] = '\0';
  p->room += n + 1;
  p->room_left -= n + 1;
  return o;
}

/* Is s[0..n) a YAML null word ("", ~, null, Null, NULL)? */
static inline bool null_word(const char *s, size_t n) {
  switch (n) {
  case 0: return true;
  case 1: return s[0] == '~';
  case 4:
    return (s[0] == 'n' || s[0] == 'N') &&
           ((s[1] == 'u' && s[2] == 'l' && s[3] == 'l') ||
            (s[0] == 'N' && s[1] == 'U' && s[2] == 'L' && s[3] == 'L'));
  default: return false;
  }
}

/* Append n to the open collection at depth-1 (last[] holds each open
 * collection's last child), or make it the document's root. */
static void attach(ynode **stack, ynode **last, uint32_t depth, ynode **root,
                   ynode *n) {
  if (depth == 0) {
    if (!*root) *root = n;
    return;
  }
  ynode *parent = stack[depth - 1];
  if (last[depth - 1]) last[depth - 1]->next = n;
  else parent->kids = n;
  last[depth - 1] = n;
  parent->n++;
}

static void anchor(yp *p, const yaml_char_t *name, ynode *n) {
  if (!name) return;
  p->plain = false;
  ht_put(&p->anchors, nnl_arena_strdup(p->tree, (const char *)name), n);
}

/* The message for a libyaml failure, at its problem mark. */
static void yaml_failed(yp *p, yaml_parser_t *ps) {
  if (ps->error == YAML_MEMORY_ERROR) nnl_oom();
  if (p->quiet) return;
  nnl_span at;
  if (ps->error == YAML_READER_ERROR)
    at = (nnl_span){(uint32_t)(ps->problem_offset < p->len
                                   ? ps->problem_offset
                                   : p->len) + p->base,
                    0};
  else
    at = (nnl_span){byte_off(p, ps->problem_mark.index), 0};
  const char *problem = ps->problem ? ps->problem : "cannot parse";
  if (ps->context)
    nnl_report_bad_input(p->cx, p->doc, at, "invalid YAML: %s %s",
                         problem, ps->context);
  else
    nnl_report_bad_input(p->cx, p->doc, at, "invalid YAML: %s", problem);
}

static int model_of_document(yp *p, ynode *root, bool *is_spec);

/* Does event ev keep a layer item plain enough to be read alone (item
 * mode)?  No anchor, tag or alias, no block scalar (its end depends on
 * what follows), no directive and no explicit document start or end. */
static bool item_event_ok(const yaml_event_t *ev) {
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT:
    return ev->data.document_start.implicit &&
           !ev->data.document_start.version_directive &&
           ev->data.document_start.tag_directives.start ==
               ev->data.document_start.tag_directives.end;
  case YAML_DOCUMENT_END_EVENT: return ev->data.document_end.implicit;
  case YAML_SCALAR_EVENT:
    return !ev->data.scalar.anchor && !ev->data.scalar.tag &&
           (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
            ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
            ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
  case YAML_SEQUENCE_START_EVENT:
    return !ev->data.sequence_start.anchor && !ev->data.sequence_start.tag;
  case YAML_MAPPING_START_EVENT:
    return !ev->data.mapping_start.anchor && !ev->data.mapping_start.tag;
  case YAML_ALIAS_EVENT: return false;
  default: return true;
  }
}

/* Read the whole stream; call model_of_document at each document's end.
 * Returns 0, or -1 after an NN000.  *specs counts spec documents.  In
 * item mode (p->item_mode, p->quiet) the stream is one layer item's lines:
 * its one document's root is left in p->root, and -1 says the lines are
 * not plain enough to be read alone (item_event_ok) or not valid. */
static int read_stream(yp *p, uint32_t *specs) {
  yaml_parser_t ps;
  yaml_event_t ev;
  ynode *stack[NNL_MAX_DEPTH + 1], *last[NNL_MAX_DEPTH + 1];
  uint32_t depth = 0;
  ynode *root = NULL;
  int rc = 0;
  if (!yaml_parser_initialize(&ps)) nnl_oom();
  yaml_parser_set_input_string(&ps, (const unsigned char *)p->src, p->len);
  for (bool done = false; !done && rc == 0;) {
    if (!yaml_parser_parse(&ps, &ev)) {
      yaml_failed(p, &ps);
      rc = -1;
      break;
    }
    if (p->item_mode && !item_event_ok(&ev)) {
      yaml_event_delete(&ev);
      rc = -1;
      break;
    }
    ynode *n = NULL;
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = true;
      break;
    case YAML_DOCUMENT_START_EVENT:
      if (++p->docs > 1) p->plain = false;
      if (ev.data.document_start.version_directive ||
          ev.data.document_start.tag_directives.start !=
              ev.data.document_start.tag_directives.end)
        p->plain = false;
      if (p->item_mode) {
        if (p->docs > 1) rc = -1;
        break;
      }
      if (p->tree == &p->own_tree) {
        nnl_arena_free(p->tree);
        nnl_arena_init(p->tree);
      }
      ht_free(&p->anchors);
      depth = 0;
      root = NULL;
      break;
    case YAML_DOCUMENT_END_EVENT: {
      if (p->item_mode) {
        p->root = root;
        break;
      }
      p->root = root;
      bool is_spec = false;
      rc = model_of_document(p, root, &is_spec);
      if (is_spec) (*specs)++;
      break;
    }
    case YAML_SCALAR_EVENT:
      n = nnl_arena_alloc(p->tree, sizeof *n);
      n->kind = Y_SCALAR;
      n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
      n->tag = ev.data.scalar.tag ? tag_class(ev.data.scalar.tag, true) : T_NONE;
      n->at = span_of(p, ev.start_mark, ev.end_mark);
      n->s = tree_str(p, (const char *)ev.data.scalar.value,
                      ev.data.scalar.length);
      n->n = ev.data.scalar.length > UINT32_MAX
                 ? UINT32_MAX
                 : (uint32_t)ev.data.scalar.length;
      n->null_word = null_word(n->s, ev.data.scalar.length);
      n->size = 1;
      /* an odd child of a mapping is a key: decided before attach counts
         this one, from the count the parent already has */
      ynode *par = depth ? stack[depth - 1] : NULL;
      bool is_key = par && par->kind == Y_MAP && !(par->n & 1);
      attach(stack, last, depth, &root, n);
      if (is_key) {
        n->keyed = 1;
        n->kw = (uint8_t)kw_of_key(n->s, ev.data.scalar.length);
        if (n->s[0] == '<') par->merges = 1;
      }
      if (par) par->size = sat_add(par->size, 1);
      anchor(p, ev.data.scalar.anchor, n);
      break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
      bool seq = ev.type == YAML_SEQUENCE_START_EVENT;
      nnl_span at = span_of(p, ev.start_mark, ev.end_mark);
      if (depth + p->depth0 >= NNL_MAX_DEPTH) {
        rc = bad(p, at, "nesting deeper than %d levels", NNL_MAX_DEPTH);
        break;
      }
      n = nnl_arena_alloc(p->tree, sizeof *n);
      n->kind = seq ? Y_SEQ : Y_MAP;
      n->tag = tag_class(seq ? ev.data.sequence_start.tag
                             : ev.data.mapping_start.tag,
                         false);
      n->flow = seq ? ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                    : ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
      n->at = at;
      n->open = 1;
      n->size = 1;
      n->depth = (uint16_t)(depth + p->depth0);
      attach(stack, last, depth, &root, n);
      anchor(p, seq ? ev.data.sequence_start.anchor
                    : ev.data.mapping_start.anchor,
             n);
      last[depth] = NULL;
      stack[depth++] = n;
      break;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
      if (!depth) break;
      n = stack[--depth];
      n->open = 0;
      /* A block collection ends with its last child; a flow one at its
       * closing bracket. */
      ynode *lk = last[depth];
      uint32_t end;
      if (n->flow || !lk)
        end = byte_off(p, ev.end_mark.index);
      else
        end = lk->at.off + lk->at.len;
      if (lk && end < lk->at.off + lk->at.len) end = lk->at.off + lk->at.len;
      n->at.len = end > n->at.off ? end - n->at.off : 0;
      if (depth) stack[depth - 1]->size = sat_add(stack[depth - 1]->size, n->size);
      break;
    }
    case YAML_ALIAS_EVENT: {
      p->plain = false;
      nnl_span at = span_of(p, ev.start_mark, ev.end_mark);
      const char *name = (const char *)ev.data.alias.anchor;
      ynode *t = ht_get(&p->anchors, name);
      if (!t) {
        rc = bad(p, at, "alias *%s names no anchor defined before it", name);
        break;
      }
      if (t->open) {
        rc = bad(p, at, "alias *%s refers to a node that contains it", name);
        break;
      }
      p->alias_nodes = sat_add(p->alias_nodes, t->size);
      if (p->alias_nodes > NNL_MAX_ALIAS_NODES) {
        rc = bad(p, at,
                 "alias expansion too large: more than %d nodes through "
                 "aliases",
                 NNL_MAX_ALIAS_NODES);
        break;
      }
      n = nnl_arena_alloc(p->tree, sizeof *n);
      n->kind = Y_ALIAS;
      n->kids = t;
      n->at = at;
      n->size = t->size;
      attach(stack, last, depth, &root, n);
      if (depth && stack[depth - 1]->kind == Y_MAP && (stack[depth - 1]->n & 1))
        stack[depth - 1]->merges = 1; /* an alias as a key: is_merge_key decides */
      if (depth) stack[depth - 1]->size = sat_add(stack[depth - 1]->size, t->size);
      break;
    }
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&ps);
  return rc;
}

/* ---- reading values ---- */
static inline ynode *deref(ynode *n) {
  return n && n->kind == Y_ALIAS ? n->kids : n;
}

static bool is_null(ynode *v) {
  if (!v) return true;
  if (v->kind != Y_SCALAR) return false;
  if (v->tag == T_NULL) return true;
  return v->plain && v->tag == T_NONE && v->null_word;
}

/* 1 true, 0 false, -1 not a boolean (YAML 1.1 words, as PyYAML reads). */
static int as_bool(ynode *v) {
  static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
                                    "YES",  "on",   "On",   "ON"};
  static const char *const no[] = {"false", "False", "FALSE", "no", "No",
                                   "NO",    "off",   "Off",   "OFF"};
  if (!v || v->kind != Y_SCALAR || !(v->plain || v->tag == T_BOOL)) return -1;
  switch (v->s[0]) { /* the first letters of the words below */
  case 't': case 'T': case 'y': case 'Y': case 'o': case 'O':
  case 'f': case 'F': case 'n': case 'N': break;
  default: return -1;
  }
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
    if (strcmp(v->s, yes[i]) == 0) return 1;
    if (strcmp(v->s, no[i]) == 0) return 0;
  }
  return -1;
}

/* Powers of ten that doubles hold exactly. */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                     1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                     1e18, 1e19, 1e20, 1e21, 1e22};

/* The common decimal forms (123, 0.01, 1e-4, 2.5E+3) read without strtod
 * when the result is exact: at most 15 significant digits and a power of
 * ten up to 22, so one correctly rounded multiplication or division gives
 * what strtod gives.  False when s is anything else (the caller then uses
 * strtod). */
static bool fast_decimal(const char *s, double *out) {
  uint64_t m = 0;
  int digits = 0, exp10 = 0;
  bool any = false;
  for (; *s >= '0' && *s <= '9'; s++, any = true) {
    if (m == 0 && *s == '0') continue; /* leading zeros */
    if (++digits > 15) return false;
    m = m * 10 + (uint64_t)(*s - '0');
  }
  if (*s == '.') {
    for (s++; *s >= '0' && *s <= '9'; s++, any = true) {
      if (m == 0 && *s == '0') {
        exp10--;
        continue;
      }
      if (++digits > 15) return false;
      m = m * 10 + (uint64_t)(*s - '0');
      exp10--;
    }
  }
  if (!any) return false;
  if (*s == 'e' || *s == 'E') {
    s++;
    bool eneg = false;
    if (*s == '+' || *s == '-') eneg = *s++ == '-';
    if (!(*s >= '0' && *s <= '9')) return false;
    int e = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
      if (e > 1000) return false;
      e = e * 10 + (*s - '0');
    }
    exp10 += eneg ? -e : e;
  }
  if (*s) return false;
  if (m == 0) {
    *out = 0.0;
    return true;
  }
  if (exp10 < -22 || exp10 > 22) return false;
  *out = exp10 < 0 ? (double)m / pow10_exact[-exp10]
                   : (double)m * pow10_exact[exp10];
  return true;
}

/* A YAML 1.1/1.2 number: 12, -3, 1_000, 0x1F, 0o17, 0b101, 1.5, .01, 1e-4,
 * 6.02E+23, .inf, -.Inf, .nan.  Quoted numbers are read too (a linter
 * should not fail on learning_rate: "1e-4").  Returns false otherwise. */
static bool parse_number(const char *s, double *out) {
  char buf[80];
  size_t n = 0;
  bool neg = false;
  /* anything else cannot be read as a number (checked below) */
  if (!((*s >= '0' && *s <= '9') || *s == '.' || *s == '+' || *s == '-'))
    return false;
  if (*s == '+' || *s == '-') neg = *s++ == '-';
  { /* the usual case, a plain whole number (units: 128), exact in a
       double at up to 15 digits: what the careful path below reads too */
    uint64_t v = 0;
    size_t k = 0;
    while (k < 15 && s[k] >= '0' && s[k] <= '9')
      v = v * 10 + (uint64_t)(s[k++] - '0');
    if (k > 0 && !s[k]) {
      *out = neg ? -(double)v : (double)v;
      return true;
    }
  }
  if (s[0] == '.' && (strcmp(s, ".inf") == 0 || strcmp(s, ".Inf") == 0 ||
                      strcmp(s, ".INF") == 0)) {
    *out = neg ? -INFINITY : INFINITY;
    return true;
  }
  if (s[0] == '.' && (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 ||
                      strcmp(s, ".NAN") == 0)) {
    *out = NAN;
    return true;
  }
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s += 2;
  else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) base = 8, s += 2;
  else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) base = 2, s += 2;
  bool digit = false;
  for (; *s; s++) {
    char c = *s;
    if (c == '_' && n > 0) continue; /* YAML 1.1 digit groups */
    bool ok;
    if (base == 16) ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                         (c >= 'A' && c <= 'F');
    else if (base == 8) ok = c >= '0' && c <= '7';
    else if (base == 2) ok = c == '0' || c == '1';
    else ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
              c == '+' || c == '-';
    if (!ok || n + 1 >= sizeof buf) return false;
    if (c >= '0' && c <= '9') digit = true;
    buf[n++] = c;
  }
  buf[n] = '\0';
  if (!digit && base == 10) return false;
  if (!n) return false;
  char *end;
  double d;
  if (base == 10 && fast_decimal(buf, &d)) {
    *out = neg ? -d : d;
    return true;
  }
  if (base == 10) d = strtod(buf, &end);
  else d = (double)strtoull(buf, &end, base);
  if (*end) return false;
  *out = neg ? -d : d;
  return true;
}

/* A value nnlint cannot resolve: a tag it does not construct, or an
 * interpolation (${...}, {{ ... }}) of a templated config. */
static bool unresolved(ynode *v) {
  if (v->tag == T_OTHER) return true;
  if (v->kind != Y_SCALAR) return false;
  /* ${ or {{ (inline: scalars are short, and most have no brace) */
  for (const char *q = v->s; *q; q++)
    if (*q == '{' && q > v->s && (q[-1] == '$' || q[-1] == '{')) return true;
  return false;
}

static const char *kind_name(ynode *v) {
  switch (v->kind) {
  case Y_SEQ: return "a list";
  case Y_MAP: return "a mapping";
  default: return "a scalar";
  }
}

/* A node's text for the IR: it is in the document's arena already
 * (tree_str), so it is kept as it is. */
static const char *keep(yp *p, const char *s) {
  (void)p;
  return s;
}

/* Lower-case copy in the document arena. */
static const char *keep_lower(yp *p, const char *s) {
  char *c = nnl_arena_strdup(p->a, s);
  for (char *q = c; *q; q++)
    if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
  return c;
}

/* The common start of a value reader: the value behind aliases, or NULL
 * when there is nothing more to read (absent or null; or unresolvable, and
 * then *state is UNKNOWN).  *at is where the value is written. */
static ynode *value_of(ynode *v, nnl_span *at, uint8_t *state) {
  v = deref(v);
  if (is_null(v)) return NULL;
  *at = v->at;
  if (unresolved(v)) {
    *state = NNL_UNKNOWN;
    return NULL;
  }
  return v;
}

/* NN000 unless d, read from x, is a value of kind k (nnl_num_check: every
 * number read for the IR passes here).  what names the field; idx >= 0 is
 * the item's index in a list (`shape[1]`). */
static int num_ok(yp *p, ynode *x, double d, nnl_numkind k, const char *what,
                  int idx) {
  const char *need = nnl_num_check(d, k);
  if (!need) return 0;
  if (idx >= 0)
    return bad(p, x->at, "`%s[%d]` must be %s, not '%s'", what, idx, need,
               x->s);
  return bad(p, x->at, "`%s` must be %s, not '%s'", what, need, x->s);
}

/* Number fields: null -> ABSENT, unresolvable -> UNKNOWN, else a number of
 * kind k, or NN000 at the value. */
static int get_num(yp *p, ynode *v, nnl_num *out, const char *what,
                   nnl_numkind k) {
  if (!(v = value_of(v, &out->at, &out->state))) return 0;
  if (v->kind == Y_SCALAR && v->tag != T_BOOL && parse_number(v->s, &out->v)) {
    TRY(num_ok(p, v, out->v, k, what, -1));
    out->state = NNL_KNOWN;
    return 0;
  }
  out->state = NNL_ABSENT;
  if (v->kind == Y_SCALAR)
    return bad(p, v->at, "`%s` must be a number, not '%s'", what, v->s);
  return bad(p, v->at, "`%s` must be a number, not %s", what, kind_name(v));
}

/* String fields: any scalar is text; a collection is NN000. */
static int get_str(yp *p, ynode *v, nnl_str *out, const char *what) {
  if (!(v = value_of(v, &out->at, &out->state))) return 0;
  if (v->kind != Y_SCALAR)
    return bad(p, v->at, "`%s` must be a string, not %s", what, kind_name(v));
  out->s = keep(p, v->s);
  out->state = NNL_KNOWN;
  return 0;
}

/* A name field (activation, optimizer, loss...): a scalar that is not a
 * number or boolean. */
static int get_name(yp *p, ynode *v, nnl_str *out, const char *what) {
  v = deref(v);
  if (is_null(v)) return 0;
  double d;
  if (v->kind == Y_SCALAR && v->plain && v->tag == T_NONE &&
      (as_bool(v) >= 0 || parse_number(v->s, &d)))
    return bad(p, v->at, "`%s` must be a name, not '%s'", what, v->s);
  return get_str(p, v, out, what);
}

static int get_flag(yp *p, ynode *v, nnl_flag *out, const char *what) {
  if (!(v = value_of(v, &out->at, &out->state))) return 0;
  int b = as_bool(v);
  if (b < 0)
    return bad(p, v->at, "`%s` must be true or false, not %s%s%s", what,
               v->kind == Y_SCALAR ? "'" : "",
               v->kind == Y_SCALAR ? v->s : kind_name(v),
               v->kind == Y_SCALAR ? "'" : "");
  out->v = b != 0;
  out->state = NNL_KNOWN;
  return 0;
}

/* The keyword of a mapping pair's key (KW_NONE for other scalars); -1
 * for keys that are not scalars. */
static int key_kw(ynode *k) {
  k = deref(k);
  if (!k || k->kind != Y_SCALAR) return -1;
  return k->keyed ? k->kw : kw_of(k->s); /* an alias's scalar: not keyed */
}

static bool is_merge_key(ynode *k) {
  k = deref(k);
  return k && k->kind == Y_SCALAR && k->plain && k->s[0] == '<' &&
         k->s[1] == '<' && k->s[2] == '\0';
}

/* Looks a key up in a mapping (merge keys included; explicit keys win). */
static ynode *map_get(ynode *map, int kw, int depth) {
  map = deref(map);
  if (!map || map->kind != Y_MAP || depth > MAX_MERGE_DEPTH) return NULL;
  ynode *found = NULL;
  for (ynode *k = map->kids; k && k->next; k = k->next->next)
    if ((k->keyed ? k->kw : key_kw(k)) == kw) found = k->next;
  if (found || !map->merges) return found;
  for (ynode *k = map->kids; k && k->next; k = k->next->next) {
    if (!is_merge_key(k)) continue;
    ynode *v = deref(k->next);
    if (v && v->kind == Y_SEQ) {
      for (ynode *m = v->kids; m; m = m->next)
        if ((found = map_get(m, kw, depth + 1))) return found;
    } else if ((found = map_get(v, kw, depth + 1))) {
      return found;
    }
  }
  return NULL;
}

/* Calls fn(p, obj, kw, value) for every pair of map whose key is a
 * keyword: the pairs of `<<` merge sources first (so explicit keys,
 * handled later, win; among several sources the first wins), then the
 * mapping's own.  The readers act on keywords only, so other pairs are
 * skipped here. */
typedef int (*pair_fn)(yp *p, void *obj, int kw, ynode *v);
static int each_pair(yp *p, ynode *map, pair_fn fn, void *obj, int depth) {
  map = deref(map);
  if (depth > MAX_MERGE_DEPTH)
    return bad(p, map->at, "`<<` merges nested deeper than %d", MAX_MERGE_DEPTH);
  for (ynode *k = map->merges ? map->kids : NULL; k && k->next;
       k = k->next->next) {
    if (!is_merge_key(k)) continue;
    ynode *v = deref(k->next), *src[MAX_MERGE_SOURCES];
    uint32_t ns = 0;
    if (v->kind == Y_SEQ) {
      for (ynode *m = v->kids; m; m = m->next) {
        if (ns == MAX_MERGE_SOURCES)
          return bad(p, v->at, "`<<` merges more than %d mappings",
                     MAX_MERGE_SOURCES);
        src[ns++] = m;
      }
    } else {
      src[ns++] = v;
    }
    while (ns--) {
      ynode *m = deref(src[ns]);
      if (m->kind != Y_MAP)
        return bad(p, m->at, "`<<` must merge a mapping, not %s", kind_name(m));
      TRY(each_pair(p, m, fn, obj, depth + 1));
    }
  }
  for (ynode *k = map->kids; k && k->next; k = k->next->next) {
    int kw = k->keyed ? k->kw : key_kw(k);
    if (kw <= KW_NONE || (map->merges && is_merge_key(k))) continue;
    TRY(fn(p, obj, kw, k->next));
  }
  return 0;
}

/* A mapping is required (a structural position): NN000 otherwise, also for
 * tagged objects nnlint does not construct. */
static int need_map(yp *p, ynode *v, const char *what) {
  if (v->tag == T_OTHER)
    return bad(p, v->at, "%s is a tagged object; nnlint reads plain YAML only",
               what);
  if (v->kind != Y_MAP)
    return bad(p, v->at, "%s must be a mapping, not %s", what, kind_name(v));
  return 0;
}

/* The `type` of a typed mapping ({type: X, ...} or Keras' serialized
 * {class_name: X, config: {...}}), or NULL. */
static ynode *type_of(ynode *map) {
  ynode *t = map_get(map, KW_type, 0);
  if (!t) t = map_get(map, KW_classname, 0);
  if (!t) t = map_get(map, KW_class, 0);
  t = deref(t);
  return t && t->kind == Y_SCALAR && !is_null(t) ? t : NULL;
}

/* A typed mapping's `config` mapping (Keras' {class_name, config}), or
 * NULL. */
static ynode *config_of(ynode *map) {
  ynode *cfg = deref(map_get(map, KW_config, 0));
  return cfg && cfg->kind == Y_MAP ? cfg : NULL;
}

/* An argument of a typed mapping: the mapping's own key, else its
 * `config` mapping's. */
static ynode *arg_of(ynode *map, int kw) {
  ynode *v = map_get(map, kw, 0);
  if (v) return v;
  ynode *cfg = config_of(map);
  return cfg ? map_get(cfg, kw, 0) : NULL;
}

/* arg_of for several keys of one mapping: its `config` looked up once. */
typedef struct args {
  ynode *map, *cfg;
} args;
static args args_of(ynode *map) { return (args){map, config_of(map)}; }
static ynode *arg_in(const args *a, int kw) {
  ynode *v = map_get(a->map, kw, 0);
  return v ? v : a->cfg ? map_get(a->cfg, kw, 0) : NULL;
}

/* A list of scalars (shape, std values, metrics, steps): a scalar is a list
 * of one; a mapping item counts as its `type`; other items are unknown.
 * Number items must be of kind k. */
static int get_list(yp *p, ynode *v, nnl_list *out, const char *what,
                    nnl_numkind k) {
  if (!(v = value_of(v, &out->at, &out->state))) return 0;
  if (v->kind == Y_MAP)
    return bad(p, v->at, "`%s` must be a list, not a mapping", what);
  uint32_t n = v->kind == Y_SEQ ? v->n : 1;
  nnl_value *items = nnl_arena_alloc(p->run, sizeof *items * (n ? n : 1));
  ynode *it = v->kind == Y_SEQ ? v->kids : v;
  for (uint32_t i = 0; i < n && it; i++, it = v->kind == Y_SEQ ? it->next : NULL) {
    ynode *x = deref(it);
    nnl_value *o = &items[i];
    o->at = x->at;
    o->type = NNL_V_UNKNOWN;
    if (x->kind == Y_MAP) {
      ynode *t = type_of(x);
      if (t) o->type = NNL_V_STR, o->s = keep(p, t->s);
      continue;
    }
    if (x->kind != Y_SCALAR || unresolved(x)) continue;
    int b;
    if (is_null(x)) o->type = NNL_V_ABSENT;
    else if (x->plain && (b = as_bool(x)) >= 0) o->type = NNL_V_BOOL, o->b = b;
    else if ((x->plain || x->tag == T_NUM) && parse_number(x->s, &o->n)) {
      TRY(num_ok(p, x, o->n, k, what, (int)i));
      o->type = NNL_V_NUM;
    }
    else o->type = NNL_V_STR, o->s = keep(p, x->s);
  }
  out->items = items;
  out->n = n;
  out->state = NNL_KNOWN;
  return 0;
}

/* The part of a dotted name after its module path: "torch.nn.Linear" ->
 * "Linear", "tf.keras.optimizers.Adam" -> "Adam". */
static const char *base_name(const char *s) {
  const char *dot = strrchr(s, '.');
  return dot && dot[1] ? dot + 1 : s;
}

/* Initializer and regularizer names in the IR's spelling (module paths
 * such as "torch.nn.init." dropped first). */
static const char *canon_name(yp *p, const char *s) {
  return nnl_ir_init_name(p->a, base_name(s));
}

/* Element types in lower case without a module path, with the common
 * spellings folded: "torch.uint8" -> "uint8", "float" -> "float32". */
static const char *canon_dtype(yp *p, const char *s) {
  static const char *const alias[][2] = {
      {"float", "float32"}, {"double", "float64"}, {"half", "float16"},
      {"int", "int64"},     {"long", "int64"},     {"bool_", "bool"},
      {"str", "string"}};
  const char *l = keep_lower(p, base_name(s));
  for (size_t i = 0; i < sizeof alias / sizeof *alias; i++)
    if (strcmp(l, alias[i][0]) == 0) return alias[i][1];
  return l;
}

/* ONNX TensorProto.DataType numbers (Cast's `to`). */
static const char *onnx_dtype(double d) {
  static const char *const t[] = {
      NULL,     "float32", "uint8",   "int8",    "uint16",  "int16",
      "int32",  "int64",   "string",  "bool",    "float16", "float64",
      "uint32", "uint64",  "complex64", "complex128", "bfloat16"};
  if (d < 0 || d >= (double)(sizeof t / sizeof *t) || d != floor(d)) return NULL;
  return t[(int)d];
}

/* name | {type: Name, ...}: the name, in the IR's spelling, into out, and
 * in *map the mapping that holds the arguments (NULL for a plain name).  A
 * mapping without `type` leaves the name UNKNOWN. */
static int get_named(yp *p, ynode *v, nnl_str *out, const char *what,
                     ynode **map) {
  *map = NULL;
  if (!(v = value_of(v, &out->at, &out->state))) return 0;
  if (v->kind == Y_SCALAR) {
    TRY(get_name(p, v, out, what));
    out->s = canon_name(p, v->s);
    return 0;
  }
  if (v->kind != Y_MAP)
    return bad(p, v->at, "`%s` must be a name or a mapping with a `type`", what);
  *map = v;
  ynode *t = type_of(v);
  if (t) {
    TRY(get_name(p, t, out, what));
    if (out->state == NNL_KNOWN) out->s = canon_name(p, t->s);
  } else {
    out->state = NNL_UNKNOWN;
  }
  return 0;
}

/* initializer -> name | {type: Name, stddev | minval, maxval | value: ...}
 * (also Keras' {class_name, config: {...}} and PyTorch's std / a, b).
 * scale and value may be NULL (bias initializers keep only the name). */
static int get_init(yp *p, ynode *spec, nnl_str *name, nnl_num *scale,
                    nnl_num *value, const char *what) {
  ynode *v;
  TRY(get_named(p, spec, name, what, &v));
  if (!v) return 0;
  args av = args_of(v);
  if (scale) {
    ynode *sd = arg_in(&av, KW_stddev);
    if (!sd) sd = arg_in(&av, KW_std);
    if (sd) {
      TRY(get_num(p, sd, scale, "stddev", NNL_NUM_REAL));
    } else {
      nnl_num lo = {0}, hi = {0};
      ynode *a = arg_in(&av, KW_minval), *b = arg_in(&av, KW_maxval);
      if (!a) a = arg_in(&av, KW_a);
      if (!b) b = arg_in(&av, KW_b);
      TRY(get_num(p, a, &lo, "minval", NNL_NUM_REAL));
      TRY(get_num(p, b, &hi, "maxval", NNL_NUM_REAL));
      if (lo.state == NNL_KNOWN && hi.state == NNL_KNOWN) {
        scale->v = (hi.v - lo.v) / 2;
        scale->state = NNL_KNOWN;
        uint32_t s0 = lo.at.off < hi.at.off ? lo.at.off : hi.at.off;
        uint32_t e0 = lo.at.off + lo.at.len, e1 = hi.at.off + hi.at.len;
        uint32_t e = e0 > e1 ? e0 : e1;
        scale->at = (nnl_span){s0, e - s0};
      } else if (lo.state == NNL_UNKNOWN || hi.state == NNL_UNKNOWN) {
        scale->state = NNL_UNKNOWN;
        scale->at = lo.state == NNL_UNKNOWN ? lo.at : hi.at;
      }
    }
  }
  if (value) {
    ynode *c = arg_in(&av, KW_value);
    if (!c) c = arg_in(&av, KW_val);
    TRY(get_num(p, c, value, "value", NNL_NUM_REAL));
  }
  return 0;
}

/* regularizer -> name | {type: l2, l2: 1e-4} | {l1: .., l2: ..} */
static int get_regularizer(yp *p, ynode *spec, nnl_str *out,
                           const char *what) {
  ynode *v;
  TRY(get_named(p, spec, out, what, &v));
  if (!v || type_of(v)) return 0;
  bool l1 = arg_of(v, KW_l1) != NULL, l2 = arg_of(v, KW_l2) != NULL;
  out->state = l1 || l2 ? NNL_KNOWN : NNL_UNKNOWN;
  out->s = l1 && l2 ? "l1_l2" : l1 ? "l1" : l2 ? "l2" : NULL;
  return 0;
}

/* activation -> name | null | {type: LeakyReLU, ...} */
static int get_act(yp *p, ynode *v, nnl_act *act, nnl_span *at) {
  v = deref(v);
  if (!v) return 0;
  *at = v->at;
  if (is_null(v)) {
    *act = NNL_ACT_NONE;
    return 0;
  }
  if (unresolved(v)) {
    *act = NNL_ACT_UNKNOWN;
    return 0;
  }
  if (v->kind == Y_MAP) {
    ynode *t = type_of(v);
    *act = t ? nnl_act_lookup(base_name(t->s)) : NNL_ACT_UNKNOWN;
    return 0;
  }
  nnl_str s = {0};
  TRY(get_name(p, v, &s, "activation"));
  *act = nnl_act_lookup(base_name(v->s));
  return 0;
}

/* ---- layers ---- */
/* Per layer as written: its `inputs` and where its copies go. */
typedef struct lside {
  ynode *inputs;   /* names, resolved once every layer is read */
  uint32_t first;  /* index of its first copy in the model */
  uint32_t copies; /* 1 + repeats */
} lside;

/* What a layer says that needs the whole layer read first; the layer
 * itself is written in place in the model. */
typedef struct lspec {
  nnl_layer *l;
  lside *side;
  ynode *type, *act, *cast, *repeat;
  ynode *rate;          /* read once the op says whether it is a dropout */
  ynode *inner, *merge; /* a wrapper's `layer` and `merge_mode` */
  bool has_args;        /* some size argument (kernel_size, ...) is given */
  nnl_num units, emb_dim, num_features;
} lspec;

/* The pair's key is keyword k (the pair functions' kw). */
#define K(k) (kw == KW_##k)

/* The spellings of a layer's width (units, filters, ...): the name to show
 * for a normalized key, or NULL for other keys. */
static const char *units_arg(int kw) {
  switch (kw) {
  case KW_units: return "units";
  case KW_filters: return "filters";
  case KW_features: return "features";
  case KW_outfeatures: return "out_features";
  case KW_outchannels: return "out_channels";
  case KW_outputdim: return "output_dim";
  case KW_hiddensize: return "hidden_size";
  case KW_numoutput: return "num_output";
  default: return NULL;
  }
}

/* The size arguments of Keras and PyTorch layers that are counts (each a
 * whole number >= 1, or a list of them): the name to show for a
 * keyword, or NULL for other keys. */
static const char *size_arg(int kw) {
  switch (kw) {
  case KW_kernelsize: return "kernel_size";
  case KW_keydim: return "key_dim";
  case KW_strides: return "strides";
  case KW_stride: return "stride";
  case KW_poolsize: return "pool_size";
  case KW_dilationrate: return "dilation_rate";
  case KW_dilation: return "dilation";
  case KW_numheads: return "num_heads";
  case KW_nhead: return "nhead";
  case KW_numgroups: return "num_groups";
  case KW_numembeddings: return "num_embeddings";
  case KW_numlayers: return "num_layers";
  case KW_heads: return "heads";
  case KW_groups: return "groups";
  case KW_infeatures: return "in_features";
  case KW_inchannels: return "in_channels";
  case KW_inputdim: return "input_dim";
  default: return NULL;
  }
}

/* layers[*] -> {type, name, inputs, activation, units | filters |
 *   out_features | out_channels | ..., kernel_initializer, bias_initializer,
 *   kernel_regularizer, rate | p, bottleneck, function | code, dtype | to,
 *   repeat, ...}  Other Keras/PyTorch arguments are ignored. */
static int layer_pair(yp *p, void *obj, int kw, ynode *v) {
  lspec *ls = obj;
  nnl_layer *l = ls->l;
  const char *what;
  if (K(type) || K(classname)) ls->type = v;
  else if (K(layer)) ls->inner = v; /* a wrapped layer (or a type name) */
  else if (K(mergemode)) ls->merge = v;
  else if (K(name)) TRY(get_str(p, v, &l->name, "name"));
  else if (K(inputs) || K(input)) ls->side->inputs = v;
  else if (K(activation)) ls->act = v;
  else if ((what = units_arg(kw)))
    TRY(get_num(p, v, &ls->units, what, NNL_NUM_COUNT));
  else if (K(embeddingdim))
    TRY(get_num(p, v, &ls->emb_dim, "embedding_dim", NNL_NUM_COUNT));
  else if (K(numfeatures))
    TRY(get_num(p, v, &ls->num_features, "num_features", NNL_NUM_COUNT));
  else if (K(kernelinitializer) || K(kernelinit) || K(weightinit) ||
           K(weightinitializer) || K(init) || K(initializer))
    TRY(get_init(p, v, &l->kernel_init, &l->init_scale, &l->init_value,
                 "kernel_initializer"));
  else if (K(biasinitializer) || K(biasinit))
    TRY(get_init(p, v, &l->bias_init, NULL, NULL, "bias_initializer"));
  else if (K(kernelregularizer) || K(weightregularizer) ||
           K(wregularizer))
    TRY(get_regularizer(p, v, &l->kernel_regularizer, "kernel_regularizer"));
  else if (K(rate) || K(p) || K(dropoutrate)) ls->rate = v;
  else if (K(bottleneck)) TRY(get_flag(p, v, &l->bottleneck, "bottleneck"));
  else if (K(function) || K(code) || K(lambda) || K(expression)) {
    ynode *c = deref(v);
    if (!is_null(c)) {
      l->code.at = c->at;
      l->code.state = NNL_UNKNOWN;
      if (c->kind == Y_SCALAR && !unresolved(c))
        l->code.s = keep(p, c->s), l->code.state = NNL_KNOWN;
    }
  } else if (K(dtype) || K(to)) ls->cast = v;
  else if (K(repeat)) ls->repeat = v;
  else if (size_arg(kw)) ls->has_args = true;
  return 0;
}

/* A size argument of a known layer: a positive whole number or a list of
 * them (kernel_size: 3 | [3, 3]).  nnlint keeps none of them, but refuses
 * what no framework accepts, as it does for units. */
static int size_arg_pair(yp *p, void *obj, int kw, ynode *v) {
  const char *what = size_arg(kw);
  (void)obj;
  if (!what) return 0;
  ynode *x = deref(v);
  if (!x || x->kind != Y_SEQ || x->tag == T_OTHER) {
    nnl_num n = {0};
    return get_num(p, v, &n, what, NNL_NUM_COUNT);
  }
  for (ynode *it = x->kids; it; it = it->next) {
    nnl_num n = {0};
    TRY(get_num(p, it, &n, what, NNL_NUM_COUNT));
  }
  return 0;
}

static int read_layer(yp *p, ynode *item, lspec *ls, int depth);

/* An empty layer spec reading into *l with side facts in *sd. */
static void lspec_init(lspec *ls, nnl_layer *l, lside *sd) {
  memset(l, 0, sizeof *l);
  memset(sd, 0, sizeof *sd);
  memset(ls, 0, sizeof *ls);
  ls->l = l;
  ls->side = sd;
}

/* A wrapper (Bidirectional, TimeDistributed) with a `layer:` mapping is
 * the layer it wraps, as in Keras: Bidirectional(LSTM(64)) is an LSTM
 * weight layer (with merge_mode concat, the default, its output has twice
 * the units), TimeDistributed(Dense(10)) a Dense layer.  The wrapper keeps
 * its own type, name, inputs and repeat; an inner layer nnlint does not
 * know leaves the wrapper opaque. */
static int read_wrapped(yp *p, lspec *ls, ynode *inner, int depth) {
  nnl_layer il;
  lside is;
  lspec ils;
  lspec_init(&ils, &il, &is);
  TRY(read_layer(p, inner, &ils, depth + 1));
  if (il.op == NNL_OP_OPAQUE) return 0;
  nnl_layer *l = ls->l;
  if (l->op == NNL_OP_BIDIRECTIONAL && il.units.state == NNL_KNOWN) {
    ynode *mm = deref(ls->merge);
    if (!mm || (mm->kind == Y_SCALAR && !unresolved(mm) &&
                strcmp(mm->s, "concat") == 0)) {
      il.units.v *= 2; /* forward and backward outputs side by side */
    } else if (!is_null(mm) && !(mm->kind == Y_SCALAR && !unresolved(mm) &&
                 (strcmp(mm->s, "sum") == 0 || strcmp(mm->s, "mul") == 0 ||
                  strcmp(mm->s, "ave") == 0))) {
      il.units.state = NNL_UNKNOWN; /* an unknown merge */
    }
  }
  l->op = il.op;
  l->act = il.act;
  l->act_at = il.act_at;
  l->units = il.units;
  l->kernel_init = il.kernel_init;
  l->init_scale = il.init_scale;
  l->init_value = il.init_value;
  l->bias_init = il.bias_init;
  l->kernel_regularizer = il.kernel_regularizer;
  return 0;
}

/* Read one layer mapping into ls: its op, activation and units follow from
 * the type once every key is read.  depth counts wrappers around it. */
static int read_layer(yp *p, ynode *item, lspec *ls, int depth) {
  ynode *v = deref(item);
  TRY(need_map(p, v, "a layer"));
  nnl_layer *l = ls->l;
  l->at = v->at;
  l->op = NNL_OP_OPAQUE;
  l->act_at = NNL_NOSPAN;
  l->weights_at = NNL_NOSPAN;
  ls->side->copies = 1;
  TRY(each_pair(p, v, layer_pair, ls, 0));
  ynode *inner = deref(ls->inner);
  if (!ls->type && inner && inner->kind != Y_MAP) ls->type = ls->inner; /* layer: Dense */
  if (!ls->type || is_null(deref(ls->type)))
    return bad(p, v->at, "layer has no `type`");
  TRY(get_name(p, ls->type, &l->type, "type"));
  if (l->type.state == NNL_KNOWN) {
    const char *t = base_name(l->type.s);
    l->op = nnl_op_lookup(t);
    if (l->op == NNL_OP_OPAQUE) {
      nnl_act a = nnl_act_lookup(t);
      if (a != NNL_ACT_UNKNOWN) {
        /* {type: ReLU}: an activation written as its own layer */
        l->op = NNL_OP_ACTIVATION;
        l->act = a;
        l->act_at = l->type.at;
      }
    }
  }
  if (l->op == NNL_OP_ACTIVATION && l->act == NNL_ACT_NONE) {
    /* {type: Activation, activation: tanh}; without one it is unknown */
    l->act = NNL_ACT_UNKNOWN;
    l->act_at = l->type.at;
    if (ls->act) TRY(get_act(p, ls->act, &l->act, &l->act_at));
  } else if (l->op != NNL_OP_ACTIVATION && ls->act) {
    TRY(get_act(p, ls->act, &l->act, &l->act_at));
  }
  const nnl_op_info *oi = nnl_op_info_of(l->op);
  if (oi->cls == NNL_K_WEIGHT || oi->cls == NNL_K_OPAQUE) {
    if (ls->units.state != NNL_ABSENT) l->units = ls->units;
    else if (l->op == NNL_OP_EMBEDDING && ls->emb_dim.state != NNL_ABSENT)
      l->units = ls->emb_dim;
    else if (oi->cls == NNL_K_WEIGHT) l->units = ls->num_features;
  }
  if (l->op == NNL_OP_CAST && ls->cast) {
    ynode *c = deref(ls->cast);
    double d;
    if (!is_null(c)) {
      l->cast_to.at = c->at;
      l->cast_to.state = NNL_UNKNOWN;
      if (c->kind == Y_SCALAR && !unresolved(c)) {
        if (c->plain && parse_number(c->s, &d)) {
          const char *dt = onnx_dtype(d);
          if (dt) l->cast_to.s = dt, l->cast_to.state = NNL_KNOWN;
        } else {
          l->cast_to.s = canon_dtype(p, c->s);
          l->cast_to.state = NNL_KNOWN;
        }
      }
    }
  }
  if (ls->rate) /* `p` is a dropout rate only on a dropout layer */
    TRY(get_num(p, ls->rate, &l->rate, "rate",
                oi->cls == NNL_K_DROPOUT ? NNL_NUM_FRACTION : NNL_NUM_ANY));
  if (ls->has_args && l->op != NNL_OP_OPAQUE)
    TRY(each_pair(p, v, size_arg_pair, ls, 0));
  if ((l->op == NNL_OP_BIDIRECTIONAL || l->op == NNL_OP_TIME_DISTRIBUTED) &&
      inner && inner->kind == Y_MAP && depth < MAX_CONFIG_DEPTH)
    TRY(read_wrapped(p, ls, inner, depth));
  if (ls->repeat) {
    nnl_num r = {0};
    TRY(get_num(p, ls->repeat, &r, "repeat", NNL_NUM_COUNT));
    if (r.state == NNL_KNOWN) {
      if (r.v > NNL_MAX_REPEAT)
        return bad(p, r.at, "`repeat: %.0f` is above the limit of %d", r.v,
                   NNL_MAX_REPEAT);
      ls->side->copies = (uint32_t)r.v;
    }
  }
  return 0;
}

/* One name of an `inputs` list: a layer (its last copy) or a model input. */
static int resolve_ref(yp *p, htab *layer_names, nnl_model *m, ynode *v,
                       nnl_ref *out) {
  v = deref(v);
  if (v->kind != Y_SCALAR || is_null(v))
    return bad(p, v->at, "`inputs` must name layers or model inputs, not %s",
               kind_name(v));
  void *hit = ht_get(layer_names, v->s);
  if (hit) {
    *out = (nnl_ref)((intptr_t)hit - 1);
    return 0;
  }
  for (uint32_t i = 0; i < m->inputs.len; i++) {
    nnl_input *in = &m->inputs.items[i];
    if (in->name.state == NNL_KNOWN && strcmp(in->name.s, v->s) == 0) {
      *out = NNL_REF_INPUT(i);
      return 0;
    }
  }
  return bad(p, v->at, "`inputs` names '%s', which is neither a layer nor a "
                       "model input", v->s);
}

/* ---- the incremental state (nnl_yaml_cache) ----
 * A full parse with a cache keeps, besides building the model, the node
 * tree of the text and, per item of the `layers` list, what read_layer
 * made of it.  A later text that differs
 * inside one item re-reads that item's lines alone, splices the new item
 * into the tree, and builds the model again from the tree, taking every
 * layer from the cache; one that differs inside another top-level pair
 * re-reads that pair's lines alone as a one-key mapping and splices its
 * key and value in place of the old ones (entry_incremental). */
typedef struct citem {
  ynode *node;     /* the item in the tree */
  uint32_t start;  /* byte offset of its first line: ` {col}- ` */
  uint32_t end_rel; /* where its node ends, relative to start */
  nnl_layer l;     /* as read_layer left it */
  ynode *inputs;   /* its `inputs`, resolved on each build */
  uint32_t copies; /* 1 + repeats */
} citem;

/* One pair of the top-level mapping: its key (the value follows it) and
 * the start of the key's line. */
typedef struct centry {
  ynode *key;
  uint32_t start;
} centry;

/* Incremental attempts before the cache is renewed by a full parse: each
 * leaves the nodes and strings of the item it read (or of the one it
 * replaced) in the arenas. */
enum { MAX_INCREMENTAL = 1000 };

struct nnl_yaml_cache {
  bool valid;      /* describes text: the last parse was a usable one */
  char *text;      /* the text of the last parse (heap), len bytes */
  size_t len;
  nnl_arena strings; /* scalar text and names the models point to (p->a) */
  nnl_arena tree;    /* the node tree of text */
  char *room;        /* tree_str's space in strings, between parses */
  size_t room_left, chunk;
  ynode *root, *layers;
  uint32_t col;      /* the column of every item's `-` */
  uint32_t tail;     /* where the last item's lines end: the first line
                        after it that starts at a column up to col (or the
                        end of the text); UINT32_MAX: unknown */
  NNL_ARRAY(citem) items;
  NNL_ARRAY(citem) fill; /* a full parse's items, until it proves usable */
  htab names;        /* layer name -> last copy + 1, as the last build had
                        it (while names_ok) */
  bool names_ok;
  uint32_t fill_col, fill_tail;
  uint32_t n_incr;   /* incremental parses since the last full one */
  bool last_incr;    /* the last parse was incremental */
  const char *why;   /* else why not */
  /* the top-level pairs (empty: a change outside the layer items is a
   * full parse): every key plain, at the start of its line */
  NNL_ARRAY(centry) entries;
  uint32_t layers_entry; /* the pair whose value is the layers list */
  uint32_t etail;    /* where the last pair's lines end (UINT32_MAX:
                        unknown) */
};

nnl_yaml_cache *nnl_yaml_cache_new(void) {
  nnl_yaml_cache *c = nnl_xcalloc(1, sizeof *c);
  nnl_arena_init(&c->strings);
  nnl_arena_init(&c->tree);
  return c;
}

void nnl_yaml_cache_free(nnl_yaml_cache *c) {
  if (!c) return;
  nnl_arena_free(&c->strings);
  nnl_arena_free(&c->tree);
  nnl_array_free(&c->items);
  nnl_array_free(&c->fill);
  nnl_array_free(&c->entries);
  ht_free(&c->names);
  free(c->text);
  free(c);
}

bool nnl_yaml_cache_last(const nnl_yaml_cache *c, const char **why) {
  if (why) *why = c->last_incr ? NULL : c->why;
  return c->last_incr;
}

bool nnl_yaml_cache_ready(const nnl_yaml_cache *c) { return c->valid; }

/* Every span of a layer as read_layer writes it, moved by add (mod
 * 2^32).  NOSPAN and the zero span of a field not written stay as they
 * are: a layer's spans follow the `- ` of its item's line, never at 0. */
static void move_layer(nnl_layer *l, uint32_t add) {
  nnl_span *sp[] = {&l->at, &l->name.at, &l->type.at, &l->act_at,
                    &l->units.at, &l->kernel_init.at, &l->init_scale.at,
                    &l->init_value.at, &l->bias_init.at,
                    &l->kernel_regularizer.at, &l->rate.at,
                    &l->bottleneck.at, &l->code.at, &l->cast_to.at,
                    &l->weights_all_zero.at, &l->weights_all_equal.at,
                    &l->weights_value.at, &l->weights_at};
  for (size_t i = 0; i < sizeof sp / sizeof *sp; i++)
    if (sp[i]->off != UINT32_MAX && (sp[i]->off || sp[i]->len))
      sp[i]->off += add;
}

/* The start of the line of byte off in src, when that line is
 * ` {col}- ` (col spaces, `-`, blanks) up to off; else UINT32_MAX.  *col
 * is set from the first item (UINT32_MAX: not yet). */
static uint32_t item_line(const char *src, uint32_t off, uint32_t *col) {
  uint32_t i = off;
  while (i > 0 && src[i - 1] == ' ') i--;
  if (i == off || i == 0 || src[i - 1] != '-') return UINT32_MAX;
  uint32_t dash = --i;
  while (i > 0 && src[i - 1] == ' ') i--;
  if (i > 0 && src[i - 1] != '\n') return UINT32_MAX;
  if (*col == UINT32_MAX) *col = dash - i;
  return dash - i == *col ? i : UINT32_MAX;
}

/* layers -> [layer, ...]: read every layer in place, resolve `inputs`
 * (forward references allowed; cycles are found by toposort; default: the
 * previous layer, and for the first layer every declared model input),
 * then expand `repeat` copies, which chain one after another. */
static int read_layers(yp *p, nnl_model *m, ynode *seq, htab *names) {
  NNL_ARRAY(lside) sides = {0};
  int rc = 0;
  uint64_t total = 0;
  uint32_t n = seq->n;
  /* reserved: layer pointers stay valid while the layers are read */
  nnl_array_reserve(&m->layers, n ? n : 1);
  nnl_array_reserve(&sides, n ? n : 1);
  nnl_yaml_cache *yc = p->cache;
  if (yc && p->dirty != UINT32_MAX) {
    /* an incremental build: every layer as the cache has it */
    if (yc->items.len != n) rc = -1;
    for (uint32_t i = 0; i < yc->items.len && rc == 0; i++) {
      citem *ci = &yc->items.items[i];
      m->layers.items[m->layers.len++] = ci->l;
      lside *sd = &sides.items[sides.len++];
      sd->inputs = ci->inputs;
      sd->copies = ci->copies;
      sd->first = (uint32_t)total;
      total += sd->copies;
      if (total > NNL_MAX_LAYERS) rc = -1; /* quiet: the full parse says it */
    }
  } else if (yc) {
    yc->fill.len = 0;
    yc->fill_col = UINT32_MAX;
  }
  for (ynode *it = m->layers.len ? NULL : seq->kids; it && rc == 0;
       it = it->next) {
    lspec ls = {.l = nnl_ir_add_layer(m), .side = nnl_array_grow1(&sides)};
    rc = read_layer(p, it, &ls, 0);
    if (rc < 0) break;
    if (yc) { /* a full parse: keep the layer for the next text */
      citem *ci = nnl_array_grow1(&yc->fill);
      ci->node = it;
      ci->start = item_line(p->src, it->at.off, &yc->fill_col);
      if (ci->start == UINT32_MAX) p->plain = false;
      ci->l = *ls.l;
      ci->end_rel = it->at.off + it->at.len - ci->start;
      ci->inputs = ls.side->inputs;
      ci->copies = ls.side->copies;
    }
    ls.side->first = (uint32_t)total;
    total += ls.side->copies;
    if (total > NNL_MAX_LAYERS) {
      nnl_span at = ls.repeat ? deref(ls.repeat)->at : ls.l->at;
      rc = bad(p, at, "more than %d layers in one model", NNL_MAX_LAYERS);
    }
  }
  /* names -> last copy (kept by the cache while no name or copy count
   * changes) */
  if (p->names_kept) *names = yc->names;
  else if (rc == 0) { /* one table for every named layer */
    uint32_t named = 0;
    for (uint32_t i = 0; i < m->layers.len; i++)
      named += m->layers.items[i].name.state == NNL_KNOWN;
    ht_reserve(names, names->n + named);
  }
  for (uint32_t i = 0; i < m->layers.len && rc == 0 && !p->names_kept; i++) {
    nnl_layer *l = &m->layers.items[i];
    if (l->name.state != NNL_KNOWN) continue;
    uint32_t last = sides.items[i].first + sides.items[i].copies - 1;
    if (ht_put(names, l->name.s, (void *)(intptr_t)(last + 1)))
      rc = bad(p, l->name.at, "a layer named '%s' is already defined",
               l->name.s);
  }
  for (uint32_t i = 0; i < m->layers.len && rc == 0; i++) {
    lside *sd = &sides.items[i];
    nnl_layer *l = &m->layers.items[i];
    ynode *in = deref(sd->inputs);
    if (in && !is_null(in)) {
      if (in->tag == T_OTHER)
        rc = bad(p, in->at, "`inputs` is a tagged object; nnlint reads plain "
                            "YAML only");
      else if (in->kind == Y_MAP)
        rc = bad(p, in->at, "`inputs` must be a name or a list of names");
      else {
        uint32_t k_n = in->kind == Y_SEQ ? in->n : 1;
        l->inputs = nnl_arena_alloc(p->run, sizeof *l->inputs * (k_n ? k_n : 1));
        l->n_inputs = k_n;
        ynode *x = in->kind == Y_SEQ ? in->kids : in;
        for (uint32_t k = 0; k < k_n && x && rc == 0; k++, x = x->next)
          rc = resolve_ref(p, names, m, x, &l->inputs[k]);
      }
    } else if (i > 0) {
      l->inputs = nnl_arena_alloc(p->run, sizeof *l->inputs);
      l->inputs[0] = (nnl_ref)(sd->first - 1);
      l->n_inputs = 1;
    } else if (m->inputs.len) {
      l->inputs = nnl_arena_alloc(p->run, sizeof *l->inputs * m->inputs.len);
      for (uint32_t k = 0; k < m->inputs.len; k++)
        l->inputs[k] = NNL_REF_INPUT(k);
      l->n_inputs = m->inputs.len;
    }
  }
  if (rc == 0 && total != m->layers.len) {
    /* In place, from the last layer back: layer i goes to first >= i, so
     * a layer is moved before anything lands on it, and the layers before
     * the first repeat stay where they are. */
    nnl_array_reserve(&m->layers, (uint32_t)total);
    nnl_layer *all = m->layers.items;
    for (uint32_t i = m->layers.len; i-- > 0;) {
      lside *sd = &sides.items[i];
      if (sd->first != i) all[sd->first] = all[i];
      for (uint32_t c = 1; c < sd->copies; c++) {
        nnl_layer *out = &all[sd->first + c];
        *out = all[sd->first];
        out->repeat_of = sd->first + 1;
        out->inputs = nnl_arena_alloc(p->run, sizeof *out->inputs);
        out->inputs[0] = (nnl_ref)(sd->first + c - 1);
        out->n_inputs = 1;
      }
    }
    m->layers.len = (uint32_t)total;
  }
  nnl_array_free(&sides);
  return rc;
}

/* ---- inputs and outputs ---- */

/* range -> [low, high] */
static int get_range(yp *p, ynode *v, nnl_num *lo, nnl_num *hi, nnl_span *at) {
  v = deref(v);
  if (is_null(v)) return 0;
  *at = v->at;
  if (unresolved(v)) {
    lo->state = hi->state = NNL_UNKNOWN;
    lo->at = hi->at = v->at;
    return 0;
  }
  if (v->kind != Y_SEQ || v->n != 2)
    return bad(p, v->at, "`range` must be a list [low, high]");
  TRY(get_num(p, v->kids, lo, "range", NNL_NUM_BOUND));
  return get_num(p, v->kids->next, hi, "range", NNL_NUM_BOUND);
}

/* normalize -> standardize | minmax | none | ... | {mean, std | variance}
 *   | {type: ...}; a mapping of statistics becomes "meanstd". */
static int get_normalize(yp *p, ynode *v, nnl_str *out, nnl_list *std) {
  if (!(v = value_of(v, &out->at, &out->state))) return 0;
  int b = as_bool(v);
  if (b >= 0) {
    out->s = b ? "standardize" : "none";
    out->state = NNL_KNOWN;
    return 0;
  }
  if (v->kind == Y_SCALAR) {
    out->s = keep_lower(p, v->s);
    out->state = NNL_KNOWN;
    return 0;
  }
  if (v->kind == Y_MAP) {
    ynode *sd = map_get(v, KW_std, 0);
    if (!sd) sd = map_get(v, KW_stddev, 0);
    if (!sd) sd = map_get(v, KW_variance, 0);
    if (!sd) sd = map_get(v, KW_var, 0);
    ynode *t = type_of(v);
    if (!t) t = deref(map_get(v, KW_method, 0));
    if (sd || map_get(v, KW_mean, 0)) {
      out->s = "meanstd";
      out->state = NNL_KNOWN;
      if (std && sd) TRY(get_list(p, sd, std, "std", NNL_NUM_ANY));
    } else if (t && t->kind == Y_SCALAR) {
      out->s = keep_lower(p, t->s);
      out->state = NNL_KNOWN;
    } else {
      out->state = NNL_UNKNOWN;
    }
    return 0;
  }
  out->state = NNL_UNKNOWN; /* a list of steps: something, but what */
  return 0;
}

/* inputs[*] -> {name, shape, dtype, range, kind, normalize, preprocess} */
static int input_pair(yp *p, void *obj, int kw, ynode *v) {
  nnl_input *in = obj;
  if (K(name)) return get_str(p, v, &in->name, "name");
  if (K(shape)) return get_list(p, v, &in->shape, "shape", NNL_NUM_DIM);
  if (K(dtype)) {
    TRY(get_str(p, v, &in->dtype, "dtype"));
    if (in->dtype.state == NNL_KNOWN) in->dtype.s = canon_dtype(p, in->dtype.s);
    return 0;
  }
  if (K(range)) return get_range(p, v, &in->range_lo, &in->range_hi, &in->range_at);
  if (K(kind)) {
    TRY(get_str(p, v, &in->kind, "kind"));
    if (in->kind.state == NNL_KNOWN) in->kind.s = keep_lower(p, in->kind.s);
    return 0;
  }
  if (K(normalize) || K(normalization))
    return get_normalize(p, v, &in->normalize, &in->norm_std);
  if (K(preprocess) || K(preprocessing))
    return get_list(p, v, &in->preprocess, "preprocess", NNL_NUM_ANY);
  return 0;
}

/* outputs[*] -> {name, range, normalize, layer} */
typedef struct ospec {
  nnl_output *o;
  ynode *layer;
} ospec;

static int output_pair(yp *p, void *obj, int kw, ynode *v) {
  ospec *os = obj;
  nnl_output *o = os->o;
  if (K(name)) return get_str(p, v, &o->name, "name");
  if (K(range)) return get_range(p, v, &o->range_lo, &o->range_hi, &o->range_at);
  if (K(normalize) || K(normalization))
    return get_normalize(p, v, &o->normalize, NULL);
  if (K(layer)) os->layer = v;
  return 0;
}

/* inputs/outputs -> [ {..}, ... ] | {name: {..}, ...} | {..} (just one).
 * Calls fn per entry with the mapping and, for the name-keyed form, the
 * key node.  A mapping is one entry unless every value is a mapping. */
typedef int (*entry_fn)(yp *p, nnl_model *m, ynode *map, ynode *name, void *ctx);
static int each_entry(yp *p, nnl_model *m, ynode *v, const char *what,
                      entry_fn fn, void *ctx) {
  v = deref(v);
  if (is_null(v)) return 0;
  if (v->tag == T_OTHER)
    return bad(p, v->at, "`%s` is a tagged object; nnlint reads plain YAML only",
               what);
  if (v->kind == Y_SEQ) {
    for (ynode *it = v->kids; it; it = it->next) {
      ynode *x = deref(it);
      if (x->kind != Y_MAP || x->tag == T_OTHER)
        return bad(p, x->at, "each of `%s` must be a mapping, not %s", what,
                   kind_name(x));
      TRY(fn(p, m, x, NULL, ctx));
    }
    return 0;
  }
  if (v->kind != Y_MAP)
    return bad(p, v->at, "`%s` must be a list of mappings, not %s", what,
               kind_name(v));
  bool by_name = v->n > 0;
  for (ynode *k = v->kids; k && k->next; k = k->next->next) {
    ynode *x = deref(k->next);
    if (is_merge_key(k) || x->kind != Y_MAP) by_name = false;
  }
  if (!by_name) return fn(p, m, v, NULL, ctx);
  for (ynode *k = v->kids; k && k->next; k = k->next->next)
    TRY(fn(p, m, deref(k->next), deref(k), ctx));
  return 0;
}

static int read_input(yp *p, nnl_model *m, ynode *map, ynode *name, void *ctx) {
  (void)ctx;
  nnl_input *in = nnl_ir_add_input(m);
  in->at = map->at;
  if (name) TRY(get_str(p, name, &in->name, "name"));
  TRY(each_pair(p, map, input_pair, in, 0));
  if (in->dtype.state == NNL_ABSENT) {
    in->dtype.s = "float32"; /* the declared default */
    in->dtype.state = NNL_KNOWN;
    in->dtype.at = in->at;
  }
  return 0;
}

static int read_output(yp *p, nnl_model *m, ynode *map, ynode *name, void *ctx) {
  NNL_ARRAY(ynode *) *layer_refs = ctx;
  ospec os = {nnl_ir_add_output(m), NULL};
  os.o->at = map->at;
  if (name) TRY(get_str(p, name, &os.o->name, "name"));
  TRY(each_pair(p, map, output_pair, &os, 0));
  nnl_array_push(layer_refs, os.layer);
  return 0;
}

/* ---- training ---- */
typedef struct tspec {
  nnl_training *t;
  nnl_num lr, momentum, weight_decay, clipnorm, clipvalue, global_clipnorm;
  nnl_num clip_val; /* Lightning's gradient_clip_val */
  nnl_str clip_algorithm;
  bool has_validation_key;
  int depth;
} tspec;

static void set_validation(nnl_training *t, bool v, nnl_span at) {
  if (t->validation.state == NNL_KNOWN && t->validation.v) return;
  t->validation.v = v;
  t->validation.state = NNL_KNOWN;
  t->validation.at = at;
}

/* optimizer -> name | {type, learning_rate | lr, clipnorm, clipvalue,
 *   global_clipnorm, weight_decay, momentum, framework, config: {...}} */
static int optimizer_pair(yp *p, void *obj, int kw, ynode *v) {
  tspec *ts = obj;
  nnl_optimizer *o = &ts->t->optimizer;
  if (K(type) || K(classname) || K(class) || K(name) ||
      K(optimizer)) {
    if (o->type.state == NNL_ABSENT || !K(name))
      TRY(get_name(p, v, &o->type, "optimizer"));
  } else if (K(learningrate) || K(lr)) {
    ynode *x = deref(v);
    if (x && x->kind == Y_MAP) { /* a schedule: its initial rate */
      ynode *init = map_get(x, KW_initiallearningrate, 0);
      if (!init) init = arg_of(x, KW_initiallearningrate);
      o->lr.at = x->at;
      o->lr.state = NNL_UNKNOWN;
      if (init)
        TRY(get_num(p, init, &o->lr, "initial_learning_rate", NNL_NUM_REAL));
    } else {
      TRY(get_num(p, v, &o->lr, "learning_rate", NNL_NUM_REAL));
    }
  } else if (K(clipnorm))
    TRY(get_num(p, v, &o->clipnorm, "clipnorm", NNL_NUM_REAL));
  else if (K(clipvalue))
    TRY(get_num(p, v, &o->clipvalue, "clipvalue", NNL_NUM_REAL));
  else if (K(globalclipnorm))
    TRY(get_num(p, v, &o->global_clipnorm, "global_clipnorm", NNL_NUM_REAL));
  else if (K(weightdecay))
    TRY(get_num(p, v, &o->weight_decay, "weight_decay", NNL_NUM_REAL));
  else if (K(momentum))
    TRY(get_num(p, v, &o->momentum, "momentum", NNL_NUM_REAL));
  else if (K(framework)) {
    nnl_str f = {0};
    TRY(get_str(p, v, &f, "framework"));
    if (f.state == NNL_KNOWN) {
      if (nnl_name_eq(f.s, "pytorch") || nnl_name_eq(f.s, "torch"))
        o->framework = "pytorch";
      else if (nnl_name_eq(f.s, "keras") || nnl_name_eq(f.s, "tensorflow") ||
               nnl_name_eq(f.s, "tf"))
        o->framework = "keras";
    }
  } else if (K(config)) {
    ynode *c = deref(v);
    if (c && c->kind == Y_MAP && ts->depth < MAX_CONFIG_DEPTH) {
      ts->depth++;
      int rc = each_pair(p, c, optimizer_pair, ts, 0);
      ts->depth--;
      TRY(rc);
    }
  }
  return 0;
}

static int read_optimizer(yp *p, ynode *v, tspec *ts) {
  nnl_optimizer *o = &ts->t->optimizer;
  v = deref(v);
  if (is_null(v)) return 0;
  o->at = v->at;
  o->state = NNL_KNOWN;
  if (unresolved(v)) {
    o->type.state = NNL_UNKNOWN;
    o->type.at = v->at;
  } else if (v->kind == Y_SCALAR) {
    TRY(get_name(p, v, &o->type, "optimizer"));
  } else if (v->kind == Y_MAP) {
    TRY(each_pair(p, v, optimizer_pair, ts, 0));
  } else {
    return bad(p, v->at, "`optimizer` must be a name or a mapping, not %s",
               kind_name(v));
  }
  if (o->type.state == NNL_KNOWN && strncmp(o->type.s, "torch.", 6) == 0)
    o->framework = "pytorch";
  return 0;
}

/* loss -> name | {type, from_logits} */
static int read_loss(yp *p, ynode *v, nnl_training *t) {
  v = deref(v);
  if (is_null(v)) return 0;
  if (v->kind == Y_MAP && !unresolved(v)) {
    ynode *ty = type_of(v);
    if (ty) TRY(get_name(p, ty, &t->loss, "loss"));
    else t->loss.state = NNL_UNKNOWN, t->loss.at = v->at;
    ynode *fl = arg_of(v, KW_fromlogits);
    if (fl) TRY(get_flag(p, fl, &t->from_logits, "from_logits"));
    return 0;
  }
  if (v->kind == Y_SEQ)
    return bad(p, v->at, "`loss` must be a name or a mapping, not a list");
  return get_name(p, v, &t->loss, "loss");
}

/* validation -> {split} | {data} | path | true/false | null */
static int read_validation(yp *p, ynode *v, nnl_training *t) {
  v = deref(v);
  if (!v) return 0;
  if (is_null(v)) {
    set_validation(t, false, v->at);
    return 0;
  }
  if (unresolved(v)) {
    if (t->validation.state != NNL_KNOWN)
      t->validation.state = NNL_UNKNOWN, t->validation.at = v->at;
    return 0;
  }
  int b = as_bool(v);
  if (b >= 0) {
    set_validation(t, b != 0, v->at);
    return 0;
  }
  if (v->kind == Y_MAP) {
    ynode *split = map_get(v, KW_split, 0);
    if (split) {
      TRY(get_num(p, split, &t->validation_split, "split", NNL_NUM_SPLIT));
      if (t->validation_split.state == NNL_KNOWN)
        set_validation(t, t->validation_split.v > 0, t->validation_split.at);
    }
    ynode *data = map_get(v, KW_data, 0);
    if (data && !is_null(deref(data))) set_validation(t, true, deref(data)->at);
    if (!split && !data) set_validation(t, true, v->at);
    return 0;
  }
  set_validation(t, true, v->at); /* a path, a list of datasets */
  return 0;
}

/* training -> {optimizer, loss, metrics, batch_size, epochs,
 *   validation_split, validation, validation_data, augmentation,
 *   gradient_clipping, weight_decay, learning_rate, ...} */
static int training_pair(yp *p, void *obj, int kw, ynode *v) {
  tspec *ts = obj;
  nnl_training *t = ts->t;
  if (K(optimizer)) return read_optimizer(p, v, ts);
  if (K(loss)) return read_loss(p, v, t);
  if (K(fromlogits)) return get_flag(p, v, &t->from_logits, "from_logits");
  if (K(metrics)) return get_list(p, v, &t->metrics, "metrics", NNL_NUM_ANY);
  if (K(batchsize))
    return get_num(p, v, &t->batch_size, "batch_size", NNL_NUM_COUNT);
  if (K(epochs) || K(numepochs) || K(maxepochs))
    return get_num(p, v, &t->epochs, "epochs", NNL_NUM_DIM);
  if (K(validationsplit)) {
    ts->has_validation_key = true;
    TRY(get_num(p, v, &t->validation_split, "validation_split", NNL_NUM_SPLIT));
    if (t->validation_split.state == NNL_KNOWN)
      set_validation(t, t->validation_split.v > 0, t->validation_split.at);
    return 0;
  }
  if (K(validation)) {
    ts->has_validation_key = true;
    return read_validation(p, v, t);
  }
  if (K(validationdata) || K(valdata) || K(evaldata)) {
    ts->has_validation_key = true;
    ynode *x = deref(v);
    if (x && unresolved(x)) {
      if (t->validation.state != NNL_KNOWN)
        t->validation.state = NNL_UNKNOWN, t->validation.at = x->at;
    } else if (x) {
      set_validation(t, !is_null(x), x->at);
    }
    return 0;
  }
  if (K(augmentation) || K(augment) || K(dataaugmentation)) {
    ynode *x = deref(v);
    int b = as_bool(x);
    if (b >= 0 || is_null(x)) { /* true: on (what, unsaid); false/null: none */
      t->augmentation.state = NNL_KNOWN;
      t->augmentation.at = x ? x->at : NNL_NOSPAN;
      t->augmentation.n = b > 0;
      if (b > 0) {
        nnl_value *it = nnl_arena_alloc(p->run, sizeof *it);
        it->type = NNL_V_BOOL, it->b = true, it->at = x->at;
        t->augmentation.items = it;
      }
      return 0;
    }
    return get_list(p, v, &t->augmentation, "augmentation", NNL_NUM_ANY);
  }
  if (K(gradientclipping)) {
    ynode *x = deref(v);
    if (x && x->kind == Y_MAP) {
      ynode *nrm = map_get(x, KW_norm, 0), *val = map_get(x, KW_value, 0);
      if (!nrm) nrm = map_get(x, KW_clipnorm, 0);
      if (!val) val = map_get(x, KW_clipvalue, 0);
      TRY(get_num(p, nrm, &ts->clipnorm, "norm", NNL_NUM_REAL));
      TRY(get_num(p, val, &ts->clipvalue, "value", NNL_NUM_REAL));
      return get_num(p, map_get(x, KW_globalclipnorm, 0), &ts->global_clipnorm,
                     "global_clipnorm", NNL_NUM_REAL);
    }
    return get_num(p, v, &ts->clipnorm, "gradient_clipping", NNL_NUM_REAL);
  }
  if (K(clipnorm) || K(maxgradnorm) || K(clipgradnorm))
    return get_num(p, v, &ts->clipnorm, "clipnorm", NNL_NUM_REAL);
  if (K(clipvalue))
    return get_num(p, v, &ts->clipvalue, "clipvalue", NNL_NUM_REAL);
  if (K(globalclipnorm))
    return get_num(p, v, &ts->global_clipnorm, "global_clipnorm", NNL_NUM_REAL);
  if (K(gradientclipval))
    return get_num(p, v, &ts->clip_val, "gradient_clip_val", NNL_NUM_REAL);
  if (K(gradientclipalgorithm))
    return get_str(p, v, &ts->clip_algorithm, "gradient_clip_algorithm");
  if (K(weightdecay))
    return get_num(p, v, &ts->weight_decay, "weight_decay", NNL_NUM_REAL);
  if (K(learningrate) || K(lr))
    return get_num(p, v, &ts->lr, "learning_rate", NNL_NUM_REAL);
  if (K(momentum))
    return get_num(p, v, &ts->momentum, "momentum", NNL_NUM_REAL);
  return 0;
}

static void fallback(nnl_num *dst, nnl_num src) {
  if (dst->state == NNL_ABSENT && src.state != NNL_ABSENT) *dst = src;
}

static int read_training(yp *p, ynode *v, nnl_training *t) {
  v = deref(v);
  if (is_null(v)) return 0;
  TRY(need_map(p, v, "`training`"));
  tspec ts = {.t = t};
  t->at = v->at;
  t->state = NNL_KNOWN;
  TRY(each_pair(p, v, training_pair, &ts, 0));
  /* training-level settings go to the optimizer unless it says otherwise */
  nnl_optimizer *o = &t->optimizer;
  if (ts.clip_val.state != NNL_ABSENT) {
    bool by_value = ts.clip_algorithm.state == NNL_KNOWN &&
                    nnl_name_eq(ts.clip_algorithm.s, "value");
    fallback(by_value ? &ts.clipvalue : &ts.clipnorm, ts.clip_val);
  }
  fallback(&o->lr, ts.lr);
  fallback(&o->momentum, ts.momentum);
  fallback(&o->weight_decay, ts.weight_decay);
  fallback(&o->clipnorm, ts.clipnorm);
  fallback(&o->clipvalue, ts.clipvalue);
  fallback(&o->global_clipnorm, ts.global_clipnorm);
  if (!ts.has_validation_key && t->validation.state == NNL_ABSENT &&
      (t->batch_size.state != NNL_ABSENT || t->epochs.state != NNL_ABSENT)) {
    t->validation.state = NNL_KNOWN;
    t->validation.v = false;
    t->validation.at = t->at;
  }
  return 0;
}

/* ---- the model ---- */
typedef struct mspec {
  nnl_model *m;
  ynode *inputs, *outputs, *layers, *training;
} mspec;

/* top level -> {nnlint, name, task, classes, dataset_size, inputs, outputs,
 *   layers, training} */
static int model_pair(yp *p, void *obj, int kw, ynode *v) {
  mspec *ms = obj;
  nnl_model *m = ms->m;
  if (K(name)) return get_str(p, v, &m->name, "name");
  if (K(task)) return get_str(p, v, &m->task, "task");
  if (K(classes) || K(numclasses)) {
    ynode *x = deref(v);
    if (x && x->kind == Y_SEQ) { /* a list of class names */
      m->classes.v = x->n;
      m->classes.state = NNL_KNOWN;
      m->classes.at = x->at;
      return 0;
    }
    return get_num(p, v, &m->classes, "classes", NNL_NUM_COUNT);
  }
  if (K(datasetsize))
    return get_num(p, v, &m->dataset_size, "dataset_size", NNL_NUM_COUNT);
  if (K(inputs)) ms->inputs = v;
  else if (K(outputs)) ms->outputs = v;
  else if (K(layers)) ms->layers = v;
  else if (K(training)) ms->training = v;
  return 0;
}

/* Build the model of one spec document; on NN000 the model is dropped. */
static int build_model(yp *p, ynode *root) {
  nnl_model *m = nnl_ir_model_new(p->run);
  mspec ms = {.m = m};
  htab names = {0};
  NNL_ARRAY(ynode *) out_layers = {0};
  int rc = -1;
  m->at = root->at;
  if (root->tag == T_OTHER) {
    bad(p, root->at, "the model is a tagged object; nnlint reads plain YAML only");
    goto done;
  }
  if (each_pair(p, root, model_pair, &ms, 0) < 0) goto done;
  ynode *layers = deref(ms.layers);
  if (!layers || is_null(layers)) {
    bad(p, root->at, "the model spec has no `layers` list");
    goto done;
  }
  if (layers->tag == T_OTHER) {
    bad(p, layers->at, "`layers` is a tagged object; nnlint reads plain YAML only");
    goto done;
  }
  if (layers->kind != Y_SEQ) {
    bad(p, layers->at, "`layers` must be a list, not %s", kind_name(layers));
    goto done;
  }
  p->layers = layers;
  if (each_entry(p, m, ms.inputs, "inputs", read_input, NULL) < 0) goto done;
  if (each_entry(p, m, ms.outputs, "outputs", read_output, &out_layers) < 0)
    goto done;
  if (read_layers(p, m, layers, &names) < 0) goto done;
  for (uint32_t i = 0; i < out_layers.len; i++) {
    ynode *ref = deref(out_layers.items[i]);
    if (!ref || is_null(ref)) continue;
    void *hit = ref->kind == Y_SCALAR ? ht_get(&names, ref->s) : NULL;
    if (!hit) {
      bad(p, ref->at, "output `layer` %s%s%s names no layer",
          ref->kind == Y_SCALAR ? "'" : "",
          ref->kind == Y_SCALAR ? ref->s : kind_name(ref),
          ref->kind == Y_SCALAR ? "'" : "");
      goto done;
    }
    m->outputs.items[i].layer = (int32_t)((intptr_t)hit - 1);
  }
  if (read_training(p, ms.training, &m->training) < 0) goto done;
  nnl_array_push(&p->doc->models, m);
  rc = 0;
done:
  if (rc < 0) nnl_ir_model_free(m);
  if (p->names_kept) {
    /* the cache's table: not ours */
  } else if (rc == 0 && p->cache && p->dirty != UINT32_MAX) {
    ht_free(&p->cache->names); /* this build's table, for the next ones */
    p->cache->names = names;
    p->cache->names_ok = true;
  } else {
    ht_free(&names);
  }
  nnl_array_free(&out_layers);
  return rc;
}

/* A document is a spec when its top level is a mapping with a `layers`
 * list or an `nnlint` key. */
static int model_of_document(yp *p, ynode *root, bool *is_spec) {
  root = deref(root);
  *is_spec = false;
  if (!root || root->kind != Y_MAP) return 0;
  ynode *layers = deref(map_get(root, KW_layers, 0));
  *is_spec = map_get(root, KW_nnlint, 0) != NULL ||
             (layers && layers->kind == Y_SEQ);
  return *is_spec ? build_model(p, root) : 0;
}

static bool contains(const char *s, size_t len, const char *word) {
  return memmem(s, len, word, strlen(word)) != NULL;
}

/* Is s[0..n) all ASCII?  Eight bytes at a time. */
static bool all_ascii(const unsigned char *s, size_t n) {
  size_t i = 0;
  uint64_t hi = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, sizeof w);
    hi |= w;
  }
  for (; i < n; i++) hi |= s[i];
  return !(hi & UINT64_C(0x8080808080808080));
}

/* The length of the common prefix of a and b (n bytes each at least):
 * whole blocks through memcmp (the library's vector loop), then words. */
enum { DIFF_BLOCK = 4096 };
static size_t common_prefix(const char *a, const char *b, size_t n) {
  size_t i = 0;
  while (i + DIFF_BLOCK <= n && memcmp(a + i, b + i, DIFF_BLOCK) == 0)
    i += DIFF_BLOCK;
  for (uint64_t x, y; i + 8 <= n; i += 8) {
    memcpy(&x, a + i, 8);
    memcpy(&y, b + i, 8);
    if (x != y) break;
  }
  while (i < n && a[i] == b[i]) i++;
  return i;
}

/* The length of the common suffix of a[0..an) and b[0..bn), at most n. */
static size_t common_suffix(const char *a, size_t an, const char *b, size_t bn,
                            size_t n) {
  size_t i = 0;
  while (i + DIFF_BLOCK <= n &&
         memcmp(a + an - i - DIFF_BLOCK, b + bn - i - DIFF_BLOCK,
                DIFF_BLOCK) == 0)
    i += DIFF_BLOCK;
  for (uint64_t x, y; i + 8 <= n; i += 8) {
    memcpy(&x, a + an - i - 8, 8);
    memcpy(&y, b + bn - i - 8, 8);
    if (x != y) break;
  }
  while (i < n && a[an - i - 1] == b[bn - i - 1]) i++;
  return i;
}

/* May lines s[0..n) be read alone as one layer item?  Not when they hold
 * what could end the document or the list elsewhere than libyaml reading
 * them alone would see: a line starting `---`, `...` or `%`, a line break
 * other than LF and CR LF (a lone CR, NEL, LS, PS), a byte order mark. */
static bool item_text_ok(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  if (!n || s[n - 1] != '\n') return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = u[i];
    if (c == '\r' && (i + 1 >= n || u[i + 1] != '\n')) return false;
    if (c == 0xC2 && i + 1 < n && u[i + 1] == 0x85) return false;
    if (c == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
        (u[i + 2] == 0xA8 || u[i + 2] == 0xA9))
      return false;
    if (c == 0xEF && i + 2 < n && u[i + 1] == 0xBB && u[i + 2] == 0xBF)
      return false;
    if ((i == 0 || u[i - 1] == '\n') &&
        (c == '%' || (n - i >= 3 && (memcmp(s + i, "---", 3) == 0 ||
                                     memcmp(s + i, "...", 3) == 0))))
      return false;
  }
  return true;
}

typedef struct shift {
  const ynode *layers;
  uint32_t start, end; /* the old bytes replaced */
  uint32_t delta;      /* the change in length (mod 2^32) */
  uint32_t old_item_end, new_item_end; /* the item's node, before, after */
} shift;

/* Move the spans of the nodes outside the layer items (the items keep
 * theirs: nothing reads them but messages of a failed build, and a failed
 * incremental build becomes a full parse).  A node after the edit moves;
 * one around it grows; one that ends with the item (a block collection
 * ends with its last child: the list and the mapping around it, when the
 * item is the last) ends with the new item. */
static void shift_nodes(ynode *n, const shift *sh, uint32_t depth) {
  for (; n; n = n->next) {
    uint32_t e = n->at.off + n->at.len;
    if (n->at.off >= sh->end) n->at.off += sh->delta;
    else if (n->at.off < sh->start && e >= sh->end) n->at.len += sh->delta;
    else if (n->at.off < sh->start && e == sh->old_item_end)
      n->at.len = sh->new_item_end - n->at.off;
    /* no aliases in a cached tree; nesting is below NNL_MAX_DEPTH */
    if (n != sh->layers && n->kind != Y_ALIAS && depth <= NNL_MAX_DEPTH)
      shift_nodes(n->kids, sh, depth + 1);
  }
}

/* Where the lines of the last item of c (filled from src) end: at the
 * first line after its node that starts, past blanks, with something
 * other than a comment at a column up to c->col, or at the end of src;
 * UINT32_MAX when src does not end with a newline there. */
static uint32_t list_tail(const char *src, size_t len, const nnl_yaml_cache *c) {
  const citem *last = &c->items.items[c->items.len - 1];
  size_t i = (size_t)last->start + last->end_rel;
  const char *nl = memchr(src + i, '\n', len - i);
  if (!nl) return UINT32_MAX;
  for (i = (size_t)(nl - src) + 1; i < len;) {
    size_t j = i;
    while (j < len && src[j] == ' ') j++;
    if (j < len && src[j] != '\n' && src[j] != '#' && src[j] != '\r' &&
        j - i <= c->col)
      return (uint32_t)i;
    nl = memchr(src + j, '\n', len - j);
    if (!nl) return UINT32_MAX;
    i = (size_t)(nl - src) + 1;
  }
  return (uint32_t)len;
}

/* Put item it in place of item k of the cache (its old node, layer and
 * the spans after it are given back by calling this again with what it
 * returns in *old and delta negated): the edit replaced the old bytes
 * [start, end) and changed the length by delta. */
static void splice_item(nnl_yaml_cache *c, uint32_t k, ynode *it,
                        const citem *with, citem *old, uint32_t end,
                        uint32_t delta) {
  citem *ci = &c->items.items[k];
  shift sh = {.layers = c->layers, .start = ci->start, .end = end,
              .delta = delta, .old_item_end = ci->start + ci->end_rel,
              .new_item_end = with->start + with->end_rel};
  *old = *ci;
  if (k == 0) c->layers->kids = it;
  else c->items.items[k - 1].node->next = it;
  it->next = ci->node->next;
  *ci = *with;
  ci->node = it;
  for (uint32_t j = k + 1; j < c->items.len; j++) {
    c->items.items[j].start += delta;
    move_layer(&c->items.items[j].l, delta);
  }
  if (c->tail != UINT32_MAX) c->tail += delta;
  if (c->entries.len) { /* the top-level pairs after `layers` */
    for (uint32_t j = c->layers_entry + 1; j < c->entries.len; j++)
      c->entries.items[j].start += delta;
    if (c->etail != UINT32_MAX) c->etail += delta;
  }
  shift_nodes(c->root, &sh, 0);
}

/* The cache takes text t (tn bytes) as the one its state describes. */
static void keep_text(yp *p, nnl_yaml_cache *c) {
  const char *t = p->doc->src;
  size_t tn = p->doc->len;
  c->room = p->room;
  c->room_left = p->room_left;
  c->chunk = p->chunk;
  if (tn > c->len || !c->text) {
    free(c->text);
    c->text = nnl_xmalloc(tn + 1);
  }
  memcpy(c->text, t, tn);
  c->text[tn] = 0;
  c->len = tn;
  c->valid = true;
}

/* Where the lines of a pair whose value ends at byte from end: at the
 * first later line that starts, past blanks, with something other than a
 * comment at column 0 (a document marker), or at the end of src;
 * UINT32_MAX when src does not end with a newline there. */
static uint32_t pair_tail(const char *src, size_t len, size_t from) {
  const char *nl = from <= len ? memchr(src + from, '\n', len - from) : NULL;
  if (!nl) return UINT32_MAX;
  for (size_t i = (size_t)(nl - src) + 1; i < len;) {
    size_t j = i;
    while (j < len && src[j] == ' ') j++;
    if (j == i && src[j] != '\n' && src[j] != '#' && src[j] != '\r')
      return (uint32_t)i;
    nl = memchr(src + j, '\n', len - j);
    if (!nl) return UINT32_MAX;
    i = (size_t)(nl - src) + 1;
  }
  return (uint32_t)len;
}

/* After a usable full parse of src: the top-level pairs of c->root, when
 * the root is a plain block mapping whose every key is a plain scalar at
 * the start of its line (column 0); else none. */
static void fill_entries(nnl_yaml_cache *c, const char *src, size_t len) {
  c->entries.len = 0;
  c->etail = UINT32_MAX;
  c->layers_entry = UINT32_MAX;
  ynode *r = c->root;
  if (!r || r->kind != Y_MAP || r->flow || r->merges || r->tag != T_NONE ||
      (r->n & 1) || !r->n)
    return;
  ynode *lv = NULL;
  for (ynode *k = r->kids; k && k->next; k = k->next->next) {
    uint32_t o = k->at.off;
    if (k->kind != Y_SCALAR || !k->plain || k->tag != T_NONE ||
        (o > 0 && src[o - 1] != '\n')) {
      c->entries.len = 0;
      return;
    }
    if (k->next == c->layers) c->layers_entry = c->entries.len;
    centry *e = nnl_array_grow1(&c->entries);
    e->key = k;
    e->start = o;
    lv = k->next;
  }
  if (c->layers_entry == UINT32_MAX) {
    c->entries.len = 0;
    return;
  }
  c->etail = pair_tail(src, len, (size_t)lv->at.off + lv->at.len);
}

/* Move the spans of n, its siblings after it and what they hold by delta
 * (mod 2^32); the layer items (below `layers`) keep theirs, as in
 * shift_nodes. */
static void move_nodes(ynode *n, const ynode *layers, uint32_t delta,
                       uint32_t depth) {
  for (; n; n = n->next) {
    n->at.off += delta;
    if (n != layers && n->kind != Y_ALIAS && depth <= NNL_MAX_DEPTH)
      move_nodes(n->kids, layers, delta, depth + 1);
  }
}

/* Put key k and value v in place of top-level pair j of the cache; the
 * old ones go to *ok, *ov (calling this again with them and delta negated
 * undoes it).  The pair's lines changed their length by delta: what
 * follows them moves, the layer items included when the pair is before
 * the list. */
static void splice_entry(nnl_yaml_cache *c, uint32_t j, ynode *k, ynode *v,
                         uint32_t delta, ynode **ok, ynode **ov) {
  ynode *r = c->root;
  centry *e = &c->entries.items[j];
  *ok = e->key;
  *ov = e->key->next;
  ynode *after = (*ov)->next;
  if (j == 0) r->kids = k;
  else c->entries.items[j - 1].key->next->next = k;
  k->next = v;
  v->next = after;
  e->key = k;
  if (r->size != SIZE_CAP) {
    uint64_t sz = (uint64_t)r->size - (*ok)->size - (*ov)->size;
    r->size = sat_add(sz, (uint64_t)k->size + v->size);
  }
  move_nodes(after, c->layers, delta, 1);
  for (uint32_t i = j + 1; i < c->entries.len; i++)
    c->entries.items[i].start += delta;
  if (c->etail != UINT32_MAX) c->etail += delta; /* after the pair */
  if (j < c->layers_entry) {
    for (uint32_t i = 0; i < c->items.len; i++) {
      c->items.items[i].start += delta;
      move_layer(&c->items.items[i].l, delta);
    }
    if (c->tail != UINT32_MAX) c->tail += delta;
  }
  /* the root ends after the pair (and moves), or, a block mapping, with
   * its last value when the pair is the last (the spans of the nodes of
   * the layers list are not all kept up to date: only this one is used) */
  uint32_t end = r->at.off + r->at.len;
  if (j + 1 < c->entries.len) end += delta;
  else end = v->at.off + v->at.len;
  r->at.len = end > r->at.off ? end - r->at.off : 0;
}

/* Read the lines t[start, start + sl) of the whole text t alone (one
 * layer item or top-level entry of the cached text), into the cache's
 * tree, with the whole text's positions; depth0: the collections open
 * around them.  Returns the root read, or NULL when the lines are not one
 * plain YAML document.  p keeps reading those lines (scalars, positions)
 * until read_whole. */
static ynode *read_alone(yp *p, nnl_yaml_cache *c, const char *t,
                         uint32_t start, size_t sl, uint32_t depth0) {
  p->src = t + start;
  p->len = sl;
  p->base = start;
  p->bom = 0;
  p->utf16 = false;
  p->ascii = all_ascii((const unsigned char *)p->src, sl);
  p->ci = p->bi = 0;
  p->item_mode = true;
  p->depth0 = depth0;
  p->docs = 0;
  p->root = NULL;
  p->tree = &c->tree;
  uint32_t specs = 0;
  int rc = read_stream(p, &specs);
  p->item_mode = false;
  p->depth0 = 0;
  ht_free(&p->anchors);
  return rc < 0 || p->docs != 1 ? NULL : p->root;
}

/* p reads the whole text t (tn bytes) again. */
static void read_whole(yp *p, const char *t, size_t tn) {
  p->src = t;
  p->len = tn;
  p->base = 0;
}

/* The model of doc->src from the cache when the text differs from the
 * cache's inside one top-level pair other than `layers` (bytes [pre, on -
 * suf) of the old text replaced): that pair's lines are read alone, as a
 * one-key mapping at column 0, must keep their key, and are spliced in;
 * NULL then.  Else why not (the cache still describes its last text). */
static const char *entry_incremental(yp *p, nnl_yaml_cache *c, size_t pre,
                                     size_t suf) {
  nnl_doc *doc = p->doc;
  const char *t = doc->src;
  size_t on = c->len, tn = doc->len;
  uint32_t ne = c->entries.len;
  if (!ne) return "the top-level keys are not plain keys at column 0";
  uint32_t lo = 0, hi = ne;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (c->entries.items[mid].start <= pre) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return "the change is before the first top-level key";
  uint32_t j = lo - 1;
  if (j == c->layers_entry)
    return "the change is in `layers:` outside its items";
  uint32_t start = c->entries.items[j].start;
  uint32_t end = j + 1 < ne ? c->entries.items[j + 1].start : c->etail;
  if (end == UINT32_MAX || end > on || end <= start)
    return "the end of the top-level entry is not known";
  if (on - suf >= end) return "the change crosses the end of a top-level entry";
  c->n_incr++;
  p->room = c->room;
  p->room_left = c->room_left;
  p->chunk = c->chunk;
  uint32_t delta = (uint32_t)(tn - on); /* mod 2^32 */
  size_t sl = (size_t)end + (tn - on) - start;
  if (!item_text_ok(t + start, sl))
    return "the entry's lines hold a line break, marker or BOM that needs "
           "the whole text";
  ynode *r = read_alone(p, c, t, start, sl, 0);
  read_whole(p, t, tn);
  if (!r)
    return "the entry's lines are not plain YAML that parses alone";
  if (r->kind != Y_MAP || r->flow || r->n != 2 || r->merges)
    return "the change makes the entry's lines something else than one pair";
  ynode *k = r->kids, *v = k->next, *was = c->entries.items[j].key;
  if (k->kind != Y_SCALAR || !k->plain || k->at.off != start ||
      strcmp(k->s, was->s) != 0)
    return "the change touches a top-level key";
  /* the value's end where a full parse puts it: an empty value ends
   * where the next token starts, which the lines alone do not see */
  if (v->kind == Y_SCALAR && v->at.len == 0)
    return "the entry's value is empty";
  ynode *ok, *ov;
  splice_entry(c, j, k, v, delta, &ok, &ov);
  p->names_kept = c->names_ok;
  p->dirty = 0;
  if (build_model(p, c->root) < 0) {
    ynode *bk, *bv;
    splice_entry(c, j, ok, ov, 0u - delta, &bk, &bv);
    return "the model has a problem";
  }
  keep_text(p, c);
  return NULL;
}

/* The model of doc->src from the cache, when the text differs from the
 * cache's inside one layer item that can be read alone; NULL then, with
 * the model in doc.  Else why not: the caller parses the whole text, and
 * the cache still describes its last text. */
static const char *incremental(yp *p, nnl_yaml_cache *c) {
  nnl_doc *doc = p->doc;
  if (!c->valid) return "no earlier parse to start from";
  if (c->n_incr >= MAX_INCREMENTAL) return "renewing the cache";
  const char *o = c->text, *t = doc->src;
  size_t on = c->len, tn = doc->len, least = on < tn ? on : tn;
  size_t pre = common_prefix(o, t, least);
  size_t suf = common_suffix(o, on, t, tn, least - pre);
  uint32_t k = UINT32_MAX, n = c->items.len;
  if (pre < on || on != tn) {
    /* the last item starting at or before the change */
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (c->items.items[mid].start <= pre) lo = mid + 1;
      else hi = mid;
    }
    if (lo == 0 || (c->tail != UINT32_MAX && pre >= c->tail))
      return entry_incremental(p, c, pre, suf);
    k = lo - 1;
    uint32_t end = k + 1 < n ? c->items.items[k + 1].start : c->tail;
    if (end == UINT32_MAX || end > on || end <= c->items.items[k].start)
      return "the end of the last layer is not known";
    /* the old bytes [pre, on - suf) must end before the newline that
     * ends the item: the next item's line (or what follows the list) is
     * then intact */
    if (on - suf >= end) return "the change crosses the end of a layer";
  }
  /* every attempt leaves the nodes and strings it read in the arenas,
   * used or not: MAX_INCREMENTAL of them, then a full parse renews them */
  c->n_incr++;
  p->room = c->room;
  p->room_left = c->room_left;
  p->chunk = c->chunk;
  citem old;
  if (k != UINT32_MAX) {
    citem *ci = &c->items.items[k];
    uint32_t start = ci->start;
    uint32_t end = k + 1 < n ? c->items.items[k + 1].start : c->tail;
    uint32_t delta = (uint32_t)(tn - on); /* mod 2^32 */
    size_t sl = (size_t)end + (tn - on) - start;
    if (!item_text_ok(t + start, sl))
      return "the layer's lines hold a line break, marker or BOM that needs "
             "the whole text";
    /* the item's lines, alone (p reads them until the splice) */
    ynode *r = read_alone(p, c, t, start, sl, c->layers->depth);
    if (!r)
      return "the layer's lines are not plain YAML that parses alone";
    if (r->kind != Y_SEQ || r->flow || r->n != 1)
      return "the change makes the layer's lines something else than one item";
    ynode *it = r->kids;
    uint32_t col = c->col;
    if (item_line(t, it->at.off, &col) != start)
      return "the layer's first line changed its shape";
    nnl_layer l;
    lside sd;
    lspec ls;
    lspec_init(&ls, &l, &sd);
    if (read_layer(p, it, &ls, 0) < 0) return "the layer has a problem";
    /* splice it in, and move what follows */
    citem with = {.start = start, .l = l, .inputs = sd.inputs,
                  .copies = sd.copies,
                  .end_rel = it->at.off + it->at.len - start};
    /* the names of the last build still hold when this one keeps its
     * name and copy count */
    const nnl_str *was = &ci->l.name;
    p->names_kept = c->names_ok && ci->copies == sd.copies &&
                    was->state == l.name.state &&
                    (was->state != NNL_KNOWN || strcmp(was->s, l.name.s) == 0);
    splice_item(c, k, it, &with, &old, end, delta);
    read_whole(p, t, tn);
  }
  if (k == UINT32_MAX) p->names_kept = c->names_ok;
  p->dirty = k == UINT32_MAX ? 0 : k;
  if (build_model(p, c->root) < 0) {
    if (k != UINT32_MAX) { /* the cache goes back to the last text */
      citem back;
      splice_item(c, k, old.node, &old, &back,
                  k + 1 < n ? c->items.items[k + 1].start : c->tail,
                  0u - (uint32_t)(tn - on));
    }
    return "the model has a problem";
  }
  keep_text(p, c);
  return NULL;
}

int nnl_parse_yaml_spec(nnl_ctx *cx, nnl_doc *doc) {
  static const char not_spec[] =
      "not an nnlint model spec: no top-level `layers` list";
  pthread_once(&kw_once, kw_build);
  /* A spec names `layers` or `nnlint` somewhere; a file that names neither
   * is not one, whatever else it holds (even if it is not valid YAML). */
  if (!contains(doc->src, doc->len, "layers") &&
      !contains(doc->src, doc->len, "nnlint")) {
    doc->skipped = true;
    doc->skip_reason = not_spec;
    return 0;
  }
  if (doc->len > UINT32_MAX) {
    nnl_report_bad_input(cx, doc, (nnl_span){0, 0}, "file too large");
    return -1;
  }
  nnl_yaml_cache *c = doc->yaml_cache;
  if (c) {
    yp q = {.cx = cx, .doc = doc, .a = &c->strings, .run = &doc->arena,
            .src = doc->src, .len = doc->len, .cache = c, .quiet = true,
            .dirty = UINT32_MAX};
    q.tree = &q.own_tree;
    c->why = incremental(&q, c);
    ht_free(&q.anchors);
    c->last_incr = c->why == NULL;
    if (c->last_incr) return 0;
    /* the attempt reported nothing; whatever it added to doc goes */
    for (uint32_t i = 0; i < doc->models.len; i++)
      nnl_ir_model_free(doc->models.items[i]);
    doc->models.len = 0;
  }
  yp p = {.cx = cx, .doc = doc, .a = &doc->arena, .run = &doc->arena,
          .src = doc->src, .len = doc->len, .dirty = UINT32_MAX};
  p.tree = &p.own_tree;
  nnl_arena_init(&p.own_tree);
  nnl_arena fresh_strings, fresh_tree;
  if (c) { /* a full parse that refills the cache */
    nnl_arena_init(&fresh_strings);
    nnl_arena_init(&fresh_tree);
    p.a = &fresh_strings;
    p.tree = &fresh_tree;
    p.cache = c;
  }
  const unsigned char *s = (const unsigned char *)doc->src;
  if (doc->len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) p.bom = 3;
  else if (doc->len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
                             (s[0] == 0xFE && s[1] == 0xFF)))
    p.bom = 2, p.utf16 = true;
  p.bi = p.bom;
  p.ascii = !p.utf16 && all_ascii(s + p.bom, doc->len - p.bom);
  p.plain = !p.utf16;
  uint32_t specs = 0;
  int rc = read_stream(&p, &specs);
  nnl_arena_free(&p.own_tree);
  ht_free(&p.anchors);
  if (rc == 0 && specs == 0) {
    doc->skipped = true;
    doc->skip_reason = not_spec;
  }
  if (c) {
    bool usable = rc == 0 && specs == 1 && p.plain && p.docs == 1 &&
                  !doc->failed && doc->models.len == 1 && p.layers &&
                  p.layers->kind == Y_SEQ && !p.layers->flow &&
                  c->fill.len == p.layers->n && c->fill.len > 1;
    if (!usable && c->valid && doc->models.len == 0) {
      /* nothing of doc points into the fresh arenas: the cache keeps the
       * last usable text (the edit that fixes this one may be small) */
      nnl_arena_free(&fresh_strings);
      nnl_arena_free(&fresh_tree);
      return rc;
    }
    /* the models of doc point into the fresh arenas: they replace the
     * old ones */
    nnl_arena_free(&c->strings);
    nnl_arena_free(&c->tree);
    c->strings = fresh_strings;
    c->tree = fresh_tree;
    c->room = p.room;
    c->room_left = p.room_left;
    c->chunk = p.chunk;
    c->n_incr = 0;
    ht_free(&c->names);
    c->names_ok = false;
    c->root = p.root;
    c->layers = p.layers;
    c->valid = usable;
    NNL_ARRAY(citem) tmp = {c->items.items, c->items.len, c->items.cap};
    c->items.items = c->fill.items, c->items.len = c->fill.len;
    c->items.cap = c->fill.cap;
    c->fill.items = tmp.items, c->fill.len = 0, c->fill.cap = tmp.cap;
    c->col = c->fill_col;
    c->tail = usable ? list_tail(doc->src, doc->len, c) : UINT32_MAX;
    if (usable) fill_entries(c, doc->src, doc->len);
    else c->entries.len = 0;
    if (usable) {
      free(c->text);
      c->text = nnl_xmalloc(doc->len + 1);
      memcpy(c->text, doc->src, doc->len);
      c->text[doc->len] = 0;
      c->len = doc->len;
    }
  }
  return rc;
}
