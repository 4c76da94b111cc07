/*
 * lsp_server.c - `nnlint lsp`: a Language Server Protocol server on
 * standard input and output, for editors.
 *
 *   stdin --frame--> JSON-RPC message --dispatch--> textDocument/did* --lint-->
 *   nnl_doc (the editor's text) --front end, engine, suppressions-->
 *   nnl_lsp_diagnostics (report/lsp.c, as `--format lsp`) --publishDiagnostics--> stdout
 *
 * Messages are framed by a `Content-Length: N` header and a blank line
 * (bodies over MAX_MESSAGE bytes are skipped, never held in memory).  A
 * body is read whole into one buffer and decoded by the reader below into
 * jansson values (jansson's own decoder was a quarter of every re-lint);
 * answers are written with jansson.  A document's text is the decoded
 * JSON string itself, kept by reference; text sync is incremental (a
 * change is a range in UTF-16 positions, applied here), whole texts are
 * taken too.  A YAML spec keeps what its last lint parsed (nnl_yaml_cache,
 * frontend/yaml_spec.c), so a change inside one layer re-parses only that
 * layer.  The server answers initialize,
 * shutdown, textDocument/codeAction and textDocument/hover; it lints a
 * document's text as the editor holds it on didOpen, didChange and
 * didSave, and clears its diagnostics on didClose.  Binary ONNX documents
 * are not text: they are linted from the file on disk (on open, on save
 * and when a watched file changes).
 *
 * Rulesets are loaded once per configuration (the nearest .nnlint.yaml
 * above a document, as the command line finds it) and kept between
 * changes; a change to a .nnlint.yaml (workspace/didChangeWatchedFiles,
 * or saving one in the editor) drops them and re-lints every open
 * document.  A bad configuration is shown to the user (window/showMessage)
 * and the document is linted with the built-in defaults.
 *
 * Nothing but the protocol goes to standard output: at start the real
 * standard output is kept on a private descriptor and descriptor 1 is
 * pointed at standard error, so a stray print anywhere cannot corrupt the
 * stream.  Logs go to standard error.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "config.h"
#include "engine/engine.h"
#include "lsp_server.h"
#include "nnlint.h"
#include "report/report.h"
#include "suppress.h"

/* A generous bound on one message: a document of tens of MiB still fits. */
#define MAX_MESSAGE ((size_t)64 * 1024 * 1024)
/* A header line longer than this is not a header. */
enum { MAX_HEADER_LINE = 8192 };

/* JSON-RPC and LSP error codes */
enum {
  ERR_PARSE = -32700,
  ERR_INVALID_REQUEST = -32600,
  ERR_METHOD_NOT_FOUND = -32601,
  ERR_INVALID_PARAMS = -32602,
  ERR_SERVER_NOT_INITIALIZED = -32002,
};

/* LSP MessageType, for window/showMessage and window/logMessage */
enum { MSG_ERROR = 1, MSG_WARNING = 2, MSG_INFO = 3, MSG_LOG = 4 };

/* The rules and selection of the documents under one config (or none). */
typedef struct profile {
  char *key;       /* the config's resolved path; NULL: no config */
  nnl_config *cfg; /* NULL: no config, or it could not be used */
  nnl_ruleset *rs;
  const char **select, **ignore;
} profile;

/* An open document. */
typedef struct document {
  char *uri;
  char *path;     /* the file of a file: URI (decoded), or NULL */
  char *name;     /* for format detection and suppressions: path, or
                     "untitled.EXT" from the language id */
  json_t *text;   /* the editor's text: a JSON string, as it arrived in
                     the message (shared, not copied), or NULL */
  json_int_t version;
  bool has_version;
  bool binary;      /* binary ONNX: linted from the file on disk */
  bool skip;        /* binary ONNX without a file: not linted */
  bool comments;    /* the format has `#` comments (set by the last lint) */
  profile *prof;    /* cached; NULL after a config change */
  const char **ignores; /* prof's per-file ignores for path (NULL: none);
                           resolved with prof */
  json_t *diags;    /* the last published Diagnostic objects */
  nnl_yaml_cache *yaml; /* what the last lint of a YAML spec read, for
                           re-parsing only the layer an edit is in */
} document;

typedef struct server {
  FILE *out; /* the protocol stream */
  nnl_ctx cx;
  NNL_ARRAY(document *) docs;
  NNL_ARRAY(profile *) profiles;
  bool initialized, shutdown;
  bool watch_dynamic; /* the client registers file watchers on request */
  bool no_cache;      /* lint every text whole (the self-check's reference) */
  unsigned long next_id;
} server;

/* ---- logging ---- */

static void logf_(const char *fmt, ...) NNL_PRINTF(1, 2);
static void logf_(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("nnlint lsp: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ---- writing messages ---- */

static json_t *jstr(const char *s) { return nnl_rjson_str(s); }

/* Frame and write msg (taken), then flush.  A client that went away
 * ends the server. */
static void send_msg(server *s, json_t *msg) {
  char *body = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (!body) nnl_oom();
  size_t n = strlen(body);
  if (fprintf(s->out, "Content-Length: %zu\r\n\r\n", n) < 0 ||
      fwrite(body, 1, n, s->out) != n || fflush(s->out) != 0) {
    logf_("cannot write to the client: %s", strerror(errno));
    free(body);
    exit(1);
  }
  free(body);
}

static json_t *message(void) {
  json_t *m = nnl_rjson_obj();
  nnl_rjson_set(m, "jsonrpc", jstr("2.0"));
  return m;
}

/* A response to id (NULL: null) with result (taken; NULL: null). */
static void respond(server *s, json_t *id, json_t *result) {
  json_t *m = message();
  nnl_rjson_set(m, "id", id ? json_incref(id) : json_null());
  nnl_rjson_set(m, "result", result ? result : json_null());
  send_msg(s, m);
}

static void respond_error(server *s, json_t *id, int code, const char *fmt,
                          ...) NNL_PRINTF(4, 5);
static void respond_error(server *s, json_t *id, int code, const char *fmt,
                          ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  json_t *e = nnl_rjson_obj();
  nnl_rjson_set(e, "code", nnl_rjson_int(code));
  nnl_rjson_set(e, "message", jstr(text));
  json_t *m = message();
  nnl_rjson_set(m, "id", id ? json_incref(id) : json_null());
  nnl_rjson_set(m, "error", e);
  send_msg(s, m);
}

static void notify(server *s, const char *method, json_t *params) {
  json_t *m = message();
  nnl_rjson_set(m, "method", jstr(method));
  nnl_rjson_set(m, "params", params);
  send_msg(s, m);
}

/* window/showMessage (the user sees it) and the same on standard error. */
static void show(server *s, int type, const char *text) {
  logf_("%s", text);
  json_t *p = nnl_rjson_obj();
  nnl_rjson_set(p, "type", nnl_rjson_int(type));
  nnl_rjson_set(p, "message", jstr(text));
  notify(s, "window/showMessage", p);
}

/* ---- reading messages ----
 * Standard input is read with read(2) into one buffer (no stdio, nothing
 * per byte but the header lines); a body goes into a buffer of exactly its
 * Content-Length bytes: what the buffer holds already is copied, the rest
 * is read straight into place. */

typedef struct reader {
  int fd;
  size_t pos, len; /* unread bytes: buf[pos..len) */
  bool eof;        /* the end of input, or a read error */
  char buf[65536];
} reader;

/* Refill r->buf (when it is used up); false at the end of input. */
static bool refill(reader *r) {
  r->pos = r->len = 0;
  while (!r->eof) {
    ssize_t k = read(r->fd, r->buf, sizeof r->buf);
    if (k > 0) {
      r->len = (size_t)k;
      return true;
    }
    if (k < 0 && errno == EINTR) continue;
    r->eof = true;
  }
  return false;
}

/* One header line into line[MAX_HEADER_LINE] without its CR LF; a longer
 * line is cut (the rest read and dropped).  -1 at the end of input. */
static int read_line(reader *r, char *line) {
  size_t n = 0;
  bool any = false;
  for (;;) {
    if (r->pos == r->len && !refill(r)) break;
    any = true;
    const char *at = r->buf + r->pos;
    size_t avail = r->len - r->pos;
    const char *nl = memchr(at, '\n', avail);
    size_t k = nl ? (size_t)(nl - at) : avail;
    size_t room = MAX_HEADER_LINE - 1 - n, take = k < room ? k : room;
    memcpy(line + n, at, take);
    n += take;
    r->pos += k + (nl ? 1 : 0);
    if (nl) break;
  }
  if (!any) return -1;
  if (n && line[n - 1] == '\r') n--;
  line[n] = 0;
  return 0;
}

/* Read one message's headers: its Content-Length into *len.  Returns 0,
 * -1 at the end of input, or -2 when the headers have no valid length
 * (*why says what is wrong).  A header that does not start a line
 * (garbage before it) is still found, so the stream can resynchronize. */
static int read_headers(reader *r, size_t *len, const char **why) {
  char line[MAX_HEADER_LINE];
  bool have = false, bad = false, any = false;
  for (;;) {
    if (read_line(r, line) < 0) {
      if (!any) return -1;
      *why = "the input ended inside the headers";
      return -2;
    }
    if (!line[0]) {
      if (!any) continue; /* blank lines between messages */
      break;
    }
    any = true;
    char *h = strcasestr(line, "content-length:");
    if (!h) continue; /* Content-Type and unknown headers */
    const char *p = h + 15;
    while (*p == ' ' || *p == '\t') p++;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    while (*end == ' ' || *end == '\t') end++;
    if (p[0] < '0' || p[0] > '9' || *end || errno) {
      bad = true;
      continue;
    }
    *len = v > SIZE_MAX ? SIZE_MAX : (size_t)v;
    have = true;
    bad = false;
  }
  if (!have || bad) {
    *why = have ? "bad Content-Length header" : "no Content-Length header";
    return -2;
  }
  return 0;
}

/* Read the next n bytes into dst (NULL: drop them); false when the input
 * ends first. */
static bool read_body(reader *r, char *dst, size_t n) {
  size_t have = r->len - r->pos;
  if (have > n) have = n;
  if (dst) {
    memcpy(dst, r->buf + r->pos, have);
    dst += have;
  }
  r->pos += have;
  n -= have;
  while (n) {
    if (!dst) { /* drop: through the buffer */
      if (!refill(r)) return false;
      size_t k = r->len < n ? r->len : n;
      r->pos = k;
      n -= k;
      continue;
    }
    ssize_t k = read(r->fd, dst, n);
    if (k > 0) {
      dst += k;
      n -= (size_t)k;
    } else if (k < 0 && errno == EINTR) {
      continue;
    } else {
      r->eof = true;
      return false;
    }
  }
  return true;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* ---- decoding messages ----
 * A JSON reader for message bodies, building jansson values.  jansson's
 * own decoder reads through a byte-at-a-time stream with a growing buffer
 * per string, well over a hundred instructions per byte; a didChange
 * carries the whole document, so that cost came with every keystroke.
 * This one decodes each string in place in the body (escapes only shrink),
 * scanning runs of plain characters with a table, and hands the result to
 * jansson once (json_stringn_nocheck: the UTF-8 was checked here).
 *
 * It accepts what json_loadb(JSON_ALLOW_NUL) accepts: RFC 8259 JSON with
 * an object or array at the top, strings of valid UTF-8 (\u0000 allowed in
 * values, not in keys), integers that fit a json_int_t, reals that do not
 * overflow; a later duplicate key replaces the earlier.  Nesting is limited
 * to NNL_MAX_DEPTH. */

typedef struct jdec {
  char *p, *end;     /* the cursor in the body */
  const char *start; /* the body, for error positions */
  const char *why;   /* the problem, or NULL */
  const char *at;    /* where */
} jdec;

/* Bytes that end a run of plain string characters: '"', '\\', control
 * characters and every byte of a multi-byte sequence. */
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const unsigned char str_stop[256] = {
    R16(1), R16(1),                                 /* 0x00-0x1f */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20-: '"' */
    R16(0), R16(0),                                 /* 0x30-0x4f */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50-: '\\' */
    R16(0), R16(0),                                 /* 0x60-0x7f */
    R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1), R16(1),
};
#undef R16

/* Does any of the 8 bytes in v stop a run (as str_stop says)?  A byte
 * below 0x20 borrows, '"' and '\\' become zero and then borrow, and the
 * high bit flags the rest.  A borrow can only spread from a byte that
 * stops the run already, so there are no false alarms on plain text. */
static inline bool stop8(uint64_t v) {
  const uint64_t ones = 0x0101010101010101u;
  return (((v - ones * 0x20) | ((v ^ (ones * '"')) - ones) |
           ((v ^ (ones * '\\')) - ones) | v) &
          (ones * 0x80)) != 0;
}

static bool jfail(jdec *j, const char *at, const char *why) {
  if (!j->why) {
    j->why = why;
    j->at = at;
  }
  return false;
}

static void jskip_ws(jdec *j) {
  while (j->p < j->end &&
         (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
    j->p++;
}

static int hex4(const char *s) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(s[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/* Decode the string whose opening quote is at j->p, in place: *s its
 * bytes, NUL-terminated (the terminator lands inside the literal), *n
 * their number, *nul whether a \u0000 is among them. */
static bool jstring(jdec *j, char **s, size_t *n, bool *nul) {
  char *r = j->p + 1, *w = r, *end = j->end;
  *nul = false;
  for (;;) {
    char *run = r;
    for (uint64_t v; end - r >= 8 && (memcpy(&v, r, 8), !stop8(v));) r += 8;
    while (r < end && !str_stop[(unsigned char)*r]) r++;
    if (w != run) memmove(w, run, (size_t)(r - run));
    w += r - run;
    if (r >= end) return jfail(j, j->p, "unterminated string");
    unsigned char c = (unsigned char)*r;
    if (c == '"') {
      *w = 0;
      *s = j->p + 1;
      *n = (size_t)(w - *s);
      j->p = r + 1;
      return true;
    }
    if (c >= 0x80) {
      size_t k = nnl_utf8_seq((const unsigned char *)r, (size_t)(end - r));
      if (!k) return jfail(j, r, "invalid UTF-8 in a string");
      memmove(w, r, k);
      w += k;
      r += k;
      continue;
    }
    if (c != '\\') return jfail(j, r, "control character in a string");
    if (end - r < 2) return jfail(j, r, "unterminated string");
    char e = r[1];
    r += 2;
    switch (e) {
    case '"': case '\\': case '/': *w++ = e; continue;
    case 'b': *w++ = '\b'; continue;
    case 'f': *w++ = '\f'; continue;
    case 'n': *w++ = '\n'; continue;
    case 'r': *w++ = '\r'; continue;
    case 't': *w++ = '\t'; continue;
    case 'u': break;
    default: return jfail(j, r - 2, "invalid escape");
    }
    int u = end - r >= 4 ? hex4(r) : -1;
    if (u < 0) return jfail(j, r - 2, "invalid \\u escape");
    r += 4;
    unsigned long cp = (unsigned long)u;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
      return jfail(j, r - 6, "invalid Unicode: a lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      int lo = end - r >= 6 && r[0] == '\\' && r[1] == 'u' ? hex4(r + 2) : -1;
      if (lo < 0xDC00 || lo > 0xDFFF)
        return jfail(j, r - 6, "invalid Unicode: a lone high surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
      r += 6;
    }
    if (cp == 0) *nul = true;
    /* UTF-8 of cp: never longer than its escape, so w stays behind r */
    if (cp < 0x80) {
      *w++ = (char)cp;
    } else if (cp < 0x800) {
      *w++ = (char)(0xC0 | (cp >> 6));
      *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *w++ = (char)(0xE0 | (cp >> 12));
      *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
      *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
      *w++ = (char)(0xF0 | (cp >> 18));
      *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
      *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
      *w++ = (char)(0x80 | (cp & 0x3F));
    }
  }
}

/* json_int_t is long long where jansson has it (JSON_INTEGER_IS_LONG_LONG) */
_Static_assert(sizeof(json_int_t) == sizeof(long long), "json_int_t");

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* A number at j->p: an integer when it has no fraction or exponent. */
static json_t *jnumber(jdec *j) {
  char *b = j->p, *q = b, *end = j->end;
  bool real = false;
  if (q < end && *q == '-') q++;
  if (q >= end || !is_digit(*q)) return jfail(j, b, "invalid number"), NULL;
  if (*q == '0') {
    q++;
    if (q < end && is_digit(*q)) return jfail(j, b, "invalid number"), NULL;
  } else {
    while (q < end && is_digit(*q)) q++;
  }
  if (q < end && *q == '.') {
    real = true;
    q++;
    if (q >= end || !is_digit(*q)) return jfail(j, b, "invalid number"), NULL;
    while (q < end && is_digit(*q)) q++;
  }
  if (q < end && (*q == 'e' || *q == 'E')) {
    real = true;
    q++;
    if (q < end && (*q == '+' || *q == '-')) q++;
    if (q >= end || !is_digit(*q)) return jfail(j, b, "invalid number"), NULL;
    while (q < end && is_digit(*q)) q++;
  }
  j->p = q;
  if (!real) {
    bool neg = *b == '-';
    unsigned long long v = 0, lim = neg ? (unsigned long long)LLONG_MAX + 1
                                         : (unsigned long long)LLONG_MAX;
    for (const char *d = b + neg; d < q; d++) {
      unsigned dig = (unsigned)(*d - '0');
      if (v > (lim - dig) / 10) return jfail(j, b, "too big integer"), NULL;
      v = v * 10 + dig;
    }
    json_int_t iv = neg ? (v == lim ? LLONG_MIN : -(json_int_t)v)
                        : (json_int_t)v;
    json_t *x = json_integer(iv);
    if (!x) nnl_oom();
    return x;
  }
  /* strtod needs a terminated copy (the body goes on after the number) */
  char small[64], *copy = small;
  size_t n = (size_t)(q - b);
  if (n >= sizeof small) copy = nnl_xmalloc(n + 1);
  memcpy(copy, b, n);
  copy[n] = 0;
  errno = 0;
  double d = strtod(copy, NULL);
  bool over = errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL);
  if (copy != small) free(copy);
  if (over) return jfail(j, b, "real number overflow"), NULL;
  json_t *x = json_real(d);
  if (!x) nnl_oom();
  return x;
}

static json_t *jvalue(jdec *j, int depth);

/* The object or array opening at j->p. */
static json_t *jcontainer(jdec *j, int depth) {
  bool obj = *j->p == '{';
  char close = obj ? '}' : ']';
  if (depth >= NNL_MAX_DEPTH)
    return jfail(j, j->p, "too deeply nested"), NULL;
  j->p++;
  json_t *c = obj ? nnl_rjson_obj() : nnl_rjson_arr();
  jskip_ws(j);
  if (j->p < j->end && *j->p == close) {
    j->p++;
    return c;
  }
  for (;;) {
    char *key = NULL;
    if (obj) {
      size_t kn;
      bool nul;
      if (j->p >= j->end || *j->p != '"') {
        jfail(j, j->p, "string or '}' expected");
        goto bad;
      }
      if (!jstring(j, &key, &kn, &nul)) goto bad;
      if (nul) {
        jfail(j, key, "NUL byte in object key not supported");
        goto bad;
      }
      jskip_ws(j);
      if (j->p >= j->end || *j->p != ':') {
        jfail(j, j->p, "':' expected");
        goto bad;
      }
      j->p++;
    }
    json_t *v = jvalue(j, depth + 1);
    if (!v) goto bad;
    if (obj ? json_object_set_new_nocheck(c, key, v) != 0
            : json_array_append_new(c, v) != 0)
      nnl_oom();
    jskip_ws(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      jskip_ws(j);
      continue;
    }
    if (j->p < j->end && *j->p == close) {
      j->p++;
      return c;
    }
    jfail(j, j->p, obj ? "',' or '}' expected" : "',' or ']' expected");
    goto bad;
  }
bad:
  json_decref(c);
  return NULL;
}

/* The value at j->p (white space before it skipped). */
static json_t *jvalue(jdec *j, int depth) {
  jskip_ws(j);
  if (j->p >= j->end) return jfail(j, j->p, "unexpected end of input"), NULL;
  char c = *j->p;
  size_t left = (size_t)(j->end - j->p);
  switch (c) {
  case '{':
  case '[': return jcontainer(j, depth);
  case '"': {
    char *s;
    size_t n;
    bool nul;
    if (!jstring(j, &s, &n, &nul)) return NULL;
    json_t *x = json_stringn_nocheck(s, n);
    if (!x) nnl_oom();
    return x;
  }
  case 't':
    if (left >= 4 && memcmp(j->p, "true", 4) == 0) {
      j->p += 4;
      return json_true();
    }
    break;
  case 'f':
    if (left >= 5 && memcmp(j->p, "false", 5) == 0) {
      j->p += 5;
      return json_false();
    }
    break;
  case 'n':
    if (left >= 4 && memcmp(j->p, "null", 4) == 0) {
      j->p += 4;
      return json_null();
    }
    break;
  default:
    if (c == '-' || is_digit(c)) return jnumber(j);
  }
  return jfail(j, j->p, "invalid token"), NULL;
}

/* Decode body[0..len) (modified: strings are decoded in place).  NULL
 * with *why and *at, the byte offset of the problem (offsets, not lines:
 * the strings before it may have been decoded already). */
static json_t *decode_message(char *body, size_t len, const char **why,
                              size_t *at) {
  jdec j = {.p = body, .end = body + len, .start = body};
  json_t *v = NULL;
  jskip_ws(&j);
  if (j.p < j.end && (*j.p == '{' || *j.p == '['))
    v = jvalue(&j, 0);
  else
    jfail(&j, j.p, "'[' or '{' expected");
  if (v) {
    jskip_ws(&j);
    if (j.p < j.end) {
      jfail(&j, j.p, "end of input expected");
      json_decref(v);
      v = NULL;
    }
  }
  if (!v) {
    *why = j.why;
    *at = (size_t)(j.at - j.start);
  }
  return v;
}

/* ---- small JSON helpers ---- */

static const char *get_str(json_t *o, const char *key) {
  return json_string_value(json_object_get(o, key));
}

/* A Position's line and character; false when it is not one. */
static bool get_pos(json_t *p, json_int_t *line, json_int_t *ch) {
  json_t *l = json_object_get(p, "line"), *c = json_object_get(p, "character");
  if (!json_is_integer(l) || !json_is_integer(c)) return false;
  *line = json_integer_value(l);
  *ch = json_integer_value(c);
  return *line >= 0 && *ch >= 0;
}

static int pos_cmp(json_int_t l1, json_int_t c1, json_int_t l2, json_int_t c2) {
  if (l1 != l2) return l1 < l2 ? -1 : 1;
  if (c1 != c2) return c1 < c2 ? -1 : 1;
  return 0;
}

static json_t *position(json_int_t line, json_int_t ch) {
  json_t *p = nnl_rjson_obj();
  nnl_rjson_set(p, "line", nnl_rjson_int(line));
  nnl_rjson_set(p, "character", nnl_rjson_int(ch));
  return p;
}

/* ---- documents ---- */

/* The file path of a `file:` URI (percent-decoded), or NULL for other
 * schemes, a remote host, or a path with a NUL. */
static char *uri_to_path(const char *uri) {
  if (strncasecmp(uri, "file://", 7) != 0) return NULL;
  const char *p = uri + 7;
  if (strncasecmp(p, "localhost/", 10) == 0) p += 9;
  if (*p != '/') return NULL;
  size_t n = strlen(p);
  char *out = nnl_xmalloc(n + 1), *o = out;
  for (; *p && *p != '?' && *p != '#'; p++) {
    if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
      char c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
      if (c == 0) {
        free(out);
        return NULL;
      }
      *o++ = c;
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  *o = 0;
  return out;
}

/* A name for a document without a file ("untitled:Untitled-1"): the
 * URI's last segment when it has an extension, else one from the
 * language id. */
static char *untitled_name(const char *uri, const char *lang) {
  const char *slash = strrchr(uri, '/'), *colon = strrchr(uri, ':');
  const char *base = slash ? slash + 1 : colon ? colon + 1 : uri;
  if (strchr(base, '.') && !strchr(base, '%')) return nnl_xstrdup(base);
  const char *ext = ".yaml";
  if (lang && strcmp(lang, "python") == 0) ext = ".py";
  else if (lang && (strcmp(lang, "json") == 0 || strcmp(lang, "jsonc") == 0))
    ext = ".json";
  else if (lang && strstr(lang, "onnx")) ext = ".onnxtxt";
  nnl_buf b = {0};
  nnl_buf_printf(&b, "untitled%s", ext);
  nnl_buf_str(&b);
  return b.s;
}

static document *find_doc(server *s, const char *uri, uint32_t *index) {
  if (!uri) return NULL;
  for (uint32_t i = 0; i < s->docs.len; i++)
    if (strcmp(s->docs.items[i]->uri, uri) == 0) {
      if (index) *index = i;
      return s->docs.items[i];
    }
  return NULL;
}

/* The document's text and its length ("" when it has none). */
static const char *doc_text(const document *d, size_t *len) {
  *len = json_string_length(d->text);
  return d->text ? json_string_value(d->text) : "";
}

static void doc_free(document *d) {
  free(d->uri);
  free(d->path);
  free(d->name);
  json_decref(d->text);
  free(d->ignores);
  json_decref(d->diags);
  nnl_yaml_cache_free(d->yaml);
  free(d);
}

/* ---- profiles: the rules of each config ---- */

static void profile_free(profile *p) {
  nnl_ruleset_free(p->rs);
  nnl_config_free(p->cfg);
  free(p->key);
  free(p);
}

/* The built-in rules and the meta-rules.  They are compiled in: failing
 * to load them is a broken build, and the server stops. */
static nnl_ruleset *builtin_rules(void) {
  nnl_ruleset *rs = nnl_ruleset_new();
  nnl_error err = {0};
  if (nnl_ruleset_load_builtin(rs, &err) != 0 ||
      nnl_suppress_register(rs, &err) != 0) {
    nnl_error_print(&err, stderr);
    exit(2);
  }
  return rs;
}

/* A new profile for the config at path (NULL: none), keyed by key
 * (taken).  A config that cannot be loaded or applied is shown to the
 * user once, and its documents get the built-in defaults. */
static profile *new_profile(server *s, const char *path, char *key) {
  profile *p = nnl_xcalloc(1, sizeof *p);
  p->key = key;
  p->rs = builtin_rules();
  nnl_array_push(&s->profiles, p);
  if (!path) return p;
  nnl_error err = {0};
  nnl_config *cfg = nnl_config_load(path, &err);
  if (cfg && (nnl_config_load_rules(cfg, p->rs, &err) != 0 ||
              nnl_config_apply(cfg, p->rs, &err) != 0)) {
    /* the ruleset may hold part of the config: start over without it */
    nnl_config_free(cfg);
    cfg = NULL;
    nnl_ruleset_free(p->rs);
    p->rs = builtin_rules();
  }
  if (!cfg) {
    char text[2300];
    if (err.line)
      snprintf(text, sizeof text,
               "%s:%u:%u: %s (nnlint uses its default rules until it is "
               "fixed)",
               err.path, err.line, err.col, err.msg);
    else
      snprintf(text, sizeof text,
               "%s: %s (nnlint uses its default rules until it is fixed)",
               err.path[0] ? err.path : path, err.msg);
    show(s, MSG_ERROR, text);
    return p;
  }
  p->cfg = cfg;
  p->select = cfg->has_select ? cfg->select_list : NULL;
  p->ignore = cfg->has_ignore ? cfg->ignore_list : NULL;
  return p;
}

static profile *find_profile(server *s, const char *key) {
  for (uint32_t i = 0; i < s->profiles.len; i++) {
    profile *p = s->profiles.items[i];
    if ((!key && !p->key) || (key && p->key && strcmp(key, p->key) == 0))
      return p;
  }
  return NULL;
}

/* The profile of document d: the nearest .nnlint.yaml walking up from its
 * folder, as the command line finds it; none for untitled documents. */
static profile *profile_for(server *s, document *d) {
  if (d->prof) return d->prof;
  nnl_buf found = {0};
  bool have = false;
  if (d->path) {
    char *dir = nnl_xstrdup(d->path);
    char *slash = strrchr(dir, '/');
    if (slash) slash[slash == dir ? 1 : 0] = 0;
    char *real = realpath(dir, NULL);
    have = nnl_config_find(real ? real : dir, &found);
    free(real);
    free(dir);
  }
  profile *p;
  if (have) {
    char *key = realpath(nnl_buf_str(&found), NULL);
    if (!key) key = nnl_xstrdup(nnl_buf_str(&found));
    p = find_profile(s, key);
    if (p) free(key);
    else p = new_profile(s, nnl_buf_str(&found), key);
  } else {
    p = find_profile(s, NULL);
    if (!p) p = new_profile(s, NULL, NULL);
  }
  nnl_buf_free(&found);
  d->prof = p;
  free(d->ignores);
  d->ignores = NULL;
  if (p->cfg && d->path) {
    char *abs = realpath(d->path, NULL);
    d->ignores = nnl_config_ignores_for(p->cfg, abs ? abs : d->path);
    free(abs);
  }
  return p;
}

/* Forget every config (a .nnlint.yaml changed); they load again on the
 * next lint. */
static void drop_profiles(server *s) {
  for (uint32_t i = 0; i < s->docs.len; i++) {
    document *d = s->docs.items[i];
    d->prof = NULL;
    free(d->ignores); /* its strings belong to the config */
    d->ignores = NULL;
  }
  for (uint32_t i = 0; i < s->profiles.len; i++)
    profile_free(s->profiles.items[i]);
  s->profiles.len = 0;
}

/* ---- linting ---- */

/* Does the format of a linted document have `#` comments that the
 * suppression code reads?  (As suppress.c decides: YAML but not JSON,
 * Python, ONNX text.) */
static bool has_comments(const nnl_doc *doc) {
  size_t n = strlen(doc->path);
  switch (doc->format) {
  case NNL_FMT_YAML_SPEC:
    return !(n >= 5 && strcasecmp(doc->path + n - 5, ".json") == 0);
  case NNL_FMT_KERAS_PY:
  case NNL_FMT_ONNX_TEXT: return true;
  default: return false;
  }
}

/* Lint document d (its text, or for binary ONNX the file on disk) and
 * keep the result in d->diags: report/lsp.c's Diagnostic objects (the
 * same as `--format lsp`), each with data {rule name, fix} for code
 * actions.  What does not depend on the text (the rules of its config,
 * the per-file ignores) is resolved once and kept. */
static void lint(server *s, document *d) {
  if (d->skip) {
    json_decref(d->diags);
    d->diags = nnl_rjson_arr();
    return;
  }
  profile *p = profile_for(s, d);
  s->cx.rules = p->rs;
  s->cx.select = p->select;
  s->cx.ignore = p->ignore;
  s->cx.worst = NNL_SEV_NONE;
  s->cx.any_failure = false;
  nnl_doc *doc;
  json_t *diags;
  if (d->binary) {
    nnl_error err = {0};
    doc = nnl_doc_open(d->path, NULL, &err);
    if (!doc) {
      json_decref(d->diags);
      d->diags = nnl_lsp_unreadable_diagnostics(err.msg, true);
      d->comments = false;
      return;
    }
  } else {
    /* the document owns its bytes, and a front end may replace them (a
     * .keras archive's config): it gets a copy of the text */
    size_t len;
    const char *text = doc_text(d, &len);
    char *copy = nnl_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    doc = nnl_doc_new(d->name, copy, len);
    doc->format = NNL_FMT_UNKNOWN; /* detected from name and content */
    if (!d->yaml) d->yaml = nnl_yaml_cache_new();
    if (!s->no_cache) doc->yaml_cache = d->yaml; /* for YAML specs */
  }
  nnl_frontend_run(&s->cx, doc);
  nnl_suppress_attach(doc, d->ignores, NULL);
  if (!doc->skipped && !doc->failed) {
    nnl_engine_run(&s->cx, doc);
    nnl_suppress_finish(&s->cx, doc);
  }
  diags = nnl_lsp_diagnostics(doc, true);
  d->comments = !d->binary && has_comments(doc);
  nnl_suppress_free(doc);
  nnl_doc_free(doc);
  json_decref(d->diags);
  d->diags = diags;
}

static void publish(server *s, document *d, json_t *diags) {
  json_t *p = nnl_rjson_obj();
  nnl_rjson_set(p, "uri", jstr(d->uri));
  if (d->has_version) nnl_rjson_set(p, "version", nnl_rjson_int(d->version));
  nnl_rjson_set(p, "diagnostics", diags);
  notify(s, "textDocument/publishDiagnostics", p);
}

static void lint_and_publish(server *s, document *d) {
  lint(s, d);
  publish(s, d, json_incref(d->diags));
}

/* ---- text edits ---- */

/* The byte offset of the start of line `line` of text, walking from byte
 * from, the start of line `at` (at <= line); len when the text has fewer
 * lines. */
static size_t line_start(const char *text, size_t len, size_t from,
                         json_int_t at, json_int_t line) {
  size_t i = from;
  for (json_int_t l = at; l < line; l++) {
    const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
    if (!nl) return len;
    i = (size_t)(nl - text) + 1;
  }
  return i;
}

/* The byte offset of UTF-16 character ch of the line starting at byte i;
 * past the end of the line: its end. */
static size_t char_offset(const char *text, size_t len, size_t i,
                          json_int_t ch) {
  json_int_t units = 0;
  while (i < len && text[i] != '\n' && units < ch) {
    if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') break;
    size_t k = nnl_utf8_seq((const unsigned char *)text + i, len - i);
    units += k == 4 ? 2 : 1;
    i += k ? k : 1;
  }
  return i;
}

/* Apply one TextDocumentContentChangeEvent: a whole text (kept as the
 * message's string, not copied), or a range replaced.  False when it is
 * not one. */
static bool apply_change(document *d, json_t *ch) {
  json_t *tv = json_object_get(ch, "text");
  if (!json_is_string(tv)) return false;
  const char *text = json_string_value(tv);
  size_t tlen = json_string_length(tv);
  json_t *range = json_object_get(ch, "range");
  if (!range) {
    json_decref(d->text);
    d->text = json_incref(tv);
    return true;
  }
  json_int_t l1, c1, l2, c2;
  if (!get_pos(json_object_get(range, "start"), &l1, &c1) ||
      !get_pos(json_object_get(range, "end"), &l2, &c2) ||
      pos_cmp(l1, c1, l2, c2) > 0)
    return false;
  size_t len;
  const char *old = doc_text(d, &len);
  /* the end's line is found from the start's (a 5,000-line text is not
   * walked twice) */
  size_t s1 = line_start(old, len, 0, 0, l1);
  size_t a = s1 == len ? len : char_offset(old, len, s1, c1);
  size_t s2 = s1 == len ? len : line_start(old, len, s1, l1, l2);
  size_t b = s2 == len ? len : char_offset(old, len, s2, c2);
  size_t n = len - (b - a) + tlen; /* tlen < MAX_MESSAGE */
  if (n > NNL_MAX_FILE_SIZE) return false;
  char *t = nnl_xmalloc(n + 1);
  memcpy(t, old, a);
  memcpy(t + a, text, tlen);
  memcpy(t + a + tlen, old + b, len - b);
  t[n] = 0;
  /* the pieces are valid UTF-8 cut at character boundaries */
  json_t *nt = json_stringn_nocheck(t, n);
  free(t);
  if (!nt) nnl_oom();
  json_decref(d->text);
  d->text = nt;
  return true;
}

/* ---- notifications ---- */

static bool is_config_uri(const char *uri) {
  size_t n = uri ? strlen(uri) : 0, k = strlen("/" NNL_CONFIG_NAME);
  return n >= k && strcmp(uri + n - k, "/" NNL_CONFIG_NAME) == 0;
}

static void relint_all(server *s) {
  for (uint32_t i = 0; i < s->docs.len; i++)
    lint_and_publish(s, s->docs.items[i]);
}

/* textDocument/didOpen {textDocument: {uri, languageId, version, text}} */
static void did_open(server *s, json_t *params) {
  json_t *td = json_object_get(params, "textDocument");
  const char *uri = get_str(td, "uri"), *text = get_str(td, "text");
  if (!uri || !text) {
    logf_("didOpen without a uri or text: ignored");
    return;
  }
  uint32_t at;
  document *old = find_doc(s, uri, &at);
  if (old) { /* opened twice: the new text wins */
    doc_free(old);
    s->docs.items[at] = s->docs.items[--s->docs.len];
  }
  document *d = nnl_xcalloc(1, sizeof *d);
  d->uri = nnl_xstrdup(uri);
  d->path = uri_to_path(uri);
  d->name = d->path ? nnl_xstrdup(d->path)
                    : untitled_name(uri, get_str(td, "languageId"));
  json_t *ver = json_object_get(td, "version");
  d->has_version = json_is_integer(ver);
  d->version = d->has_version ? json_integer_value(ver) : 0;
  apply_change(d, td);
  /* binary ONNX: the editor's "text" is not the model; read the file */
  bool onnx = nnl_detect_format(d->name, NULL, 0) == NNL_FMT_ONNX;
  d->binary = onnx && d->path;
  d->skip = onnx && !d->path; /* an unsaved binary model: nothing to read */
  nnl_array_push(&s->docs, d);
  lint_and_publish(s, d);
}

/* textDocument/didChange {textDocument: {uri, version}, contentChanges} */
static void did_change(server *s, json_t *params) {
  json_t *td = json_object_get(params, "textDocument");
  document *d = find_doc(s, get_str(td, "uri"), NULL);
  if (!d) {
    logf_("didChange for a document that is not open: ignored");
    return;
  }
  json_t *ver = json_object_get(td, "version");
  if (json_is_integer(ver)) {
    d->version = json_integer_value(ver);
    d->has_version = true;
  }
  json_t *changes = json_object_get(params, "contentChanges");
  size_t i;
  json_t *ch;
  json_array_foreach(changes, i, ch) {
    if (!apply_change(d, ch)) logf_("a content change that is not one: ignored");
  }
  if (!d->binary) lint_and_publish(s, d);
}

static void did_save(server *s, json_t *params) {
  const char *uri = get_str(json_object_get(params, "textDocument"), "uri");
  if (is_config_uri(uri)) { /* the editor saved a config */
    drop_profiles(s);
    relint_all(s);
    return;
  }
  document *d = find_doc(s, uri, NULL);
  if (!d) return;
  /* the editor's text is linted already; a binary model is read again */
  if (d->binary || !d->diags) lint(s, d);
  publish(s, d, json_incref(d->diags));
}

static void did_close(server *s, json_t *params) {
  const char *uri = get_str(json_object_get(params, "textDocument"), "uri");
  uint32_t at;
  document *d = find_doc(s, uri, &at);
  if (!d) return;
  d->has_version = false;
  publish(s, d, nnl_rjson_arr()); /* clears the editor's diagnostics */
  doc_free(d);
  s->docs.items[at] = s->docs.items[--s->docs.len];
}

/* workspace/didChangeWatchedFiles {changes: [{uri, type}]}: a config
 * changed (re-lint everything), or an open binary model was rewritten. */
static void did_change_watched(server *s, json_t *params) {
  json_t *changes = json_object_get(params, "changes"), *ch;
  size_t i;
  bool config = false;
  json_array_foreach(changes, i, ch) {
    const char *uri = get_str(ch, "uri");
    if (is_config_uri(uri)) config = true;
    document *d = find_doc(s, uri, NULL);
    if (d && d->binary && !config) lint_and_publish(s, d);
  }
  if (config) {
    drop_profiles(s);
    relint_all(s);
  }
}

/* After initialized: ask for file events on configs when the client can
 * register watchers dynamically (else it may send them unasked). */
static void register_watchers(server *s) {
  if (!s->watch_dynamic) return;
  json_t *glob = nnl_rjson_obj();
  nnl_rjson_set(glob, "globPattern", jstr("**/" NNL_CONFIG_NAME));
  json_t *watchers = nnl_rjson_arr();
  nnl_rjson_push(watchers, glob);
  json_t *opts = nnl_rjson_obj();
  nnl_rjson_set(opts, "watchers", watchers);
  json_t *reg = nnl_rjson_obj();
  nnl_rjson_set(reg, "id", jstr("nnlint-config-watcher"));
  nnl_rjson_set(reg, "method", jstr("workspace/didChangeWatchedFiles"));
  nnl_rjson_set(reg, "registerOptions", opts);
  json_t *regs = nnl_rjson_arr();
  nnl_rjson_push(regs, reg);
  json_t *p = nnl_rjson_obj();
  nnl_rjson_set(p, "registrations", regs);
  json_t *m = message();
  char id[48];
  snprintf(id, sizeof id, "nnlint-%lu", ++s->next_id);
  nnl_rjson_set(m, "id", jstr(id));
  nnl_rjson_set(m, "method", jstr("client/registerCapability"));
  nnl_rjson_set(m, "params", p);
  send_msg(s, m);
}

/* ---- requests ---- */

static json_t *initialize(server *s, json_t *params) {
  json_t *caps = json_object_get(params, "capabilities");
  json_t *dcw = json_object_get(json_object_get(caps, "workspace"),
                                "didChangeWatchedFiles");
  s->watch_dynamic = json_is_true(json_object_get(dcw, "dynamicRegistration"));
  json_t *sync = nnl_rjson_obj();
  nnl_rjson_set(sync, "openClose", json_true());
  /* Incremental: a keystroke sends its range, not the whole text (full
   * texts are still taken from clients that send them) */
  nnl_rjson_set(sync, "change", nnl_rjson_int(2));
  json_t *save = nnl_rjson_obj();
  nnl_rjson_set(save, "includeText", json_false());
  nnl_rjson_set(sync, "save", save);
  json_t *kinds = nnl_rjson_arr();
  nnl_rjson_push(kinds, jstr("quickfix"));
  json_t *ca = nnl_rjson_obj();
  nnl_rjson_set(ca, "codeActionKinds", kinds);
  json_t *c = nnl_rjson_obj();
  nnl_rjson_set(c, "positionEncoding", jstr("utf-16"));
  nnl_rjson_set(c, "textDocumentSync", sync);
  nnl_rjson_set(c, "codeActionProvider", ca);
  nnl_rjson_set(c, "hoverProvider", json_true());
  json_t *info = nnl_rjson_obj();
  nnl_rjson_set(info, "name", jstr("nnlint"));
  nnl_rjson_set(info, "version", jstr(NNL_VERSION));
  json_t *r = nnl_rjson_obj();
  nnl_rjson_set(r, "capabilities", c);
  nnl_rjson_set(r, "serverInfo", info);
  return r;
}

/* A diagnostic's range as positions; false when it has none. */
static bool diag_range(json_t *dg, json_int_t *l1, json_int_t *c1,
                       json_int_t *l2, json_int_t *c2) {
  json_t *r = json_object_get(dg, "range");
  return get_pos(json_object_get(r, "start"), l1, c1) &&
         get_pos(json_object_get(r, "end"), l2, c2);
}

/* The text of 0-based line n of d (without CR LF) in *len bytes, or NULL
 * past the end; *eol: the line ending the text uses there. */
static const char *doc_line(const document *d, json_int_t n, size_t *len,
                            const char **eol) {
  size_t tlen, i = 0;
  const char *text = doc_text(d, &tlen);
  for (json_int_t l = 0; l < n; l++) {
    const char *nl = memchr(text + i, '\n', tlen - i);
    if (!nl) return NULL;
    i = (size_t)(nl - text) + 1;
  }
  const char *nl = memchr(text + i, '\n', tlen - i);
  size_t end = nl ? (size_t)(nl - text) : tlen;
  *eol = "\n";
  if (end > i && text[end - 1] == '\r') {
    end--;
    *eol = "\r\n";
  }
  *len = end - i;
  return text + i;
}

/* A WorkspaceEdit inserting text at (line, ch) of d. */
static json_t *insert_edit(const document *d, json_int_t line, json_int_t ch,
                           const char *text) {
  json_t *range = nnl_rjson_obj();
  nnl_rjson_set(range, "start", position(line, ch));
  nnl_rjson_set(range, "end", position(line, ch));
  json_t *te = nnl_rjson_obj();
  nnl_rjson_set(te, "range", range);
  nnl_rjson_set(te, "newText", jstr(text));
  json_t *edits = nnl_rjson_arr();
  nnl_rjson_push(edits, te);
  json_t *changes = nnl_rjson_obj();
  nnl_rjson_set(changes, d->uri, edits);
  json_t *we = nnl_rjson_obj();
  nnl_rjson_set(we, "changes", changes);
  return we;
}

static json_t *action(const char *title, json_t *dg, json_t *edit) {
  json_t *a = nnl_rjson_obj();
  nnl_rjson_set(a, "title", jstr(title));
  nnl_rjson_set(a, "kind", jstr("quickfix"));
  json_t *ds = nnl_rjson_arr();
  nnl_rjson_push(ds, json_incref(dg));
  nnl_rjson_set(a, "diagnostics", ds);
  if (edit) nnl_rjson_set(a, "edit", edit);
  return a;
}

/* Does line hold code (not only blanks and a comment)? */
static bool has_code(const char *line, size_t n) {
  size_t i = 0;
  while (i < n && (line[i] == ' ' || line[i] == '\t')) i++;
  return i < n && line[i] != '#';
}

/* "# nnlint: disable=ID" on the line before the finding's line, with the
 * line's indentation; suppress.c applies a comment on a line of its own
 * to the next line that holds code.  NULL when the finding's line holds
 * no code (the comment would apply elsewhere), or when the finding starts
 * at the very start of the text: a finding on a whole model (ONNX text)
 * stays there, before the comment, wherever the first code line goes. */
static json_t *disable_line(const document *d, json_int_t line,
                            json_int_t ch, const char *rule) {
  size_t n;
  const char *eol;
  const char *text = doc_line(d, line, &n, &eol);
  if (!text || !has_code(text, n) || (line == 0 && ch == 0)) return NULL;
  size_t ind = 0;
  while (ind < n && (text[ind] == ' ' || text[ind] == '\t')) ind++;
  nnl_buf b = {0};
  nnl_buf_put(&b, text, ind);
  nnl_buf_printf(&b, "# nnlint: disable=%s%s", rule, eol);
  json_t *e = insert_edit(d, line, 0, nnl_buf_str(&b));
  nnl_buf_free(&b);
  return e;
}

/* "# nnlint: disable-file=ID" on a line of its own at the top, after a
 * `#!` line and a Python coding line (which must stay first). */
static json_t *disable_file(const document *d, const char *rule) {
  json_int_t line = 0;
  size_t n;
  const char *eol = "\n", *text;
  while (line < 2 && (text = doc_line(d, line, &n, &eol)) != NULL &&
         ((n >= 2 && text[0] == '#' && text[1] == '!') ||
          (n >= 1 && text[0] == '#' && memmem(text, n, "coding", 6))))
    line++;
  if (!doc_line(d, line, &n, &eol)) eol = "\n";
  char buf[128];
  snprintf(buf, sizeof buf, "# nnlint: disable-file=%s%s", rule, eol);
  return insert_edit(d, line, 0, buf);
}

/* The meta-rules' findings are about the comments themselves. */
static bool suppressible(const char *rule) {
  return strcmp(rule, "NN000") != 0 &&
         strcmp(rule, NNL_RULE_BAD_SUPPRESSION) != 0 &&
         strcmp(rule, NNL_RULE_UNUSED_SUPPRESSION) != 0;
}

/* Does the client's context name diagnostic dg (same code and start)?
 * An empty or absent context names every diagnostic in the range. */
static bool in_context(json_t *ctx_diags, json_t *dg) {
  if (json_array_size(ctx_diags) == 0) return true;
  json_int_t l1, c1, l2, c2, m1, n1, m2, n2;
  if (!diag_range(dg, &l1, &c1, &l2, &c2)) return false;
  const char *code = get_str(dg, "code");
  size_t i;
  json_t *c;
  json_array_foreach(ctx_diags, i, c) {
    const char *cc = get_str(c, "code");
    if (cc && code && strcmp(cc, code) == 0 &&
        diag_range(c, &m1, &n1, &m2, &n2) && m1 == l1 && n1 == c1)
      return true;
  }
  return false;
}

/* textDocument/codeAction {textDocument, range, context: {diagnostics,
 * only}}: per nnlint diagnostic in the range, the rule's fix (its text as
 * the title: fixes are advice, not edits yet) and, where the format has
 * comments, edits adding a disable comment for the line or the file. */
static json_t *code_action(server *s, json_t *params, bool *bad) {
  const char *uri = get_str(json_object_get(params, "textDocument"), "uri");
  json_int_t l1, c1, l2, c2;
  json_t *range = json_object_get(params, "range");
  if (!uri || !get_pos(json_object_get(range, "start"), &l1, &c1) ||
      !get_pos(json_object_get(range, "end"), &l2, &c2)) {
    *bad = true;
    return NULL;
  }
  json_t *out = nnl_rjson_arr();
  document *d = find_doc(s, uri, NULL);
  json_t *ctx = json_object_get(params, "context");
  json_t *only = json_object_get(ctx, "only");
  if (!d || !d->diags) return out;
  if (json_is_array(only) && json_array_size(only)) {
    bool want = false;
    size_t i;
    json_t *k;
    json_array_foreach(only, i, k) {
      const char *ks = json_string_value(k);
      if (ks && (strcmp(ks, "quickfix") == 0 || strcmp(ks, "") == 0))
        want = true;
    }
    if (!want) return out;
  }
  json_t *ctx_diags = json_object_get(ctx, "diagnostics");
  size_t i;
  json_t *dg;
  json_array_foreach(d->diags, i, dg) {
    json_int_t a1, b1, a2, b2;
    if (!diag_range(dg, &a1, &b1, &a2, &b2)) continue;
    /* the ranges touch */
    if (pos_cmp(a2, b2, l1, c1) < 0 || pos_cmp(l2, c2, a1, b1) < 0) continue;
    if (!in_context(ctx_diags, dg)) continue;
    const char *rule = get_str(dg, "code");
    if (!rule) continue;
    const char *fix = get_str(json_object_get(dg, "data"), "fix");
    char title[600];
    if (fix && *fix) {
      snprintf(title, sizeof title, "%s fix: %s", rule, fix);
      nnl_rjson_push(out, action(title, dg, NULL));
    }
    if (!d->comments || !suppressible(rule)) continue;
    json_t *e = disable_line(d, a1, b1, rule);
    if (e) {
      snprintf(title, sizeof title,
               "Disable %s on this line (# nnlint: disable=%s)", rule, rule);
      nnl_rjson_push(out, action(title, dg, e));
    }
    snprintf(title, sizeof title,
             "Disable %s in this file (# nnlint: disable-file=%s)", rule,
             rule);
    nnl_rjson_push(out, action(title, dg, disable_file(d, rule)));
  }
  return out;
}

/* `nnlint --explain ID` as Markdown: the first line a heading, the
 * parameters a list, each example a fenced block, the rest as it is (the
 * explanation is Markdown already). */
static void explain_markdown(const nnl_rule *r, nnl_buf *md) {
  char *buf = NULL;
  size_t blen = 0;
  FILE *m = open_memstream(&buf, &blen);
  if (!m) nnl_oom();
  nnl_rule_explain(r, m);
  if (fclose(m) != 0) nnl_oom();
  enum { BODY, PARAMS, EXAMPLE } st = BODY;
  bool first = true;
  size_t blanks = 0; /* blank lines held back inside an example */
  for (char *line = buf; line && *line;) {
    char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    if (st == EXAMPLE) {
      if (n == 0) {
        blanks++;
        goto next;
      }
      if (n >= 4 && memcmp(line, "    ", 4) == 0) {
        for (; blanks; blanks--) nnl_buf_putc(md, '\n');
        nnl_buf_put(md, line + 4, n - 4);
        nnl_buf_putc(md, '\n');
        goto next;
      }
      nnl_buf_puts(md, "```\n\n");
      st = BODY;
      blanks = 0;
    }
    if (st == PARAMS) {
      if (n > 2 && line[0] == ' ' && line[1] == ' ') {
        const char *colon = memchr(line + 2, ':', n - 2);
        size_t k = colon ? (size_t)(colon - line) : n;
        nnl_buf_puts(md, "- `");
        nnl_buf_put(md, line + 2, k - 2);
        nnl_buf_puts(md, "`");
        nnl_buf_put(md, line + k, n - k);
        nnl_buf_putc(md, '\n');
        goto next;
      }
      st = BODY;
    }
    if (first) {
      nnl_buf_puts(md, "### ");
      nnl_buf_put(md, line, n);
      nnl_buf_putc(md, '\n');
      first = false;
    } else if (n == 11 && memcmp(line, "parameters:", 11) == 0) {
      nnl_buf_puts(md, "**parameters:**\n\n");
      st = PARAMS;
    } else if (n > 5 && memcmp(line, "fix: ", 5) == 0) {
      nnl_buf_puts(md, "**fix:** ");
      nnl_buf_put(md, line + 5, n - 5);
      nnl_buf_putc(md, '\n');
    } else if ((n > 12 && memcmp(line, "bad example ", 12) == 0) ||
               (n > 13 && memcmp(line, "good example ", 13) == 0)) {
      const char *lang = "yaml", *paren = memchr(line, '(', n);
      char lb[32];
      if (paren) {
        const char *close = memchr(paren, ')', n - (size_t)(paren - line));
        size_t k = close ? (size_t)(close - paren - 1) : 0;
        if (k >= sizeof lb) k = sizeof lb - 1;
        memcpy(lb, paren + 1, k);
        lb[k] = 0;
        lang = strcmp(lb, "py") == 0 || strcmp(lb, "python") == 0 ? "python"
               : strcmp(lb, "json") == 0                           ? "json"
                                                                   : "text";
      }
      nnl_buf_puts(md, "**");
      nnl_buf_put(md, line, n);
      nnl_buf_printf(md, "**\n\n```%s\n", lang);
      st = EXAMPLE;
    } else if ((n > 9 && memcmp(line, "mistake: ", 9) == 0) ||
               (n > 8 && memcmp(line, "source: ", 8) == 0)) {
      nnl_buf_puts(md, "*");
      nnl_buf_put(md, line, n);
      nnl_buf_puts(md, "*\n");
    } else {
      nnl_buf_put(md, line, n);
      nnl_buf_putc(md, '\n');
    }
  next:
    line = nl ? nl + 1 : NULL;
  }
  if (st == EXAMPLE) nnl_buf_puts(md, "```\n");
  free(buf);
}

/* textDocument/hover {textDocument, position}: the explanation of the
 * rule of each diagnostic whose range holds the position. */
static json_t *hover(server *s, json_t *params, bool *bad) {
  const char *uri = get_str(json_object_get(params, "textDocument"), "uri");
  json_int_t line, ch;
  if (!uri || !get_pos(json_object_get(params, "position"), &line, &ch)) {
    *bad = true;
    return NULL;
  }
  document *d = find_doc(s, uri, NULL);
  if (!d || !d->diags) return NULL;
  profile *p = profile_for(s, d);
  nnl_buf md = {0};
  json_t *range = NULL;
  NNL_ARRAY(const char *) shown = {0};
  size_t i;
  json_t *dg;
  json_array_foreach(d->diags, i, dg) {
    json_int_t a1, b1, a2, b2;
    if (!diag_range(dg, &a1, &b1, &a2, &b2) ||
        pos_cmp(line, ch, a1, b1) < 0 || pos_cmp(line, ch, a2, b2) > 0)
      continue;
    const char *rule = get_str(dg, "code");
    if (!rule) continue;
    bool dup = false;
    for (uint32_t k = 0; k < shown.len; k++)
      if (strcmp(shown.items[k], rule) == 0) dup = true;
    if (dup) continue;
    nnl_array_push(&shown, rule);
    if (md.len) nnl_buf_puts(&md, "\n---\n\n");
    const nnl_rule *r = nnl_ruleset_find(p->rs, rule);
    if (r) {
      explain_markdown(r, &md);
    } else { /* NN000: the text is not a model nnlint can read */
      nnl_buf_printf(&md, "### %s\n\n%s\n", rule,
                     get_str(dg, "message") ? get_str(dg, "message") : "");
    }
    const char *href =
        get_str(json_object_get(dg, "codeDescription"), "href");
    if (href) nnl_buf_printf(&md, "\n[%s in the rules reference](%s)\n", rule, href);
    if (!range) range = json_object_get(dg, "range");
  }
  nnl_array_free(&shown);
  if (!md.len) return NULL;
  json_t *c = nnl_rjson_obj();
  nnl_rjson_set(c, "kind", jstr("markdown"));
  nnl_rjson_set(c, "value", jstr(nnl_buf_str(&md)));
  nnl_buf_free(&md);
  json_t *h = nnl_rjson_obj();
  nnl_rjson_set(h, "contents", c);
  if (range) nnl_rjson_set(h, "range", json_deep_copy(range));
  return h;
}

/* ---- dispatch ---- */

/* Handle one message.  Returns -1 to go on, or the exit status after an
 * `exit` notification. */
static int handle(server *s, json_t *msg) {
  if (!json_is_object(msg)) {
    respond_error(s, NULL, ERR_INVALID_REQUEST,
                  "a message must be a JSON object");
    return -1;
  }
  json_t *id = json_object_get(msg, "id");
  json_t *m = json_object_get(msg, "method");
  json_t *params = json_object_get(msg, "params");
  bool has_id = id != NULL;
  if (has_id && !json_is_integer(id) && !json_is_string(id) &&
      !json_is_null(id)) {
    respond_error(s, NULL, ERR_INVALID_REQUEST,
                  "the id must be a number or a string");
    return -1;
  }
  if (!m) {
    /* a response to one of our requests (registerCapability): nothing to do */
    if (has_id && (json_object_get(msg, "result") || json_object_get(msg, "error")))
      return -1;
    respond_error(s, id, ERR_INVALID_REQUEST, "a message without a method");
    return -1;
  }
  const char *method = json_string_value(m);
  if (!method) {
    respond_error(s, id, ERR_INVALID_REQUEST, "the method must be a string");
    return -1;
  }
  if (!has_id) { /* a notification: never answered */
    if (strcmp(method, "exit") == 0) return s->shutdown ? 0 : 1;
    if (!s->initialized) return -1;
    if (strcmp(method, "initialized") == 0) register_watchers(s);
    else if (strcmp(method, "textDocument/didOpen") == 0) did_open(s, params);
    else if (strcmp(method, "textDocument/didChange") == 0) did_change(s, params);
    else if (strcmp(method, "textDocument/didSave") == 0) did_save(s, params);
    else if (strcmp(method, "textDocument/didClose") == 0) did_close(s, params);
    else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0)
      did_change_watched(s, params);
    /* anything else ($/cancelRequest, $/setTrace, ...): ignored */
    return -1;
  }
  if (strcmp(method, "initialize") == 0) {
    if (s->initialized) {
      respond_error(s, id, ERR_INVALID_REQUEST, "initialize was already sent");
      return -1;
    }
    json_t *r = initialize(s, params);
    s->initialized = true;
    respond(s, id, r);
    return -1;
  }
  if (!s->initialized) {
    respond_error(s, id, ERR_SERVER_NOT_INITIALIZED,
                  "the server is not initialized");
    return -1;
  }
  if (s->shutdown) {
    respond_error(s, id, ERR_INVALID_REQUEST,
                  "the server is shut down: only exit is accepted");
    return -1;
  }
  bool bad = false;
  json_t *result;
  if (strcmp(method, "shutdown") == 0) {
    s->shutdown = true;
    result = NULL;
  } else if (strcmp(method, "textDocument/codeAction") == 0) {
    result = code_action(s, params, &bad);
  } else if (strcmp(method, "textDocument/hover") == 0) {
    result = hover(s, params, &bad);
  } else {
    respond_error(s, id, ERR_METHOD_NOT_FOUND, "unknown method %.200s", method);
    return -1;
  }
  if (bad) respond_error(s, id, ERR_INVALID_PARAMS, "bad params for %s", method);
  else respond(s, id, result);
  return -1;
}

/* ---- the differential self-check ----
 * `nnlint lsp --self-check [--edits N] [--seed S] FILE...`, for the test
 * suite (tests/suite_lsp_server.sh), not listed in the usage.  Per FILE,
 * it opens the text as the server does and applies N random edits (the
 * kinds an editor sends while someone types: characters typed and
 * deleted, half-finished keys, lines deleted and duplicated, new layers,
 * broken YAML and the edit undone, anchors, tags, block scalars, document
 * markers, suppression comments, CR LF, non-ASCII and astral characters,
 * edits in the last layer, and in the other top-level sections: about
 * 30% land before `layers:` or after the list, in `training:`, `inputs:`
 * and the rest).  Each edit reaches the
 * document as the server gets it: a range in UTF-16 positions computed
 * here (applied by apply_change and checked against the byte splice), two
 * ranges in one change, or the whole text.  After each, the diagnostics of
 * the server's lint (incremental where it can be) must equal those of a
 * lint of the whole text, byte for byte.  Prints per file the edits, how
 * many were linted incrementally and the mismatches; exit 1 on any. */

static uint64_t rnd(uint64_t *st) { /* xorshift64* */
  uint64_t x = *st;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *st = x;
  return x * UINT64_C(2685821657736338717);
}

static size_t below(uint64_t *st, size_t n) {
  return n ? (size_t)(rnd(st) % n) : 0;
}

/* i moved back to the start of a character (and off the LF of a CR LF:
 * LSP positions never point between the two). */
static size_t char_start(const char *t, size_t len, size_t i) {
  if (i > len) i = len;
  while (i > 0 && i < len && ((unsigned char)t[i] & 0xC0) == 0x80) i--;
  if (i > 0 && i < len && t[i] == '\n' && t[i - 1] == '\r') i--;
  return i;
}

/* The LSP position of byte off of t: counted here, apart from offset_of. */
static json_t *lsp_position(const char *t, size_t off) {
  json_int_t line = 0;
  size_t ls = 0;
  for (size_t i = 0; i < off; i++)
    if (t[i] == '\n') line++, ls = i + 1;
  json_int_t units = 0;
  for (size_t i = ls; i < off;) {
    size_t k = nnl_utf8_seq((const unsigned char *)t + i, off - i);
    units += k == 4 ? 2 : 1;
    i += k ? k : 1;
  }
  return position(line, units);
}

/* Where the `layers:` list starting at lay ends in t: at the first later
 * line starting at column 0 with something other than an item or a
 * comment (the next top-level key), or at len. */
static size_t list_end(const char *t, size_t len, const char *lay) {
  size_t l0 = (size_t)(lay - t);
  for (const char *q = memchr(lay, '\n', len - l0);
       q && (size_t)(q - t) + 1 < len;
       q = memchr(q + 1, '\n', len - (size_t)(q - t) - 1)) {
    char c = q[1];
    if (c != ' ' && c != '-' && c != '#' && c != '\n' && c != '\r')
      return (size_t)(q - t) + 1;
  }
  return len;
}

/* Does byte at of t lie in a top-level section other than `layers:`? */
static bool outside_layers(const char *t, size_t len, size_t at) {
  const char *lay = memmem(t, len, "layers:", 7);
  return lay && (at < (size_t)(lay - t) || at >= list_end(t, len, lay));
}

/* One random edit of t: replace bytes [*a, *b) by *ins (static text or
 * *own, which the caller frees). */
static void random_edit(uint64_t *st, const char *t, size_t len, size_t *a,
                        size_t *b, const char **ins, char **own) {
  static const char *const bits[] = {
      "x", "1", "0", "9", " ", ",", ":", "{", "}", "[", "]", "\"", "'", "#",
      "-", "\n", "  ", "    ", ", un", ", units", ", units: 3",
      ", activation: softmax", ", activation: relu", "relu", "softmax",
      "sigmoid", "Dense", "Dropout", "Conv2D", ", rate: 1.5", ", rate: 0.5",
      "\n  - {type: Dense, units: 4}", "\n  - {type: Dropout, rate: 0.5}",
      "\n    units: 12", "\n  - type: Dense\n    units: 2\n    activation: sigmoid",
      "\n  -", "\n  - ", "\n- ", "\n   - {type: ReLU}", "\u00e9", "\u65e5\u672c",
      "\U0001F600", "\t", "&a ", "*a", "!!str ", "|\n      text\n", ">-\n  x\n",
      "---\n", "...\n", "%YAML 1.1\n", "  # nnlint: disable=NN007",
      "# nnlint: disable-file=NN002\n", "\n# a comment\n", "name: x\n",
      "repeat: 3", ", repeat: 2", ", repeat: 0", ", inputs: [d1]", ", name: d1",
      ", name: d2", "\r\n", "\r", "\"x\ny\"", "{type: Dense,\n    units: 3}",
      "<<: {units: 5}", ", kernel_initializer: zeros", ", units: -8",
      "layers:", "training: {optimizer: sgd}", "\u2028", "\xc2\x85",
      "learning_rate: 0.01", "\n  epochs: 3", "\n  batch_size: 0", "adam",
      "0.9", "\n  - {name: y, shape: [4]}", ", momentum: 1.5",
      "\n  loss: categorical_crossentropy", "\n  optimizer:\n    type: Adam",
      "\nclasses: 3\n", "\n  dataset_size: 100",
  };
  size_t nb = sizeof bits / sizeof *bits;
  const char *lay = memmem(t, len, "layers:", 7);
  size_t pick = below(st, 10), from = lay && pick < 5 ? (size_t)(lay - t) : 0;
  size_t at = char_start(t, len, from + below(st, len - from + 1));
  if (lay && pick >= 5 && pick < 8) {
    /* in another top-level section: before `layers:`, or after the list */
    size_t l0 = (size_t)(lay - t), e0 = list_end(t, len, lay);
    size_t span = l0 + (len - e0);
    size_t r = below(st, span + 1);
    at = char_start(t, len, r < l0 ? r : e0 + (r - l0));
  }
  *own = NULL;
  *ins = "";
  *a = *b = at;
  switch (below(st, 7)) {
  case 0: /* type a piece */
  case 1:
    *ins = bits[below(st, nb)];
    break;
  case 2: /* delete a few characters */
    *b = char_start(t, len, at + 1 + below(st, 12));
    if (*b < *a) *b = *a;
    break;
  case 3: /* replace a few characters */
    *b = char_start(t, len, at + 1 + below(st, 6));
    if (*b < *a) *b = *a;
    *ins = bits[below(st, nb)];
    break;
  case 4: { /* delete the line */
    size_t s0 = at, e0 = at;
    while (s0 > 0 && t[s0 - 1] != '\n') s0--;
    while (e0 < len && t[e0] != '\n') e0++;
    *a = s0;
    *b = e0 < len ? e0 + 1 : e0;
    break;
  }
  case 5: { /* duplicate the line */
    size_t s0 = at, e0 = at;
    while (s0 > 0 && t[s0 - 1] != '\n') s0--;
    while (e0 < len && t[e0] != '\n') e0++;
    if (e0 < len) e0++;
    *own = nnl_xmalloc(e0 - s0 + 1);
    memcpy(*own, t + s0, e0 - s0);
    (*own)[e0 - s0] = 0;
    *ins = *own;
    *a = *b = s0;
    break;
  }
  default: { /* in the last layer: before the text after `layers:` ends */
    const char *tr = memmem(t, len, "\ntraining:", 10);
    size_t e0 = tr ? (size_t)(tr - t) : len;
    size_t s0 = e0;
    while (s0 > 0 && t[s0 - 1] != '\n') s0--;
    if (s0 > 0) s0--;
    while (s0 > 0 && t[s0 - 1] != '\n') s0--;
    *a = *b = char_start(t, len, s0 + below(st, e0 - s0 + 1));
    *ins = bits[below(st, nb)];
  }
  }
}

/* The edit that turns t back into prev (undo): bytes [*a, *b) of t by
 * *own, cut at character boundaries. */
static void undo_edit(const char *t, size_t tl, const char *prev, size_t pl,
                      size_t *a, size_t *b, char **own) {
  size_t least = tl < pl ? tl : pl, pre = 0, suf = 0;
  while (pre < least && t[pre] == prev[pre]) pre++;
  while (suf < least - pre && t[tl - 1 - suf] == prev[pl - 1 - suf]) suf++;
  pre = char_start(t, tl, pre);
  /* the common suffix starts at a character, not between CR and LF */
  while (suf > 0 && ((((unsigned char)t[tl - suf]) & 0xC0) == 0x80 ||
                     (t[tl - suf] == '\n' && tl - suf > 0 &&
                      t[tl - suf - 1] == '\r')))
    suf--;
  if (pre > tl - suf) pre = tl - suf;
  *a = pre;
  *b = tl - suf;
  size_t n = pl - suf - pre;
  *own = nnl_xmalloc(n + 1);
  memcpy(*own, prev + pre, n);
  (*own)[n] = 0;
}

/* A TextDocumentContentChangeEvent replacing bytes [a, b) of t by ins;
 * range false: the whole new text. */
static json_t *change_event(const char *t, size_t len, size_t a, size_t b,
                            const char *ins, bool range) {
  json_t *ch = nnl_rjson_obj();
  if (range) {
    json_t *r = nnl_rjson_obj();
    nnl_rjson_set(r, "start", lsp_position(t, a));
    nnl_rjson_set(r, "end", lsp_position(t, b));
    nnl_rjson_set(ch, "range", r);
    json_t *v = json_string(ins); /* the pieces are valid UTF-8 */
    if (!v) nnl_oom();
    nnl_rjson_set(ch, "text", v);
    return ch;
  }
  size_t n = strlen(ins), tn = len - (b - a) + n;
  char *x = nnl_xmalloc(tn + 1);
  memcpy(x, t, a);
  memcpy(x + a, ins, n);
  memcpy(x + a + n, t + b, len - b);
  json_t *v = json_stringn_nocheck(x, tn);
  free(x);
  if (!v) nnl_oom();
  nnl_rjson_set(ch, "text", v);
  return ch;
}

/* The diagnostics of d as the server lints it, and of a whole-text lint,
 * as compact JSON (both heap). */
static void lint_both(server *s, document *d, char **inc, char **full) {
  lint(s, d);
  *inc = json_dumps(d->diags, JSON_COMPACT);
  s->no_cache = true;
  lint(s, d);
  s->no_cache = false;
  *full = json_dumps(d->diags, JSON_COMPACT);
  if (!*inc || !*full) nnl_oom();
}

static int self_check(int argc, char **argv) {
  unsigned long edits = 200, seed = 1;
  int i = 1, status = 0;
  bool verbose = false;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--self-check") == 0) continue;
    if (strcmp(argv[i], "--verbose") == 0) {
      verbose = true;
      continue;
    }
    if (i + 1 < argc && strcmp(argv[i], "--edits") == 0) edits = strtoul(argv[++i], NULL, 10);
    else if (i + 1 < argc && strcmp(argv[i], "--seed") == 0) seed = strtoul(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "nnlint lsp --self-check: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  FILE *devnull = fopen("/dev/null", "w");
  if (!devnull) return 2;
  server s = {.out = devnull};
  s.cx.fail_on = NNL_SEV_WARNING;
  s.cx.log = stderr;
  unsigned long total = 0, total_inc = 0, total_bad = 0;
  for (; i < argc; i++) {
    char *src;
    size_t len;
    if (nnl_read_file(argv[i], &src, &len, NNL_MAX_FILE_SIZE) != 0) {
      fprintf(stderr, "nnlint lsp --self-check: cannot read %s\n", argv[i]);
      status = 2;
      continue;
    }
    document *d = nnl_xcalloc(1, sizeof *d);
    d->path = nnl_xstrdup(argv[i]);
    d->uri = nnl_xstrdup(argv[i]);
    d->name = nnl_xstrdup(argv[i]);
    /* an editor's text is valid UTF-8 (the JSON reader checks it) */
    size_t clen;
    char *clean = nnl_utf8_clean(src, len, false, &clen);
    d->text = json_stringn_nocheck(clean, clen);
    if (!d->text) nnl_oom();
    json_t *orig = json_incref(d->text);
    free(clean);
    free(src);
    uint64_t st = seed * UINT64_C(0x9E3779B97F4A7C15) + 1;
    unsigned long n_inc = 0, n_bad = 0, n_out = 0, n_out_inc = 0;
    char *inc, *full, *prev = NULL;
    size_t prev_len = 0;
    bool broken = false; /* the last text got NN000 */
    lint_both(&s, d, &inc, &full);
    free(inc);
    free(full);
    for (unsigned long e = 0; e < edits; e++) {
      size_t tl;
      const char *t = doc_text(d, &tl);
      if (tl > 3 * json_string_length(orig) + 4096) { /* start over */
        json_decref(d->text);
        d->text = json_incref(orig);
        t = doc_text(d, &tl);
      }
      size_t a, b, a2 = 0, b2 = 0;
      const char *ins, *ins2 = NULL;
      char *own, *own2 = NULL;
      if (prev && (broken ? below(&st, 4) < 3 : below(&st, 10) == 0)) {
        /* back to the last good text: the fix after a broken text */
        undo_edit(t, tl, prev, prev_len, &a, &b, &own);
        ins = own;
      } else {
        random_edit(&st, t, tl, &a, &b, &ins, &own);
      }
      if (!broken) { /* the last good text, to go back to */
        free(prev);
        prev = nnl_xmalloc(tl + 1);
        memcpy(prev, t, tl);
        prev_len = tl;
      }
      bool out = outside_layers(t, tl, a);
      unsigned how = (unsigned)below(&st, 10); /* 0-2 whole, 3 two ranges */
      /* the text the edits make, byte by byte */
      nnl_buf want = {0};
      nnl_buf_put(&want, t, a);
      nnl_buf_puts(&want, ins);
      nnl_buf_put(&want, t + b, tl - b);
      json_t *changes = nnl_rjson_arr();
      nnl_rjson_push(changes, change_event(t, tl, a, b, ins, how > 2));
      if (how == 3) { /* a second range, on the text after the first */
        nnl_buf_str(&want);
        random_edit(&st, want.s, want.len, &a2, &b2, &ins2, &own2);
        nnl_rjson_push(changes, change_event(want.s, want.len, a2, b2, ins2, true));
        nnl_buf next = {0};
        nnl_buf_put(&next, want.s, a2);
        nnl_buf_puts(&next, ins2);
        nnl_buf_put(&next, want.s + b2, want.len - b2);
        nnl_buf_free(&want);
        want = next;
      }
      size_t k;
      json_t *ch;
      json_array_foreach(changes, k, ch) apply_change(d, ch);
      json_decref(changes);
      const char *got = doc_text(d, &tl);
      nnl_buf_str(&want);
      if (tl != want.len || memcmp(got, want.s, tl) != 0) {
        fprintf(stderr, "%s: edit %lu: the ranged change made another text than "
                "the edit (UTF-16 positions)\n", argv[i], e + 1);
        n_bad++;
        json_decref(d->text);
        d->text = json_stringn_nocheck(want.s, want.len);
      }
      nnl_buf_free(&want);
      lint_both(&s, d, &inc, &full);
      const char *why = NULL;
      bool was_inc = d->yaml && nnl_yaml_cache_last(d->yaml, &why);
      if (was_inc) n_inc++;
      if (out) n_out++, n_out_inc += was_inc;
      /* a text to go back from: broken, or one the cache cannot use */
      broken = strstr(full, "\"NN000\"") != NULL ||
               (d->yaml && !nnl_yaml_cache_ready(d->yaml));
      if (verbose)
        fprintf(stderr, "%s: edit %lu: [%zu, %zu) '%s'%s: %s\n", argv[i], e + 1,
                a, b, ins, how < 3 ? " (whole text)" : how == 3 ? " (+1)" : "",
                was_inc ? "incremental" : why ? why : "full");
      if (strcmp(inc, full) != 0) {
        if (n_bad < 3) {
          const char *txt = doc_text(d, &tl);
          fprintf(stderr, "%s: edit %lu (%s): diagnostics differ\n"
                  "incremental: %s\nwhole text:  %s\ntext:\n%.*s\n",
                  argv[i], e + 1, was_inc ? "incremental" : why ? why : "full",
                  inc, full, (int)(tl < 4000 ? tl : 4000), txt);
        }
        n_bad++;
      }
      free(inc);
      free(full);
      free(own);
      free(own2);
    }
    free(prev);
    printf("%s: %lu edits, %lu incremental, %lu mismatches\n", argv[i], edits,
           n_inc, n_bad);
    printf("%s: %lu of the %lu edits outside `layers:` incremental\n", argv[i],
           n_out_inc, n_out);
    total += edits;
    total_inc += n_inc;
    total_bad += n_bad;
    json_decref(orig);
    doc_free(d);
  }
  printf("self-check: %lu edits, %lu incremental, %lu mismatches\n", total,
         total_inc, total_bad);
  drop_profiles(&s);
  nnl_array_free(&s.profiles);
  fclose(devnull);
  if (total_bad) status = 1;
  return status;
}

static const char lsp_usage[] =
    "usage: nnlint lsp [--stdio]\n"
    "\n"
    "A Language Server Protocol server on standard input and output:\n"
    "diagnostics on open, change and save, quick fixes, and hover\n"
    "explanations.  See docs/editors.md for editor setups.\n";

int nnl_lsp_server_main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "--self-check") == 0)
    return self_check(argc, argv);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--stdio") == 0) continue;
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      fputs(lsp_usage, stdout);
      return 0;
    }
    fprintf(stderr, "nnlint: error: lsp: unknown argument '%s'\n%s", argv[i],
            lsp_usage);
    return 2;
  }
  /* the protocol gets the real standard output to itself */
  int fd = dup(STDOUT_FILENO);
  FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!out || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    fprintf(stderr, "nnlint: error: lsp: cannot set up the output: %s\n",
            strerror(errno));
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* a closed client shows as a write error */
#ifdef __GLIBC__
  /* Every lint allocates and frees the same few MiB (the document, its
   * arena, the IR's arrays).  Keep freed memory for the next change
   * instead of handing it back to the kernel and faulting it in again:
   * blocks up to 32 MiB come from the heap, and up to 64 MiB of free heap
   * is kept. */
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
  /* standard input through read(2), not stdio (nothing may have read it) */
  static reader rd; /* 64 KiB: not on the stack */
  rd.fd = fileno(stdin);
  rd.pos = rd.len = 0;
  rd.eof = false;
  server s = {.out = out};
  s.cx.fail_on = NNL_SEV_WARNING;
  s.cx.log = stderr;
  int status = 1; /* the end of input without shutdown and exit */
  for (;;) {
    size_t len = 0;
    const char *why = NULL;
    int h = read_headers(&rd, &len, &why);
    if (h == -1) {
      if (s.shutdown) status = 0;
      break;
    }
    if (h == -2) {
      respond_error(&s, NULL, ERR_PARSE, "%s", why);
      continue;
    }
    if (len > MAX_MESSAGE) {
      respond_error(&s, NULL, ERR_PARSE,
                    "message of %zu bytes is over the limit of %zu: skipped",
                    len, MAX_MESSAGE);
      if (!read_body(&rd, NULL, len)) break;
      continue;
    }
    char *body = nnl_xmalloc(len ? len : 1);
    if (!read_body(&rd, body, len)) {
      free(body);
      logf_("the input ended inside a message");
      break;
    }
    const char *why_json = NULL;
    size_t at = 0;
    /* a text may hold NUL characters (\u0000): kept, with lengths */
    json_t *msg = decode_message(body, len, &why_json, &at);
    free(body);
    if (!msg) {
      respond_error(&s, NULL, ERR_PARSE, "parse error at byte %zu: %s", at,
                    why_json);
      continue;
    }
    int st = handle(&s, msg);
    json_decref(msg);
    if (st >= 0) {
      status = st;
      break;
    }
  }
  for (uint32_t i = 0; i < s.docs.len; i++)
    doc_free(s.docs.items[i]);
  nnl_array_free(&s.docs);
  drop_profiles(&s);
  nnl_array_free(&s.profiles);
  fclose(out);
  return status;
}
