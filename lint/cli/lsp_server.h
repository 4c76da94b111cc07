/*
 * lsp_server.h - `nnlint lsp`: a Language Server Protocol server on
 * standard input and output (lsp_server.c).  main.c dispatches to it.
 */
#ifndef NNL_LSP_SERVER_H
#define NNL_LSP_SERVER_H

/* Serve LSP on stdin/stdout until `exit` or the end of input.  argv[0] is
 * "lsp"; the options are --stdio (accepted, the default) and --help.
 * Returns the process exit status: 0 after shutdown + exit, 1 for an exit
 * (or end of input) without shutdown, 2 on a usage error.  With
 * argv[1] "--self-check" (for the test suite, not in the usage) it runs
 * the differential check of incremental re-linting instead: 0 when every
 * edit's diagnostics matched a whole lint, 1 when one did not. */
int nnl_lsp_server_main(int argc, char **argv);

#endif
