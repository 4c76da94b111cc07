/*
 * lsp_server.h - `nnlint lsp`: a Language Server Protocol server on
 * standard input and output (lsp_server.c).  main.c dispatches to it.
 */
#ifndef NNL_LSP_SERVER_H
#define NNL_LSP_SERVER_H

/* Serve LSP on stdin/stdout until `exit` or the end of input.  argv[0] is
 * "lsp"; the options are --stdio (accepted, the default) and --help.
 * Returns the process exit status: 0 after shutdown + exit, 1 for an exit
 * (or end of input) without shutdown, 2 on a usage error. */
int nnl_lsp_server_main(int argc, char **argv);

#endif
