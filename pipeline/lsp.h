/*
 * lsp.h - `vidc lsp`: the Language Server Protocol over a pair of streams (stdio), for editors.
 * Part of issue 15's authoring loop. What it speaks so far: initialize / initialized,
 * textDocument/didOpen, didChange (full text), didClose, codeAction (the fix-its as quick
 * fixes), completion, hover and definition (compiler/query.h answers them on the document
 * compiled again), shutdown and exit; every open or
 * changed document is compiled like `vidc check` does (the spec stage, pipeline/stage.h) and its
 * diagnostics are published from the same JSON engine as `vidc check --format json`
 * (compiler/diag.h), with the stable code and the fix-its in each diagnostic's data.
 *
 * Positions: LSP lines and characters are 0-based; characters are bytes of UTF-8 when the
 * client offers the "utf-8" position encoding (announced back in the initialize result), and
 * UTF-16 code units otherwise, as the protocol's default says.
 */
#ifndef VIDC_LSP_H
#define VIDC_LSP_H

#include <stdio.h>

#include "../base/err.h"
#include "stage.h"

/* Serves one client: reads messages from in, writes replies and notifications to out, until
 * `exit` (or the end of in). o are the options each document is compiled with. 0 after a
 * shutdown then exit, VE_PROTOCOL when the client broke the framing or exited without
 * shutdown (the protocol's exit status 1), VE_NOMEM. Prints nothing else. */
int lsp_serve(FILE *in, FILE *out, const stage_spec_opts *o, vidc_err *e);

#endif
