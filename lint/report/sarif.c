/*
 * sarif.c - SARIF 2.1.0 output, for GitHub code scanning and other tools
 * that read static-analysis logs.  One log, one run:
 *
 *   {"$schema", "version": "2.1.0", "runs": [{
 *     "results": [{ruleId, ruleIndex, level, message.text,
 *                  locations[0]: {physicalLocation: {artifactLocation
 *                    {uri, uriBaseId "%SRCROOT%", index}, region},
 *                    [logicalLocations: [{name, fullyQualifiedName, kind}]]},
 *                  partialFingerprints.primaryLocationLineHash}, ...],
 *     "tool": {"driver": {name, version, informationUri, rules: [...]}},
 *     "invocations": [{executionSuccessful}], "artifacts": [...],
 *     "columnKind": "unicodeCodePoints", "originalUriBaseIds"}]}
 *
 * Results are streamed as each document is reported (memory stays flat
 * over many files); the run's other members follow them, because the rule
 * list can only be complete once every result is known (a finding may name
 * a rule that is not a loaded rule file, such as NN000).  Key order means
 * nothing in JSON.
 *
 * Regions are 1-based with exclusive ends, columns in code points, exactly
 * as the text and JSON reporters print them (report.c); findings without
 * lines (binary ONNX, or a `where`) point at line 1 and carry the node in
 * a logical location.  Artifact URIs are relative to the current directory
 * (uriBaseId %SRCROOT%) when the file lies under it, else file:// URIs.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "report.h"

#define SARIF_SCHEMA                                                           \
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"       \
  "sarif-schema-2.1.0.json"
#define INFORMATION_URI "https://github.com/nnlint/nnlint"
#define SRCROOT "%SRCROOT%"

/* A rule that findings named but no loaded rule file describes. */
typedef struct extra_rule {
  char *id, *name;
} extra_rule;

typedef struct sarif {
  json_t *rule_index;     /* rule id -> index in tool.driver.rules */
  bool rules_known;       /* rule_index holds NN000 and the loaded rules */
  size_t n_rules;         /* entries in rule_index */
  NNL_ARRAY(extra_rule) extras; /* rules past the loaded ones, in order */
  json_t *artifact_index; /* artifact uri -> index in artifacts */
  json_t *artifacts;      /* the run's artifacts array */
  unsigned long n_results;
} sarif;

static sarif *state(nnl_reporter *r) { return r->state; }

/* ---- jansson helpers ---- */


/* {"text": s} */
static json_t *text_obj(const char *s) {
  json_t *o = nnl_rjson_obj();
  nnl_rjson_set(o, "text", nnl_rjson_str(s));
  return o;
}

/* Print json value v (a result object, or the run's tail) re-indented by
 * indent spaces; with inner, only the lines between its braces. */
static void dump(nnl_reporter *r, json_t *v, int indent, bool inner) {
  char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (!s) nnl_oom();
  const char *line = s, *stop = s + strlen(s);
  if (inner) {
    const char *nl = strchr(s, '\n');
    line = nl ? nl + 1 : stop;
    const char *last = strrchr(s, '\n');
    stop = last && last >= line ? last : line;
  }
  while (line < stop) {
    const char *nl = memchr(line, '\n', (size_t)(stop - line));
    size_t n = nl ? (size_t)(nl - line) : (size_t)(stop - line);
    fprintf(r->out, "%*s", indent, "");
    fwrite(line, 1, n, r->out);
    if (!nl) break;
    fputc('\n', r->out);
    line = nl + 1;
  }
  free(s);
}

/* ---- rules ---- */

static const char *level_of(nnl_severity s) {
  switch (s) {
  case NNL_SEV_ERROR: return "error";
  case NNL_SEV_WARNING: return "warning";
  case NNL_SEV_INFO: return "note";
  default: return "none";
  }
}

/* NN000 first (unless a rule file defines it), then the loaded rules in
 * id order. */
static void rules_init(nnl_reporter *r) {
  sarif *s = state(r);
  if (s->rules_known) return;
  s->rules_known = true;
  if (!r->rules || !nnl_ruleset_find(r->rules, "NN000"))
    nnl_rjson_set(s->rule_index, "NN000", nnl_rjson_int((json_int_t)s->n_rules++));
  size_t n = r->rules ? nnl_ruleset_count(r->rules) : 0;
  for (size_t i = 0; i < n; i++) {
    const nnl_rule_info *ri = nnl_rule_info_of(nnl_ruleset_at(r->rules, i));
    if (!json_object_get(s->rule_index, ri->id))
      nnl_rjson_set(s->rule_index, ri->id, nnl_rjson_int((json_int_t)s->n_rules++));
  }
}

/* The index of rule id in tool.driver.rules, adding a descriptor for an id
 * no rule file describes. */
static size_t rule_index(nnl_reporter *r, const char *id, const char *name) {
  sarif *s = state(r);
  rules_init(r);
  if (!id) id = "";
  json_t *j = json_object_get(s->rule_index, id);
  if (j) return (size_t)json_integer_value(j);
  extra_rule e = {nnl_xstrdup(id), nnl_xstrdup(name ? name : "")};
  nnl_array_push(&s->extras, e);
  nnl_rjson_set(s->rule_index, id, nnl_rjson_int((json_int_t)s->n_rules));
  return s->n_rules++;
}

/* A reportingDescriptor.  Any of the texts may be NULL. */
static json_t *descriptor(const char *id, const char *name,
                          const char *summary, const char *mistake,
                          const char *explanation, const char *fix,
                          nnl_severity sev) {
  json_t *d = nnl_rjson_obj();
  nnl_rjson_set(d, "id", nnl_rjson_str(id));
  if (name && *name) nnl_rjson_set(d, "name", nnl_rjson_str(name));
  const char *shortd = summary && *summary ? summary
                       : mistake && *mistake ? mistake
                       : name && *name ? name
                                       : id;
  nnl_rjson_set(d, "shortDescription", text_obj(shortd));
  nnl_buf full = {0};
  if (mistake && *mistake && shortd != mistake) {
    nnl_buf_puts(&full, mistake);
    nnl_buf_puts(&full, ": ");
  }
  nnl_buf_puts(&full, shortd);
  nnl_rjson_set(d, "fullDescription", text_obj(nnl_buf_str(&full)));
  nnl_buf_free(&full);

  /* help: the explanation (Markdown in the rule file), then the fix */
  nnl_buf text = {0}, md = {0};
  const char *ex = explanation && *explanation ? explanation : shortd;
  size_t exn = strlen(ex);
  while (exn && strchr(" \t\r\n", ex[exn - 1])) exn--;
  nnl_buf_put(&text, ex, exn);
  nnl_buf_put(&md, ex, exn);
  if (fix && *fix) {
    nnl_buf_printf(&text, "\n\nFix: %s", fix);
    nnl_buf_printf(&md, "\n\n**Fix:** %s", fix);
  }
  json_t *help = text_obj(nnl_buf_str(&text));
  nnl_rjson_set(help, "markdown", nnl_rjson_str(nnl_buf_str(&md)));
  nnl_rjson_set(d, "help", help);
  nnl_buf_free(&text);
  nnl_buf_free(&md);

  char *uri = nnl_report_help_uri(id, name);
  nnl_rjson_set(d, "helpUri", nnl_rjson_str(uri));
  free(uri);
  json_t *conf = nnl_rjson_obj();
  nnl_rjson_set(conf, "level", nnl_rjson_str(level_of(sev)));
  nnl_rjson_set(d, "defaultConfiguration", conf);
  return d;
}

/* tool.driver.rules, in index order. */
static json_t *rules_array(nnl_reporter *r) {
  sarif *s = state(r);
  rules_init(r);
  json_t **slot = nnl_xcalloc(s->n_rules ? s->n_rules : 1, sizeof *slot);
  if (!r->rules || !nnl_ruleset_find(r->rules, "NN000"))
    slot[0] = descriptor(
        "NN000", "bad-input", "the file could not be read or parsed", NULL,
        "nnlint could not read the file, or could not parse it as the model "
        "format its name or content says it is (a syntax error, a truncated "
        "or corrupt file, a document nested too deep, an unsupported "
        "encoding).  No rule ran on it, so it is reported as an error: fix "
        "the file, or exclude it from linting.",
        NULL, NNL_SEV_ERROR);
  size_t n = r->rules ? nnl_ruleset_count(r->rules) : 0;
  for (size_t i = 0; i < n; i++) {
    const nnl_rule_info *ri = nnl_rule_info_of(nnl_ruleset_at(r->rules, i));
    size_t k = (size_t)json_integer_value(json_object_get(s->rule_index, ri->id));
    if (k < s->n_rules && !slot[k])
      slot[k] = descriptor(ri->id, ri->name, ri->summary, ri->mistake,
                           ri->explanation, ri->fix, ri->severity);
  }
  for (uint32_t i = 0; i < s->extras.len; i++) {
    extra_rule *e = &s->extras.items[i];
    size_t k = (size_t)json_integer_value(json_object_get(s->rule_index, e->id));
    if (k < s->n_rules && !slot[k])
      slot[k] = descriptor(e->id, e->name, NULL, NULL, NULL, NULL,
                           NNL_SEV_WARNING);
  }
  json_t *a = nnl_rjson_arr();
  for (size_t k = 0; k < s->n_rules; k++)
    nnl_rjson_push(a, slot[k] ? slot[k] : descriptor("unknown", NULL, NULL, NULL, NULL,
                                           NULL, NNL_SEV_WARNING));
  free(slot);
  return a;
}

/* ---- artifacts ---- */

/* artifactLocation of path: {uri, uriBaseId, index}; registers the
 * artifact on first sight, with its length in bytes when known (>= 0). */
static json_t *artifact_location(nnl_reporter *r, const char *path,
                                 long long length) {
  sarif *s = state(r);
  char *rel = nnl_report_relpath(path);
  nnl_buf uri = {0};
  if (rel) {
    nnl_report_uri_put(&uri, rel);
  } else {
    char *abs = nnl_report_abspath(path);
    nnl_buf_puts(&uri, "file://");
    nnl_report_uri_put(&uri, abs);
    free(abs);
  }
  const char *u = nnl_buf_str(&uri);
  json_t *idx = json_object_get(s->artifact_index, u);
  size_t index;
  if (idx) {
    index = (size_t)json_integer_value(idx);
  } else {
    index = json_array_size(s->artifacts);
    nnl_rjson_set(s->artifact_index, u, nnl_rjson_int((json_int_t)index));
    json_t *loc = nnl_rjson_obj();
    nnl_rjson_set(loc, "uri", nnl_rjson_str(u));
    if (rel) nnl_rjson_set(loc, "uriBaseId", nnl_rjson_str(SRCROOT));
    json_t *art = nnl_rjson_obj();
    nnl_rjson_set(art, "location", loc);
    if (length >= 0) nnl_rjson_set(art, "length", nnl_rjson_int((json_int_t)length));
    json_t *roles = nnl_rjson_arr();
    nnl_rjson_push(roles, nnl_rjson_str("analysisTarget"));
    nnl_rjson_set(art, "roles", roles);
    nnl_rjson_push(s->artifacts, art);
  }
  json_t *al = nnl_rjson_obj();
  nnl_rjson_set(al, "uri", nnl_rjson_str(u));
  if (rel) nnl_rjson_set(al, "uriBaseId", nnl_rjson_str(SRCROOT));
  nnl_rjson_set(al, "index", nnl_rjson_int((json_int_t)index));
  nnl_buf_free(&uri);
  free(rel);
  return al;
}

/* ---- fingerprints ---- */

/* 64-bit FNV-1a, continued from h. */
static uint64_t fnv(uint64_t h, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* "HASH:N": HASH of the rule id and the finding's source line with all
 * white space removed (or, without lines, of its `where` or message), N
 * the occurrence of that hash in the document (counts: hash -> seen).
 * Stable when lines are inserted above, re-indented, or the file moves. */
static json_t *fingerprint(nnl_doc *doc, const nnl_diag *dg,
                           const nnl_report_pos *p, json_t *counts) {
  uint64_t h = 0xcbf29ce484222325ULL;
  const char *id = dg->rule ? dg->rule : "";
  h = fnv(h, id, strlen(id) + 1);
  if (p->has_lines) {
    size_t len;
    const char *line = nnl_doc_line(doc, p->line, &len);
    for (size_t i = 0; i < len; i++)
      if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
          line[i] != '\f' && line[i] != '\v')
        h = fnv(h, line + i, 1);
  } else {
    const char *what = dg->where ? dg->where : dg->message ? dg->message : "";
    h = fnv(h, what, strlen(what));
  }
  char key[32];
  snprintf(key, sizeof key, "%016llx", (unsigned long long)h);
  json_t *seen = json_object_get(counts, key);
  json_int_t n = seen ? json_integer_value(seen) + 1 : 1;
  nnl_rjson_set(counts, key, nnl_rjson_int(n));
  char fp[64];
  snprintf(fp, sizeof fp, "%s:%lld", key, (long long)n);
  return nnl_rjson_str(fp);
}

/* ---- results ---- */

/* The message, and the fix as a second sentence. */
static json_t *message(const char *msg, const char *fix) {
  nnl_buf b = {0};
  nnl_buf_puts(&b, msg ? msg : "");
  if (fix && *fix) {
    char last = b.len ? b.s[b.len - 1] : '.';
    if (last != '.' && last != '!' && last != '?') nnl_buf_putc(&b, '.');
    nnl_buf_printf(&b, " Fix: %s", fix);
    last = b.s[b.len - 1];
    if (last != '.' && last != '!' && last != '?') nnl_buf_putc(&b, '.');
  }
  json_t *m = text_obj(nnl_buf_str(&b));
  nnl_buf_free(&b);
  return m;
}

/* The last '/'-separated part of a `where` ("graph/conv1/Conv" -> the node
 * name "conv1" when there are three parts, else the whole). */
static json_t *logical_location(const char *where) {
  json_t *l = nnl_rjson_obj();
  const char *a = strchr(where, '/');
  const char *b = a ? strchr(a + 1, '/') : NULL;
  if (a && b && !strchr(b + 1, '/') && b > a + 1)
    nnl_rjson_set(l, "name", nnl_rjson_strn(a + 1, (size_t)(b - a - 1)));
  nnl_rjson_set(l, "fullyQualifiedName", nnl_rjson_str(where));
  /* an ONNX node computes a function of its inputs */
  nnl_rjson_set(l, "kind", nnl_rjson_str("function"));
  json_t *v = nnl_rjson_arr();
  nnl_rjson_push(v, l);
  return v;
}

/* Print one result as an item of "results". */
static void emit(nnl_reporter *r, json_t *res) {
  sarif *s = state(r);
  fputs(s->n_results++ ? ",\n" : "\n", r->out);
  dump(r, res, 8, false);
  json_decref(res);
}

/* A result at path (of length bytes, or -1), without its region. */
static json_t *result(nnl_reporter *r, const char *path, long long length,
                      const char *rule, const char *name, nnl_severity sev,
                      const char *msg, const char *fix) {
  json_t *res = nnl_rjson_obj();
  nnl_rjson_set(res, "ruleId", nnl_rjson_str(rule ? rule : ""));
  nnl_rjson_set(res, "ruleIndex", nnl_rjson_int((json_int_t)rule_index(r, rule, name)));
  nnl_rjson_set(res, "level", nnl_rjson_str(level_of(sev)));
  nnl_rjson_set(res, "message", message(msg, fix));
  json_t *phys = nnl_rjson_obj();
  nnl_rjson_set(phys, "artifactLocation", artifact_location(r, path, length));
  json_t *loc = nnl_rjson_obj();
  nnl_rjson_set(loc, "physicalLocation", phys);
  json_t *locs = nnl_rjson_arr();
  nnl_rjson_push(locs, loc);
  nnl_rjson_set(res, "locations", locs);
  return res;
}

static json_t *region(const nnl_report_pos *p) {
  json_t *g = nnl_rjson_obj();
  nnl_rjson_set(g, "startLine", nnl_rjson_int(p->line));
  nnl_rjson_set(g, "startColumn", nnl_rjson_int(p->col));
  nnl_rjson_set(g, "endLine", nnl_rjson_int(p->end_line));
  nnl_rjson_set(g, "endColumn", nnl_rjson_int(p->end_col));
  return g;
}

void nnl_sarif_begin(nnl_reporter *r) {
  sarif *s = nnl_xcalloc(1, sizeof *s);
  s->rule_index = nnl_rjson_obj();
  s->artifact_index = nnl_rjson_obj();
  s->artifacts = nnl_rjson_arr();
  r->state = s;
  fprintf(r->out,
          "{\n  \"$schema\": \"%s\",\n  \"version\": \"2.1.0\",\n"
          "  \"runs\": [\n    {\n      \"results\": [",
          SARIF_SCHEMA);
}

void nnl_sarif_doc(nnl_reporter *r, nnl_doc *doc) {
  const nnl_diag **v = nnl_report_sorted(doc);
  json_t *counts = nnl_rjson_obj();
  for (uint32_t i = 0; i < doc->diags.len; i++) {
    const nnl_diag *dg = v[i];
    nnl_report_pos p;
    nnl_report_position(doc, dg, &p);
    json_t *res = result(r, doc->path, (long long)doc->len, dg->rule,
                         dg->name, dg->severity, dg->message, dg->fix);
    json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
    json_t *phys = json_object_get(loc, "physicalLocation");
    if (p.has_lines) {
      nnl_rjson_set(phys, "region", region(&p));
    } else {
      /* code scanning needs a line: a binary document's findings point
       * at its start, and the node says where */
      nnl_report_pos top = {1, 1, 1, 1, false};
      nnl_rjson_set(phys, "region", region(&top));
    }
    if (dg->where) nnl_rjson_set(loc, "logicalLocations", logical_location(dg->where));
    json_t *fps = nnl_rjson_obj();
    nnl_rjson_set(fps, "primaryLocationLineHash", fingerprint(doc, dg, &p, counts));
    nnl_rjson_set(res, "partialFingerprints", fps);
    emit(r, res);
  }
  json_decref(counts);
  free(v);
}

void nnl_sarif_unreadable(nnl_reporter *r, const char *path, const char *msg) {
  json_t *res =
      result(r, path, -1, "NN000", "bad-input", NNL_SEV_ERROR, msg, NULL);
  json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
  nnl_report_pos top = {1, 1, 1, 1, false};
  nnl_rjson_set(json_object_get(loc, "physicalLocation"), "region", region(&top));
  /* the same file unreadable in two runs is the same alert */
  uint64_t h = fnv(0xcbf29ce484222325ULL, "NN000", 6);
  h = fnv(h, msg ? msg : "", msg ? strlen(msg) : 0);
  char fp[48];
  snprintf(fp, sizeof fp, "%016llx:1", (unsigned long long)h);
  json_t *fps = nnl_rjson_obj();
  nnl_rjson_set(fps, "primaryLocationLineHash", nnl_rjson_str(fp));
  nnl_rjson_set(res, "partialFingerprints", fps);
  emit(r, res);
}

void nnl_sarif_finish(nnl_reporter *r) {
  sarif *s = state(r);
  fputs(s->n_results ? "\n      ],\n" : "],\n", r->out);

  json_t *tail = nnl_rjson_obj();
  json_t *driver = nnl_rjson_obj();
  nnl_rjson_set(driver, "name", nnl_rjson_str("nnlint"));
  nnl_rjson_set(driver, "version", nnl_rjson_str(NNL_VERSION));
  nnl_rjson_set(driver, "semanticVersion", nnl_rjson_str(NNL_VERSION));
  nnl_rjson_set(driver, "informationUri", nnl_rjson_str(INFORMATION_URI));
  nnl_rjson_set(driver, "rules", rules_array(r));
  json_t *tool = nnl_rjson_obj();
  nnl_rjson_set(tool, "driver", driver);
  nnl_rjson_set(tail, "tool", tool);
  json_t *inv = nnl_rjson_obj();
  nnl_rjson_set(inv, "executionSuccessful", json_true());
  json_t *invs = nnl_rjson_arr();
  nnl_rjson_push(invs, inv);
  nnl_rjson_set(tail, "invocations", invs);
  nnl_rjson_set(tail, "artifacts", json_incref(s->artifacts));
  nnl_rjson_set(tail, "columnKind", nnl_rjson_str("unicodeCodePoints"));
  /* where %SRCROOT% is: the current directory, as a file:// URI ending
   * in '/' */
  char *cwd = nnl_report_abspath(".");
  nnl_buf u = {0};
  nnl_buf_puts(&u, "file://");
  nnl_report_uri_put(&u, cwd);
  if (u.s[u.len - 1] != '/') nnl_buf_putc(&u, '/');
  json_t *base = nnl_rjson_obj();
  nnl_rjson_set(base, "uri", nnl_rjson_str(nnl_buf_str(&u)));
  json_t *bases = nnl_rjson_obj();
  nnl_rjson_set(bases, SRCROOT, base);
  nnl_rjson_set(tail, "originalUriBaseIds", bases);
  nnl_buf_free(&u);
  free(cwd);

  dump(r, tail, 4, true);
  fputs("\n    }\n  ]\n}\n", r->out);
  json_decref(tail);

  json_decref(s->rule_index);
  json_decref(s->artifact_index);
  json_decref(s->artifacts);
  for (uint32_t i = 0; i < s->extras.len; i++) {
    free(s->extras.items[i].id);
    free(s->extras.items[i].name);
  }
  nnl_array_free(&s->extras);
  free(s);
  r->state = NULL;
}
