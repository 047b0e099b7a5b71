/*
 * preview.c - vidc preview: parses the options and serves the spec's live page
 * (pipeline/preview.h, pipeline/preview_http.h) until Ctrl-C.
 */
#include <stdio.h>

#include "../pipeline/preview.h"
#include "../pipeline/preview_http.h"
#include "cli.h"

#define F(x) offsetof(cli_args, x)
static const cli_opt o_port = {"--port", NULL, OPT_INT, F(port), 0, 65535, "a TCP port, 0 to 65535"};
static const cli_opt o_host = {"--host", NULL, OPT_STR, F(host), 0, 0, NULL};

const cli_opt *const cli_preview_opts[] = {&cli_opt_preset, &cli_opt_allow, &cli_opt_werror, &cli_opt_no_assets,
					   &cli_opt_max_errors, &o_port, &o_host, NULL};

const char cli_preview_usage[] =
	"usage: vidc preview SPEC [--port N] [--preset P] [options]\n"
	"\n"
	"Serves a live page for SPEC on this machine only and prints its URL: the frame at the\n"
	"playhead, a scrubber and play/pause with the sound, a timeline of the scenes, layers,\n"
	"transitions, captions and their words, and the spec's diagnostics. Saving the spec or\n"
	"any file it uses (imports, hooks, images, sounds) updates the page within a second,\n"
	"keeping the playhead; while the spec has errors the page shows them and keeps the last\n"
	"good frame. The page needs no network. Stop with Ctrl-C.\n"
	"  --port N           the port (default: one the system picks)\n"
	"  --host ADDR        a loopback address to listen on (default 127.0.0.1, and ::1 when\n"
	"                     the machine has it); any other address is refused: the page\n"
	"                     reads your files\n"
	"  --preset NAME      a preset the spec names (default: its first)\n"
	"  --allow DIR        a folder the spec may read files from besides its own and the stdlib\n"
	"                     (repeatable; any file outside them is an error)\n"
	"  -Werror            treat warnings as errors\n"
	"  -Wno-NAME          turn off one kind of warning\n"
	"  --no-assets        do not require asset files to exist\n";

static void on_ready(void *ud, const char *url)
{
	printf("vidc preview: %s\n", url);
	fflush(stdout);
}

int cli_preview(cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(a, "vidc preview SPEC.vid [--port N]");
	if (a->host && !preview_host_loopback(a->host))
		return cli_usage(a, "--host %s: preview listens on a loopback address only (127.0.0.1): "
				    "the page serves the files of your project",
				 a->host);
	stage_cb cb;
	int rc = cli_callbacks(a, &cb);
	if (rc)
		return rc;
	preview_opts po = {a->pos[0], a->preset, cli_spec_opts(a)};
	preview *pv;
	vidc_err e = {0};
	if (preview_new(&po, &pv, &e))
		return cli_error(a, &e);
	preview_serve_opts so = {a->host, a->port, 0, cb.cancel, on_ready, NULL};
	rc = preview_serve(pv, &so, &e) ? cli_error(a, &e) : 0;
	preview_free(pv);
	return rc;
}
