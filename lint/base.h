/*
 * base.h - the few things every stage of nnlint shares: the out-of-memory
 * path, the per-document arena, one growable-array macro family, a string
 * builder, byte spans, and name normalization for table lookups.
 *
 * Ownership: an nnl_arena owns every block it hands out; nnl_arena_free
 * releases them all at once.  Arrays (NNL_ARRAY) own their items buffer and
 * are freed with nnl_array_free unless they were built in an arena.
 */
#ifndef NNL_BASE_H
#define NNL_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define NNL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NNL_NORETURN __attribute__((noreturn))
#else
#define NNL_PRINTF(f, a)
#define NNL_NORETURN
#endif

/* Out of memory: print one line and exit with status 2.  The only path. */
NNL_NORETURN void nnl_oom(void);
void *nnl_xmalloc(size_t n);
void *nnl_xcalloc(size_t count, size_t size);
void *nnl_xrealloc(void *p, size_t n);
char *nnl_xstrdup(const char *s);

/* A byte range in a source buffer: [off, off+len).  len 0 is a point. */
typedef struct nnl_span {
  uint32_t off;
  uint32_t len;
} nnl_span;
#define NNL_NOSPAN ((nnl_span){UINT32_MAX, 0})
static inline bool nnl_span_ok(nnl_span s) { return s.off != UINT32_MAX; }

/* ---- Arena: bump allocator; one per linted document. ---- */
typedef struct nnl_arena_block nnl_arena_block;
typedef struct nnl_arena {
  nnl_arena_block *head;
  unsigned char *next; /* the free room of head: next..next+room */
  size_t room;
  size_t total; /* bytes handed out, for memory bounds */
  bool big;     /* huge-page blocks from the start (nnl_arena_expect) */
} nnl_arena;

void nnl_arena_init(nnl_arena *a);
void nnl_arena_free(nnl_arena *a);
void *nnl_arena_alloc_slow(nnl_arena *a, size_t n);
/* n zeroed bytes, 16-aligned.  Inline for the common case, a small
 * allocation that fits the current block (a constant n then zeroes with a
 * few stores); the rest in base.c. */
static inline void *nnl_arena_alloc(nnl_arena *a, size_t n) {
  if (n <= 256) {
    size_t r = (n + 15) & ~(size_t)15;
    if (r <= a->room) {
      void *p = a->next;
      a->next += r;
      a->room -= r;
      a->total += r;
      return memset(p, 0, r);
    }
  }
  return nnl_arena_alloc_slow(a, n);
}
/* The arena will hold about `bytes`: from 1 MiB on, its blocks are huge
 * pages from the start instead of after its first MiB of small blocks. */
void nnl_arena_expect(nnl_arena *a, size_t bytes);
/* Grow p (old_n bytes from this arena, or NULL) to n bytes, keeping its
 * contents; bytes past old_n are not zeroed.  A big allocation (one with a
 * block of its own) is resized in place, else the bytes are copied; p is
 * invalid afterwards either way.  For arrays built in the arena. */
void *nnl_arena_realloc(nnl_arena *a, void *p, size_t old_n, size_t n);
char *nnl_arena_strndup(nnl_arena *a, const char *s, size_t n);
char *nnl_arena_strdup(nnl_arena *a, const char *s);
char *nnl_arena_printf(nnl_arena *a, const char *fmt, ...) NNL_PRINTF(2, 3);
char *nnl_arena_vprintf(nnl_arena *a, const char *fmt, va_list ap);

/* ---- Growable arrays (tree-sitter's Array(T), with overflow checks). ----
 *   NNL_ARRAY(int) xs = {0};  nnl_array_push(&xs, 3);  xs.items[0];
 *   nnl_array_free(&xs);
 */
#define NNL_ARRAY(T)                                                           \
  struct {                                                                     \
    T *items;                                                                  \
    uint32_t len;                                                              \
    uint32_t cap;                                                              \
  }

void nnl_array__grow(void **items, uint32_t *cap, uint32_t need, size_t elem);
/* The capacity test is inline: most pushes fit. */
#define nnl_array_reserve(a, n)                                                \
  ((uint32_t)(n) <= (a)->cap                                                   \
       ? (void)0                                                               \
       : nnl_array__grow((void **)&(a)->items, &(a)->cap, (n),                 \
                         sizeof *(a)->items))
#define nnl_array_push(a, v)                                                   \
  (nnl_array_reserve((a), (a)->len + 1u), (a)->items[(a)->len++] = (v))
/* Push a zeroed slot and return a pointer to it. */
#define nnl_array_grow1(a)                                                     \
  (nnl_array_reserve((a), (a)->len + 1u),                                      \
   memset(&(a)->items[(a)->len], 0, sizeof *(a)->items),                       \
   &(a)->items[(a)->len++])
#define nnl_array_last(a) (&(a)->items[(a)->len - 1])
#define nnl_array_free(a)                                                      \
  (free((a)->items), (a)->items = NULL, (a)->len = (a)->cap = 0)

/* ---- String builder ---- */
typedef struct nnl_buf {
  char *s;
  size_t len, cap;
} nnl_buf;
void nnl_buf_put(nnl_buf *b, const char *s, size_t n);
void nnl_buf_puts(nnl_buf *b, const char *s);
void nnl_buf_putc(nnl_buf *b, char c);
void nnl_buf_printf(nnl_buf *b, const char *fmt, ...) NNL_PRINTF(2, 3);
void nnl_buf_free(nnl_buf *b);
/* NUL-terminated contents ("" for an empty buffer); the buffer keeps it. */
const char *nnl_buf_str(nnl_buf *b);

/* n bytes (not zeroed) for a big array freed with free(): from 256 KiB on,
 * aligned to 2 MiB, rounded up to a multiple of it and advised
 * (madvise MADV_HUGEPAGE, where the system has it) to be backed by
 * transparent huge pages, so that big arrays cost one page
 * fault per 2 MiB instead of one per 4 KiB, and fewer TLB misses (only a
 * hint: without huge pages it is plain memory); smaller, plain
 * nnl_xmalloc.  Out of memory: nnl_oom. */
void *nnl_huge_alloc(size_t n);

/* ---- Scratch: one block for the temporary arrays of a pass over a big
 * model, sized up front.  One nnl_huge_alloc instead of an allocation per
 * array: on virtual machines a 4 KiB page fault can cost as much as
 * zeroing a hundred KiB, and a model of 60,000 layers needs megabytes of
 * per-layer scratch.
 *   nnl_scratch s;  nnl_scratch_open(&s, 4 * n + 8 * n + 2 * 16);
 *   uint32_t *a = nnl_scratch_get(&s, 4 * n, true);  ...
 *   nnl_scratch_close(&s);
 * Each nnl_scratch_get rounds up to 16 bytes: count 16 per array in the
 * size.  Asking for more than was opened is a bug: nnl_oom. */
typedef struct nnl_scratch {
  unsigned char *base;
  size_t used, cap;
} nnl_scratch;
void nnl_scratch_open(nnl_scratch *s, size_t cap);
void *nnl_scratch_get(nnl_scratch *s, size_t n, bool zero); /* 16-aligned */
void nnl_scratch_close(nnl_scratch *s);

/* ---- Names ----
 * Model vocabulary is matched without regard to case, '_' or '-':
 * "Conv2D", "conv2d", "conv_2d" all normalize to "conv2d".  Writes at most
 * cap-1 bytes plus NUL into out; returns false if the name did not fit. */
bool nnl_name_key(const char *name, char *out, size_t cap);
/* Case-, '_'- and '-'-insensitive equality, as nnl_name_key compares. */
bool nnl_name_eq(const char *a, const char *b);

/* Read a whole file.  Returns 0 and a malloc'd buffer (NUL-terminated, the
 * NUL not counted in *len), or -1 with errno set. */
int nnl_read_file(const char *path, char **buf, size_t *len, size_t max);
/* The same from an open descriptor, read from its current position; st is
 * its fstat when the caller has it (else NULL).  A regular file is read
 * in one buffer of its size, anything else streamed. */
struct stat;
int nnl_read_fd(int fd, const struct stat *st, char **buf, size_t *len,
                size_t max);

#endif
