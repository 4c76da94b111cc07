/*
 * ts_parse.c - the baseline of bench/keras_py.sh: read a file and parse it
 * with tree-sitter-python (ts_parser_parse_string), nothing else.  The
 * cheapest thing the Keras Python front end must do with the same bytes.
 *
 *   ts_parse FILE   ->  prints the number of nodes under the root's first
 *                       level (so the parse cannot be optimized away)
 */
#include <stdio.h>
#include <stdlib.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: ts_parse FILE\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  size_t cap = 1 << 20, len = 0, n;
  char *buf = malloc(cap);
  while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  if (!buf) return 2;
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, tree_sitter_python());
  TSTree *t = ts_parser_parse_string(p, NULL, buf, (uint32_t)len);
  if (!t) return 2;
  TSNode root = ts_tree_root_node(t);
  printf("%u %d\n", ts_node_named_child_count(root), ts_node_has_error(root));
  ts_tree_delete(t);
  ts_parser_delete(p);
  free(buf);
  return 0;
}
