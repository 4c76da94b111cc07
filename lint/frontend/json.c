/*
 * json.c - recursive-descent JSON reader with byte spans (see json.h).
 *
 *   value  -> object | array | string | number | true | false | null
 *             | NaN | Infinity | -Infinity
 *   object -> '{' (string ':' value (',' string ':' value)*)? '}'
 *   array  -> '[' (value (',' value)*)? ']'
 *
 * Every length is checked against what remains; nesting is limited by
 * NNL_MAX_DEPTH and the number of values by NNL_MAX_JSON_VALUES (a node
 * is some 80 bytes, and "[0,0,0,...]" two bytes of input per node, so the
 * tree is bounded, not the input size times 40); numbers are converted by
 * strtod on a bounded copy, never past the input.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/json.h"
#include "nnlint.h"

typedef struct jp {
  nnl_arena *a;
  const char *s;
  size_t len, i;
  nnl_span flat;
  nnl_json_error *err;
  bool failed;
  uint32_t values; /* nodes built, against NNL_MAX_JSON_VALUES */
} jp;

static bool fail(jp *p, size_t off, const char *fmt, ...) NNL_PRINTF(3, 4);
static bool fail(jp *p, size_t off, const char *fmt, ...) {
  if (p->failed) return false;
  p->failed = true;
  p->err->off = (uint32_t)(off > p->len ? p->len : off);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
  va_end(ap);
  return false;
}

static nnl_span span(jp *p, size_t start, size_t end) {
  if (nnl_span_ok(p->flat)) return p->flat;
  return (nnl_span){(uint32_t)start, (uint32_t)(end - start)};
}

static void ws(jp *p) {
  while (p->i < p->len) {
    char c = p->s[p->i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    p->i++;
  }
}

/* A character for error messages: printable as is, else its code. */
static const char *show(jp *p, char *buf, size_t cap) {
  if (p->i >= p->len) return "end of file";
  unsigned char c = (unsigned char)p->s[p->i];
  if (c >= 0x20 && c < 0x7f) snprintf(buf, cap, "'%c'", c);
  else snprintf(buf, cap, "byte 0x%02x", c);
  return buf;
}

static int hex4(const char *s) {
  int v = 0;
  for (int k = 0; k < 4; k++) {
    char c = s[k];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= c - '0';
    else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
    else return -1;
  }
  return v;
}

static size_t put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* The length of the well-formed UTF-8 sequence at s[0..n) that starts
 * with a byte >= 0x80 (no overlongs, surrogates, > U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t k;
  uint32_t cp;
  if (c >= 0xc2 && c <= 0xdf) k = 1, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef) k = 2, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4) k = 3, cp = c & 0x07;
  else return 0;
  if (n <= k) return 0;
  for (size_t j = 1; j <= k; j++) {
    if ((s[j] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[j] & 0x3f);
  }
  if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return k + 1;
}

/* string at p->s[p->i] == '"': decoded into the arena.  The decoded text
 * is never longer than the escaped one, so one allocation suffices. */
static bool string(jp *p, const char **out, uint32_t *outlen) {
  size_t start = p->i++;
  /* find the end first, so the buffer is sized once */
  size_t j = p->i;
  while (j < p->len && p->s[j] != '"') {
    if (p->s[j] == '\\') j++;
    j++;
  }
  if (j >= p->len) return fail(p, start, "string is not closed");
  if (j - p->i > UINT32_MAX - 1) return fail(p, start, "string too long");
  char *o = nnl_arena_alloc(p->a, j - p->i + 1);
  size_t k = 0;
  while (p->i < j) {
    unsigned char c = (unsigned char)p->s[p->i];
    if (c < 0x20)
      return fail(p, p->i, "control character 0x%02x in a string", c);
    if (c >= 0x80) {
      /* JSON text is UTF-8 (RFC 8259): invalid bytes would reach messages
       * and every output format */
      size_t u = utf8_seq((const unsigned char *)p->s + p->i, j - p->i);
      if (!u) return fail(p, p->i, "invalid UTF-8 in a string");
      memcpy(o + k, p->s + p->i, u);
      k += u;
      p->i += u;
      continue;
    }
    if (c != '\\') {
      o[k++] = (char)c;
      p->i++;
      continue;
    }
    size_t esc = p->i++;
    char e = p->s[p->i++];
    switch (e) {
    case '"': o[k++] = '"'; break;
    case '\\': o[k++] = '\\'; break;
    case '/': o[k++] = '/'; break;
    case 'b': o[k++] = '\b'; break;
    case 'f': o[k++] = '\f'; break;
    case 'n': o[k++] = '\n'; break;
    case 'r': o[k++] = '\r'; break;
    case 't': o[k++] = '\t'; break;
    case 'u': {
      int hi = j - p->i >= 4 ? hex4(p->s + p->i) : -1;
      if (hi < 0) return fail(p, esc, "bad \\u escape: four hex digits expected");
      p->i += 4;
      uint32_t cp = (uint32_t)hi;
      if (hi >= 0xD800 && hi <= 0xDBFF) {
        int lo = j - p->i >= 6 && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u'
                     ? hex4(p->s + p->i + 2)
                     : -1;
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
          p->i += 6;
        } else {
          cp = 0xFFFD; /* a lone high surrogate */
        }
      } else if (hi >= 0xDC00 && hi <= 0xDFFF) {
        cp = 0xFFFD; /* a lone low surrogate */
      }
      /* \uXXXX is 6 bytes and decodes to at most 3; a pair is 12 -> 4 */
      k += put_utf8(o + k, cp);
      break;
    }
    default:
      return fail(p, esc, "bad escape '\\%c' in a string",
                  e >= 0x20 && e < 0x7f ? e : '?');
    }
  }
  o[k] = '\0';
  p->i = j + 1;
  *out = o;
  *outlen = (uint32_t)k;
  return true;
}

static bool digits(jp *p) {
  size_t s = p->i;
  while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
  return p->i > s;
}

static bool word(jp *p, const char *w) {
  size_t n = strlen(w);
  if (p->len - p->i < n || memcmp(p->s + p->i, w, n) != 0) return false;
  p->i += n;
  return true;
}

static bool number(jp *p, nnl_jnode *v) {
  size_t start = p->i;
  if (p->s[p->i] == '-') p->i++;
  if (word(p, "Infinity")) {
    v->num = p->s[start] == '-' ? -INFINITY : INFINITY;
    return true;
  }
  if (!digits(p)) return fail(p, start, "bad number");
  if (p->i < p->len && p->s[p->i] == '.') {
    p->i++;
    if (!digits(p)) return fail(p, start, "bad number: digits expected after '.'");
  }
  if (p->i < p->len && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    p->i++;
    if (p->i < p->len && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
    if (!digits(p)) return fail(p, start, "bad number: exponent expected");
  }
  char buf[64];
  size_t n = p->i - start;
  if (n >= sizeof buf) {
    /* a very long literal: its value is only needed approximately */
    char *big = nnl_xmalloc(n + 1);
    memcpy(big, p->s + start, n);
    big[n] = '\0';
    v->num = strtod(big, NULL);
    free(big);
    return true;
  }
  memcpy(buf, p->s + start, n);
  buf[n] = '\0';
  v->num = strtod(buf, NULL);
  return true;
}

static bool value(jp *p, nnl_jnode *v, int depth);

/* The members or items of an object or array, closing bracket included. */
static bool container(jp *p, nnl_jnode *v, int depth, bool obj) {
  size_t start = p->i++;
  char close = obj ? '}' : ']';
  if (depth >= NNL_MAX_DEPTH)
    return fail(p, start, "nested deeper than %d levels", NNL_MAX_DEPTH);
  nnl_jnode **tail = &v->kids;
  ws(p);
  if (p->i < p->len && p->s[p->i] == close) {
    p->i++;
    v->at = span(p, start, p->i);
    return true;
  }
  char b[24];
  for (;;) {
    ws(p);
    if (++p->values > NNL_MAX_JSON_VALUES)
      return fail(p, p->i, "more than %d values", NNL_MAX_JSON_VALUES);
    nnl_jnode *k = nnl_arena_alloc(p->a, sizeof *k);
    if (obj) {
      if (p->i >= p->len || p->s[p->i] != '"')
        return fail(p, p->i, "expected a key string, found %s",
                    show(p, b, sizeof b));
      size_t ks = p->i;
      uint32_t kl;
      if (!string(p, &k->key, &kl)) return false;
      k->key_at = span(p, ks, p->i);
      ws(p);
      if (p->i >= p->len || p->s[p->i] != ':')
        return fail(p, p->i, "expected ':' after a key, found %s",
                    show(p, b, sizeof b));
      p->i++;
      ws(p);
    }
    if (!value(p, k, depth + 1)) return false;
    if (v->n == UINT32_MAX) return fail(p, p->i, "too many items");
    *tail = k;
    tail = &k->next;
    v->n++;
    ws(p);
    if (p->i < p->len && p->s[p->i] == ',') {
      p->i++;
      continue;
    }
    if (p->i < p->len && p->s[p->i] == close) {
      p->i++;
      v->at = span(p, start, p->i);
      return true;
    }
    return fail(p, p->i, "expected ',' or '%c', found %s", close,
                show(p, b, sizeof b));
  }
}

static bool value(jp *p, nnl_jnode *v, int depth) {
  char b[24];
  if (p->i >= p->len) return fail(p, p->i, "a value expected, found end of file");
  size_t start = p->i;
  char c = p->s[p->i];
  switch (c) {
  case '{':
    v->type = NNL_J_OBJ;
    return container(p, v, depth, true);
  case '[':
    v->type = NNL_J_ARR;
    return container(p, v, depth, false);
  case '"':
    v->type = NNL_J_STR;
    if (!string(p, &v->s, &v->slen)) return false;
    break;
  case 't':
  case 'f':
  case 'n':
  case 'N':
  case 'I':
    if (word(p, "true")) v->type = NNL_J_BOOL, v->b = true;
    else if (word(p, "false")) v->type = NNL_J_BOOL, v->b = false;
    else if (word(p, "null")) v->type = NNL_J_NULL;
    else if (word(p, "NaN")) v->type = NNL_J_NUM, v->num = NAN;
    else if (word(p, "Infinity")) v->type = NNL_J_NUM, v->num = INFINITY;
    else return fail(p, start, "unexpected %s", show(p, b, sizeof b));
    break;
  default:
    if (c == '-' || (c >= '0' && c <= '9')) {
      v->type = NNL_J_NUM;
      if (!number(p, v)) return false;
      break;
    }
    return fail(p, start, "unexpected %s", show(p, b, sizeof b));
  }
  v->at = span(p, start, p->i);
  return true;
}

nnl_jnode *nnl_json_parse(nnl_arena *a, const char *src, size_t len,
                          nnl_span flat, nnl_json_error *err) {
  jp p = {a, src, len, 0, flat, err, false, 0};
  err->off = 0;
  err->msg[0] = '\0';
  if (len > UINT32_MAX - 1) {
    fail(&p, 0, "file too large for JSON positions");
    return NULL;
  }
  if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) p.i = 3;
  ws(&p);
  nnl_jnode *root = nnl_arena_alloc(a, sizeof *root);
  if (!value(&p, root, 0)) return NULL;
  ws(&p);
  if (p.i < len) {
    char b[24];
    fail(&p, p.i, "unexpected %s after the JSON value", show(&p, b, sizeof b));
    return NULL;
  }
  return root;
}

const nnl_jnode *nnl_json_get(const nnl_jnode *obj, const char *key) {
  if (!obj || obj->type != NNL_J_OBJ) return NULL;
  const nnl_jnode *found = NULL;
  for (const nnl_jnode *k = obj->kids; k; k = k->next)
    if (strcmp(k->key, key) == 0) found = k;
  return found;
}

const char *nnl_json_str(const nnl_jnode *obj, const char *key) {
  const nnl_jnode *v = nnl_json_get(obj, key);
  return v && v->type == NNL_J_STR ? v->s : NULL;
}
