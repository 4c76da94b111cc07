/*
 * keras_json.c - Keras model JSON front end (stub being written).
 */
#include "nnlint.h"

int nnl_parse_keras_json(nnl_ctx *cx, nnl_doc *doc) {
  (void)cx;
  doc->skipped = true;
  doc->skip_reason = "Keras JSON front end not built yet";
  return 0;
}
