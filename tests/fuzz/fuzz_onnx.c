/*
 * fuzz_onnx.c - libFuzzer target: an ONNX binary ModelProto through the whole
 * pipeline (front end, derive, every rule, every reporter); see fuzz.h.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_lint(NULL, "model.onnx", NNL_FMT_ONNX, data, size);
  return 0;
}
