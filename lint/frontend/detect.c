/*
 * detect.c - which front end reads a file, and running it.
 *
 *   path (+ bytes) --nnl_detect_format--> nnl_format
 *   nnl_doc --nnl_frontend_run--> front end --> models --> toposort, derive
 *
 * Both decisions are tables: file-name suffixes (with an optional content
 * check for suffixes several formats share, such as .json) and the front
 * ends by format.  A new format is one row in each.
 */
#include <string.h>
#include <strings.h>

#include "nnlint.h"

static bool json_is_spec(const char *src, size_t len);

/* ---- detection by name, then content ---- */
static const struct suffix {
  const char *suffix;                        /* compared without case */
  nnl_format format;                         /* when check is NULL or true */
  bool (*check)(const char *src, size_t len); /* content test, or NULL */
} suffixes[] = {
    /* longest first: ".onnx.txt" before ".txt"-like rows */
    {".onnx.txt", NNL_FMT_ONNX_TEXT, NULL},
    {".onnxtxt", NNL_FMT_ONNX_TEXT, NULL},
    {".onnx", NNL_FMT_ONNX, NULL},
    {".yaml", NNL_FMT_YAML_SPEC, NULL}, /* the front end skips non-specs */
    {".yml", NNL_FMT_YAML_SPEC, NULL},
    {".json", NNL_FMT_YAML_SPEC, json_is_spec}, /* JSON is YAML */
    {".json", NNL_FMT_KERAS_JSON, nnl_keras_json_sniff},
    {".keras", NNL_FMT_KERAS_JSON, NULL}, /* a zip holding config.json */
    {".py", NNL_FMT_KERAS_PY, NULL}, /* the front end skips non-Keras code */
};

static const struct frontend {
  nnl_format format;
  const char *name;
  int (*parse)(nnl_ctx *cx, nnl_doc *doc);
} frontends[] = {
    {NNL_FMT_UNKNOWN, "unknown", NULL},
    {NNL_FMT_YAML_SPEC, "yaml", nnl_parse_yaml_spec},
    {NNL_FMT_ONNX, "onnx", nnl_parse_onnx},
    {NNL_FMT_ONNX_TEXT, "onnx-text", nnl_parse_onnx_text},
    {NNL_FMT_KERAS_JSON, "keras-json", nnl_parse_keras_json},
    {NNL_FMT_KERAS_PY, "keras-py", nnl_parse_keras_py},
};
#define N_FRONTENDS (sizeof frontends / sizeof *frontends)

static const struct frontend *frontend_of(nnl_format f) {
  for (size_t i = 0; i < N_FRONTENDS; i++)
    if (frontends[i].format == f) return &frontends[i];
  return &frontends[0];
}

const char *nnl_format_name(nnl_format f) { return frontend_of(f)->name; }

static bool has_suffix(const char *path, const char *suffix) {
  size_t n = strlen(path), k = strlen(suffix);
  return n >= k && strcasecmp(path + n - k, suffix) == 0;
}

/* Skip a JSON string starting at s[i] == '"'; returns the index after the
 * closing quote, or len when it is not closed. */
static size_t skip_string(const char *s, size_t i, size_t len) {
  for (i++; i < len; i++) {
    if (s[i] == '\\') i++;
    else if (s[i] == '"') return i + 1;
  }
  return len;
}

static size_t skip_ws(const char *s, size_t i, size_t len) {
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
                     s[i] == '\r'))
    i++;
  return i;
}

/* Does the JSON text's top-level object have a "layers" list or an
 * "nnlint" key?  One linear scan: keys are read at depth 1 only, nested
 * values are skipped by counting brackets outside strings.
 *   object -> '{' (string ':' value (',' string ':' value)*)? '}' */
static bool json_is_spec(const char *s, size_t len) {
  size_t i = 0;
  if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
      (unsigned char)s[2] == 0xBF)
    i = 3;
  i = skip_ws(s, i, len);
  if (i >= len || s[i] != '{') return false;
  i++;
  for (;;) {
    i = skip_ws(s, i, len);
    if (i >= len || s[i] != '"') return false;
    size_t k0 = i + 1, k1 = skip_string(s, i, len);
    if (k1 >= len) return false;
    size_t klen = k1 - 1 - k0;
    i = skip_ws(s, k1, len);
    if (i >= len || s[i] != ':') return false;
    i = skip_ws(s, i + 1, len);
    if (i >= len) return false;
    if (klen == 6 && memcmp(s + k0, "nnlint", 6) == 0) return true;
    if (klen == 6 && memcmp(s + k0, "layers", 6) == 0 && s[i] == '[')
      return true;
    /* skip the value */
    int depth = 0;
    for (; i < len; i++) {
      char c = s[i];
      if (c == '"') {
        i = skip_string(s, i, len) - 1;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return false; /* end of the top-level object */
        depth--;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    if (i >= len) return false;
    i++; /* the ',' */
  }
}

nnl_format nnl_detect_format(const char *path, const char *src, size_t len) {
  if (!path) return NNL_FMT_UNKNOWN;
  for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
    const struct suffix *x = &suffixes[i];
    if (!has_suffix(path, x->suffix)) continue;
    if (!x->check) return x->format;
    /* By name only, a content-checked suffix stays undecided. */
    if (!src) return NNL_FMT_UNKNOWN;
    if (x->check(src, len)) return x->format;
    /* else: a later row for the same suffix may claim it */
  }
  return NNL_FMT_UNKNOWN;
}

/* Run doc's front end, then put every model's layers in topological order
 * and derive its facts.  A cycle is NN000 at a layer on it; that model is
 * dropped (rules never see a graph they cannot order). */
int nnl_frontend_run(nnl_ctx *cx, nnl_doc *doc) {
  if (doc->format == NNL_FMT_UNKNOWN)
    doc->format = nnl_detect_format(doc->path, doc->src, doc->len);
  const struct frontend *fe = frontend_of(doc->format);
  if (doc->format == NNL_FMT_UNKNOWN || !fe->parse) {
    doc->skipped = true;
    doc->skip_reason =
        doc->format == NNL_FMT_UNKNOWN
            ? "not a model file nnlint reads (unknown extension or content)"
            : nnl_arena_printf(&doc->arena, "no %s front end in this build",
                               fe->name);
    return 0;
  }
  int rc = fe->parse(cx, doc);
  if (doc->skipped) return rc;
  uint32_t kept = 0;
  for (uint32_t i = 0; i < doc->models.len; i++) {
    nnl_model *m = doc->models.items[i];
    if (!m->derived) {
      int32_t bad = nnl_ir_toposort(m);
      if (bad >= 0) {
        nnl_layer *l = &m->layers.items[bad];
        if (l->name.state == NNL_KNOWN && l->name.s)
          nnl_report_bad_input(cx, doc, l->at,
                               "layer '%s' is on a cycle of `inputs`",
                               l->name.s);
        else
          nnl_report_bad_input(cx, doc, l->at,
                               "this layer is on a cycle of `inputs`");
        nnl_ir_model_free(m);
        rc = -1;
        continue;
      }
      nnl_ir_derive(m);
    }
    doc->models.items[kept++] = m;
  }
  doc->models.len = kept;
  return rc;
}
