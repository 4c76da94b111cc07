/* keras_py.c - Keras Python source front end (work in progress stub). */
#include "nnlint.h"

int nnl_parse_keras_py(nnl_ctx *cx, nnl_doc *doc) {
  (void)cx;
  doc->skipped = true;
  doc->skip_reason = "Keras Python front end not built yet";
  return 0;
}
