/*
 * fuzz_keras_json.c - libFuzzer target: a Keras model JSON (or .keras zip) through the whole
 * pipeline (front end, derive, every rule, every reporter); see fuzz.h.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_lint(NULL, "model.json", NNL_FMT_KERAS_JSON, data, size);
  return 0;
}
