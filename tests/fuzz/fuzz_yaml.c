/*
 * fuzz_yaml.c - libFuzzer target: an nnlint YAML model spec through the whole
 * pipeline (front end, derive, every rule, every reporter); see fuzz.h.
 *
 * It is also a differential oracle for the language server's incremental
 * re-parse (nnl_yaml_cache): when the input is a spec the cache can start
 * from, a second text is derived from it by one small edit that the
 * input's last four bytes choose (where, and which insertion, deletion or
 * line edit), linted through the cache as the server does (the input
 * first, then the edited text with the same cache) and as a whole parse;
 * the two sets of findings, as the JSON reporter prints them, must be the
 * same bytes, else abort().  For half of the inputs (a bit of those
 * bytes) a second edit (the same bytes mixed) follows an incremental first
 * one, and only the second is checked: the state a splice leaves in the
 * cache is tested too.  A whole lint is run only when the lint through
 * the cache was incremental (else it was one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs above this size skip the oracle: three more lints of a big text
 * would slow every input down. */
enum { ORACLE_MAX = 64 * 1024 };
/* Nor specs with more layers than this (`repeat` expanded): a 200,000-layer
 * model linted three more times would take seconds under the sanitizers. */
enum { ORACLE_LAYERS = 5000 };

/* What an edit inserts: typing, pieces of layers and sections, and what
 * keeps the incremental path off (anchors, block scalars, line breaks). */
static const char *const pieces[] = {
    "x", "1", "0", " ", "\n", ":", ",", "-", "#", "'", "\"", "{", "}", "[",
    "]", "  ", "\t", ", units: 3", ", activation: softmax", ", rate: 1.5",
    "\n  - {type: Dense, units: 2}", "\n  - type: Dropout\n    rate: 0.5",
    "\n  epochs: 0", "\n  learning_rate: 10", "name: y\n", "layers:",
    "&a ", "*a", "|\n  t\n", "\r\n", "\r", "---\n", "\n- x", "\n  ",
    "training: {optimizer: sgd}\n", "\n  - {name: z, shape: [3]}", "\xc3\xa9",
};

/* The start and the end (past its newline) of the line of byte at. */
static void line_of(const uint8_t *t, size_t n, size_t at, size_t *s,
                    size_t *e) {
  size_t a = at, b = at;
  while (a > 0 && t[a - 1] != '\n') a--;
  while (b < n && t[b] != '\n') b++;
  *s = a;
  *e = b < n ? b + 1 : b;
}

/* The edited text (malloc'd, *m bytes): bytes [a, b) of t replaced by
 * ins (il bytes). */
static uint8_t *splice(const uint8_t *t, size_t n, size_t a, size_t b,
                       const uint8_t *ins, size_t il, size_t *m) {
  *m = n - (b - a) + il;
  uint8_t *o = malloc(*m ? *m : 1);
  if (!o) nnl_oom();
  memcpy(o, t, a);
  if (il) memcpy(o + a, ins, il);
  memcpy(o + a + il, t + b, n - b);
  return o;
}

/* The next text: one edit of t (n > 0 bytes) chosen by the four bytes k. */
static uint8_t *derive(const uint8_t *t, size_t n, const uint8_t *k,
                       size_t *m) {
  size_t at = ((size_t)k[0] | (size_t)k[1] << 8 | (size_t)k[2] << 16) % n;
  size_t np = sizeof pieces / sizeof *pieces;
  const char *pc = pieces[k[3] % np];
  size_t s, e;
  line_of(t, n, at, &s, &e);
  switch ((k[3] >> 3) % 6) {
  case 0: /* type a piece */
    return splice(t, n, at, at, (const uint8_t *)pc, strlen(pc), m);
  case 1: { /* delete a few bytes */
    size_t b = at + 1 + k[0] % 8;
    return splice(t, n, at, b < n ? b : n, NULL, 0, m);
  }
  case 2: /* replace a byte */
    return splice(t, n, at, at + 1, (const uint8_t *)pc, strlen(pc), m);
  case 3: /* delete the line */
    return splice(t, n, s, e, NULL, 0, m);
  case 4: /* duplicate the line */
    return splice(t, n, s, s, t + s, e - s, m);
  default: /* a piece at the start of the line */
    return splice(t, n, s, s, (const uint8_t *)pc, strlen(pc), m);
  }
}

/* Lint t through cache c and, when that was incremental, whole too;
 * abort() when the findings differ (a full parse through the cache is the
 * whole lint: not done twice).  Returns whether it was incremental. */
static bool same_findings(nnl_yaml_cache *c, const uint8_t *t, size_t m,
                          int step) {
  char *inc = fz_lint_json(c, "model.nnlint.yaml", t, m);
  bool was = nnl_yaml_cache_last(c, NULL);
  if (!was) {
    free(inc);
    return false;
  }
  char *whole = fz_lint_json(NULL, "model.nnlint.yaml", t, m);
  if (strcmp(inc, whole) != 0) {
    fprintf(stderr,
            "fuzz_yaml: edit %d: the incremental re-lint of the edited "
            "text differs from a whole lint\n--- edited text (%zu bytes) "
            "---\n%.*s\n--- through the cache ---\n%s\n--- whole ---\n%s\n",
            step, m, (int)m, (const char *)t, inc, whole);
    abort();
  }
  free(inc);
  free(whole);
  return was;
}

/* The `repeat: N` counts written in t, added up (saturating): a cheap
 * bound that keeps the oracle off specs of hundreds of thousands of
 * layers before it parses them. */
static size_t repeats(const uint8_t *t, size_t n) {
  size_t sum = 0;
  for (size_t i = 0; i + 6 < n; i++) {
    if (memcmp(t + i, "repeat", 6) != 0) continue;
    size_t j = i + 6, v = 0;
    while (j < n && (t[j] == ' ' || t[j] == ':' || t[j] == '"')) j++;
    while (j < n && t[j] >= '0' && t[j] <= '9' && v < 1000000)
      v = v * 10 + (size_t)(t[j++] - '0');
    sum += v;
    if (sum > 1000000) break;
  }
  return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_lint(NULL, "model.nnlint.yaml", NNL_FMT_YAML_SPEC, data, size);
  if (size < 8 || size > ORACLE_MAX || repeats(data, size) > ORACLE_LAYERS)
    return 0;
  /* the oracle: only a spec the cache can start from is worth it */
  nnl_yaml_cache *c = nnl_yaml_cache_new();
  size_t layers = fz_yaml_fill(c, "model.nnlint.yaml", data, size);
  if (nnl_yaml_cache_ready(c) && layers <= ORACLE_LAYERS) {
    const uint8_t *k = data + size - 4;
    size_t m, m3 = 0;
    uint8_t *t2 = derive(data, size, k, &m), *t3 = NULL;
    if (!(k[1] & 1)) {
      same_findings(c, t2, m, 1);
    } else if (m > 0) {
      /* two edits, the second checked: the state a splice leaves in the
       * cache (moved spans, the pairs and items it keeps) is tested too;
       * the first only goes through the front end */
      fz_yaml_fill(c, "model.nnlint.yaml", t2, m);
      if (nnl_yaml_cache_last(c, NULL)) {
        const uint8_t k2[4] = {(uint8_t)(k[2] ^ k[3]), k[0], k[1],
                               (uint8_t)(k[3] + 0x2b)};
        t3 = derive(t2, m, k2, &m3);
        same_findings(c, t3, m3, 2);
      }
    }
    free(t3);
    free(t2);
  }
  nnl_yaml_cache_free(c);
  return 0;
}
