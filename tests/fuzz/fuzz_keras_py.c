/*
 * fuzz_keras_py.c - libFuzzer target: Keras Python source through the whole
 * pipeline (front end, derive, every rule, every reporter); see fuzz.h.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_lint(NULL, "model.py", NNL_FMT_KERAS_PY, data, size);
  return 0;
}
