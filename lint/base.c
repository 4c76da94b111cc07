/*
 * base.c - out-of-memory path, arena, arrays, string builder, names, files.
 * Everything above this file allocates through it.
 */
#include "base.h"

#include <ctype.h>
#include <errno.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void nnl_oom(void) {
  fputs("nnlint: out of memory\n", stderr);
  exit(2);
}

void *nnl_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) nnl_oom();
  return p;
}

void *nnl_xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) nnl_oom();
  return p;
}

void *nnl_xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) nnl_oom();
  return p;
}

char *nnl_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(nnl_xmalloc(n), s, n);
}

/* ---- Arena ---- */
struct nnl_arena_block {
  nnl_arena_block *next;
  size_t size;
  _Alignas(16) unsigned char data[];
};

/* Blocks of 64 KiB; once a document's arena holds 1 MiB, blocks of 2 MiB
 * on huge pages (nnl_huge_alloc). */
/* HUGE_PAGE: the transparent huge page size of x86-64 and of arm64 with
 * 4 KiB pages (elsewhere nnl_huge_alloc's advice is a hint that may not
 * apply). */
enum { HUGE_PAGE = 2 << 20 };
enum { ARENA_BLOCK = 64 * 1024, ARENA_HUGE_FROM = 1 << 20, ARENA_HUGE = HUGE_PAGE };

void nnl_arena_init(nnl_arena *a) { memset(a, 0, sizeof *a); }

void nnl_arena_free(nnl_arena *a) {
  nnl_arena_block *b = a->head;
  while (b) {
    nnl_arena_block *next = b->next;
    free(b);
    b = next;
  }
  memset(a, 0, sizeof *a);
}

void *nnl_arena_alloc_slow(nnl_arena *a, size_t n) {
  if (n > SIZE_MAX - 32) nnl_oom();
  n = (n + 15) & ~(size_t)15;
  if (!a->head || n > a->room) {
    size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
    nnl_arena_block *b;
    if (size == ARENA_BLOCK && (a->big || a->total >= ARENA_HUGE_FROM)) {
      /* a big document: blocks of one huge page, one fault each */
      size = ARENA_HUGE - sizeof *b;
      b = nnl_huge_alloc(ARENA_HUGE);
    } else {
      b = nnl_xmalloc(sizeof *b + size);
    }
    b->size = size;
    if (a->head && n > ARENA_BLOCK / 4) {
      /* A big block goes behind the head, so the head's free room stays. */
      b->next = a->head->next;
      a->head->next = b;
      a->total += n;
      return memset(b->data, 0, n);
    }
    b->next = a->head;
    a->head = b;
    a->next = b->data;
    a->room = size;
  }
  void *p = a->next;
  a->next += n;
  a->room -= n;
  a->total += n;
  return memset(p, 0, n);
}

void nnl_arena_expect(nnl_arena *a, size_t bytes) {
  if (bytes >= ARENA_HUGE_FROM) a->big = true;
}

void *nnl_arena_realloc(nnl_arena *a, void *p, size_t old_n, size_t n) {
  if (!p) return nnl_arena_alloc(a, n);
  if (n <= old_n) return p;
  if (n > SIZE_MAX - 32) nnl_oom();
  size_t rn = (n + 15) & ~(size_t)15;
  /* p has a block of its own when it was big: find that block (never the
   * head, whose free room serves small allocations) and resize it, which
   * for large blocks is a remap, not a copy */
  nnl_arena_block **link = a->head ? &a->head->next : NULL;
  for (; link && *link; link = &(*link)->next) {
    nnl_arena_block *b = *link;
    if (b->data != (unsigned char *)p) continue;
    if (old_n <= ARENA_BLOCK / 4 || b->size != ((old_n + 15) & ~(size_t)15))
      break; /* a shared block: p is only its first allocation */
    nnl_arena_block *nb = nnl_xrealloc(b, sizeof *nb + rn);
    a->total += rn - nb->size;
    nb->size = rn;
    *link = nb;
    return nb->data;
  }
  void *q = nnl_arena_alloc(a, n);
  memcpy(q, p, old_n);
  return q;
}

char *nnl_arena_strndup(nnl_arena *a, const char *s, size_t n) {
  char *p = nnl_arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *nnl_arena_strdup(nnl_arena *a, const char *s) {
  return nnl_arena_strndup(a, s, strlen(s));
}

char *nnl_arena_vprintf(nnl_arena *a, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *p = nnl_arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *nnl_arena_printf(nnl_arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = nnl_arena_vprintf(a, fmt, ap);
  va_end(ap);
  return p;
}

/* ---- Arrays ---- */
void nnl_array__grow(void **items, uint32_t *cap, uint32_t need, size_t elem) {
  if (need <= *cap) return;
  uint64_t ncap = *cap ? (uint64_t)*cap * 2 : 8;
  while (ncap < need) ncap *= 2;
  if (ncap > UINT32_MAX || ncap * elem > SIZE_MAX / 2) nnl_oom();
  *items = nnl_xrealloc(*items, (size_t)ncap * elem);
  *cap = (uint32_t)ncap;
}

/* ---- String builder ---- */
void nnl_buf_put(nnl_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) {
      if (cap > SIZE_MAX / 2) nnl_oom();
      cap *= 2;
    }
    b->s = nnl_xrealloc(b->s, cap);
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void nnl_buf_puts(nnl_buf *b, const char *s) { nnl_buf_put(b, s, strlen(s)); }
void nnl_buf_putc(nnl_buf *b, char c) { nnl_buf_put(b, &c, 1); }

void nnl_buf_printf(nnl_buf *b, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n > 0) {
    nnl_buf_put(b, "", 0); /* make sure s exists */
    if (b->len + (size_t)n + 1 > b->cap) {
      size_t cap = b->cap;
      while (cap < b->len + (size_t)n + 1) cap *= 2;
      b->s = nnl_xrealloc(b->s, cap);
      b->cap = cap;
    }
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
  }
  va_end(ap);
}

void nnl_buf_free(nnl_buf *b) {
  free(b->s);
  memset(b, 0, sizeof *b);
}

const char *nnl_buf_str(nnl_buf *b) { return b->s ? b->s : ""; }

/* ---- Names ---- */
bool nnl_name_key(const char *name, char *out, size_t cap) {
  size_t n = 0;
  for (; *name; name++) {
    unsigned char c = (unsigned char)*name;
    if (c == '_' || c == '-') continue;
    if (n + 1 >= cap) {
      out[n] = '\0';
      return false;
    }
    out[n++] = (char)tolower(c);
  }
  out[n] = '\0';
  return true;
}

bool nnl_name_eq(const char *a, const char *b) {
  for (;;) {
    while (*a == '_' || *a == '-') a++;
    while (*b == '_' || *b == '-') b++;
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    if (!*a) return true;
    a++, b++;
  }
}

/* ---- Big arrays ---- */

/* Advise huge pages for the 2 MiB-aligned part of [p, p + n). */
static void huge_advise(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = HUGE_PAGE;
  if (!p || n < huge) return;
  uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
  uintptr_t hi = ((uintptr_t)p + n) & ~(huge - 1);
  if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

/* From 256 KiB on, one huge page costs less than the 4 KiB pages it
 * replaces: zeroing 2 MiB takes about as long as a few 4 KiB page faults
 * on a virtual machine (measured: 12 us a fault, 0.06 ms a huge page). */
enum { HUGE_FROM = 256 * 1024 };

void *nnl_huge_alloc(size_t n) {
  const size_t huge = HUGE_PAGE;
  if (n < HUGE_FROM) return nnl_xmalloc(n);
  /* whole huge pages: the tail of the block is one too */
  if (n > SIZE_MAX - huge) nnl_oom();
  n = (n + huge - 1) & ~(huge - 1);
  void *p = NULL;
  if (posix_memalign(&p, huge, n) != 0 || !p) nnl_oom();
  huge_advise(p, n);
  return p;
}

void nnl_scratch_open(nnl_scratch *s, size_t cap) {
  s->cap = cap ? cap : 16;
  s->used = 0;
  s->base = nnl_huge_alloc(s->cap);
}

void *nnl_scratch_get(nnl_scratch *s, size_t n, bool zero) {
  if (n > SIZE_MAX - 15) nnl_oom();
  n = (n + 15) & ~(size_t)15;
  if (n > s->cap - s->used) nnl_oom();
  void *p = s->base + s->used;
  s->used += n;
  return zero ? memset(p, 0, n) : p;
}

void nnl_scratch_close(nnl_scratch *s) {
  free(s->base);
  memset(s, 0, sizeof *s);
}

/* ---- Files ---- */
/* A regular file of st's size: one buffer, filled by read() straight from
 * the kernel (no stdio copy, no regrowth).  Returns 1 when fd is not a
 * regular file or changed size while read (the caller then streams it from
 * the start), 0 on success, -1 with errno set. */
static int read_regular(int fd, const struct stat *st, char **buf, size_t *len,
                        size_t max) {
  if (!S_ISREG(st->st_mode) || st->st_size < 0) return 1;
  if ((uint64_t)st->st_size > max) {
    errno = EFBIG;
    return -1;
  }
  size_t size = (size_t)st->st_size, got = 0;
  char *p = nnl_huge_alloc(size + 1); /* a big file: huge pages */
  while (got < size) {
    ssize_t r = read(fd, p + got, size - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      free(p);
      errno = EIO;
      return -1;
    }
    if (r == 0) break; /* shrank: take what is there */
    got += (size_t)r;
  }
  if (got == size) {
    /* grew since fstat: stream the rest like any other file */
    char c;
    ssize_t r = read(fd, &c, 1);
    if (r != 0) {
      free(p);
      if (lseek(fd, 0, SEEK_SET) != 0) {
        errno = EIO;
        return -1;
      }
      return 1;
    }
  }
  p[got] = '\0';
  *buf = p;
  *len = got;
  return 0;
}

int nnl_read_fd(int fd, const struct stat *st, char **buf, size_t *len,
                size_t max) {
  struct stat own;
  if (!st && fstat(fd, &own) == 0) st = &own;
  if (st) {
    int rc = read_regular(fd, st, buf, len, max);
    if (rc <= 0) return rc;
  }
  nnl_buf b = {0};
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      nnl_buf_free(&b);
      errno = EIO;
      return -1;
    }
    if (n == 0) break;
    if (b.len + (size_t)n > max) {
      nnl_buf_free(&b);
      errno = EFBIG;
      return -1;
    }
    nnl_buf_put(&b, chunk, (size_t)n);
  }
  if (!b.s) nnl_buf_put(&b, "", 0);
  *buf = b.s;
  *len = b.len;
  return 0;
}

int nnl_read_file(const char *path, char **buf, size_t *len, size_t max) {
  if (strcmp(path, "-") == 0) return nnl_read_fd(STDIN_FILENO, NULL, buf, len, max);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = nnl_read_fd(fd, NULL, buf, len, max);
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}
