/*
 * onnx_text.c - the ONNX textual syntax front end (the onnx.parser syntax:
 * `<ir_version: 8, opset_import: ["" : 18]> g (float[N] x) => (y) {...}`).
 *
 * A hand-written recursive-descent parser over doc->src, one function per
 * rule of grammars/onnx-text.ebnf.  It works on bytes, like onnx.parser
 * itself (no token stream): whitespace and comments are skipped before each
 * token.  It fills the nnl_onnx_* structure of onnx.h (everything in the
 * document's arena, each element with its byte span) and hands it to
 * nnl_onnx_to_ir.  Tensor literals are never copied: a tensor points at its
 * `{...}` text and carries a weight summary computed while it is read.
 *
 * Comments: `#` to the end of the line (onnx.parser's), and a line whose
 * first non-blank characters are `//` (onnx-mlir drops such lines from its
 * .onnxtext lit tests before calling onnx.parser; `//` elsewhere is an
 * error, as it is for onnx-mlir).
 *
 * Bad input: the first error becomes one NN000 with the exact span, and the
 * parse stops (-1).  Every read is bounded by doc->len; nesting (graphs in
 * attributes, nested types) by NNL_MAX_DEPTH; identifiers, strings and
 * numbers by length; tensor literals by their declared shape.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/onnx.h"
#include "nnlint.h"

enum {
  MAX_IDENT = 4096,            /* bytes in one identifier */
  MAX_STRING = 1 << 20,        /* bytes in one string literal */
  MAX_NUMBER = 512,            /* characters in one numeric literal */
  MAX_LIST = 1 << 24           /* items in one attribute list */
};
/* The smallest magnitude that no longer rounds to a finite float32. */
#define FLOAT32_OVERFLOW 3.4028235677973366e38

typedef struct parser {
  nnl_ctx *cx;
  nnl_doc *doc;
  nnl_arena *a;
  const char *s;   /* doc->src (or a copy): s[n] is always a NUL byte, which
                      no token class contains, so scanning loops stop there
                      without a length test */
  size_t n;        /* doc->len */
  size_t pos;      /* next byte */
  size_t tok_end;  /* end of the last token consumed, for spans */
  int depth;
  bool failed;
  /* operand names of the nodes being read: a stack shared by nested
   * nodes, each taking its slice off the top (no allocation per node) */
  NNL_ARRAY(const char *) ids;
  /* every distinct name read so far, names[id] (each an nnl_onnx_name in
   * the arena with its id in front; the array is own[2], see below), and a
   * hash index of them (open addressing, at most half full): a name is
   * stored once however often it is used, and the graph step indexes by
   * id */
  NNL_ARRAY(const char *) names;
  struct name_slot {
    uint32_t hash, len, id1; /* id1: 1 + id, 0 empty */
  } *slots;
  uint32_t slots_mask;
  /* the main graph, and its node and initializer arrays and the names:
   * those are the big ones of a large model, so they are allocated outside
   * the arena, sized once from the length of the text left (nnl_huge_alloc:
   * huge pages, no growth by doubling) and freed when the parse ends (the
   * IR keeps no pointer into them) */
  const struct nnl_onnx_graph *main_graph;
  void *own[3];
  /* the dims of the last shape read (type_info.dims points here until
   * keep_dims copies them): an initializer's type needs no copy */
  NNL_ARRAY(nnl_onnx_dim) dims;
} parser;

/* ---------------------------------------------------------------- errors */

/* Byte classes: bit 1 starts an identifier, bit 2 continues one (NUL is
 * neither, which ends every scanning loop at the sentinel). */
static const uint8_t ident_class[256] = {
    ['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3,
    ['G'] = 3, ['H'] = 3, ['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3,
    ['M'] = 3, ['N'] = 3, ['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3,
    ['S'] = 3, ['T'] = 3, ['U'] = 3, ['V'] = 3, ['W'] = 3, ['X'] = 3,
    ['Y'] = 3, ['Z'] = 3, ['a'] = 3, ['b'] = 3, ['c'] = 3, ['d'] = 3,
    ['e'] = 3, ['f'] = 3, ['g'] = 3, ['h'] = 3, ['i'] = 3, ['j'] = 3,
    ['k'] = 3, ['l'] = 3, ['m'] = 3, ['n'] = 3, ['o'] = 3, ['p'] = 3,
    ['q'] = 3, ['r'] = 3, ['s'] = 3, ['t'] = 3, ['u'] = 3, ['v'] = 3,
    ['w'] = 3, ['x'] = 3, ['y'] = 3, ['z'] = 3, ['_'] = 3, ['0'] = 2,
    ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2,
    ['7'] = 2, ['8'] = 2, ['9'] = 2,
};
static inline bool is_ident_start(int c) {
  return c >= 0 && c < 256 && (ident_class[c] & 1);
}
static inline bool is_ident_char(int c) {
  return c >= 0 && c < 256 && (ident_class[c] & 2);
}
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_ws(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

static nnl_span span_from(const parser *p, size_t start) {
  size_t end = p->tok_end > start ? p->tok_end : start;
  return (nnl_span){(uint32_t)start, (uint32_t)(end - start)};
}

/* Report NN000 at `at` (only the first error of a document counts: later
 * ones are consequences) and return -1. */
static int fail_at(parser *p, nnl_span at, const char *fmt, ...)
    NNL_PRINTF(3, 4);
static int fail_at(parser *p, nnl_span at, const char *fmt, ...) {
  if (p->failed) return -1;
  p->failed = true;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  nnl_report_bad_input(p->cx, p->doc, at, "%s", msg);
  return -1;
}

/* The span of whatever starts at pos: an identifier or number run, one
 * character, or a point at the end of the file. */
static nnl_span here(const parser *p) {
  size_t i = p->pos;
  if (i >= p->n) return (nnl_span){(uint32_t)p->n, 0};
  if (is_ident_char((unsigned char)p->s[i]) || p->s[i] == '-') {
    size_t j = i + 1;
    while (j < p->n && j - i < 64 &&
           (is_ident_char((unsigned char)p->s[j]) || p->s[j] == '.'))
      j++;
    return (nnl_span){(uint32_t)i, (uint32_t)(j - i)};
  }
  /* one UTF-8 sequence, so a caret lands on a whole character */
  size_t j = i + 1;
  if ((unsigned char)p->s[i] >= 0xC0)
    while (j < p->n && j - i < 4 && ((unsigned char)p->s[j] & 0xC0) == 0x80)
      j++;
  return (nnl_span){(uint32_t)i, (uint32_t)(j - i)};
}

/* What the parser sees at pos, for messages: "'foo'", "'('", "end of file". */
static const char *found(const parser *p, char *buf, size_t cap) {
  if (p->pos >= p->n) return "end of file";
  unsigned char c = (unsigned char)p->s[p->pos];
  nnl_span sp = here(p);
  if (is_ident_char(c) || c == '-') {
    snprintf(buf, cap, "'%.*s'", (int)sp.len, p->s + sp.off);
  } else if (c < 0x20 || c == 0x7f) {
    snprintf(buf, cap, "byte 0x%02x", c);
  } else if (c >= 0x80) {
    snprintf(buf, cap, "byte 0x%02x", c);
  } else {
    snprintf(buf, cap, "'%c'", c);
  }
  return buf;
}

/* NN000 at the current position: "expected WHAT, found X". */
static int fail_expected(parser *p, const char *what) {
  char buf[96];
  if (p->pos + 1 < p->n && p->s[p->pos] == '/' && p->s[p->pos + 1] == '/')
    return fail_at(p, (nnl_span){(uint32_t)p->pos, 2},
                   "expected %s, found '//': a `//` comment must be on a line "
                   "of its own (use `#` for a comment after code)", what);
  return fail_at(p, here(p), "expected %s, found %s", what,
                 found(p, buf, sizeof buf));
}

/* ----------------------------------------------------------------- lexing */

/* Is pos the first non-blank byte of its line? */
static bool line_blank_before(const parser *p, size_t pos) {
  while (pos > 0) {
    char c = p->s[pos - 1];
    if (c == '\n') return true;
    if (c != ' ' && c != '\t') return false;
    pos--;
  }
  return true;
}

/* Skip whitespace, `#` comments and `//` comment lines. */
static void skip_slow(parser *p) {
  for (;;) {
    while (p->pos < p->n && is_ws((unsigned char)p->s[p->pos])) p->pos++;
    if (p->pos >= p->n) return;
    char c = p->s[p->pos];
    bool comment = c == '#';
    if (!comment && c == '/' && p->pos + 1 < p->n && p->s[p->pos + 1] == '/' &&
        line_blank_before(p, p->pos))
      comment = true;
    if (!comment) return;
    const char *nl = memchr(p->s + p->pos, '\n', p->n - p->pos);
    p->pos = nl ? (size_t)(nl - p->s) : p->n;
  }
}

/* skip, with the common cases inline: already at a token, or one blank
 * before it. */
static inline void skip(parser *p) {
  /* s[n] is NUL: s[pos] and, after a blank, s[pos + 1] exist */
  unsigned char c = (unsigned char)p->s[p->pos];
  if (c > ' ' && c != '#' && c != '/') return;
  if (c == ' ') {
    c = (unsigned char)p->s[p->pos + 1];
    if (c > ' ' && c != '#' && c != '/') {
      p->pos++;
      return;
    }
  }
  skip_slow(p);
}

/* The next byte after whitespace, or -1 at the end. */
static inline int peek(parser *p) {
  skip(p);
  return p->pos < p->n ? (unsigned char)p->s[p->pos] : -1;
}

static inline bool matches(parser *p, char ch) {
  skip(p);
  /* ch is never NUL, so the sentinel never matches */
  if (p->s[p->pos] != ch) return false;
  p->pos++;
  p->tok_end = p->pos;
  return true;
}

static int expect(parser *p, char ch, const char *ctx) {
  if (matches(p, ch)) return 0;
  char what[128];
  snprintf(what, sizeof what, "'%c' %s", ch, ctx);
  return fail_expected(p, what);
}

/* `=>` (onnx.parser allows no blank between the two characters). */
static int expect_arrow(parser *p) {
  if (peek(p) == '=' && p->pos + 1 < p->n && p->s[p->pos + 1] == '>') {
    p->pos += 2;
    p->tok_end = p->pos;
    return 0;
  }
  return fail_expected(p, "'=>' between the inputs and the outputs");
}

/* An identifier [A-Za-z_][A-Za-z0-9_]* at pos (after whitespace); its span
 * in *at, len 0 when there is none.  Returns -1 when it is too long. */
static int ident(parser *p, nnl_span *at) {
  skip(p);
  size_t i = p->pos;
  at->off = (uint32_t)i;
  at->len = 0;
  if (i >= p->n || !is_ident_start((unsigned char)p->s[i])) return 0;
  size_t j = i + 1;
  while (j < p->n && is_ident_char((unsigned char)p->s[j])) j++;
  if (j - i > MAX_IDENT)
    return fail_at(p, (nnl_span){(uint32_t)i, (uint32_t)(j - i)},
                   "identifier longer than %d bytes", MAX_IDENT);
  at->len = (uint32_t)(j - i);
  p->pos = j;
  p->tok_end = j;
  return 0;
}

static bool span_is(const parser *p, nnl_span sp, const char *word) {
  return sp.len == strlen(word) && memcmp(p->s + sp.off, word, sp.len) == 0;
}

#define FNV_BASIS 2166136261u
#define FNV_STEP(h, c) (((h) ^ (uint8_t)(c)) * 16777619u)

static void *own_grow(parser *p, int w, void *items, uint32_t *cap,
                      size_t elem, uint32_t max);

/* Grow the name index to keep it at most half full.  First size: about
 * one name per 32 bytes of text (the names of a large graph), so that a
 * big file is not rehashed again and again. */
static void index_grow(parser *p) {
  uint32_t ncap = 1024;
  while (!p->slots_mask && ncap < (1u << 22) && ncap < p->n / 32) ncap *= 2;
  if (p->slots_mask) ncap = (p->slots_mask + 1) * 2;
  if (ncap == 0) nnl_oom();
  struct name_slot *nt = nnl_huge_alloc((size_t)ncap * sizeof *nt);
  memset(nt, 0, (size_t)ncap * sizeof *nt);
  for (uint32_t i = 0; p->slots && i <= p->slots_mask; i++) {
    if (!p->slots[i].id1) continue;
    uint32_t j = p->slots[i].hash & (ncap - 1);
    while (nt[j].id1) j = (j + 1) & (ncap - 1);
    nt[j] = p->slots[i];
  }
  free(p->slots);
  p->slots = nt;
  p->slots_mask = ncap - 1;
}

/* Store a new name b[0..len) (hash h) with the next id, indexed at the
 * free slot j. */
static const char *intern_new(parser *p, const char *b, uint32_t len,
                              uint32_t h, uint32_t j) {
  nnl_onnx_name *nm = nnl_arena_alloc(p->a, sizeof *nm + (size_t)len + 1);
  nm->id = p->names.len;
  memcpy(nm->s, b, len);
  nm->s[len] = '\0';
  if (p->names.len == p->names.cap)
    p->names.items = own_grow(p, 2, p->names.items, &p->names.cap,
                              sizeof *p->names.items, UINT32_MAX / 2);
  p->names.items[p->names.len++] = nm->s;
  p->slots[j] = (struct name_slot){h, len, p->names.len};
  return nm->s;
}

/* The one copy of the name b[0..len) whose FNV-1a hash is h: found in the
 * index (inline: most names of a graph are uses of names seen before), or
 * stored by intern_new. */
static inline const char *intern_h(parser *p, const char *b, uint32_t len,
                                   uint32_t h) {
  if (p->names.len * 2 >= p->slots_mask) index_grow(p);
  uint32_t j = h & p->slots_mask;
  for (; p->slots[j].id1; j = (j + 1) & p->slots_mask) {
    const struct name_slot *sl = &p->slots[j];
    if (sl->hash == h && sl->len == len) {
      const char *x = p->names.items[sl->id1 - 1];
      if (len <= 8 && p->n >= 8 &&
          (uintptr_t)b - (uintptr_t)p->s <= p->n - 8) {
        /* a short name in the text: one 8-byte compare.  x's arena block
           holds at least 12 bytes after its id, and the text at least 8
           from b (b is a string's unescaped copy otherwise: memcmp) */
        uint64_t xa, xb;
        memcpy(&xa, x, 8);
        memcpy(&xb, b, 8);
        uint64_t mask = len == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * len)) - 1;
        if (((xa ^ xb) & mask) == 0) return x;
        continue;
      }
      if (memcmp(x, b, len) == 0) return x;
    }
  }
  return intern_new(p, b, len, h, j);
}

/* The one copy of a name: the text at sp, or a string's contents (up to a
 * NUL byte in it, as every later reader of the C string sees it). */
static const char *intern_bytes(parser *p, const char *b, size_t len) {
  len = strnlen(b, len);
  uint32_t h = FNV_BASIS;
  for (size_t i = 0; i < len; i++) h = FNV_STEP(h, b[i]);
  return intern_h(p, b, (uint32_t)len, h);
}
static const char *intern(parser *p, nnl_span sp) {
  return intern_bytes(p, p->s + sp.off, sp.len);
}

/* A string literal at pos (the opening quote): its contents, unescaped
 * like onnx.parser does (a backslash takes the next byte as it is), into
 * the arena. */
static int string_lit(parser *p, const char **out, size_t *out_len,
                      nnl_span *at) {
  size_t start = p->pos, i = p->pos + 1;
  bool escapes = false;
  while (i < p->n && p->s[i] != '"') {
    if (p->s[i] == '\\') {
      escapes = true;
      i++;
    }
    i++;
    if (i - start > (size_t)MAX_STRING)
      return fail_at(p, (nnl_span){(uint32_t)start, 1},
                     "string literal longer than %d bytes", MAX_STRING);
  }
  if (i >= p->n)
    return fail_at(p, (nnl_span){(uint32_t)start, 1},
                   "unterminated string literal: no closing '\"'");
  p->pos = i + 1;
  p->tok_end = p->pos;
  *at = (nnl_span){(uint32_t)start, (uint32_t)(p->pos - start)};
  const char *body = p->s + start + 1;
  size_t blen = i - start - 1;
  if (!escapes) {
    *out = nnl_arena_strndup(p->a, body, blen);
    *out_len = blen;
    return 0;
  }
  char *dst = nnl_arena_alloc(p->a, blen + 1);
  size_t k = 0;
  for (size_t j = 0; j < blen; j++) {
    if (body[j] == '\\' && j + 1 < blen) j++;
    dst[k++] = body[j];
  }
  dst[k] = '\0';
  *out = dst;
  *out_len = k;
  return 0;
}

/* A quotable identifier: an identifier or a string literal. *found says
 * whether one was there (no error when not). */
static int quotable(parser *p, const char **out, nnl_span *at, bool *found) {
  int c = peek(p);
  if (c == '"') {
    size_t len;
    *found = true;
    if (string_lit(p, out, &len, at) < 0) return -1;
    *out = intern_bytes(p, *out, len);
    return 0;
  }
  /* an identifier, hashed while it is scanned */
  size_t i = p->pos;
  at->off = (uint32_t)i;
  at->len = 0;
  *found = false;
  *out = "";
  if (c < 0 || !is_ident_start(c)) return 0;
  const char *s = p->s;
  uint32_t h = FNV_STEP(FNV_BASIS, s[i]);
  size_t j = i + 1;
  while (is_ident_char((unsigned char)s[j])) { /* stops at the NUL */
    h = FNV_STEP(h, s[j]);
    j++;
  }
  if (j - i > MAX_IDENT)
    return fail_at(p, (nnl_span){(uint32_t)i, (uint32_t)(j - i)},
                   "identifier longer than %d bytes", MAX_IDENT);
  at->len = (uint32_t)(j - i);
  p->pos = j;
  p->tok_end = j;
  *found = true;
  *out = intern_h(p, s + i, at->len, h);
  return 0;
}

static int quotable_req(parser *p, const char **out, nnl_span *at,
                        const char *what) {
  bool ok;
  if (quotable(p, out, at, &ok) < 0) return -1;
  if (!ok) return fail_expected(p, what);
  return 0;
}

/* ---- literals ---- */

typedef enum { LIT_INT, LIT_FLOAT, LIT_STRING } lit_kind;
typedef struct lit {
  lit_kind kind;
  nnl_span at;
  const char *s; /* STRING: contents */
  size_t s_len;
} lit;

static bool ci_eq(const char *a, size_t n, const char *b) {
  if (strlen(b) != n) return false;
  for (size_t i = 0; i < n; i++) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

/* Is an inf/nan/infinity word (any case, maybe after '-') at pos? */
static bool peek_float_word(parser *p) {
  skip(p);
  size_t i = p->pos;
  if (i < p->n && p->s[i] == '-') i++;
  size_t j = i;
  while (j < p->n && is_ident_char((unsigned char)p->s[j])) j++;
  return ci_eq(p->s + i, j - i, "inf") ||
         ci_eq(p->s + i, j - i, "infinity") || ci_eq(p->s + i, j - i, "nan");
}

/* A literal: "string", 12, -3, 1.5, 2e-3, 1., inf, -nan, Infinity. */
static int literal(parser *p, lit *out, const char *what) {
  int c = peek(p);
  size_t start = p->pos;
  if (c == '"') {
    out->kind = LIT_STRING;
    return string_lit(p, &out->s, &out->s_len, &out->at);
  }
  size_t i = start;
  if (c == '-') i++;
  if (i < p->n && is_ident_start((unsigned char)p->s[i])) {
    size_t j = i;
    while (j < p->n && is_ident_char((unsigned char)p->s[j])) j++;
    if (!(ci_eq(p->s + i, j - i, "inf") || ci_eq(p->s + i, j - i, "infinity") ||
          ci_eq(p->s + i, j - i, "nan"))) {
      if (c == '-')
        return fail_at(p, (nnl_span){(uint32_t)start, (uint32_t)(j - start)},
                       "invalid number '%.*s'", (int)(j - start),
                       p->s + start);
      return fail_expected(p, what);
    }
    out->kind = LIT_FLOAT;
    p->pos = j;
  } else if (i < p->n && is_digit((unsigned char)p->s[i])) {
    bool is_float = false;
    while (i < p->n && (is_digit((unsigned char)p->s[i]) ||
                        (p->s[i] == '.' && !is_float))) {
      if (p->s[i] == '.') is_float = true;
      i++;
    }
    if (i < p->n && (p->s[i] == 'e' || p->s[i] == 'E')) {
      is_float = true;
      i++;
      if (i < p->n && (p->s[i] == '+' || p->s[i] == '-')) i++;
      size_t d = i;
      while (i < p->n && is_digit((unsigned char)p->s[i])) i++;
      if (i == d)
        return fail_at(p, (nnl_span){(uint32_t)start, (uint32_t)(i - start)},
                       "invalid number '%.*s': exponent without digits",
                       (int)(i - start), p->s + start);
    }
    if (i < p->n && (is_ident_char((unsigned char)p->s[i]) || p->s[i] == '.')) {
      size_t j = i;
      while (j < p->n && j - start < 64 &&
             (is_ident_char((unsigned char)p->s[j]) || p->s[j] == '.'))
        j++;
      return fail_at(p, (nnl_span){(uint32_t)start, (uint32_t)(j - start)},
                     "invalid number '%.*s'", (int)(j - start), p->s + start);
    }
    out->kind = is_float ? LIT_FLOAT : LIT_INT;
    p->pos = i;
  } else if (c == '-') {
    return fail_at(p, (nnl_span){(uint32_t)start, 1},
                   "expected a number after '-'");
  } else {
    return fail_expected(p, what);
  }
  p->tok_end = p->pos;
  out->at = (nnl_span){(uint32_t)start, (uint32_t)(p->pos - start)};
  if (out->at.len > MAX_NUMBER)
    return fail_at(p, out->at, "numeric literal longer than %d characters",
                   MAX_NUMBER);
  return 0;
}

/* A numeric literal's text, NUL-terminated, in buf (MAX_NUMBER + 1). */
static const char *num_text(const parser *p, const lit *l, char *buf) {
  memcpy(buf, p->s + l->at.off, l->at.len);
  buf[l->at.len] = '\0';
  return buf;
}

/* Clinger's fast path: a plain decimal literal ([-]digits[.digits][e[+-]
 * digits], as literal() accepted it) whose significant digits fit in 2^53
 * and whose decimal exponent is within +-22 is exactly m * 10^e or
 * m / 10^-e, one correctly rounded IEEE operation on two exact doubles,
 * so the result equals strtod's.  Returns false for everything else (long
 * mantissas, big exponents, inf/nan words), which goes to strtod. */
static bool fast_decimal(const char *s, size_t n, double *out) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                 1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  bool neg = false;
  if (i < n && s[i] == '-') {
    neg = true;
    i++;
  }
  uint64_t m = 0;
  int digits = 0, exp10 = 0;
  bool any = false;
  for (; i < n && is_digit((unsigned char)s[i]); i++) {
    any = true;
    if (m == 0 && s[i] == '0') continue; /* leading zeros */
    if (++digits > 19) return false;
    m = m * 10 + (uint64_t)(s[i] - '0');
  }
  if (i < n && s[i] == '.') {
    for (i++; i < n && is_digit((unsigned char)s[i]); i++) {
      any = true;
      exp10--;
      if (m == 0 && s[i] == '0') continue;
      if (++digits > 19) return false;
      m = m * 10 + (uint64_t)(s[i] - '0');
    }
  }
  if (!any) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    int e = 0;
    if (i == n) return false;
    for (; i < n && is_digit((unsigned char)s[i]); i++) {
      if (e > 1000) return false;
      e = e * 10 + (s[i] - '0');
    }
    exp10 += eneg ? -e : e;
  }
  if (i != n || m > (UINT64_C(1) << 53)) return false;
  double v = (double)m;
  if (m != 0) {
    if (exp10 < -22 || exp10 > 22) return false;
    v = exp10 < 0 ? v / pow10[-exp10] : v * pow10[exp10];
  }
  *out = neg ? -v : v;
  return true;
}

static int lit_int(parser *p, const lit *l, int64_t *v) {
  if (l->kind != LIT_INT)
    return fail_at(p, l->at, "expected an integer, found %s",
                   l->kind == LIT_STRING ? "a string" : "a floating-point number");
  /* up to 18 digits cannot overflow: no copy, no strtoll */
  const char *t = p->s + l->at.off;
  size_t n = l->at.len, i = t[0] == '-';
  if (n - i <= 18) {
    int64_t x = 0;
    for (; i < n; i++) x = x * 10 + (t[i] - '0');
    *v = t[0] == '-' ? -x : x;
    return 0;
  }
  char buf[MAX_NUMBER + 1];
  errno = 0;
  long long x = strtoll(num_text(p, l, buf), NULL, 10);
  if (errno == ERANGE)
    return fail_at(p, l->at, "integer %s does not fit in 64 bits", buf);
  *v = x;
  return 0;
}

static int lit_uint(parser *p, const lit *l, uint64_t *v) {
  if (l->kind != LIT_INT)
    return fail_at(p, l->at, "expected an integer, found %s",
                   l->kind == LIT_STRING ? "a string" : "a floating-point number");
  char buf[MAX_NUMBER + 1];
  const char *t = num_text(p, l, buf);
  errno = 0;
  unsigned long long x = strtoull(t[0] == '-' ? t + 1 : t, NULL, 10);
  if (errno == ERANGE)
    return fail_at(p, l->at, "integer %s does not fit in 64 bits", buf);
  *v = t[0] == '-' ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
  return 0;
}

/* A number as a double; f32 also checks the float32 range. */
static int lit_num(parser *p, const lit *l, bool f32, double *v) {
  if (l->kind == LIT_STRING)
    return fail_at(p, l->at, "expected a number, found a string");
  double f;
  if (fast_decimal(p->s + l->at.off, l->at.len, &f) &&
      (!f32 || fabs(f) < FLOAT32_OVERFLOW)) {
    *v = f;
    return 0;
  }
  char buf[MAX_NUMBER + 1];
  errno = 0;
  double x = strtod(num_text(p, l, buf), NULL);
  bool word = !is_digit((unsigned char)buf[buf[0] == '-']);
  if (!word && (isinf(x) || (f32 && fabs(x) >= FLOAT32_OVERFLOW)))
    return fail_at(p, l->at, "number %s is out of %s range", buf,
                   f32 ? "float32" : "double");
  *v = x;
  return 0;
}

/* ------------------------------------------------------------ structures */

/* Copy a temporary array into the arena (NULL when empty). */
static void *arena_copy(parser *p, const void *items, uint32_t n, size_t elem) {
  if (n == 0) return NULL;
  void *d = nnl_arena_alloc(p->a, (size_t)n * elem);
  memcpy(d, items, (size_t)n * elem);
  return d;
}
#define KEEP(p, arr)                                                           \
  arena_copy((p), (arr).items, (arr).len, sizeof *(arr).items)

/* Arrays that can grow large (nodes, initializers, graph inputs) are built
 * in place in the arena: nnl_arena_realloc resizes a big one without a
 * copy, and the finished array is used as it is (no KEEP, no free). */
static void *arena_grow(parser *p, void *items, uint32_t *cap, size_t elem) {
  uint32_t ncap = *cap ? *cap * 2 : 8;
  if (ncap <= *cap || (size_t)ncap > SIZE_MAX / elem) nnl_oom();
  items = nnl_arena_realloc(p->a, items, (size_t)*cap * elem,
                            (size_t)ncap * elem);
  *cap = ncap;
  return items;
}
/* The first capacity of an array of the main graph: one item per 16
 * bytes of text left (a node or an initializer takes a line of 20 bytes
 * and more), at least 64, at most max.  Untouched capacity costs no
 * memory. */
static uint32_t first_cap(const parser *p, uint32_t max) {
  size_t k = (p->n - p->pos) / 16 + 64;
  return k < max ? (uint32_t)k : max;
}

/* Make room for one more item in an array owned by the parser (own[w]):
 * first from first_cap, then doubled. */
static void *own_grow(parser *p, int w, void *items, uint32_t *cap,
                      size_t elem, uint32_t max) {
  if (!items) {
    uint32_t ncap = first_cap(p, max);
    items = nnl_huge_alloc((size_t)ncap * elem);
    *cap = ncap;
  } else {
    uint32_t ncap = *cap * 2;
    if (ncap <= *cap || (size_t)ncap > SIZE_MAX / elem) nnl_oom();
    items = nnl_xrealloc(items, (size_t)ncap * elem);
    *cap = ncap;
  }
  p->own[w] = items;
  return items;
}
#define OGROW1(p, w, arr, max)                                                 \
  ((arr)->len == (arr)->cap                                                    \
       ? (void)((arr)->items = own_grow((p), (w), (arr)->items, &(arr)->cap,  \
                                        sizeof *(arr)->items, (max)))         \
       : (void)0,                                                              \
   memset(&(arr)->items[(arr)->len], 0, sizeof *(arr)->items),                 \
   &(arr)->items[(arr)->len++])

/* Push a zeroed slot onto an NNL_ARRAY kept in the arena; its address. */
#define AGROW1(p, arr)                                                         \
  ((arr)->len == (arr)->cap                                                    \
       ? (void)((arr)->items = arena_grow((p), (arr)->items, &(arr)->cap,     \
                                          sizeof *(arr)->items))              \
       : (void)0,                                                              \
   memset(&(arr)->items[(arr)->len], 0, sizeof *(arr)->items),                 \
   &(arr)->items[(arr)->len++])
#define APUSH(p, arr, v) (*AGROW1((p), (arr)) = (v))

typedef NNL_ARRAY(const char *) str_array;

static int enter(parser *p, size_t start) {
  if (++p->depth > NNL_MAX_DEPTH)
    return fail_at(p, (nnl_span){(uint32_t)start, 1},
                   "nesting deeper than %d levels", NNL_MAX_DEPTH);
  return 0;
}
static void leave(parser *p) { p->depth--; }

/* A parsed type: what nnl_onnx_value keeps, plus what a tensor needs. */
typedef struct type_info {
  uint8_t kind;            /* NNL_ONNX_TYPE_* */
  int32_t elem;            /* tensor / sparse tensor element type */
  bool has_shape;
  nnl_onnx_dim *dims;
  uint32_t n_dims;
  nnl_span at;
} type_info;

/* The element type names of the syntax (onnx.parser's PrimitiveTypeNameMap,
 * plus the older float8 spellings it once had). */
static const struct {
  const char *name;
  int32_t type;
} dtypes[] = {
    {"float", NNL_ONNX_FLOAT},
    {"uint8", NNL_ONNX_UINT8},
    {"int8", NNL_ONNX_INT8},
    {"uint16", NNL_ONNX_UINT16},
    {"int16", NNL_ONNX_INT16},
    {"int32", NNL_ONNX_INT32},
    {"int64", NNL_ONNX_INT64},
    {"string", NNL_ONNX_STRING},
    {"bool", NNL_ONNX_BOOL},
    {"float16", NNL_ONNX_FLOAT16},
    {"double", NNL_ONNX_DOUBLE},
    {"uint32", NNL_ONNX_UINT32},
    {"uint64", NNL_ONNX_UINT64},
    {"complex64", NNL_ONNX_COMPLEX64},
    {"complex128", NNL_ONNX_COMPLEX128},
    {"bfloat16", NNL_ONNX_BFLOAT16},
    {"float8e4m3fn", NNL_ONNX_FLOAT8E4M3FN},
    {"float8e4m3fnuz", NNL_ONNX_FLOAT8E4M3FNUZ},
    {"float8e5m2", NNL_ONNX_FLOAT8E5M2},
    {"float8e5m2fnuz", NNL_ONNX_FLOAT8E5M2FNUZ},
    {"floate4m3", NNL_ONNX_FLOAT8E4M3FN},
    {"floate5m2", NNL_ONNX_FLOAT8E5M2},
    {"uint4", NNL_ONNX_UINT4},
    {"int4", NNL_ONNX_INT4},
    {"float4e2m1", NNL_ONNX_FLOAT4E2M1},
};

static int32_t dtype_of(const parser *p, nnl_span sp) {
  if (sp.len == 0 || sp.len > 16) return NNL_ONNX_UNDEFINED;
  for (size_t i = 0; i < sizeof dtypes / sizeof *dtypes; i++)
    if (strlen(dtypes[i].name) == sp.len &&
        memcmp(dtypes[i].name, p->s + sp.off, sp.len) == 0)
      return dtypes[i].type;
  return NNL_ONNX_UNDEFINED;
}

static bool is_type_keyword(const parser *p, nnl_span sp) {
  return span_is(p, sp, "seq") || span_is(p, sp, "map") ||
         span_is(p, sp, "optional") || span_is(p, sp, "sparse_tensor");
}

/* Does a type start at pos? */
static bool next_is_type(parser *p) {
  size_t save = p->pos, save_end = p->tok_end;
  nnl_span sp;
  bool yes = ident(p, &sp) == 0 && sp.len &&
             (dtype_of(p, sp) != NNL_ONNX_UNDEFINED || is_type_keyword(p, sp));
  p->pos = save;
  p->tok_end = save_end;
  return yes;
}

/* shape := dim {"," dim};  dim := "?" | identifier | integer */
static int shape(parser *p, type_info *t) {
  /* into the parser's scratch (p->dims): no allocation per shape */
  p->dims.len = 0;
  int rc = 0;
  do {
    nnl_onnx_dim d = {-1, NULL};
    nnl_span sp;
    const unsigned char *s = (const unsigned char *)p->s;
    size_t i = (skip(p), p->pos), j = i;
    while ((unsigned)(s[j] - '0') < 10u && j - i < 19) j++;
    if (j > i && j - i <= 18 && !is_ident_char(s[j]) && s[j] != '.') {
      /* a plain count of up to 18 digits, as literal() and lit_int()
         would read it (no sign, no exponent, nothing glued) */
      int64_t x = 0;
      for (size_t k = i; k < j; k++) x = x * 10 + (s[k] - '0');
      d.value = x;
      p->pos = p->tok_end = j;
    } else if (matches(p, '?')) {
      /* unknown */
    } else if ((rc = ident(p, &sp)) < 0) {
      break;
    } else if (sp.len) {
      d.param = intern(p, sp);
    } else {
      lit l;
      if ((rc = literal(p, &l, "a dimension (a number, a name or '?')")) < 0 ||
          (rc = lit_int(p, &l, &d.value)) < 0)
        break;
    }
    if (p->dims.len < p->dims.cap) p->dims.items[p->dims.len++] = d;
    else nnl_array_push(&p->dims, d);
  } while (matches(p, ','));
  if (rc == 0) {
    t->dims = p->dims.len ? p->dims.items : NULL;
    t->n_dims = p->dims.len;
    t->has_shape = true;
  }
  return rc;
}

/* Copy v's dims out of the parser's scratch into the arena, for a value
 * that is kept (the next shape read reuses the scratch). */
static void keep_dims(parser *p, nnl_onnx_value *v) {
  v->dims = arena_copy(p, v->dims, v->n_dims, sizeof *v->dims);
}

/* elem-type ["[" [shape] "]"]: no brackets is a scalar, "[]" unknown rank */
static int tensor_type(parser *p, type_info *t) {
  if (matches(p, '[')) {
    if (matches(p, ']')) {
      t->has_shape = false;
      return 0;
    }
    if (shape(p, t) < 0) return -1;
    return expect(p, ']', "to close the shape");
  }
  t->has_shape = true; /* a scalar: rank 0 */
  t->n_dims = 0;
  return 0;
}

/* type := elem-type [shape] | "seq" "(" type ")" | "map" "(" elem-type ","
 *         type ")" | "optional" "(" type ")" | "sparse_tensor" "(" elem-type
 *         [shape] ")" */
static int type_rest(parser *p, type_info *t, size_t start, nnl_span sp);
static int type(parser *p, type_info *t) {
  skip(p);
  size_t start = p->pos;
  nnl_span sp;
  if (ident(p, &sp) < 0) return -1;
  if (!sp.len) return fail_expected(p, "a type");
  return type_rest(p, t, start, sp);
}

/* The rest of a type whose first word, sp (starting at start), was just
 * read. */
static int type_rest(parser *p, type_info *t, size_t start, nnl_span sp) {
  memset(t, 0, sizeof *t);
  if (enter(p, start) < 0) return -1;
  int rc = 0;
  int32_t dt = dtype_of(p, sp);
  if (dt != NNL_ONNX_UNDEFINED) {
    t->kind = NNL_ONNX_TYPE_TENSOR;
    t->elem = dt;
    rc = tensor_type(p, t);
  } else if (span_is(p, sp, "seq") || span_is(p, sp, "optional")) {
    type_info inner;
    t->kind = span_is(p, sp, "seq") ? NNL_ONNX_TYPE_SEQUENCE
                                    : NNL_ONNX_TYPE_OPTIONAL;
    if ((rc = expect(p, '(', "after the type name")) == 0 &&
        (rc = type(p, &inner)) == 0)
      rc = expect(p, ')', "to close the type");
  } else if (span_is(p, sp, "map")) {
    type_info inner;
    nnl_span key;
    t->kind = NNL_ONNX_TYPE_MAP;
    if ((rc = expect(p, '(', "after 'map'")) == 0 &&
        (rc = ident(p, &key)) == 0) {
      if (dtype_of(p, key) == NNL_ONNX_UNDEFINED)
        rc = key.len ? fail_at(p, key, "map key type '%.*s' is not an element "
                               "type", (int)key.len, p->s + key.off)
                     : fail_expected(p, "the map's key type");
      else if ((rc = expect(p, ',', "after the map's key type")) == 0 &&
               (rc = type(p, &inner)) == 0)
        rc = expect(p, ')', "to close the map type");
    }
  } else if (span_is(p, sp, "sparse_tensor")) {
    nnl_span el;
    t->kind = NNL_ONNX_TYPE_SPARSE_TENSOR;
    if ((rc = expect(p, '(', "after 'sparse_tensor'")) == 0 &&
        (rc = ident(p, &el)) == 0) {
      t->elem = dtype_of(p, el);
      if (t->elem == NNL_ONNX_UNDEFINED)
        rc = el.len ? fail_at(p, el, "'%.*s' is not an element type",
                              (int)el.len, p->s + el.off)
                    : fail_expected(p, "the sparse tensor's element type");
      else if ((rc = tensor_type(p, t)) == 0)
        rc = expect(p, ')', "to close the sparse_tensor type");
    }
  } else {
    rc = fail_at(p, sp, "unknown type '%.*s'", (int)sp.len, p->s + sp.off);
  }
  leave(p);
  t->at = span_from(p, start);
  return rc;
}

/* value-info := [type] quotable-name */
static int value_info(parser *p, nnl_onnx_value *v, type_info *ti) {
  skip(p);
  size_t start = p->pos;
  memset(v, 0, sizeof *v);
  memset(ti, 0, sizeof *ti);
  /* a type starts with an element type or a type keyword: read that word
     once, and put it back when it is the name */
  size_t save_end = p->tok_end;
  nnl_span w;
  bool is_type = ident(p, &w) == 0 && w.len &&
                 (dtype_of(p, w) != NNL_ONNX_UNDEFINED ||
                  is_type_keyword(p, w));
  if (!is_type) {
    p->pos = start;
    p->tok_end = save_end;
  } else {
    if (type_rest(p, ti, start, w) < 0) return -1;
    v->type_kind = ti->kind;
    v->elem_type = ti->kind == NNL_ONNX_TYPE_TENSOR ? ti->elem : 0;
    v->has_shape = ti->kind == NNL_ONNX_TYPE_TENSOR && ti->has_shape;
    v->dims = ti->dims;
    v->n_dims = ti->n_dims;
  }
  nnl_span at;
  if (quotable_req(p, &v->name, &at, "a name") < 0) return -1;
  if (!ti->kind && (peek(p) == '(' || peek(p) == '[') && at.len &&
      p->s[at.off] != '"')
    return fail_at(p, at, "unknown type '%.*s'", (int)at.len, p->s + at.off);
  v->span = span_from(p, start);
  return 0;
}

/* ---- tensors ---- */

static double half_to_double(uint32_t h) {
  uint32_t s = (h >> 15) & 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  double v;
  if (e == 0) v = ldexp((double)m, -24);
  else if (e == 31) v = m ? NAN : INFINITY;
  else v = ldexp((double)(m | 0x400), (int)e - 25);
  return s ? -v : v;
}

static double bf16_to_double(uint32_t b) {
  uint32_t bits = (b & 0xffff) << 16;
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/* external-data := "[" string ":" string {"," string ":" string} "]" */
static int external_data(parser *p, nnl_onnx_tensor *t) {
  t->data_kind = NNL_ONNX_DATA_EXTERNAL;
  do {
    lit k, v;
    if (literal(p, &k, "an external data key (a string)") < 0) return -1;
    if (k.kind != LIT_STRING)
      return fail_at(p, k.at, "external data keys are strings");
    if (expect(p, ':', "after the external data key") < 0 ||
        literal(p, &v, "an external data value (a string)") < 0)
      return -1;
    if (v.kind != LIT_STRING)
      return fail_at(p, v.at, "external data values are strings");
    if (k.s_len == 8 && memcmp(k.s, "location", 8) == 0)
      t->external_location = v.s;
  } while (matches(p, ','));
  return expect(p, ']', "to close the external data");
}

/* One float tensor element written as a plain decimal ([-]digits[.digits],
 * nothing glued after it) of at most 15 significant digits and at most 22
 * decimals, at pos: fast_decimal's exact case, always within float32.
 * Scanned in one pass, pos moved past it, and converted (one IEEE division
 * of two exact doubles, as strtod rounds) only when need_value: once a
 * weight summary has seen two different values, the rest of the tensor is
 * only checked and counted.  Anything else returns false with pos
 * unchanged, for literal() and lit_num() to read and judge. */
static inline bool fast_float_elem(parser *p, double *out, bool need_value) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                 1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                 1e18, 1e19, 1e20, 1e21, 1e22};
  const unsigned char *s = (const unsigned char *)p->s;
  size_t i = p->pos; /* the loops stop at the NUL after the text */
  bool neg = s[i] == '-';
  i += neg;
  uint64_t m = 0;
  int digits = 0, exp10 = 0;
  size_t d0 = i;
  for (; (unsigned)(s[i] - '0') < 10u; i++) {
    m = m * 10 + (s[i] - '0');
    digits += m != 0;
  }
  if (i == d0) return false;
  if (s[i] == '.') {
    size_t f0 = ++i;
    for (; (unsigned)(s[i] - '0') < 10u; i++) {
      m = m * 10 + (s[i] - '0');
      digits += m != 0;
    }
    exp10 = -(int)(i - f0);
  }
  /* exponents, long mantissas, glued characters: the careful path */
  if (is_ident_char(s[i]) || s[i] == '.') return false;
  if (digits > 15 || exp10 < -22) return false;
  if (need_value) {
    double v = exp10 ? (double)m / pow10[-exp10] : (double)m;
    *out = neg ? -v : v;
  }
  p->pos = i;
  p->tok_end = i;
  return true;
}

/* Past one plain decimal ([-]digits[.digits], nothing glued after it) of
 * at most 38 characters at pos, without converting it: such a literal has
 * at most 38 integer digits, so it is a finite float32 and double, and
 * reading it the careful way would accept it too.  Once a weight summary
 * has seen two different values, the rest of the tensor only needs this
 * check and the count.  Anything else returns false with pos unchanged. */
static inline bool fast_float_skip(parser *p) {
  const unsigned char *s = (const unsigned char *)p->s;
  size_t i = p->pos; /* the loops stop at the NUL after the text */
  i += s[i] == '-';
  size_t d0 = i;
  while ((unsigned)(s[i] - '0') < 10u) i++;
  if (i == d0) return false;
  if (s[i] == '.')
    for (i++; (unsigned)(s[i] - '0') < 10u; i++) {
    }
  if (is_ident_char(s[i]) || s[i] == '.' || i - p->pos > 38) return false;
  p->pos = i;
  p->tok_end = i;
  return true;
}

/* Digits and the blanks skip() passes over between tensor elements. */
static inline bool is_dig(unsigned char c) { return (unsigned)(c - '0') < 10u; }
static inline bool is_blank(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* The number of ASCII digits at q, up to 8 (q[0..8) must be readable):
 * eight bytes at once.  A byte b is a digit when its high nibble is 3 both
 * as it is and after adding 6 (a carry out of a byte >= 0xFA only reaches
 * bytes after it, which are past the first non-digit anyway). */
static inline unsigned digits8(const unsigned char *q) {
  uint64_t x;
  memcpy(&x, q, 8);
  const uint64_t hi = 0xF0F0F0F0F0F0F0F0u, d = 0x3030303030303030u;
  uint64_t nd = ((x & hi) ^ d) | (((x + 0x0606060606060606u) & hi) ^ d);
  if (!nd) return 8;
  /* byte order: the first byte in memory is the lowest on little-endian */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return (unsigned)__builtin_clzll(nd) >> 3;
#else
  return (unsigned)__builtin_ctzll(nd) >> 3;
#endif
}

/* Past a run of digits at j (the NUL after the text stops it); 8 bytes at
 * a time while at least 16 bytes of text remain. */
static inline size_t digit_run(const unsigned char *s, size_t j, size_t n) {
  while (j + 16 <= n) {
    unsigned k = digits8(s + j);
    j += k;
    if (k < 8) return j;
  }
  while (is_dig(s[j])) j++;
  return j;
}

/* The bulk of a float tensor once its weight summary is settled: past as
 * many `elem ,` units as follow pos (blanks allowed around each element),
 * where elem is exactly what fast_float_skip accepts, counting them from
 * got while got < want, and past a last `elem` followed by blanks and
 * `}` (*last set, pos just after it).  Stops before anything else
 * (comments, other literals, one element too many) with pos just past the
 * last comma consumed, where the careful loop of tensor_data takes over
 * as if it had read those units itself.  Returns the new count. */
static int64_t skip_run(parser *p, int64_t got, int64_t want, bool *last) {
  const unsigned char *s = (const unsigned char *)p->s;
  size_t i = p->pos, n = p->n; /* the loops stop at the NUL after the text */
  while (got < want) {
    size_t j = i;
    while (is_blank(s[j])) j++;
    size_t e = j;
    j += s[j] == '-';
    size_t d0 = j;
    j = digit_run(s, j, n);
    if (j == d0) break;
    if (s[j] == '.') j = digit_run(s, j + 1, n);
    if (is_ident_char(s[j]) || s[j] == '.' || j - e > 38) break;
    size_t end = j;
    while (is_blank(s[j])) j++;
    if (s[j] == '}') {
      p->pos = p->tok_end = end;
      *last = true;
      return got + 1;
    }
    if (s[j] != ',') break;
    i = j + 1;
    got++;
  }
  if (i != p->pos) p->pos = p->tok_end = i;
  return got;
}

/* The data of a tensor of type ti: "{" [value {"," value}] "}", external
 * data "[...]", or nothing.  Checks the count against the shape and
 * computes the weight summary, comparing values only until two differ. */
static int tensor_data(parser *p, nnl_onnx_tensor *t, const type_info *ti) {
  size_t start = t->span.off;
  if (ti->kind != NNL_ONNX_TYPE_TENSOR)
    return fail_at(p, ti->at, "a tensor value needs a tensor type");
  if (!ti->has_shape)
    return fail_at(p, ti->at, "a tensor value needs a shape: '[]' leaves "
                   "the rank unknown");
  int64_t *dims = ti->n_dims ? nnl_arena_alloc(p->a, ti->n_dims * sizeof *dims)
                             : NULL;
  int64_t count = 1;
  for (uint32_t i = 0; i < ti->n_dims; i++) {
    if (ti->dims[i].value < 0)
      return fail_at(p, ti->at, "a tensor value needs numeric, non-negative "
                     "dimensions (dimension %u is %s)", i + 1,
                     ti->dims[i].param ? ti->dims[i].param : "unknown");
    dims[i] = ti->dims[i].value;
    if (count >= 0 && __builtin_mul_overflow(count, dims[i], &count))
      count = -1;
  }
  t->data_type = ti->elem;
  t->dims = dims;
  t->n_dims = ti->n_dims;
  t->n_elems = count;
  nnl_onnx_summary_begin(t);

  if (matches(p, '[')) return external_data(p, t);
  if (!matches(p, '{')) return 0;
  size_t open = p->tok_end - 1;
  int32_t dt = ti->elem;
  bool complex = dt == NNL_ONNX_COMPLEX64 || dt == NNL_ONNX_COMPLEX128;
  int64_t want = count;
  if (complex && want >= 0 && __builtin_mul_overflow(want, 2, &want))
    want = -1;
  if (want < 0)
    return fail_at(p, ti->at, "the shape holds more elements than can be "
                   "counted");
  bool summarize = !complex && dt != NNL_ONNX_STRING &&
                   (dt <= NNL_ONNX_DOUBLE || dt == NNL_ONNX_UINT32 ||
                    dt == NNL_ONNX_UINT64 || dt == NNL_ONNX_BFLOAT16);
  int64_t got = 0;
  bool fast = dt == NNL_ONNX_FLOAT || dt == NNL_ONNX_DOUBLE;
  if (!matches(p, '}')) {
    do {
      if (fast && !summarize && got < want) {
        bool last = false;
        got = skip_run(p, got, want, &last);
        if (last) break;
      }
      double fv = 0;
      size_t es = (skip(p), p->pos);
      if (fast && (summarize ? fast_float_elem(p, &fv, true)
                             : fast_float_skip(p))) {
        /* the common case: a plain decimal, read in one pass */
        if (got >= want)
          return fail_at(p, (nnl_span){(uint32_t)es, (uint32_t)(p->pos - es)},
                         "more values than the shape holds (%lld)",
                         (long long)want);
        got++;
        if (summarize) summarize = nnl_onnx_summary_add(t, fv);
        continue;
      }
      lit l;
      if (literal(p, &l, "a tensor element") < 0) return -1;
      if (got >= want)
        return fail_at(p, l.at, "more values than the shape holds (%lld)",
                       (long long)want);
      got++;
      double v = 0;
      switch (dt) {
      case NNL_ONNX_STRING:
        if (l.kind != LIT_STRING)
          return fail_at(p, l.at, "a string tensor holds string values");
        break;
      case NNL_ONNX_INT64: {
        int64_t x;
        if (lit_int(p, &l, &x) < 0) return -1;
        v = (double)x;
        break;
      }
      case NNL_ONNX_UINT32:
      case NNL_ONNX_UINT64: {
        uint64_t x = 0;
        if (lit_uint(p, &l, &x) < 0) return -1;
        if (dt == NNL_ONNX_UINT32 && x > UINT32_MAX)
          return fail_at(p, l.at, "value does not fit in uint32");
        v = (double)x;
        break;
      }
      case NNL_ONNX_FLOAT:
      case NNL_ONNX_COMPLEX64:
        if (lit_num(p, &l, true, &v) < 0) return -1;
        break;
      case NNL_ONNX_DOUBLE:
      case NNL_ONNX_COMPLEX128:
        if (lit_num(p, &l, false, &v) < 0) return -1;
        break;
      default: { /* stored as int32: ints, bool, 16/8/4-bit floats as bits */
        int64_t x;
        if (lit_int(p, &l, &x) < 0) return -1;
        if (x > INT32_MAX || x < INT32_MIN)
          return fail_at(p, l.at, "value does not fit in 32 bits");
        v = dt == NNL_ONNX_FLOAT16    ? half_to_double((uint32_t)x)
            : dt == NNL_ONNX_BFLOAT16 ? bf16_to_double((uint32_t)x)
                                      : (double)x;
        break;
      }
      }
      if (summarize) summarize = nnl_onnx_summary_add(t, v);
    } while (matches(p, ','));
    if (expect(p, '}', "to close the tensor values") < 0) return -1;
  }
  if (got != want)
    return fail_at(p, span_from(p, open), "%lld value%s for a shape that "
                   "holds %lld", (long long)got, got == 1 ? "" : "s",
                   (long long)want);
  t->data_kind = NNL_ONNX_DATA_TEXT;
  t->data = p->s + open;
  t->data_len = p->tok_end - open;
  nnl_onnx_summary_end(t);
  (void)start;
  return 0;
}

/* ---- attributes ---- */

typedef struct nnl_onnx_graph graph_t;
static int graph_body(parser *p, graph_t *g, const char *name, size_t start);
static int graph(parser *p, graph_t *g);

static int attr_type_of(const parser *p, nnl_span sp) {
  static const char *const names[] = {
      [NNL_ONNX_ATTR_FLOAT] = "float",
      [NNL_ONNX_ATTR_INT] = "int",
      [NNL_ONNX_ATTR_STRING] = "string",
      [NNL_ONNX_ATTR_TENSOR] = "tensor",
      [NNL_ONNX_ATTR_GRAPH] = "graph",
      [NNL_ONNX_ATTR_FLOATS] = "floats",
      [NNL_ONNX_ATTR_INTS] = "ints",
      [NNL_ONNX_ATTR_STRINGS] = "strings",
      [NNL_ONNX_ATTR_TENSORS] = "tensors",
      [NNL_ONNX_ATTR_GRAPHS] = "graphs",
      [NNL_ONNX_ATTR_SPARSE_TENSOR] = "sparse_tensor",
      [NNL_ONNX_ATTR_SPARSE_TENSORS] = "sparse_tensors",
      [NNL_ONNX_ATTR_TYPE_PROTO] = "type_proto",
      [NNL_ONNX_ATTR_TYPE_PROTOS] = "type_protos",
  };
  for (int i = 1; i < (int)(sizeof names / sizeof *names); i++)
    if (names[i] && span_is(p, sp, names[i])) return i;
  return 0;
}

static const char *attr_type_name(int t) {
  switch (t) {
  case NNL_ONNX_ATTR_FLOAT: return "float";
  case NNL_ONNX_ATTR_INT: return "int";
  case NNL_ONNX_ATTR_STRING: return "string";
  case NNL_ONNX_ATTR_TENSOR: return "tensor";
  case NNL_ONNX_ATTR_GRAPH: return "graph";
  case NNL_ONNX_ATTR_SPARSE_TENSOR: return "sparse_tensor";
  case NNL_ONNX_ATTR_TYPE_PROTO: return "type_proto";
  default: return "list";
  }
}

static int singleton_of(int t) {
  switch (t) {
  case NNL_ONNX_ATTR_FLOATS: return NNL_ONNX_ATTR_FLOAT;
  case NNL_ONNX_ATTR_INTS: return NNL_ONNX_ATTR_INT;
  case NNL_ONNX_ATTR_STRINGS: return NNL_ONNX_ATTR_STRING;
  case NNL_ONNX_ATTR_TENSORS: return NNL_ONNX_ATTR_TENSOR;
  case NNL_ONNX_ATTR_GRAPHS: return NNL_ONNX_ATTR_GRAPH;
  case NNL_ONNX_ATTR_SPARSE_TENSORS: return NNL_ONNX_ATTR_SPARSE_TENSOR;
  case NNL_ONNX_ATTR_TYPE_PROTOS: return NNL_ONNX_ATTR_TYPE_PROTO;
  default: return t;
  }
}

static bool is_list_type(int t) { return singleton_of(t) != t; }

/* One attribute value (not a list), typed `expected` when not UNDEFINED:
 *   value := "@" name | literal | type [[name] ["="] tensor-data]
 *          | inf/nan word | graph */
static int attr_single(parser *p, nnl_onnx_attr *a, int expected) {
  int c = peek(p);
  size_t start = p->pos;
  if (c >= 0 && is_ident_start(c)) {
    if (next_is_type(p)) {
      type_info ti;
      if (type(p, &ti) < 0) return -1;
      int n = peek(p);
      if (n == '{' || n == '=' || n == '"' || (n >= 0 && is_ident_start(n))) {
        nnl_onnx_tensor *t = nnl_arena_alloc(p->a, sizeof *t);
        nnl_span nm;
        t->name = "";
        bool have;
        if (quotable(p, &t->name, &nm, &have) < 0) return -1;
        (void)matches(p, '=');
        t->span.off = (uint32_t)start;
        if (tensor_data(p, t, &ti) < 0) return -1;
        t->span = span_from(p, start);
        a->type = NNL_ONNX_ATTR_TENSOR;
        a->t = t;
      } else {
        a->type = NNL_ONNX_ATTR_TYPE_PROTO;
      }
    } else if (peek_float_word(p)) {
      lit l;
      if (literal(p, &l, "a value") < 0 || lit_num(p, &l, true, &a->f) < 0)
        return -1;
      a->type = NNL_ONNX_ATTR_FLOAT;
    } else {
      graph_t *g = nnl_arena_alloc(p->a, sizeof *g);
      if (graph(p, g) < 0) return -1;
      a->type = NNL_ONNX_ATTR_GRAPH;
      a->g = g;
    }
  } else if (matches(p, '@')) {
    nnl_span at;
    if (quotable_req(p, &a->ref_attr_name, &at,
                     "the name of the referenced attribute after '@'") < 0)
      return -1;
    a->type = expected; /* the value is the caller's */
    return 0;
  } else {
    lit l;
    if (literal(p, &l, "an attribute value") < 0) return -1;
    switch (l.kind) {
    case LIT_INT:
      if (lit_int(p, &l, &a->i) < 0) return -1;
      a->type = NNL_ONNX_ATTR_INT;
      break;
    case LIT_FLOAT:
      if (lit_num(p, &l, true, &a->f) < 0) return -1;
      a->type = NNL_ONNX_ATTR_FLOAT;
      break;
    case LIT_STRING:
      a->s = l.s;
      a->s_len = l.s_len;
      a->type = NNL_ONNX_ATTR_STRING;
      break;
    }
  }
  if (expected != NNL_ONNX_ATTR_UNDEFINED && expected != a->type) {
    if (expected == NNL_ONNX_ATTR_FLOAT && a->type == NNL_ONNX_ATTR_INT) {
      a->type = NNL_ONNX_ATTR_FLOAT;
      a->f = (double)a->i;
    } else {
      return fail_at(p, span_from(p, start), "the attribute is declared %s "
                     "but its value is a %s", attr_type_name(expected),
                     attr_type_name(a->type));
    }
  }
  return 0;
}

/* "[" [value {"," value}] "]": ints, floats, strings, tensors or graphs. */
static int attr_list(parser *p, nnl_onnx_attr *a, size_t vstart) {
  int declared = a->type;
  if (declared && !is_list_type(declared))
    return fail_at(p, span_from(p, vstart), "the attribute is declared %s, "
                   "a single value, but is given a list",
                   attr_type_name(declared));
  if (matches(p, ']')) {
    if (!declared)
      return fail_at(p, span_from(p, vstart), "an empty list needs a type: "
                     "write `name: ints = []` (or floats, strings, ...)");
    return 0;
  }
  NNL_ARRAY(double) fl = {0};
  NNL_ARRAY(int64_t) in = {0};
  str_array st = {0};
  NNL_ARRAY(nnl_onnx_tensor) te = {0};
  NNL_ARRAY(const graph_t *) gr = {0};
  int rc = 0, kind = 0; /* element kind seen so far */
  do {
    size_t estart = (skip(p), p->pos);
    nnl_onnx_attr v = {0};
    if ((rc = attr_single(p, &v, singleton_of(declared))) < 0) break;
    int k = v.type;
    if (kind && k != kind &&
        !((kind == NNL_ONNX_ATTR_INT || kind == NNL_ONNX_ATTR_FLOAT) &&
          (k == NNL_ONNX_ATTR_INT || k == NNL_ONNX_ATTR_FLOAT))) {
      rc = fail_at(p, span_from(p, estart), "a list holds values of one "
                   "type: this %s follows a %s", attr_type_name(k),
                   attr_type_name(kind));
      break;
    }
    if (fl.len + in.len + st.len + te.len + gr.len >= MAX_LIST) {
      rc = fail_at(p, span_from(p, estart), "more than %d values in one list",
                   MAX_LIST);
      break;
    }
    if (k == NNL_ONNX_ATTR_FLOAT && kind == NNL_ONNX_ATTR_INT) {
      /* [1, 2.5]: the ints so far become floats */
      for (uint32_t i = 0; i < in.len; i++)
        nnl_array_push(&fl, (double)in.items[i]);
      in.len = 0;
    }
    if (k == NNL_ONNX_ATTR_FLOAT || (k == NNL_ONNX_ATTR_INT &&
                                     kind == NNL_ONNX_ATTR_FLOAT)) {
      nnl_array_push(&fl, k == NNL_ONNX_ATTR_FLOAT ? v.f : (double)v.i);
      kind = NNL_ONNX_ATTR_FLOAT;
    } else if (k == NNL_ONNX_ATTR_INT) {
      nnl_array_push(&in, v.i);
      kind = k;
    } else if (k == NNL_ONNX_ATTR_STRING) {
      nnl_array_push(&st, v.s);
      kind = k;
    } else if (k == NNL_ONNX_ATTR_TENSOR) {
      nnl_array_push(&te, *v.t);
      kind = k;
    } else if (k == NNL_ONNX_ATTR_GRAPH) {
      nnl_array_push(&gr, v.g);
      kind = k;
    } else {
      kind = k; /* type protos and references: nothing kept */
    }
  } while (matches(p, ','));
  if (rc == 0) rc = expect(p, ']', "to close the list");
  if (rc == 0) {
    a->floats = KEEP(p, fl);
    a->n_floats = fl.len;
    a->ints = KEEP(p, in);
    a->n_ints = in.len;
    a->strings = KEEP(p, st);
    a->n_strings = st.len;
    a->tensors = KEEP(p, te);
    a->n_tensors = te.len;
    a->graphs = KEEP(p, gr);
    a->n_graphs = gr.len;
    if (!declared) {
      switch (kind) {
      case NNL_ONNX_ATTR_FLOAT: a->type = NNL_ONNX_ATTR_FLOATS; break;
      case NNL_ONNX_ATTR_INT: a->type = NNL_ONNX_ATTR_INTS; break;
      case NNL_ONNX_ATTR_STRING: a->type = NNL_ONNX_ATTR_STRINGS; break;
      case NNL_ONNX_ATTR_TENSOR: a->type = NNL_ONNX_ATTR_TENSORS; break;
      case NNL_ONNX_ATTR_GRAPH: a->type = NNL_ONNX_ATTR_GRAPHS; break;
      case NNL_ONNX_ATTR_TYPE_PROTO: a->type = NNL_ONNX_ATTR_TYPE_PROTOS; break;
      default: break;
      }
    }
  }
  nnl_array_free(&fl);
  nnl_array_free(&in);
  nnl_array_free(&st);
  nnl_array_free(&te);
  nnl_array_free(&gr);
  return rc;
}

/* attribute := name [":" attr-type] "=" (value | list); name already read */
static int attribute_rest(parser *p, nnl_onnx_attr *a, nnl_span name) {
  a->name = intern(p, name);
  a->name_at = name;
  if (matches(p, ':')) {
    nnl_span tsp;
    if (ident(p, &tsp) < 0) return -1;
    if (!tsp.len) return fail_expected(p, "an attribute type after ':'");
    a->type = attr_type_of(p, tsp);
    if (!a->type)
      return fail_at(p, tsp, "unknown attribute type '%.*s' (int, float, "
                     "string, tensor, graph, ints, floats, ...)",
                     (int)tsp.len, p->s + tsp.off);
  }
  if (expect(p, '=', "before the attribute's value") < 0) return -1;
  skip(p);
  size_t vstart = p->pos;
  int rc;
  if (matches(p, '['))
    rc = attr_list(p, a, vstart);
  else
    rc = attr_single(p, a, a->type);
  a->value_at = span_from(p, vstart);
  a->span = span_from(p, name.off);
  return rc;
}

/* "<" attribute {"," attribute} ">" */
static int attr_block(parser *p, const nnl_onnx_attr **out, uint32_t *n) {
  NNL_ARRAY(nnl_onnx_attr) as = {0};
  int rc = 0;
  do {
    nnl_span name;
    if ((rc = ident(p, &name)) < 0) break;
    if (!name.len) {
      rc = fail_expected(p, "an attribute name");
      break;
    }
    nnl_onnx_attr *a = nnl_array_grow1(&as);
    if ((rc = attribute_rest(p, a, name)) < 0) break;
  } while (matches(p, ','));
  if (rc == 0) rc = expect(p, '>', "to close the attributes");
  if (rc == 0) {
    *out = KEEP(p, as);
    *n = as.len;
  }
  nnl_array_free(&as);
  return rc;
}

/* ---- nodes ---- */

/* Push an operand name on the id stack (growing it only when full). */
#define ID_PUSH(p, id)                                                         \
  ((p)->ids.len < (p)->ids.cap ? (void)((p)->ids.items[(p)->ids.len++] = (id)) \
                               : (void)nnl_array_push(&(p)->ids, (id)))

/* id-list := [id] {"," [id]} where an empty id is an omitted operand. */
static int id_list(parser *p) {
  const char *id;
  nnl_span at;
  bool have;
  if (quotable(p, &id, &at, &have) < 0) return -1;
  if (!have && peek(p) != ',') return 0;
  ID_PUSH(p, id);
  while (matches(p, ',')) {
    if (quotable(p, &id, &at, &have) < 0) return -1;
    if (!have && peek(p) != ',') break; /* a trailing comma */
    ID_PUSH(p, id);
  }
  return 0;
}

/* node := ["[" name "]"] outputs "=" [domain "."] op [":" overload]
 *         [attrs] "(" inputs ")" [attrs] */
static int node(parser *p, nnl_onnx_node *nd) {
  skip(p);
  size_t start = p->pos;
  memset(nd, 0, sizeof *nd);
  nd->name = "";
  uint32_t base = p->ids.len, n_outs = 0;
  int rc = 0;
  if (matches(p, '[')) {
    nnl_span at;
    bool have;
    if ((rc = quotable(p, &nd->name, &at, &have)) < 0 ||
        (rc = expect(p, ']', "to close the node name")) < 0)
      goto done;
  }
  if ((rc = id_list(p)) < 0) goto done;
  n_outs = p->ids.len - base;
  if (!matches(p, '=')) {
    rc = fail_expected(p, n_outs ? "'=' after the node's outputs"
                                 : "a node (`y = Op(x)`) or '}'");
    goto done;
  }
  /* op: identifier {"." identifier}; all but the last form the domain */
  skip(p);
  size_t op_start = p->pos;
  nnl_span id, last = {0, 0};
  if ((rc = ident(p, &id)) < 0) goto done;
  if (!id.len) {
    rc = fail_expected(p, "an operator name");
    goto done;
  }
  last = id;
  while (matches(p, '.')) {
    if ((rc = ident(p, &id)) < 0) goto done;
    if (!id.len) {
      rc = fail_expected(p, "an operator name after '.'");
      goto done;
    }
    last = id;
  }
  nd->op_type = intern(p, last);
  nd->domain = last.off > op_start
                   ? nnl_arena_strndup(p->a, p->s + op_start,
                                       last.off - 1 - op_start)
                   : "";
  nd->op_at = span_from(p, op_start);
  if (matches(p, ':')) {
    nnl_span ov;
    if ((rc = ident(p, &ov)) < 0) goto done;
    if (!ov.len) {
      rc = fail_expected(p, "an overload name after ':'");
      goto done;
    }
  }
  if (matches(p, '<') && (rc = attr_block(p, &nd->attrs, &nd->n_attrs)) < 0)
    goto done;
  if ((rc = expect(p, '(', "to open the node's inputs")) < 0 ||
      (rc = id_list(p)) < 0 ||
      (rc = expect(p, ')', "to close the node's inputs")) < 0)
    goto done;
  if (nd->n_attrs == 0 && matches(p, '<') &&
      (rc = attr_block(p, &nd->attrs, &nd->n_attrs)) < 0)
    goto done;
  {
    /* outputs and inputs in one arena block, as the stack holds them */
    uint32_t n_all = p->ids.len - base;
    /* "= Op ()" has no operands, and the stack may never have held one */
    const char **ops = n_all ? arena_copy(p, p->ids.items + base, n_all,
                                          sizeof *p->ids.items)
                             : NULL;
    nd->n_outputs = n_outs;
    nd->n_inputs = n_all - n_outs;
    nd->outputs = n_outs ? ops : NULL;
    nd->inputs = nd->n_inputs ? ops + n_outs : NULL;
  }
  nd->span = span_from(p, start);
done:
  p->ids.len = base;
  return rc;
}

/* "{" {node} "}" */
static int node_block(parser *p, const nnl_onnx_node **out, uint32_t *n,
                      bool is_main) {
  if (expect(p, '{', "to open the node list") < 0) return -1;
  NNL_ARRAY(nnl_onnx_node) ns = {0};
  int rc = 0;
  while (!matches(p, '}')) {
    if (peek(p) < 0) {
      rc = fail_expected(p, "'}' to close the node list");
      break;
    }
    nnl_onnx_node *nd = is_main ? OGROW1(p, 0, &ns, NNL_MAX_LAYERS + 1)
                             : AGROW1(p, &ns);
    if ((rc = node(p, nd)) < 0) break;
  }
  if (rc == 0) {
    *out = ns.items;
    *n = ns.len;
  }
  return rc;
}

/* ---- graphs ---- */

typedef NNL_ARRAY(nnl_onnx_value) value_array;
typedef NNL_ARRAY(nnl_onnx_tensor) tensor_array;

/* An initializer after `value-info "="`: the data typed by ti. */
static int initializer(parser *p, tensor_array *inits, const nnl_onnx_value *v,
                       const type_info *ti, bool is_main) {
  nnl_onnx_tensor *t =
      is_main ? OGROW1(p, 1, inits, 1u << 20) : AGROW1(p, inits);
  t->name = v->name;
  t->span.off = v->span.off;
  if (tensor_data(p, t, ti) < 0) return -1;
  t->span = span_from(p, v->span.off);
  return 0;
}

/* graph := name "(" [input {"," input}] ")" "=>" "(" outputs ")"
 *          ["<" value-infos-or-initializers ">"] node-block */
static int graph_body(parser *p, graph_t *g, const char *name, size_t start) {
  if (enter(p, start) < 0) return -1;
  bool is_main = g == p->main_graph;
  g->name = name;
  value_array ins = {0}, outs = {0}, vis = {0};
  tensor_array inits = {0};
  type_info ti;
  nnl_onnx_value v;
  int rc = 0;
  if (matches(p, '(') && !matches(p, ')')) {
    do {
      if ((rc = value_info(p, &v, &ti)) < 0) goto done;
      keep_dims(p, &v);
      APUSH(p, &ins, v);
      if (matches(p, '=') && (rc = initializer(p, &inits, &v, &ti, is_main)) < 0)
        goto done;
    } while (matches(p, ','));
    if ((rc = expect(p, ')', "to close the graph's inputs")) < 0) goto done;
  }
  if ((rc = expect_arrow(p)) < 0 ||
      (rc = expect(p, '(', "to open the graph's outputs")) < 0)
    goto done;
  if (!matches(p, ')')) {
    do {
      if ((rc = value_info(p, &v, &ti)) < 0) goto done;
      keep_dims(p, &v);
      APUSH(p, &outs, v);
    } while (matches(p, ','));
    if ((rc = expect(p, ')', "to close the graph's outputs")) < 0) goto done;
  }
  if (matches(p, '<') && !matches(p, '>')) {
    do {
      if ((rc = value_info(p, &v, &ti)) < 0) goto done;
      if (matches(p, '=')) {
        if ((rc = initializer(p, &inits, &v, &ti, is_main)) < 0) goto done;
      } else {
        keep_dims(p, &v);
        APUSH(p, &vis, v);
      }
    } while (matches(p, ','));
    if ((rc = expect(p, '>', "to close the value infos and initializers")) < 0)
      goto done;
  }
  if ((rc = node_block(p, &g->nodes, &g->n_nodes, is_main)) < 0) goto done;
  g->inputs = ins.items;
  g->n_inputs = ins.len;
  g->outputs = outs.items;
  g->n_outputs = outs.len;
  g->value_info = vis.items;
  g->n_value_info = vis.len;
  g->initializers = inits.items;
  g->n_initializers = inits.len;
  g->span = span_from(p, start);
done:
  leave(p);
  return rc;
}

static int graph(parser *p, graph_t *g) {
  skip(p);
  size_t start = p->pos;
  const char *name;
  nnl_span at;
  if (quotable_req(p, &name, &at, "a graph name") < 0) return -1;
  return graph_body(p, g, name, start);
}

/* ---- model and functions ---- */

/* "[" [string ":" int {"," string ":" int}] "]" */
static int opset_list(parser *p, const nnl_onnx_opset **out, uint32_t *n) {
  if (expect(p, '[', "to open the opset imports") < 0) return -1;
  NNL_ARRAY(nnl_onnx_opset) os = {0};
  int rc = 0;
  if (!matches(p, ']')) {
    do {
      lit d, v;
      nnl_onnx_opset o;
      if ((rc = literal(p, &d, "an opset domain (a string)")) < 0) break;
      if (d.kind != LIT_STRING) {
        rc = fail_at(p, d.at, "an opset domain is a string (\"\" for the "
                     "default domain)");
        break;
      }
      if ((rc = expect(p, ':', "after the opset domain")) < 0 ||
          (rc = literal(p, &v, "an opset version")) < 0 ||
          (rc = lit_int(p, &v, &o.version)) < 0)
        break;
      o.domain = d.s;
      nnl_array_push(&os, o);
    } while (matches(p, ','));
    if (rc == 0) rc = expect(p, ']', "to close the opset imports");
  }
  if (rc == 0) {
    *out = KEEP(p, os);
    *n = os.len;
  }
  nnl_array_free(&os);
  return rc;
}

static int string_value(parser *p, const char **out, const char *key) {
  lit l;
  char what[96];
  snprintf(what, sizeof what, "a string for %s", key);
  if (literal(p, &l, what) < 0) return -1;
  if (l.kind != LIT_STRING)
    return fail_at(p, l.at, "%s takes a string", key);
  *out = l.s;
  return 0;
}

static int int_value(parser *p, int64_t *out, const char *key) {
  lit l;
  char what[96];
  snprintf(what, sizeof what, "an integer for %s", key);
  if (literal(p, &l, what) < 0) return -1;
  return lit_int(p, &l, out);
}

/* metadata_props: "[" string ":" string {"," ...} "]" */
static int metadata(parser *p) {
  if (expect(p, '[', "to open metadata_props") < 0) return -1;
  if (matches(p, ']')) return 0;
  do {
    const char *s;
    if (string_value(p, &s, "a metadata key") < 0 ||
        expect(p, ':', "after the metadata key") < 0 ||
        string_value(p, &s, "a metadata value") < 0)
      return -1;
  } while (matches(p, ','));
  return expect(p, ']', "to close metadata_props");
}

/* "<" key ":" value {"," key ":" value} ">" for a model (fn == NULL) or a
 * function. */
static int header(parser *p, nnl_onnx_model *m, nnl_onnx_function *fn) {
  do {
    nnl_span key;
    if (ident(p, &key) < 0) return -1;
    if (!key.len) return fail_expected(p, "a header key (ir_version, "
                                      "opset_import, ...)");
    if (expect(p, ':', "after the header key") < 0) return -1;
    const char *s;
    int64_t i;
    int rc;
    if (span_is(p, key, "opset_import"))
      rc = m ? opset_list(p, &m->opsets, &m->n_opsets)
             : opset_list(p, &fn->opsets, &fn->n_opsets);
    else if (span_is(p, key, "doc_string"))
      rc = string_value(p, &s, "doc_string");
    else if (span_is(p, key, "domain"))
      rc = string_value(p, m ? &m->domain : &fn->domain, "domain");
    else if (!m && span_is(p, key, "overload"))
      rc = string_value(p, &fn->overload, "overload");
    else if (m && span_is(p, key, "ir_version"))
      rc = int_value(p, &m->ir_version, "ir_version");
    else if (m && span_is(p, key, "model_version"))
      rc = int_value(p, &m->model_version, "model_version");
    else if (m && span_is(p, key, "producer_name"))
      rc = string_value(p, &m->producer_name, "producer_name");
    else if (m && span_is(p, key, "producer_version"))
      rc = string_value(p, &m->producer_version, "producer_version");
    else if (m && span_is(p, key, "metadata_props"))
      rc = metadata(p);
    else
      rc = fail_at(p, key, "unknown %s header key '%.*s'",
                   m ? "model" : "function", (int)key.len, p->s + key.off);
    if (rc < 0) return -1;
    (void)i;
  } while (matches(p, ','));
  return expect(p, '>', "to close the header");
}

/* "(" [[type] name {"," [type] name}] ")" of a function */
static int fn_params(parser *p, str_array *names) {
  if (expect(p, '(', "to open the function's parameters") < 0) return -1;
  if (matches(p, ')')) return 0;
  do {
    nnl_onnx_value v;
    type_info ti;
    if (value_info(p, &v, &ti) < 0) return -1;
    nnl_array_push(names, v.name);
  } while (matches(p, ','));
  return expect(p, ')', "to close the function's parameters");
}

/* function := ["<" fn-header ">"] name ["<" attr-decl {"," attr-decl} ">"]
 *             params "=>" params ["<" value-infos ">"] node-block */
static int function(parser *p, nnl_onnx_function *fn) {
  skip(p);
  size_t start = p->pos;
  fn->domain = "";
  fn->overload = "";
  if (matches(p, '<') && header(p, NULL, fn) < 0) return -1;
  nnl_span at;
  if (quotable_req(p, &fn->name, &at, "a function name") < 0) return -1;
  str_array attrs = {0}, ins = {0}, outs = {0};
  int rc = 0;
  if (matches(p, '<')) {
    do {
      const char *nm;
      if ((rc = quotable_req(p, &nm, &at, "an attribute name")) < 0) goto done;
      int c = peek(p);
      if (c == ':' || c == '=') {
        nnl_onnx_attr dflt = {0};
        if ((rc = attribute_rest(p, &dflt, at)) < 0) goto done;
      }
      nnl_array_push(&attrs, nm);
    } while (matches(p, ','));
    if ((rc = expect(p, '>', "to close the function's attributes")) < 0)
      goto done;
  }
  if ((rc = fn_params(p, &ins)) < 0 || (rc = expect_arrow(p)) < 0 ||
      (rc = fn_params(p, &outs)) < 0)
    goto done;
  if (matches(p, '<') && !matches(p, '>')) {
    do {
      nnl_onnx_value v;
      type_info ti;
      if ((rc = value_info(p, &v, &ti)) < 0) goto done;
    } while (matches(p, ','));
    if ((rc = expect(p, '>', "to close the value infos")) < 0) goto done;
  }
  if ((rc = enter(p, start)) < 0) goto done;
  rc = node_block(p, &fn->nodes, &fn->n_nodes, false);
  leave(p);
  if (rc < 0) goto done;
  fn->attributes = KEEP(p, attrs);
  fn->n_attributes = attrs.len;
  fn->inputs = KEEP(p, ins);
  fn->n_inputs = ins.len;
  fn->outputs = KEEP(p, outs);
  fn->n_outputs = outs.len;
  fn->span = span_from(p, start);
done:
  nnl_array_free(&attrs);
  nnl_array_free(&ins);
  nnl_array_free(&outs);
  return rc;
}

/* model := ["<" model-header ">"] graph {function} */
static int model(parser *p, nnl_onnx_model *m) {
  m->producer_name = m->producer_version = m->domain = "";
  if (peek(p) < 0)
    return fail_at(p, (nnl_span){(uint32_t)p->n, 0},
                   "empty file: expected a model (`<ir_version: ...> name "
                   "(inputs) => (outputs) { ... }`)");
  if (matches(p, '<') && header(p, m, NULL) < 0) return -1;
  graph_t *g = nnl_arena_alloc(p->a, sizeof *g);
  p->main_graph = g;
  if (graph(p, g) < 0) return -1;
  m->graph = g;
  NNL_ARRAY(nnl_onnx_function) fns = {0};
  int rc = 0;
  while (peek(p) >= 0) {
    if ((rc = function(p, nnl_array_grow1(&fns))) < 0) break;
  }
  if (rc == 0) {
    m->functions = KEEP(p, fns);
    m->n_functions = fns.len;
  }
  nnl_array_free(&fns);
  m->span = (nnl_span){0, (uint32_t)p->n};
  return rc;
}

/* ------------------------------------------------------------- entry */

/* Does src look like the onnx.parser syntax (true), rather than protobuf
 * text format (`ir_version: 3  graph { node { ... } }`), which some tools
 * also name .onnxtxt?  After blanks and comments, the onnx.parser syntax
 * starts with '<' (a model header) or a graph name followed by '('; the
 * protobuf text format starts with a field name followed by ':' or '{'. */
bool nnl_onnx_text_sniff(const char *src, size_t len) {
  /* src need not end in a NUL here: only the bounded skip_slow */
  parser p = {.s = src, .n = len};
  skip_slow(&p);
  int c = p.pos < len ? (unsigned char)src[p.pos] : -1;
  if (c == '<') return true;
  if (c == '"') return true; /* a quoted graph name */
  size_t i = p.pos;
  if (i >= len || !is_ident_start((unsigned char)src[i])) return false;
  while (i < len && is_ident_char((unsigned char)src[i])) i++;
  p.pos = i;
  skip_slow(&p);
  c = p.pos < len ? (unsigned char)src[p.pos] : -1;
  return c == '(' || c == '=';
}

int nnl_parse_onnx_text(nnl_ctx *cx, nnl_doc *doc) {
  if (doc->len > UINT32_MAX - 1) {
    nnl_report_bad_input(cx, doc, (nnl_span){0, 0},
                         "file too large for the ONNX text front end");
    return -1;
  }
  parser p = {.cx = cx, .doc = doc, .a = &doc->arena, .s = doc->src,
              .n = doc->len};
  if (doc->mapped) {
    /* a text read from disk ends in a NUL (nnl_doc), a mapping does not:
       parse a copy that does (spans are offsets, the same in both) */
    char *copy = nnl_arena_alloc(&doc->arena, doc->len + 1);
    memcpy(copy, doc->src, doc->len);
    p.s = copy;
  }
  if (!nnl_onnx_text_sniff(doc->src, doc->len)) {
    /* protobuf text format under an .onnxtxt name: not this syntax */
    int c = peek(&p);
    nnl_span id;
    if (c >= 0 && is_ident_start(c) && ident(&p, &id) == 0 &&
        (peek(&p) == ':' || peek(&p) == '{')) {
      doc->skipped = true;
      doc->skip_reason = "ONNX protobuf text format, not the onnx.parser "
                         "syntax: not linted";
      return 0;
    }
    p.pos = 0;
  }
  /* names, operand lists and attributes take about a byte of arena per
     byte of text */
  nnl_arena_expect(&doc->arena, doc->len);
  nnl_onnx_model *m = nnl_arena_alloc(&doc->arena, sizeof *m);
  int rc = model(&p, m);
  m->names = p.names.items;
  m->n_names = p.names.len;
  nnl_array_free(&p.ids);
  nnl_array_free(&p.dims);
  free(p.slots);
  if (rc == 0) rc = nnl_onnx_to_ir(cx, doc, m);
  free(p.own[0]);
  free(p.own[1]);
  free(p.own[2]);
  return rc < 0 ? -1 : rc;
}
