/*
 * fuzz_rules.c - libFuzzer target: one rule file through the rule loader
 * (YAML, expression parser and type checker, templates, regexes), then,
 * when it loads, --explain, --check-rules over its own examples (each
 * example through front end, derive and engine), and the rule over a
 * sample model with every reporter; see fuzz.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* rule files are read with nnl_read_file: NUL-terminated */
  char *text = nnl_xmalloc(size + 1);
  if (size) memcpy(text, data, size);
  text[size] = '\0';
  nnl_ruleset *rs = nnl_ruleset_new();
  nnl_error err = {0};
  char *buf = NULL;
  size_t n = 0;
  FILE *out = open_memstream(&buf, &n);
  if (!out) nnl_oom();
  if (nnl_ruleset_add(rs, "fuzz-rule.yaml", text, size, &err) == 0) {
    for (size_t i = 0; i < nnl_ruleset_count(rs); i++)
      nnl_rule_explain(nnl_ruleset_at(rs, i), out);
    nnl_ctx cx = {0};
    cx.rules = rs;
    cx.fail_on = NNL_SEV_WARNING;
    int passed = 0, failed = 0;
    nnl_ruleset_check_examples(&cx, rs, out, true, &passed, &failed);
    if (nnl_suppress_register(rs, &err) == 0)
      fz_lint(rs, "sample.nnlint.yaml", NNL_FMT_YAML_SPEC,
              (const uint8_t *)fz_sample_spec, strlen(fz_sample_spec));
  } else {
    nnl_error_print(&err, out);
  }
  fclose(out);
  free(buf);
  nnl_ruleset_free(rs);
  free(text);
  return 0;
}
