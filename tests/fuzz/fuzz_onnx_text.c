/*
 * fuzz_onnx_text.c - libFuzzer target: an ONNX model in the onnx.parser text syntax through the whole
 * pipeline (front end, derive, every rule, every reporter); see fuzz.h.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_lint(NULL, "model.onnxtxt", NNL_FMT_ONNX_TEXT, data, size);
  return 0;
}
