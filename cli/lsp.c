/*
 * lsp.c - vidc lsp: the language server on stdin/stdout (pipeline/lsp.h), each document
 * compiled with the command line's spec options.
 */
#include <stdio.h>

#include "../pipeline/lsp.h"
#include "cli.h"

int cli_lsp(cli_args *a)
{
	if (a->npos)
		return cli_usage(a, "vidc lsp takes no files: the editor sends them");
	stage_spec_opts o = cli_spec_opts(a);
	vidc_err e = {0};
	if (lsp_serve(stdin, stdout, &o, &e) == 0)
		return 0;
	fprintf(stderr, "vidc lsp: %s\n", e.msg);
	return 1;
}
