/*
 * nnlint.h - the pipeline: documents, diagnostics, the run context, and the
 * entry points of each stage.
 *
 *   nnl_doc (bytes) --front end--> models (ir.h) --engine--> nnl_diag[]
 *                   --reporter--> text | json | sarif | github | lsp
 *
 * Ownership: an nnl_doc owns its source bytes, its arena (models, messages)
 * and its diagnostics; nnl_doc_free releases all of it.  The nnl_ctx owns
 * the loaded rules and the run options, and outlives every document.
 */
#ifndef NNL_NNLINT_H
#define NNL_NNLINT_H

#include <stdio.h>

#include "base.h"
#include "ir.h"

#define NNL_VERSION "0.1.0"
#define NNL_HELP_BASE "https://github.com/nnlint/nnlint/blob/main/docs/rules.md#"

/* ---- limits on hostile input ---- */
enum {
  NNL_MAX_DEPTH = 256,           /* nesting of YAML/JSON/expressions */
  NNL_MAX_LAYERS = 200000,       /* layers in one model, repeats included */
  NNL_MAX_REPEAT = 100000,       /* one `repeat:` count */
  NNL_MAX_ALIAS_NODES = 1000000, /* YAML nodes produced by alias expansion */
  NNL_MAX_JSON_VALUES = 2000000, /* values in one JSON text (frontend/json.c) */
};
/* The default file size limit of files read into memory (text formats,
 * .keras archives, standard input), and of ONNX binaries, which are mapped
 * and never copied (protobuf's own ceiling is 2 GiB).  --max-file-size sets
 * one limit for both. */
#define NNL_MAX_FILE_SIZE ((size_t)512 * 1024 * 1024)
#define NNL_MAX_MAPPED_SIZE ((size_t)2048 * 1024 * 1024)

typedef enum nnl_severity {
  NNL_SEV_NONE = 0,
  NNL_SEV_INFO = 1,
  NNL_SEV_WARNING = 2,
  NNL_SEV_ERROR = 3
} nnl_severity;
const char *nnl_severity_name(nnl_severity s);
/* "error" | "warning" | "info" (also "off" -> NONE); -1 if not one. */
int nnl_severity_parse(const char *s);

/* A tool error (bad option, bad rule file, bad config): not a finding.
 * path/line/col say where, when there is a where (line 0: none). */
typedef struct nnl_error {
  char path[1024];
  uint32_t line, col;
  char msg[1024];
} nnl_error;
void nnl_error_set(nnl_error *e, const char *path, uint32_t line,
                   uint32_t col, const char *fmt, ...) NNL_PRINTF(5, 6);
/* "path:line:col: msg" (or "path: msg", or "msg") into stderr. */
void nnl_error_print(const nnl_error *e, FILE *out);

/* ---- formats (front ends) ---- */
typedef enum nnl_format {
  NNL_FMT_UNKNOWN = 0,
  NNL_FMT_YAML_SPEC, /* nnlint YAML model spec (model-spec.md) */
  NNL_FMT_ONNX,      /* binary ModelProto */
  NNL_FMT_ONNX_TEXT, /* the onnx.parser textual syntax */
  NNL_FMT_KERAS_JSON, /* Keras model JSON, .keras archive, TF.js model.json */
  NNL_FMT_KERAS_PY,   /* Keras Python source (*.py) */
} nnl_format;
/* "yaml", "onnx", "onnx-text" */
const char *nnl_format_name(nnl_format f);

/* ---- diagnostics ---- */
typedef struct nnl_diag {
  const char *rule;     /* "NN007"; "NN000" for unreadable input */
  const char *name;     /* "output-activation" */
  nnl_severity severity;
  nnl_span span;        /* byte span in the document */
  const char *where;    /* logical location (binary formats), or NULL */
  const char *message;  /* doc arena */
  const char *fix;      /* doc arena, or NULL */
} nnl_diag;

typedef struct nnl_doc {
  const char *path;     /* as given on the command line (heap) */
  char *src;            /* the bytes: heap and NUL-terminated, or (for
                           binary formats) a read-only mapping of len bytes
                           with no NUL after it */
  size_t len;
  bool mapped;          /* src is an mmap (nnl_doc_free unmaps) */
  nnl_format format;
  nnl_arena arena;
  NNL_ARRAY(nnl_model *) models;
  NNL_ARRAY(nnl_diag) diags;
  bool skipped;         /* not a model file: nothing to lint */
  bool failed;          /* NN000: could not be read or parsed */
  const char *skip_reason;
  /* suppression comments, per-file ignores, baseline (suppress.h), or
   * NULL; consulted by nnl_report, freed by nnl_suppress_free */
  struct nnl_suppress *suppress;
  /* line map, built lazily by nnl_doc_position */
  uint32_t *line_starts;
  uint32_t n_lines;
  /* The language server's incremental state for a YAML spec it keeps
   * re-linting (nnl_yaml_cache_new), or NULL; not owned by the doc. */
  struct nnl_yaml_cache *yaml_cache;
} nnl_doc;

/* A document over a copy of path; src is taken over (freed with the doc). */
nnl_doc *nnl_doc_new(const char *path, char *src, size_t len);
void nnl_doc_free(nnl_doc *d);
/* Open path ("-": standard input) as a document: binary formats are mapped,
 * text is read.  fmt_path names the file for format detection (the
 * --stdin-filename); NULL: path.  Returns NULL with err filled when the
 * file cannot be read (too large, a directory, no permission). */
nnl_doc *nnl_doc_open(const char *path, const char *fmt_path, nnl_error *err);
/* The file size limit of nnl_doc_open: 0 restores the defaults
 * (NNL_MAX_FILE_SIZE, NNL_MAX_MAPPED_SIZE for mapped files).  Set once,
 * before the first document (--max-file-size). */
void nnl_doc_set_max_size(size_t max);
/* Parse a size with an optional unit: "4096", "10k", "64M", "1GiB", "2g"
 * (K/M/G/T, powers of 1024, an optional "iB" or "B"; case-insensitive).
 * false when s is not a size or overflows. */
bool nnl_parse_size(const char *s, size_t *out);
/* 1-based line and column (in bytes) of a byte offset. */
void nnl_doc_position(nnl_doc *d, uint32_t off, uint32_t *line, uint32_t *col);
/* The text of 1-based line n, without its newline. */
const char *nnl_doc_line(nnl_doc *d, uint32_t n, size_t *len);

/* ---- rules (engine/engine.h has the rule API) ---- */
typedef struct nnl_rule nnl_rule;
typedef struct nnl_ruleset nnl_ruleset;

/* ---- the run ---- */
typedef struct nnl_ctx {
  nnl_ruleset *rules;
  /* rule selection: NULL-terminated id prefixes ("NN00", "NN007") */
  const char **select;
  const char **ignore;
  nnl_severity fail_on;
  bool verbose;
  FILE *log;            /* --verbose notes (stderr) */
  /* results */
  nnl_severity worst;   /* worst reported severity over the run */
  bool any_failure;     /* some file got NN000 or could not be read */
} nnl_ctx;

/* The one choke point for findings: applies selection and severity
 * overrides, records the diagnostic in doc and tracks the worst severity.
 * fix may be NULL. */
void nnl_report(nnl_ctx *cx, nnl_doc *doc, const char *rule, const char *name,
                nnl_severity sev, nnl_span at, const char *where,
                const char *fix, const char *fmt, ...) NNL_PRINTF(9, 10);
/* nnl_report with the message as it is (no format): what rules send. */
void nnl_report_msg(nnl_ctx *cx, nnl_doc *doc, const char *rule,
                    const char *name, nnl_severity sev, nnl_span at,
                    const char *where, const char *fix, const char *msg);
/* NN000 at `at`: the file could not be read or parsed.  Marks doc failed. */
void nnl_report_bad_input(nnl_ctx *cx, nnl_doc *doc, nnl_span at,
                          const char *fmt, ...) NNL_PRINTF(4, 5);
/* Is the rule id enabled by --select/--ignore? */
bool nnl_rule_selected(const nnl_ctx *cx, const char *id);

/* ---- front ends ----
 * Each parses doc->src into doc->models (derived facts computed) and
 * returns 0, or reports NN000 itself and returns -1, or sets doc->skipped
 * (with a reason) and returns 0 when the file is not a model. */
int nnl_parse_yaml_spec(nnl_ctx *cx, nnl_doc *doc);
/* Incremental re-parsing of one YAML spec as an editor changes it
 * (frontend/yaml_spec.c).  A cache attached to a document (doc->yaml_cache)
 * keeps what the last successful parse read: the node tree and each layer
 * as read.  When the next text differs from the last one inside one item
 * of the block `layers:` list, nnl_parse_yaml_spec re-parses only that
 * item's lines and builds the model from the kept parts, the same model a
 * full parse builds (likewise inside one other top-level entry, such as
 * `training:` or `inputs:`: only that entry's lines); anything else is a
 * full parse, which refills the cache.  The cache owns the strings its
 * models point to: it must outlive every document parsed with it.
 * nnl_yaml_cache_free(NULL) is a no-op. */
typedef struct nnl_yaml_cache nnl_yaml_cache;
nnl_yaml_cache *nnl_yaml_cache_new(void);
void nnl_yaml_cache_free(nnl_yaml_cache *c);
/* How the last parse with c went: true when it was incremental (else
 * *why, if not NULL, says why it was a full parse). */
bool nnl_yaml_cache_last(const nnl_yaml_cache *c, const char **why);
/* Does c hold a usable parse to start the next one from? */
bool nnl_yaml_cache_ready(const nnl_yaml_cache *c);
int nnl_parse_onnx(nnl_ctx *cx, nnl_doc *doc);      /* frontend/onnx_binary.c */
int nnl_parse_onnx_text(nnl_ctx *cx, nnl_doc *doc); /* frontend/onnx_text.c */
int nnl_parse_keras_json(nnl_ctx *cx, nnl_doc *doc); /* frontend/keras_json.c */
/* Does a .json text look like a Keras model (class_name + config,
 * modelTopology, module + registered_name, keras_version at the top, or a
 * JSON string holding such a text)?  frontend/keras_json.c */
bool nnl_keras_json_sniff(const char *src, size_t len);
int nnl_parse_keras_py(nnl_ctx *cx, nnl_doc *doc);   /* frontend/keras_py.c */
/* Does src look like the onnx.parser syntax (not protobuf text format,
 * which some tools also name .onnxtxt)?  frontend/onnx_text.c */
bool nnl_onnx_text_sniff(const char *src, size_t len);

/* Detect the format from the path and, where needed, the content. */
nnl_format nnl_detect_format(const char *path, const char *src, size_t len);
/* Run the front end of doc->format (detecting it first if unknown). */
int nnl_frontend_run(nnl_ctx *cx, nnl_doc *doc);

/* ---- engine ---- */
/* Run every selected rule over every model of doc. */
void nnl_engine_run(nnl_ctx *cx, nnl_doc *doc);

/* ---- reporters ---- */
typedef enum nnl_output_format {
  NNL_OUT_TEXT,
  NNL_OUT_JSON,
  NNL_OUT_SARIF,  /* SARIF 2.1.0 (report/sarif.c) */
  NNL_OUT_GITHUB, /* GitHub Actions workflow commands (report/github.c) */
  NNL_OUT_LSP     /* LSP Diagnostic objects by document URI (report/lsp.c) */
} nnl_output_format;
/* The format named name ("text", "json", "sarif", "github", "lsp"), or -1. */
int nnl_output_format_parse(const char *name);
/* The accepted names, for messages: "text, json, sarif, github or lsp". */
const char *nnl_output_format_names(void);
typedef struct nnl_reporter nnl_reporter;
nnl_reporter *nnl_reporter_new(nnl_output_format f, FILE *out, bool color);
/* The loaded rules, for formats that describe them (SARIF's
 * tool.driver.rules).  Not owned; must outlive the reporter.  Call it
 * before the first document. */
void nnl_reporter_set_rules(nnl_reporter *r, const nnl_ruleset *rs);
/* Print the diagnostics of one document (in span order). */
void nnl_reporter_doc(nnl_reporter *r, nnl_doc *doc);
/* A file that could not be opened: an NN000 error at line 1, column 1
 * ("path: error: msg" in text). */
void nnl_reporter_unreadable(nnl_reporter *r, const char *path,
                             const char *msg);
/* Finish the output (closing brackets, summaries) and free r. */
void nnl_reporter_finish(nnl_reporter *r);

#endif
