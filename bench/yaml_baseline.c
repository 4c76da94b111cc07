/*
 * yaml_baseline.c - the floor nnlint is measured against in `make bench`.
 *
 * For every file named on the command line (directories are walked, in
 * name order, like nnlint walks them) it reads the whole file into memory
 * and runs a bare libyaml event parse over it: yaml_parser_parse until
 * YAML_STREAM_END_EVENT, deleting each event.  No tree, no IR, no rules,
 * no output: what is left is the cost of reading and tokenizing the bytes,
 * which any YAML front end must pay.
 *
 *   yaml_baseline [-v] PATH...      exit 0; 2 if a file could not be read
 *                                   or parsed (the parse error goes to stderr)
 *
 * -v prints "files bytes events" on stdout at the end (run.sh uses it to
 * check that both sides saw the same corpus).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

enum { MAX_WALK_DEPTH = 64 };

static unsigned long n_files, n_events;
static unsigned long long n_bytes;
static int status;

/* Read all of path into a heap buffer; NULL (with a message) on failure. */
static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 16384, n = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fputs("yaml_baseline: out of memory\n", stderr);
      exit(2);
    }
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  if (ferror(f)) {
    fprintf(stderr, "%s: read error\n", path);
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Event-parse one file to the end of its stream (or its first error). */
static void parse_file(const char *path) {
  size_t len;
  unsigned char *buf = slurp(path, &len);
  if (!buf) {
    status = 2;
    return;
  }
  yaml_parser_t p;
  yaml_event_t ev;
  yaml_parser_initialize(&p);
  yaml_parser_set_input_string(&p, buf, len);
  for (;;) {
    if (!yaml_parser_parse(&p, &ev)) {
      fprintf(stderr, "%s:%lu:%lu: %s\n", path,
              (unsigned long)p.problem_mark.line + 1,
              (unsigned long)p.problem_mark.column + 1,
              p.problem ? p.problem : "parse error");
      status = 2;
      break;
    }
    n_events++;
    int done = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (done)
      break;
  }
  yaml_parser_delete(&p);
  free(buf);
  n_files++;
  n_bytes += len;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_yaml_name(const char *s) {
  size_t n = strlen(s);
  return (n > 5 && !strcmp(s + n - 5, ".yaml")) ||
         (n > 4 && !strcmp(s + n - 4, ".yml"));
}

/* A file is parsed; a directory is walked in name order (YAML files and
 * subdirectories; hidden entries skipped), up to MAX_WALK_DEPTH deep. */
static void visit(const char *path, int depth, int named) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    status = 2;
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (named || is_yaml_name(path))
      parse_file(path);
    return;
  }
  if (depth >= MAX_WALK_DEPTH)
    return;
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    status = 2;
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      names = realloc(names, cap * sizeof *names);
      if (!names) {
        fputs("yaml_baseline: out of memory\n", stderr);
        exit(2);
      }
    }
    size_t need = strlen(path) + strlen(e->d_name) + 2;
    names[n] = malloc(need);
    if (!names[n]) {
      fputs("yaml_baseline: out of memory\n", stderr);
      exit(2);
    }
    snprintf(names[n], need, "%s/%s", path, e->d_name);
    n++;
  }
  closedir(d);
  if (n)
    qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++) {
    visit(names[i], depth + 1, 0);
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  int verbose = 0, i = 1;
  if (i < argc && !strcmp(argv[i], "-v")) {
    verbose = 1;
    i++;
  }
  if (i >= argc) {
    fputs("usage: yaml_baseline [-v] PATH...\n", stderr);
    return 2;
  }
  for (; i < argc; i++)
    visit(argv[i], 0, 1);
  if (verbose)
    printf("%lu %llu %lu\n", n_files, n_bytes, n_events);
  return status;
}
