/*
 * fuzz_yaml.c - libFuzzer target: an nnlint YAML model spec through the whole
 * pipeline (front end, derive, every rule, every reporter); see fuzz.h.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_lint(NULL, "model.nnlint.yaml", NNL_FMT_YAML_SPEC, data, size);
  return 0;
}
