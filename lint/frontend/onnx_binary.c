/*
 * onnx_binary.c - the binary ONNX front end: a zero-copy reader of the
 * protobuf wire format over the mapped file, producing the ONNX graph of
 * onnx.h, which onnx_graph.c turns into IR.
 *
 *   doc->src (mmap) --wire reader--> nnl_onnx_model --nnl_onnx_to_ir--> IR
 *
 * Only the fields linting needs are read (numbers from onnx.proto); every
 * other field is skipped by its wire type, so newer files still parse.
 * Tensor data is never copied: a tensor points at its bytes in the mapping
 * and its weight summary is computed by scanning until the first element
 * that differs.  External data is read through pread in small chunks,
 * only from files inside the model's folder.
 *
 * Hostile input: every length is checked against what remains, varints
 * are at most 10 bytes / 64 bits, strings must be UTF-8, subgraphs nest at
 * most MAX_GRAPH_DEPTH deep, the number of objects built is budgeted
 * before anything is allocated, and element counts are overflow-checked.
 * The first problem becomes one NN000 at its byte offset, with the path
 * of messages leading to it ("graph 'g' / node 3 'conv1' (Conv) / ...").
 *
 * The messages read (field numbers):
 *   ModelProto     1 ir_version 2 producer_name 3 producer_version 4 domain
 *                  5 model_version 7 graph 8 opset_import 20 training_info
 *                  25 functions
 *   GraphProto     1 node 2 name 5 initializer 11 input 12 output
 *                  13 value_info 15 sparse_initializer
 *   NodeProto      1 input 2 output 3 name 4 op_type 5 attribute 7 domain
 *   AttributeProto 1 name 2 f 3 i 4 s 5 t 6 g 7 floats 8 ints 9 strings
 *                  10 tensors 11 graphs 20 type 21 ref_attr_name
 *                  22 sparse_tensor
 *   TensorProto    1 dims 2 data_type 4 float_data 5 int32_data
 *                  6 string_data 7 int64_data 8 name 9 raw_data
 *                  10 double_data 11 uint64_data 13 external_data
 *                  14 data_location
 *   SparseTensorProto 1 values 2 indices 3 dims
 *   ValueInfoProto 1 name 2 type;  TypeProto 1 tensor_type 4 sequence_type
 *                  5 map_type 8 sparse_tensor_type 9 optional_type
 *   TypeProto.Tensor 1 elem_type 2 shape;  TensorShapeProto 1 dim
 *   Dimension      1 dim_value 2 dim_param
 *   OperatorSetIdProto 1 domain 2 version
 *   FunctionProto  1 name 4 input 5 output 6 attribute 7 node
 *                  9 opset_import 10 domain 13 overload
 *   TrainingInfoProto 1 initialization 2 algorithm
 *   StringStringEntryProto 1 key 2 value
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/onnx.h"

enum {
  MAX_GRAPH_DEPTH = 64,        /* nested subgraphs (If/Loop/Scan bodies) */
  MAX_TYPE_DEPTH = 64,         /* nested TypeProto (sequence of map of ...) */
  MAX_DIMS = 1024,             /* rank of one tensor or value */
  MAX_LIST = 65536,            /* attribute list items kept (rest counted) */
  MAX_OBJECTS = 4000000,       /* nodes, values, tensors, attributes, strings */
  MAX_FIELDS = 32              /* field numbers counted per message */
};

/* Wire types. */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4,
       WT_I32 = 5 };

typedef struct rd {
  nnl_ctx *cx;
  nnl_doc *doc;
  nnl_arena *a;
  const uint8_t *base; /* doc->src */
  size_t len;
  bool failed;
  int graph_depth;
  uint64_t objects;
  char path[768];      /* message path for error messages */
  size_t path_len;
} rd;

/* One field as read: number, wire type, and its value or payload. */
typedef struct fld {
  uint32_t num;
  uint8_t wt;
  uint64_t v;          /* VARINT, I64, I32 */
  const uint8_t *p;    /* LEN payload */
  size_t n;
  uint32_t off;        /* offset of the field's tag */
} fld;

/* A cursor over one message's bytes. */
typedef struct cur {
  const uint8_t *p, *end;
} cur;

static uint32_t offset_of(const rd *r, const uint8_t *p) {
  return (uint32_t)(p - r->base);
}

/* ---- errors ---- */

static void bad(rd *r, uint32_t off, const char *fmt, ...) NNL_PRINTF(3, 4);
static void bad(rd *r, uint32_t off, const char *fmt, ...) {
  if (r->failed) return;
  r->failed = true;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (r->path_len)
    nnl_report_bad_input(r->cx, r->doc, (nnl_span){off, 0},
                         "invalid ONNX model at byte %u (%s): %s", off, r->path,
                         msg);
  else
    nnl_report_bad_input(r->cx, r->doc, (nnl_span){off, 0},
                         "invalid ONNX model at byte %u: %s", off, msg);
}

/* Append " / segment" to the error path; returns the length to restore. */
static size_t push(rd *r, const char *fmt, ...) NNL_PRINTF(2, 3);
static size_t push(rd *r, const char *fmt, ...) {
  size_t old = r->path_len;
  if (old + 8 >= sizeof r->path) return old;
  size_t at = old;
  if (at) {
    memcpy(r->path + at, " / ", 3);
    at += 3;
  }
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(r->path + at, sizeof r->path - at, fmt, ap);
  va_end(ap);
  if (k < 0) k = 0;
  at += (size_t)k;
  if (at >= sizeof r->path) at = sizeof r->path - 1;
  r->path_len = at;
  return old;
}
static void pop(rd *r, size_t old) {
  r->path_len = old;
  r->path[old] = '\0';
}

/* Count objects about to be built; false (and NN000) past the budget. */
static bool budget(rd *r, uint64_t n, uint32_t off) {
  r->objects += n;
  if (r->objects > MAX_OBJECTS) {
    bad(r, off, "model too large: more than %d nodes, values and tensors",
        MAX_OBJECTS);
    return false;
  }
  return true;
}

/* ---- the wire format ---- */

/* A varint of at most 10 bytes whose value fits in 64 bits. */
static bool varint(rd *r, const uint8_t **pp, const uint8_t *end,
                   uint64_t *out) {
  const uint8_t *p = *pp;
  uint64_t v = 0;
  for (int i = 0; i < 10; i++) {
    if (p >= end) {
      bad(r, offset_of(r, p), "truncated varint");
      return false;
    }
    uint8_t b = *p++;
    if (i == 9 && b > 1) {
      bad(r, offset_of(r, p - 1), "varint overflows 64 bits");
      return false;
    }
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *pp = p;
      *out = v;
      return true;
    }
  }
  bad(r, offset_of(r, *pp), "varint longer than 10 bytes");
  return false;
}

/* Read the next field of c into f.  false at the end or on an error
 * (r->failed tells which). */
static bool next(rd *r, cur *c, fld *f) {
  if (r->failed || c->p >= c->end) return false;
  f->off = offset_of(r, c->p);
  uint64_t tag;
  if (!varint(r, &c->p, c->end, &tag)) return false;
  f->num = (uint32_t)(tag >> 3);
  f->wt = (uint8_t)(tag & 7);
  if ((tag >> 3) == 0 || (tag >> 3) > 536870911u) {
    bad(r, f->off, "invalid field number %llu", (unsigned long long)(tag >> 3));
    return false;
  }
  switch (f->wt) {
  case WT_VARINT:
    return varint(r, &c->p, c->end, &f->v);
  case WT_I64:
    if (c->end - c->p < 8) {
      bad(r, f->off, "truncated 64-bit field %u", f->num);
      return false;
    }
    memcpy(&f->v, c->p, 8); /* little-endian hosts only (x86, arm) */
    c->p += 8;
    return true;
  case WT_I32: {
    if (c->end - c->p < 4) {
      bad(r, f->off, "truncated 32-bit field %u", f->num);
      return false;
    }
    uint32_t v32;
    memcpy(&v32, c->p, 4);
    f->v = v32;
    c->p += 4;
    return true;
  }
  case WT_LEN: {
    uint64_t n;
    if (!varint(r, &c->p, c->end, &n)) return false;
    if (n > (uint64_t)(c->end - c->p)) {
      bad(r, f->off, "field %u: length %llu runs past the end (%zu bytes left)",
          f->num, (unsigned long long)n, (size_t)(c->end - c->p));
      return false;
    }
    f->p = c->p;
    f->n = (size_t)n;
    c->p += n;
    return true;
  }
  default:
    /* Groups (3, 4) are not used by onnx.proto; 6 and 7 do not exist. */
    bad(r, f->off, "field %u: unsupported wire type %u", f->num, f->wt);
    return false;
  }
}

static cur sub(const fld *f) { return (cur){f->p, f->p + f->n}; }

static bool want(rd *r, const fld *f, uint8_t wt, const char *what) {
  if (f->wt == wt) return true;
  bad(r, f->off, "field %u (%s) has wire type %u, expected %u", f->num, what,
      f->wt, wt);
  return false;
}

/* Count the fields of a message by number (numbers >= MAX_FIELDS are not
 * counted).  Repeated scalars in packed form count their elements.  Also
 * validates the message's framing, so the filling pass meets no surprise. */
static bool count_fields(rd *r, cur c, uint32_t counts[MAX_FIELDS]) {
  memset(counts, 0, sizeof(uint32_t) * MAX_FIELDS);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num >= MAX_FIELDS) continue;
    if (f.wt == WT_LEN && counts[f.num] < UINT32_MAX)
      counts[f.num]++; /* packed scalars are counted by their readers */
    else if (f.wt != WT_LEN)
      counts[f.num]++;
  }
  return !r->failed;
}

/* Number of varints in a packed payload (bytes without the high bit). */
static uint64_t packed_varints(const uint8_t *p, size_t n) {
  uint64_t k = 0;
  for (size_t i = 0; i < n; i++) k += !(p[i] & 0x80);
  return k;
}

/* ---- strings ---- */

/* Is s[0..n) well-formed UTF-8 (no overlongs, surrogates, > U+10FFFF)?
 * Returns the offset of the first bad byte, or n. */
static size_t utf8_check(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) k = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef) k = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4) k = 3, cp = c & 0x07;
    else return i;
    if (n - i <= k) return i;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (s[i + j] & 0x3f);
    }
    if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
      return i;
    i += k + 1;
  }
  return n;
}

/* A UTF-8 string field, copied into the arena with a NUL. */
static const char *str(rd *r, const fld *f, const char *what) {
  if (!want(r, f, WT_LEN, what)) return "";
  size_t badat = utf8_check(f->p, f->n);
  if (badat != f->n) {
    bad(r, offset_of(r, f->p + badat), "%s is not valid UTF-8", what);
    return "";
  }
  return nnl_arena_strndup(r->a, (const char *)f->p, f->n);
}

/* A bytes field (AttributeProto.s): copied with a NUL, not validated. */
static const char *bytes(rd *r, const fld *f, size_t *len) {
  if (!want(r, f, WT_LEN, "bytes")) {
    *len = 0;
    return "";
  }
  *len = f->n;
  return nnl_arena_strndup(r->a, (const char *)f->p, f->n);
}

/* ---- repeated scalars (packed or one per field) ---- */

/* Append the int64 values of f (VARINT, or LEN packed) to out[*n..cap).
 * Values past cap are counted in *total but not stored. */
static void ints_into(rd *r, const fld *f, int64_t *out, uint32_t cap,
                      uint32_t *n, uint64_t *total) {
  if (f->wt == WT_VARINT) {
    if (*n < cap) out[(*n)++] = (int64_t)f->v;
    (*total)++;
    return;
  }
  if (!want(r, f, WT_LEN, "repeated int")) return;
  const uint8_t *p = f->p, *end = f->p + f->n;
  while (p < end && !r->failed) {
    uint64_t v;
    if (!varint(r, &p, end, &v)) return;
    if (*n < cap) out[(*n)++] = (int64_t)v;
    (*total)++;
  }
}

static uint64_t ints_count(rd *r, const fld *f) {
  if (f->wt == WT_VARINT) return 1;
  if (f->wt != WT_LEN) {
    want(r, f, WT_LEN, "repeated int");
    return 0;
  }
  return packed_varints(f->p, f->n);
}

static double f32(uint32_t bits) {
  float x;
  memcpy(&x, &bits, 4);
  return x;
}
static double f64(uint64_t bits) {
  double x;
  memcpy(&x, &bits, 8);
  return x;
}

/* ---- tensors ---- */

/* Bits per element of a data type for raw_data, or 0 when not decoded. */
static unsigned elem_bits(int32_t t) {
  switch (t) {
  case NNL_ONNX_FLOAT: case NNL_ONNX_INT32: case NNL_ONNX_UINT32: return 32;
  case NNL_ONNX_DOUBLE: case NNL_ONNX_INT64: case NNL_ONNX_UINT64: return 64;
  case NNL_ONNX_FLOAT16: case NNL_ONNX_BFLOAT16: case NNL_ONNX_INT16:
  case NNL_ONNX_UINT16: return 16;
  case NNL_ONNX_UINT8: case NNL_ONNX_INT8: case NNL_ONNX_BOOL:
  case NNL_ONNX_FLOAT8E4M3FN: case NNL_ONNX_FLOAT8E4M3FNUZ:
  case NNL_ONNX_FLOAT8E5M2: case NNL_ONNX_FLOAT8E5M2FNUZ: return 8;
  case NNL_ONNX_UINT4: case NNL_ONNX_INT4: case NNL_ONNX_FLOAT4E2M1: return 4;
  case NNL_ONNX_COMPLEX64: return 64;
  case NNL_ONNX_COMPLEX128: return 128;
  default: return 0;
  }
}

/* A small float (float16, bfloat16, float8, float4) to double.  NaN and
 * infinity encodings differ between the formats; they only matter here as
 * "not equal to anything", and equal bit patterns decode equal. */
static double minifloat(uint32_t bits, int ebits, int mbits, int bias,
                        bool ieee_special) {
  uint32_t sign = (bits >> (ebits + mbits)) & 1;
  uint32_t e = (bits >> mbits) & ((1u << ebits) - 1);
  uint32_t m = bits & ((1u << mbits) - 1);
  double v;
  if (ieee_special && e == (1u << ebits) - 1)
    v = m ? NAN : INFINITY;
  else if (e == 0)
    v = ldexp((double)m, 1 - bias - mbits);
  else
    v = ldexp((double)(m | (1u << mbits)), (int)e - bias - mbits);
  return sign ? -v : v;
}

/* Element i of a little-endian raw buffer of type t, as a double. */
static double raw_elem(const uint8_t *p, int32_t t, uint64_t i) {
  switch (t) {
  case NNL_ONNX_FLOAT: case NNL_ONNX_COMPLEX64: {
    uint32_t b;
    memcpy(&b, p + 4 * i, 4);
    return f32(b);
  }
  case NNL_ONNX_DOUBLE: {
    uint64_t b;
    memcpy(&b, p + 8 * i, 8);
    return f64(b);
  }
  case NNL_ONNX_INT32: { int32_t v; memcpy(&v, p + 4 * i, 4); return v; }
  case NNL_ONNX_UINT32: { uint32_t v; memcpy(&v, p + 4 * i, 4); return v; }
  case NNL_ONNX_INT64: { int64_t v; memcpy(&v, p + 8 * i, 8); return (double)v; }
  case NNL_ONNX_UINT64: { uint64_t v; memcpy(&v, p + 8 * i, 8); return (double)v; }
  case NNL_ONNX_INT16: { int16_t v; memcpy(&v, p + 2 * i, 2); return v; }
  case NNL_ONNX_UINT16: { uint16_t v; memcpy(&v, p + 2 * i, 2); return v; }
  case NNL_ONNX_FLOAT16: {
    uint16_t v;
    memcpy(&v, p + 2 * i, 2);
    return minifloat(v, 5, 10, 15, true);
  }
  case NNL_ONNX_BFLOAT16: {
    uint16_t v;
    memcpy(&v, p + 2 * i, 2);
    return f32((uint32_t)v << 16);
  }
  case NNL_ONNX_INT8: return (int8_t)p[i];
  case NNL_ONNX_UINT8: case NNL_ONNX_BOOL: return p[i];
  case NNL_ONNX_FLOAT8E4M3FN: case NNL_ONNX_FLOAT8E4M3FNUZ:
    return minifloat(p[i], 4, 3, t == NNL_ONNX_FLOAT8E4M3FN ? 7 : 8, false);
  case NNL_ONNX_FLOAT8E5M2: return minifloat(p[i], 5, 2, 15, true);
  case NNL_ONNX_FLOAT8E5M2FNUZ: return minifloat(p[i], 5, 2, 16, false);
  case NNL_ONNX_UINT4: case NNL_ONNX_INT4: case NNL_ONNX_FLOAT4E2M1: {
    unsigned nib = (p[i / 2] >> (4 * (i & 1))) & 0xf;
    if (t == NNL_ONNX_UINT4) return nib;
    if (t == NNL_ONNX_INT4) return nib >= 8 ? (int)nib - 16 : (int)nib;
    return minifloat(nib, 2, 1, 1, false);
  }
  default: return NAN;
  }
}

/* Summarize n elements of raw little-endian data, stopping at the first
 * element that differs.  A fully scanned large range is handed back to
 * the kernel so an all-equal weight does not stay resident. */
static void summarize_raw(nnl_onnx_tensor *t, const uint8_t *p, uint64_t n) {
  for (uint64_t i = 0; i < n; i++)
    if (!nnl_onnx_summary_add(t, raw_elem(p, t->data_type, i))) return;
}

/* Hand the pages of a large range of the mapping back to the kernel: the
 * page cache keeps them, but they no longer count in this process's
 * resident set.  Safe at any time: a later read faults them in again. */
static void drop_pages(const rd *r, const void *p, size_t n) {
  if (!r->doc->mapped || n < ((size_t)1 << 20)) return;
  long pg = sysconf(_SC_PAGESIZE);
  if (pg <= 0) return;
  uintptr_t lo = (uintptr_t)p & ~((uintptr_t)pg - 1);
  uintptr_t hi = ((uintptr_t)p + n + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
  madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* Decode one varint element of int32_data/int64_data/uint64_data by type:
 * int32_data holds int32 for most types and the bit patterns of float16 /
 * bfloat16 / float8 elements. */
static double varint_elem(int32_t t, uint64_t v) {
  switch (t) {
  case NNL_ONNX_FLOAT16: return minifloat((uint32_t)v & 0xffff, 5, 10, 15, true);
  case NNL_ONNX_BFLOAT16: return f32(((uint32_t)v & 0xffff) << 16);
  case NNL_ONNX_FLOAT8E4M3FN: case NNL_ONNX_FLOAT8E4M3FNUZ:
  case NNL_ONNX_FLOAT8E5M2: case NNL_ONNX_FLOAT8E5M2FNUZ: {
    uint8_t b = (uint8_t)v;
    return raw_elem(&b, t, 0);
  }
  case NNL_ONNX_UINT64: case NNL_ONNX_UINT32: return (double)v;
  default: return (double)(int64_t)v;
  }
}

/* Where external data lives: the model's folder, and whether a location
 * stays inside it.  Refuses absolute paths, ".." components and symlinks
 * that resolve outside the folder. */
static bool external_path(rd *r, const char *loc, char *out, size_t cap) {
  if (!*loc || loc[0] == '/') return false;
  for (const char *s = loc; *s;) {
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n == 2 && s[0] == '.' && s[1] == '.') return false;
    if (memchr(s, '\\', n)) return false;
    s = e ? e + 1 : s + n;
  }
  const char *path = r->doc->path;
  const char *slash = strrchr(path, '/');
  int k;
  if (slash)
    k = snprintf(out, cap, "%.*s/%s", (int)(slash - path), path, loc);
  else
    k = snprintf(out, cap, "%s", loc);
  if (k < 0 || (size_t)k >= cap) return false;
  /* Symlinks: the resolved file must stay under the resolved folder. */
  char dir[PATH_MAX], dirbuf[PATH_MAX], file[PATH_MAX];
  if (slash) snprintf(dirbuf, sizeof dirbuf, "%.*s", (int)(slash - path), path);
  else snprintf(dirbuf, sizeof dirbuf, ".");
  if (!realpath(dirbuf, dir)) return false;
  if (!realpath(out, file)) return true; /* missing: read fails quietly */
  size_t dl = strlen(dir);
  if (strcmp(dir, "/") == 0) return true;
  return strncmp(file, dir, dl) == 0 && file[dl] == '/';
}

/* Read the summary of an external tensor: pread in chunks until the first
 * differing element.  A file that is missing or short leaves it unknown. */
static void summarize_external(rd *r, nnl_onnx_tensor *t, uint64_t off,
                               int64_t length, uint32_t at) {
  char path[PATH_MAX];
  if (!external_path(r, t->external_location, path, sizeof path)) {
    nnl_report(r->cx, r->doc, "NN000", "bad-input", NNL_SEV_ERROR,
               (nnl_span){at, 0}, r->path,
               NULL,
               "external data location '%s' of tensor '%s' leaves the "
               "model's folder; not followed",
               t->external_location, t->name);
    return;
  }
  unsigned bits = elem_bits(t->data_type);
  if (!bits || t->n_elems <= 0 || t->data_type == NNL_ONNX_COMPLEX64 ||
      t->data_type == NNL_ONNX_COMPLEX128)
    return;
  uint64_t need = ((uint64_t)t->n_elems * bits + 7) / 8;
  if (length >= 0 && (uint64_t)length < need) return;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      (uint64_t)st.st_size < off || (uint64_t)st.st_size - off < need) {
    close(fd);
    return;
  }
  uint8_t buf[65536];
  uint64_t done = 0; /* elements summarized */
  unsigned esz = bits >= 8 ? bits / 8 : 1;
  while (done < (uint64_t)t->n_elems) {
    /* whole elements per chunk; 4-bit types go two per byte */
    uint64_t per = bits >= 8 ? sizeof buf / esz : sizeof buf * 2;
    uint64_t k = (uint64_t)t->n_elems - done < per ? (uint64_t)t->n_elems - done : per;
    size_t nb = bits >= 8 ? (size_t)(k * esz) : (size_t)((k + 1) / 2);
    uint64_t pos = off + (bits >= 8 ? done * esz : done / 2);
    ssize_t got = pread(fd, buf, nb, (off_t)pos);
    if (got != (ssize_t)nb) break;
    bool same = true;
    for (uint64_t i = 0; i < k && same; i++)
      same = nnl_onnx_summary_add(t, raw_elem(buf, t->data_type, i));
    if (!same) break;
    done += k;
  }
  close(fd);
}

static void parse_tensor(rd *r, const fld *tf, nnl_onnx_tensor *t);

/* StringStringEntryProto: key (1), value (2). */
static void parse_entry(rd *r, const fld *ef, const char **key,
                        const char **val) {
  *key = *val = "";
  if (!want(r, ef, WT_LEN, "key/value entry")) return;
  cur c = sub(ef);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num == 1) *key = str(r, &f, "key");
    else if (f.num == 2) *val = str(r, &f, "value");
  }
}

/* TensorProto -> t.  Data is referenced, the summary computed. */
static void parse_tensor(rd *r, const fld *tf, nnl_onnx_tensor *t) {
  memset(t, 0, sizeof *t);
  t->name = "";
  t->span = (nnl_span){offset_of(r, tf->p), (uint32_t)tf->n};
  nnl_onnx_summary_begin(t);
  if (!want(r, tf, WT_LEN, "tensor")) return;
  cur c = sub(tf);
  fld f;
  uint64_t ndims = 0;
  /* pass 1: scalars, counts, where the data is */
  const fld *data = NULL;
  fld datafld;
  uint32_t unpacked = 0; /* unpacked typed elements (one per field) */
  int data_location = 0;
  uint64_t ext_off = 0;
  int64_t ext_len = -1;
  while (next(r, &c, &f)) {
    switch (f.num) {
    case 1: ndims += ints_count(r, &f); break;
    case 2:
      if (want(r, &f, WT_VARINT, "data_type")) t->data_type = (int32_t)f.v;
      break;
    case 8: t->name = str(r, &f, "tensor name"); break;
    case 14:
      if (want(r, &f, WT_VARINT, "data_location")) data_location = (int)f.v;
      break;
    case 4: case 5: case 7: case 10: case 11: case 9: case 6:
      if (f.wt == WT_LEN) {
        datafld = f;
        data = &datafld;
      } else {
        unpacked++;
      }
      break;
    case 13: {
      const char *k, *v;
      parse_entry(r, &f, &k, &v);
      if (strcmp(k, "location") == 0) t->external_location = v;
      else if (strcmp(k, "offset") == 0) ext_off = strtoull(v, NULL, 10);
      else if (strcmp(k, "length") == 0) ext_len = strtoll(v, NULL, 10);
      break;
    }
    default: break;
    }
  }
  if (r->failed) return;
  if (ndims > MAX_DIMS) {
    bad(r, tf->off, "tensor '%s' has %llu dimensions (limit %d)", t->name,
        (unsigned long long)ndims, MAX_DIMS);
    return;
  }
  int64_t *dims = ndims ? nnl_arena_alloc(r->a, sizeof *dims * ndims) : NULL;
  uint32_t nd = 0;
  uint64_t total = 0;
  c = sub(tf);
  while (next(r, &c, &f))
    if (f.num == 1) ints_into(r, &f, dims, (uint32_t)ndims, &nd, &total);
  if (r->failed) return;
  t->dims = dims;
  t->n_dims = nd;
  /* element count, overflow-checked */
  int64_t n = 1;
  for (uint32_t i = 0; i < nd; i++) {
    if (dims[i] < 0) {
      /* a TensorProto's dims are sizes: onnx.checker and every runtime
       * refuse a negative one (only value shapes have unknown dims) */
      bad(r, tf->off, "tensor '%s': dimension %u is negative (%lld)", t->name,
          i, (long long)dims[i]);
      return;
    }
    if (dims[i] != 0 && n > INT64_MAX / dims[i]) {
      bad(r, tf->off, "tensor '%s': element count overflows (dims too large)",
          t->name);
      return;
    }
    n *= dims[i];
  }
  t->n_elems = n;
  unsigned bits = elem_bits(t->data_type);

  if (data_location == 1 || t->external_location) {
    t->data_kind = NNL_ONNX_DATA_EXTERNAL;
    if (!t->external_location) {
      bad(r, tf->off, "tensor '%s': external data without a location", t->name);
      return;
    }
    if (n > 0 && bits && bits <= 64 && (uint64_t)n > UINT64_MAX / bits) {
      bad(r, tf->off, "tensor '%s': element count overflows", t->name);
      return;
    }
    summarize_external(r, t, ext_off, ext_len, tf->off);
    nnl_onnx_summary_end(t);
    return;
  }
  if (data) {
    t->data = (const char *)data->p;
    t->data_len = data->n;
    switch (data->num) {
    case 9: t->data_kind = NNL_ONNX_DATA_RAW; break;
    case 4: t->data_kind = NNL_ONNX_DATA_FIXED32; break;
    case 10: t->data_kind = NNL_ONNX_DATA_FIXED64; break;
    case 6: t->data_kind = NNL_ONNX_DATA_STRINGS; break;
    default: t->data_kind = NNL_ONNX_DATA_VARINT; break;
    }
  }
  /* The data must hold exactly the elements the dims announce. */
  if (t->data_kind == NNL_ONNX_DATA_RAW && n >= 0 && bits) {
    if ((uint64_t)n > (UINT64_MAX - 7) / bits) {
      bad(r, tf->off, "tensor '%s': element count overflows", t->name);
      return;
    }
    uint64_t need = ((uint64_t)n * bits + 7) / 8;
    if (need != t->data_len) {
      bad(r, offset_of(r, data->p),
          "tensor '%s': raw_data holds %zu bytes, its dims need %llu", t->name,
          t->data_len, (unsigned long long)need);
      return;
    }
    if (t->data_type != NNL_ONNX_COMPLEX64 &&
        t->data_type != NNL_ONNX_COMPLEX128 && t->data_type != NNL_ONNX_STRING) {
      summarize_raw(t, data->p, (uint64_t)n);
    }
  } else if (t->data_kind == NNL_ONNX_DATA_FIXED32 ||
             t->data_kind == NNL_ONNX_DATA_FIXED64) {
    size_t w = t->data_kind == NNL_ONNX_DATA_FIXED32 ? 4 : 8;
    if (t->data_len % w != 0) {
      bad(r, offset_of(r, data->p), "tensor '%s': packed data of %zu bytes",
          t->name, t->data_len);
      return;
    }
    if (t->data_type != NNL_ONNX_COMPLEX64 &&
        t->data_type != NNL_ONNX_COMPLEX128) {
      uint64_t k = t->data_len / w;
      for (uint64_t i = 0; i < k; i++)
        if (!nnl_onnx_summary_add(t, w == 4 ? raw_elem(data->p, NNL_ONNX_FLOAT, i)
                                            : raw_elem(data->p, NNL_ONNX_DOUBLE, i)))
          break;
    }
  } else if (t->data_kind == NNL_ONNX_DATA_VARINT) {
    const uint8_t *p = data->p, *end = data->p + data->n;
    while (p < end && !r->failed) {
      uint64_t v;
      if (!varint(r, &p, end, &v)) return;
      if (!nnl_onnx_summary_add(t, varint_elem(t->data_type, v))) break;
    }
  }
  if (unpacked) {
    /* Elements one per field (legal, rare): summarize them in order. */
    if (t->data_kind == NNL_ONNX_DATA_NONE) t->data_kind = NNL_ONNX_DATA_VARINT;
    t->data = NULL;
    c = sub(tf);
    while (next(r, &c, &f)) {
      if (f.wt == WT_LEN) continue;
      double v;
      if (f.num == 4 && f.wt == WT_I32) v = f32((uint32_t)f.v);
      else if (f.num == 10 && f.wt == WT_I64) v = f64(f.v);
      else if ((f.num == 5 || f.num == 7 || f.num == 11) && f.wt == WT_VARINT)
        v = varint_elem(t->data_type, f.v);
      else continue;
      if (!nnl_onnx_summary_add(t, v)) break;
    }
  }
  nnl_onnx_summary_end(t);
  drop_pages(r, tf->p, tf->n);
}

/* SparseTensorProto: values (1), indices (2), dims (3). */
static void parse_sparse(rd *r, const fld *sf, nnl_onnx_sparse *s) {
  memset(s, 0, sizeof *s);
  s->span = (nnl_span){offset_of(r, sf->p), (uint32_t)sf->n};
  s->values.name = s->indices.name = "";
  if (!want(r, sf, WT_LEN, "sparse tensor")) return;
  cur c = sub(sf);
  fld f;
  uint64_t nd = 0;
  while (next(r, &c, &f)) {
    if (f.num == 1) parse_tensor(r, &f, &s->values);
    else if (f.num == 2) parse_tensor(r, &f, &s->indices);
    else if (f.num == 3) nd += ints_count(r, &f);
  }
  if (r->failed) return;
  if (nd > MAX_DIMS) {
    bad(r, sf->off, "sparse tensor has %llu dimensions", (unsigned long long)nd);
    return;
  }
  int64_t *dims = nd ? nnl_arena_alloc(r->a, sizeof *dims * nd) : NULL;
  uint32_t k = 0;
  uint64_t total = 0;
  c = sub(sf);
  while (next(r, &c, &f))
    if (f.num == 3) ints_into(r, &f, dims, (uint32_t)nd, &k, &total);
  s->dims = dims;
  s->n_dims = k;
}

/* ---- types and value infos ---- */

/* TensorShapeProto -> dims. */
static void parse_shape(rd *r, const fld *sf, nnl_onnx_value *v) {
  if (!want(r, sf, WT_LEN, "shape")) return;
  v->has_shape = true;
  uint32_t counts[MAX_FIELDS];
  if (!count_fields(r, sub(sf), counts)) return;
  if (counts[1] > MAX_DIMS) {
    bad(r, sf->off, "shape has %u dimensions (limit %d)", counts[1], MAX_DIMS);
    return;
  }
  if (!budget(r, counts[1], sf->off)) return;
  nnl_onnx_dim *dims =
      counts[1] ? nnl_arena_alloc(r->a, sizeof *dims * counts[1]) : NULL;
  uint32_t n = 0;
  cur c = sub(sf);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num != 1 || !want(r, &f, WT_LEN, "dimension")) continue;
    nnl_onnx_dim *d = &dims[n++];
    d->value = -1;
    cur dc = sub(&f);
    fld g;
    while (next(r, &dc, &g)) {
      if (g.num == 1 && want(r, &g, WT_VARINT, "dim_value"))
        d->value = (int64_t)g.v;
      else if (g.num == 2)
        d->param = str(r, &g, "dim_param");
    }
  }
  v->dims = dims;
  v->n_dims = n;
}

/* TypeProto -> kind, element type, shape. */
static void parse_type(rd *r, const fld *tf, nnl_onnx_value *v, int depth) {
  if (!want(r, tf, WT_LEN, "type")) return;
  if (depth > MAX_TYPE_DEPTH) {
    bad(r, tf->off, "types nested more than %d deep", MAX_TYPE_DEPTH);
    return;
  }
  cur c = sub(tf);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num == 1 || f.num == 8) { /* tensor_type, sparse_tensor_type */
      if (!want(r, &f, WT_LEN, "tensor type")) return;
      v->type_kind = f.num == 1 ? NNL_ONNX_TYPE_TENSOR : NNL_ONNX_TYPE_SPARSE_TENSOR;
      cur tc = sub(&f);
      fld g;
      while (next(r, &tc, &g)) {
        if (g.num == 1 && want(r, &g, WT_VARINT, "elem_type"))
          v->elem_type = (int32_t)g.v;
        else if (g.num == 2)
          parse_shape(r, &g, v);
      }
    } else if (f.num == 4 || f.num == 5 || f.num == 9) {
      /* sequence, map, optional: the kind; inner types are checked for
       * framing only */
      v->type_kind = f.num == 4   ? NNL_ONNX_TYPE_SEQUENCE
                     : f.num == 5 ? NNL_ONNX_TYPE_MAP
                                  : NNL_ONNX_TYPE_OPTIONAL;
      if (!want(r, &f, WT_LEN, "type")) return;
      cur ic = sub(&f);
      fld g;
      while (next(r, &ic, &g)) {
        if ((g.num == 1 && f.num != 5) || (g.num == 2 && f.num == 5)) {
          if (g.wt == WT_LEN) {
            nnl_onnx_value inner = {0};
            parse_type(r, &g, &inner, depth + 1);
          }
        }
      }
    }
  }
}

static void parse_value(rd *r, const fld *vf, nnl_onnx_value *v) {
  memset(v, 0, sizeof *v);
  v->name = "";
  v->span = (nnl_span){offset_of(r, vf->p), (uint32_t)vf->n};
  if (!want(r, vf, WT_LEN, "value info")) return;
  cur c = sub(vf);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num == 1) v->name = str(r, &f, "value name");
    else if (f.num == 2) parse_type(r, &f, v, 0);
  }
}

/* ---- nodes, attributes, graphs ---- */

static const nnl_onnx_graph *parse_graph(rd *r, const fld *gf);

/* Fill an array of strings from the repeated string fields `num` of a
 * message whose count is known. */
static const char *const *strings_of(rd *r, cur c, uint32_t num, uint32_t n,
                                     const char *what) {
  if (!n) return NULL;
  const char **out = nnl_arena_alloc(r->a, sizeof *out * n);
  uint32_t k = 0;
  fld f;
  while (next(r, &c, &f))
    if (f.num == num && k < n) out[k++] = str(r, &f, what);
  return out;
}

static void parse_attr(rd *r, const fld *af, nnl_onnx_attr *at) {
  memset(at, 0, sizeof *at);
  at->name = "";
  at->span = (nnl_span){offset_of(r, af->p), (uint32_t)af->n};
  if (!want(r, af, WT_LEN, "attribute")) return;
  uint32_t counts[MAX_FIELDS];
  if (!count_fields(r, sub(af), counts)) return;
  /* the name first, for error paths */
  cur c = sub(af);
  fld f;
  while (next(r, &c, &f))
    if (f.num == 1) at->name = str(r, &f, "attribute name");
  if (r->failed) return;
  size_t old = push(r, "attribute '%s'", at->name);

  /* list sizes: packed floats/ints count their elements */
  uint64_t nf = 0, ni = 0;
  c = sub(af);
  while (next(r, &c, &f)) {
    if (f.num == 7) nf += f.wt == WT_LEN ? f.n / 4 : 1;
    else if (f.num == 8) ni += ints_count(r, &f);
  }
  uint32_t cf = nf > MAX_LIST ? MAX_LIST : (uint32_t)nf;
  uint32_t ci = ni > MAX_LIST ? MAX_LIST : (uint32_t)ni;
  uint32_t cs = counts[9] > MAX_LIST ? MAX_LIST : counts[9];
  at->truncated = nf > cf || ni > ci || counts[9] > cs;
  if (!budget(r, (uint64_t)cf / 8 + ci / 8 + cs + counts[10] + counts[11] + 1,
              af->off))
    goto out;
  double *floats = cf ? nnl_arena_alloc(r->a, sizeof *floats * cf) : NULL;
  int64_t *ints = ci ? nnl_arena_alloc(r->a, sizeof *ints * ci) : NULL;
  const char **strs = cs ? nnl_arena_alloc(r->a, sizeof *strs * cs) : NULL;
  nnl_onnx_tensor *tensors =
      counts[10] ? nnl_arena_alloc(r->a, sizeof *tensors * counts[10]) : NULL;
  const nnl_onnx_graph **graphs =
      counts[11] ? nnl_arena_alloc(r->a, sizeof *graphs * counts[11]) : NULL;
  uint32_t kf = 0, ki = 0, ks = 0, kt = 0, kg = 0;
  uint64_t totali = 0;
  bool has_type = false;
  c = sub(af);
  while (next(r, &c, &f)) {
    switch (f.num) {
    case 20:
      if (want(r, &f, WT_VARINT, "attribute type")) {
        at->type = (int32_t)f.v;
        has_type = true;
      }
      break;
    case 21: at->ref_attr_name = str(r, &f, "ref_attr_name"); break;
    case 2:
      if (want(r, &f, WT_I32, "f")) at->f = f32((uint32_t)f.v);
      break;
    case 3:
      if (want(r, &f, WT_VARINT, "i")) at->i = (int64_t)f.v;
      break;
    case 4: at->s = bytes(r, &f, &at->s_len); break;
    case 5: {
      nnl_onnx_tensor *t = nnl_arena_alloc(r->a, sizeof *t);
      parse_tensor(r, &f, t);
      at->t = t;
      break;
    }
    case 22: {
      nnl_onnx_sparse *s = nnl_arena_alloc(r->a, sizeof *s);
      parse_sparse(r, &f, s);
      at->t = &s->values;
      break;
    }
    case 6: at->g = parse_graph(r, &f); break;
    case 7:
      if (f.wt == WT_I32) {
        if (kf < cf) floats[kf++] = f32((uint32_t)f.v);
      } else if (want(r, &f, WT_LEN, "floats")) {
        if (f.n % 4) {
          bad(r, f.off, "packed floats of %zu bytes", f.n);
          break;
        }
        for (size_t i = 0; i < f.n / 4 && kf < cf; i++)
          floats[kf++] = raw_elem(f.p, NNL_ONNX_FLOAT, i);
      }
      break;
    case 8: ints_into(r, &f, ints, ci, &ki, &totali); break;
    case 9:
      if (ks < cs && want(r, &f, WT_LEN, "strings")) {
        size_t n;
        strs[ks++] = bytes(r, &f, &n);
      }
      break;
    case 10:
      if (kt < counts[10]) parse_tensor(r, &f, &tensors[kt++]);
      break;
    case 11:
      if (kg < counts[11]) graphs[kg++] = parse_graph(r, &f);
      break;
    default: break;
    }
  }
  at->floats = floats;
  at->n_floats = kf;
  at->ints = ints;
  at->n_ints = ki;
  at->strings = strs;
  at->n_strings = ks;
  at->tensors = tensors;
  at->n_tensors = kt;
  at->graphs = graphs;
  at->n_graphs = kg;
  if (!has_type) { /* IR version 1: the type is whichever field is there */
    at->type = at->g ? NNL_ONNX_ATTR_GRAPH
               : at->t ? NNL_ONNX_ATTR_TENSOR
               : counts[4] ? NNL_ONNX_ATTR_STRING
               : counts[2] ? NNL_ONNX_ATTR_FLOAT
               : counts[3] ? NNL_ONNX_ATTR_INT
               : kg ? NNL_ONNX_ATTR_GRAPHS
               : kt ? NNL_ONNX_ATTR_TENSORS
               : ks ? NNL_ONNX_ATTR_STRINGS
               : kf ? NNL_ONNX_ATTR_FLOATS
               : ki ? NNL_ONNX_ATTR_INTS
                    : NNL_ONNX_ATTR_UNDEFINED;
  }
out:
  pop(r, old);
}

static void parse_node(rd *r, const fld *nf, nnl_onnx_node *n, uint32_t idx) {
  memset(n, 0, sizeof *n);
  n->op_type = n->domain = n->name = "";
  n->span = (nnl_span){offset_of(r, nf->p), (uint32_t)nf->n};
  if (!want(r, nf, WT_LEN, "node")) return;
  uint32_t counts[MAX_FIELDS];
  if (!count_fields(r, sub(nf), counts)) return;
  if (!budget(r, (uint64_t)counts[1] + counts[2] + counts[5] + 1, nf->off))
    return;
  cur c = sub(nf);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num == 3) n->name = str(r, &f, "node name");
    else if (f.num == 4) n->op_type = str(r, &f, "op_type");
    else if (f.num == 7) n->domain = str(r, &f, "domain");
  }
  if (r->failed) return;
  size_t old = push(r, "node %u%s%s%s (%s)", idx, *n->name ? " '" : "",
                    n->name, *n->name ? "'" : "", n->op_type);
  n->inputs = strings_of(r, sub(nf), 1, counts[1], "input name");
  n->n_inputs = counts[1];
  n->outputs = strings_of(r, sub(nf), 2, counts[2], "output name");
  n->n_outputs = counts[2];
  if (counts[5]) {
    nnl_onnx_attr *attrs = nnl_arena_alloc(r->a, sizeof *attrs * counts[5]);
    uint32_t k = 0;
    c = sub(nf);
    while (next(r, &c, &f))
      if (f.num == 5 && k < counts[5]) parse_attr(r, &f, &attrs[k++]);
    n->attrs = attrs;
    n->n_attrs = k;
  }
  pop(r, old);
}

/* Parse the repeated message field `num` of c into an array of structs. */
#define PARSE_LIST(r, c, fnum, count, T, parse, out, nout)                      \
  do {                                                                         \
    T *arr_ = (count) ? nnl_arena_alloc((r)->a, sizeof *arr_ * (count)) : NULL; \
    uint32_t k_ = 0;                                                           \
    cur c_ = (c);                                                              \
    fld f_;                                                                    \
    while (next((r), &c_, &f_))                                                \
      if (f_.num == (fnum) && k_ < (count)) parse((r), &f_, &arr_[k_++]);       \
    (out) = arr_;                                                              \
    (nout) = k_;                                                               \
  } while (0)

/* An arena copy of a temporary array (NULL when empty); frees the array. */
static const void *settle(rd *r, void *items, uint32_t n, size_t size) {
  void *out = NULL;
  if (n) {
    out = nnl_arena_alloc(r->a, size * n);
    memcpy(out, items, size * n);
  }
  free(items);
  return out;
}

/* GraphProto, in one pass over its fields: a graph's fields are spread
 * over the whole file (initializers between nodes and outputs), and each
 * extra pass would touch every page that holds a field's tag. */
static const nnl_onnx_graph *parse_graph(rd *r, const fld *gf) {
  nnl_onnx_graph *g = nnl_arena_alloc(r->a, sizeof *g);
  g->name = "";
  g->span = (nnl_span){offset_of(r, gf->p), (uint32_t)gf->n};
  if (!want(r, gf, WT_LEN, "graph")) return g;
  if (r->graph_depth >= MAX_GRAPH_DEPTH) {
    bad(r, gf->off, "subgraphs nested more than %d deep", MAX_GRAPH_DEPTH);
    return g;
  }
  NNL_ARRAY(nnl_onnx_node) nodes = {0};
  NNL_ARRAY(nnl_onnx_value) ins = {0}, outs = {0}, infos = {0};
  NNL_ARRAY(nnl_onnx_tensor) inits = {0};
  NNL_ARRAY(nnl_onnx_sparse) sparse = {0};
  r->graph_depth++;
  /* the name follows the nodes on the wire: the path says "graph" */
  size_t old = push(r, "graph");
  cur c = sub(gf);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num != 2 && (f.num == 1 || f.num == 5 || f.num == 11 ||
                       f.num == 12 || f.num == 13 || f.num == 15) &&
        !budget(r, 1, f.off))
      break;
    switch (f.num) {
    case 1:
      if (nodes.len >= NNL_MAX_LAYERS) {
        bad(r, f.off, "graph has more than %d nodes", NNL_MAX_LAYERS);
        break;
      }
      {
        nnl_onnx_node *n = nnl_array_grow1(&nodes);
        parse_node(r, &f, n, nodes.len - 1);
      }
      break;
    case 2: g->name = str(r, &f, "graph name"); break;
    case 5: parse_tensor(r, &f, nnl_array_grow1(&inits)); break;
    case 11: parse_value(r, &f, nnl_array_grow1(&ins)); break;
    case 12: parse_value(r, &f, nnl_array_grow1(&outs)); break;
    case 13: parse_value(r, &f, nnl_array_grow1(&infos)); break;
    case 15: parse_sparse(r, &f, nnl_array_grow1(&sparse)); break;
    default: break;
    }
  }
  g->n_nodes = nodes.len;
  g->nodes = settle(r, nodes.items, nodes.len, sizeof *nodes.items);
  g->n_inputs = ins.len;
  g->inputs = settle(r, ins.items, ins.len, sizeof *ins.items);
  g->n_outputs = outs.len;
  g->outputs = settle(r, outs.items, outs.len, sizeof *outs.items);
  g->n_value_info = infos.len;
  g->value_info = settle(r, infos.items, infos.len, sizeof *infos.items);
  g->n_initializers = inits.len;
  g->initializers = settle(r, inits.items, inits.len, sizeof *inits.items);
  g->n_sparse_initializers = sparse.len;
  g->sparse_initializers =
      settle(r, sparse.items, sparse.len, sizeof *sparse.items);
  pop(r, old);
  r->graph_depth--;
  return g;
}

/* ---- model-level messages ---- */

static void parse_opset(rd *r, const fld *of, nnl_onnx_opset *o) {
  o->domain = "";
  o->version = 0;
  if (!want(r, of, WT_LEN, "opset import")) return;
  cur c = sub(of);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num == 1) o->domain = str(r, &f, "opset domain");
    else if (f.num == 2 && want(r, &f, WT_VARINT, "opset version"))
      o->version = (int64_t)f.v;
  }
}

static void parse_function(rd *r, const fld *ff, nnl_onnx_function *fn) {
  memset(fn, 0, sizeof *fn);
  fn->name = fn->domain = fn->overload = "";
  fn->span = (nnl_span){offset_of(r, ff->p), (uint32_t)ff->n};
  if (!want(r, ff, WT_LEN, "function")) return;
  uint32_t counts[MAX_FIELDS];
  if (!count_fields(r, sub(ff), counts)) return;
  if (counts[7] > NNL_MAX_LAYERS) {
    bad(r, ff->off, "function has %u nodes (limit %d)", counts[7],
        NNL_MAX_LAYERS);
    return;
  }
  if (!budget(r, (uint64_t)counts[4] + counts[5] + counts[6] + counts[7] +
                     counts[9] + 1,
              ff->off))
    return;
  cur c = sub(ff);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num == 1) fn->name = str(r, &f, "function name");
    else if (f.num == 10) fn->domain = str(r, &f, "function domain");
    else if (f.num == 13) fn->overload = str(r, &f, "function overload");
  }
  if (r->failed) return;
  size_t old = push(r, "function '%s'", fn->name);
  fn->inputs = strings_of(r, sub(ff), 4, counts[4], "function input");
  fn->n_inputs = counts[4];
  fn->outputs = strings_of(r, sub(ff), 5, counts[5], "function output");
  fn->n_outputs = counts[5];
  fn->attributes = strings_of(r, sub(ff), 6, counts[6], "function attribute");
  fn->n_attributes = counts[6];
  PARSE_LIST(r, sub(ff), 9, counts[9], nnl_onnx_opset, parse_opset,
             fn->opsets, fn->n_opsets);
  if (counts[7]) {
    nnl_onnx_node *nodes = nnl_arena_alloc(r->a, sizeof *nodes * counts[7]);
    uint32_t k = 0;
    c = sub(ff);
    while (next(r, &c, &f))
      if (f.num == 7 && k < counts[7]) {
        parse_node(r, &f, &nodes[k], k);
        k++;
      }
    fn->nodes = nodes;
    fn->n_nodes = k;
  }
  pop(r, old);
}

static void parse_training(rd *r, const fld *tf, nnl_onnx_training *t) {
  memset(t, 0, sizeof *t);
  t->span = (nnl_span){offset_of(r, tf->p), (uint32_t)tf->n};
  if (!want(r, tf, WT_LEN, "training info")) return;
  size_t old = push(r, "training_info");
  cur c = sub(tf);
  fld f;
  while (next(r, &c, &f)) {
    if (f.num == 1) t->initialization = parse_graph(r, &f);
    else if (f.num == 2) t->algorithm = parse_graph(r, &f);
  }
  pop(r, old);
}

/* ModelProto over the whole file. */
static void parse_model(rd *r, nnl_onnx_model *m) {
  memset(m, 0, sizeof *m);
  m->producer_name = m->producer_version = m->domain = "";
  m->binary = true;
  m->span = (nnl_span){0, (uint32_t)r->len};
  cur all = {r->base, r->base + r->len};
  uint32_t counts[MAX_FIELDS];
  if (!count_fields(r, all, counts)) return;
  if (!budget(r, (uint64_t)counts[8] + counts[20] + counts[25], 0)) return;
  cur c = all;
  fld f;
  while (next(r, &c, &f)) {
    switch (f.num) {
    case 1:
      if (want(r, &f, WT_VARINT, "ir_version")) m->ir_version = (int64_t)f.v;
      break;
    case 2: m->producer_name = str(r, &f, "producer_name"); break;
    case 3: m->producer_version = str(r, &f, "producer_version"); break;
    case 4: m->domain = str(r, &f, "model domain"); break;
    case 5:
      if (want(r, &f, WT_VARINT, "model_version"))
        m->model_version = (int64_t)f.v;
      break;
    case 7: m->graph = parse_graph(r, &f); break;
    default: break;
    }
  }
  PARSE_LIST(r, all, 8, counts[8], nnl_onnx_opset, parse_opset, m->opsets,
             m->n_opsets);
  PARSE_LIST(r, all, 25, counts[25], nnl_onnx_function, parse_function,
             m->functions, m->n_functions);
  PARSE_LIST(r, all, 20, counts[20], nnl_onnx_training, parse_training,
             m->training_info, m->n_training_info);
}

int nnl_parse_onnx(nnl_ctx *cx, nnl_doc *doc) {
  rd r = {0};
  r.cx = cx;
  r.doc = doc;
  r.a = &doc->arena;
  r.base = (const uint8_t *)doc->src;
  r.len = doc->len;
  if (doc->len == 0) {
    nnl_report_bad_input(cx, doc, (nnl_span){0, 0},
                         "empty file: not an ONNX model");
    return -1;
  }
  if (doc->len > UINT32_MAX) {
    nnl_report_bad_input(cx, doc, (nnl_span){0, 0},
                         "file too large for an ONNX model (%zu bytes)",
                         doc->len);
    return -1;
  }
  /* The reader jumps over tensor data: tell the kernel not to read ahead
   * (or map large folios around) the few bytes it looks at. */
  if (doc->mapped) madvise(doc->src, doc->len, MADV_RANDOM);
  nnl_onnx_model *m = nnl_arena_alloc(r.a, sizeof *m);
  parse_model(&r, m);
  if (r.failed) return -1;
  if (!m->graph) {
    nnl_report_bad_input(cx, doc, (nnl_span){0, 0},
                         "not an ONNX model: no graph (ModelProto field 7)");
    return -1;
  }
  return nnl_onnx_to_ir(cx, doc, m);
}
