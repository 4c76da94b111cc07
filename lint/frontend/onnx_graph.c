/*
 * onnx_graph.c - ONNX graph to IR (stub, being written).
 */
#include <math.h>
#include <string.h>

#include "frontend/onnx.h"

const char *nnl_onnx_dtype_name(int32_t t) { (void)t; return NULL; }
int32_t nnl_onnx_dtype_parse(const char *name, size_t len) { (void)name; (void)len; return 0; }
void nnl_onnx_summary_begin(nnl_onnx_tensor *t) { t->all_equal = t->all_zero = -1; t->n_seen = 0; }
bool nnl_onnx_summary_add(nnl_onnx_tensor *t, double v) { (void)t; (void)v; return false; }
void nnl_onnx_summary_end(nnl_onnx_tensor *t) { (void)t; }
int nnl_onnx_to_ir(nnl_ctx *cx, nnl_doc *doc, const nnl_onnx_model *m) { (void)cx; (void)doc; (void)m; return -1; }
