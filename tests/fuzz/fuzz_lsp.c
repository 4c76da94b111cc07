/*
 * fuzz_lsp.c - libFuzzer target: one input as the byte stream an editor
 * sends to `nnlint lsp` (Content-Length framing, JSON-RPC messages:
 * initialize, didOpen/didChange/didSave/didClose with the document text,
 * hover, codeAction, shutdown, exit), run through the server's own reader
 * and dispatcher, nnl_lsp_server_main (lint/cli/lsp_server.c).  Every
 * document it opens goes through front end, engine and the LSP reporter.
 *
 * The server reads `stdin` and writes the protocol to a copy of descriptor
 * 1: the input is written to a file and reopened as stdin, descriptor 1 is
 * /dev/null for the call and restored after it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/lsp_server.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int null_fd = -1;
  static char path[512];
  if (null_fd < 0) {
    null_fd = open("/dev/null", O_WRONLY);
    if (null_fd < 0) abort();
    snprintf(path, sizeof path, "%s/lsp.in", fz_tmpdir());
  }
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  if (fclose(f) != 0) abort();
  if (!freopen(path, "rb", stdin)) abort();

  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  if (saved < 0 || dup2(null_fd, STDOUT_FILENO) < 0) abort();
  char arg0[] = "lsp";
  char *argv[] = {arg0, NULL};
  (void)nnl_lsp_server_main(1, argv);
  fflush(stdout);
  if (dup2(saved, STDOUT_FILENO) < 0) abort();
  close(saved);
  return 0;
}
