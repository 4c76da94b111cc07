/*
 * json.h - a small JSON reader that keeps the byte span of every value
 * and key, for front ends that must point at exact lines and columns.
 *
 *   bytes --nnl_json_parse--> nnl_jnode tree (in an arena)
 *
 * RFC 8259 JSON, plus what Python's json module writes: NaN, Infinity and
 * -Infinity.  A UTF-8 byte order mark is skipped.  Strings are decoded
 * (escapes, \u with surrogate pairs, to UTF-8) and NUL-terminated.
 * Nesting is limited to NNL_MAX_DEPTH.
 *
 * Ownership: every node and string lives in the arena given to the parser.
 */
#ifndef NNL_JSON_H
#define NNL_JSON_H

#include "base.h"

typedef enum nnl_jtype {
  NNL_J_NULL = 0,
  NNL_J_BOOL,
  NNL_J_NUM,
  NNL_J_STR,
  NNL_J_ARR,
  NNL_J_OBJ
} nnl_jtype;

typedef struct nnl_jnode nnl_jnode;
struct nnl_jnode {
  uint8_t type;       /* nnl_jtype */
  bool b;             /* BOOL */
  double num;         /* NUM */
  const char *s;      /* STR: decoded, NUL-terminated */
  uint32_t slen;      /* STR: bytes (may hold NULs from \u0000) */
  nnl_jnode *kids;    /* ARR, OBJ: first child */
  uint32_t n;         /* ARR, OBJ: children */
  nnl_jnode *next;    /* next sibling */
  const char *key;    /* a member of an OBJ: its key (decoded) */
  nnl_span key_at;
  nnl_span at;        /* the value as written */
};

/* Where and why a parse failed. */
typedef struct nnl_json_error {
  uint32_t off;
  char msg[128];
} nnl_json_error;

/* Parse src[0..len) into a tree in arena a.  Returns the root, or NULL
 * with err filled.  When flat is a valid span, every node and key gets
 * that span instead of its own (a document embedded in a JSON string,
 * whose positions cannot be mapped back one to one); error offsets are
 * then relative to src. */
nnl_jnode *nnl_json_parse(nnl_arena *a, const char *src, size_t len,
                          nnl_span flat, nnl_json_error *err);

/* The member key of an object, or NULL (the last one when repeated). */
const nnl_jnode *nnl_json_get(const nnl_jnode *obj, const char *key);
/* The string of a STR member, or NULL. */
const char *nnl_json_str(const nnl_jnode *obj, const char *key);

#endif
