/*
 * cli.h - what the vidc commands share: one option parser (each command lists the options it
 * takes as a table), one cli_load (compile a spec, print its diagnostics, pick the preset and
 * lower), the stage callbacks that print to the terminal, the Ctrl-C flag, and the mapping of
 * errors to exit statuses. cli/ parses, calls one stage function (pipeline/stage.h), prints.
 *
 * Exit status: 0 success, 1 errors in the input (spec, assets, article) or a failed render,
 * 2 usage errors.
 */
#ifndef VIDC_CLI_H
#define VIDC_CLI_H

#include <stddef.h>

#include "../pipeline/make.h"
#include "../pipeline/stage.h"

#define VIDC_VERSION "0.1.0"
#define CLI_MAX_POS 1024 /* vidc fmt and vidc check take a project's specs at once (cli_args is on the heap) */
#define CLI_MAX_ALLOW 32

/* Every option any command takes; a command's table says which it accepts. */
typedef struct {
	const char *cmd;
	const char *pos[CLI_MAX_POS]; /* positional arguments */
	int npos;
	/* shared */
	const char *preset, *output, *color;
	const char *allow[CLI_MAX_ALLOW];
	int nallow, werror, no_assets, max_errors;
	unsigned warnings_off; /* -Wno-NAME: bit 1 << diag_warning */
	/* render, frame, golden, thumb, sheet, subs */
	const char *at, *progress, *format, *style, *title, *image, *template_file;
	int quality, update, update_all, cols, frames, width;
	double threshold, every;
	/* make, script, voice */
	const char *type, *generator, *script, *provider, *voice, *lang, *captions, *music;
	const char *base_url, *timing, *preview, *platforms, *model, *response_format;
	int no_render, validate, retime, text, quiet, jobs, attempts, repairs;
	/* fix */
	int dry_run;
	/* preview */
	int port;
	const char *host;
	double speed, wpm, timeout;
	/* render in pieces, join (scale.c) */
	int pieces, piece, cache, no_cache;
	double cache_size, piece_length;
	const char *spec;
	/* fetch (and render's piece cache) */
	const char *accept, *cache_dir;
	double max_bytes, ttl;
	int refresh;
	/* assets (make takes --visuals too) */
	const char *article, *visuals, *assets;
	/* make: who writes the spec, the model's rounds, per-round notes */
	const char *spec_by;
	int spec_rounds, verbose;
	const char *swap[CLI_MAX_ALLOW];
	int nswap;
	const struct cli_opt *seen[CLI_MAX_POS]; /* the options given, for cli_given / cli_value */
	const char *seen_val[CLI_MAX_POS];       /* their values as written ("1" for a flag) */
	int nseen;
} cli_args;

typedef enum {
	OPT_FLAG, /* int field set to 1 */
	OPT_STR,  /* const char * field */
	OPT_LIST, /* --allow, --swap: appended to allow[] or swap[] */
	OPT_INT,  /* int field in [min, max] */
	OPT_NUM,  /* double field in [min, max] */
	OPT_TIME  /* double seconds from "2s" or "500ms", > 0 */
} cli_opt_kind;

/* An option without a field of its own: its value is read with cli_value (the service's
 * commands, whose options are their configuration's). */
#define CLI_NOFIELD ((size_t)-1)

typedef struct cli_opt {
	const char *name, *alias; /* "--output", "-o" */
	cli_opt_kind kind;
	size_t field;             /* offsetof(cli_args, ...), or CLI_NOFIELD */
	double min, max;
	const char *what;         /* for the message: "a whole number from 1 to 51" */
} cli_opt;

typedef struct cli_cmd {
	const char *name;
	int (*run)(cli_args *a);
	const char *usage;            /* printed by --help */
	const cli_opt *const *opts;   /* NULL-terminated */
} cli_cmd;

/* Options shared by several commands (defined once in cli.c). */
extern const cli_opt cli_opt_preset, cli_opt_output, cli_opt_color, cli_opt_allow, cli_opt_werror,
	cli_opt_no_assets, cli_opt_max_errors, cli_opt_at, cli_opt_quality, cli_opt_type, cli_opt_generator,
	cli_opt_provider, cli_opt_voice, cli_opt_lang, cli_opt_base_url, cli_opt_visuals, cli_opt_cache_dir;

/* Parses argv (argv[0] the command) into a by c's table. Returns -1 to go on, or an exit status
 * (0 after --help, 2 after a usage message). */
int cli_parse(const cli_cmd *c, int argc, char **argv, cli_args *a);

/* Whether the option called name was on the command line (for options whose 0 is a value). */
int cli_given(const cli_args *a, const char *name);
/* The value the option called name was given (the last one; "1" for a flag), or NULL. */
const char *cli_value(const cli_args *a, const char *name);

/* "vidc CMD: MESSAGE" and the hint to --help on stderr; returns 2. */
int cli_usage(const cli_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "vidc CMD: MESSAGE" on stderr; returns 1. */
int cli_fail(const cli_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The stage callbacks for a: diagnostics in colour per --color, notes and warnings as
 * "vidc CMD: ...", render progress per --progress, cancel on SIGINT/SIGTERM (installed here). */
int cli_callbacks(cli_args *a, stage_cb *cb);
/* Clears a progress bar line left open (before printing anything else). */
void cli_progress_end(void);

/* The spec options of a (-Werror, -Wno-NAME, --no-assets, --allow). */
stage_spec_opts cli_spec_opts(const cli_args *a);
/* Compiles path with a's options: diagnostics printed, and "N errors in PATH" on failure.
 * 0 with *s set, else the exit status 1. */
int cli_load(const cli_args *a, const stage_cb *cb, const char *path, stage_spec **s);
/* cli_load, then lowered for --preset (default: the spec's first). 0 with both set, else 1. */
int cli_load_lower(const cli_args *a, const stage_cb *cb, const char *path, stage_spec **s,
		   ir_program **p);
/* What a command on one spec works with: its callbacks, the loaded spec and (when lowered) the
 * program for --preset. */
typedef struct {
	stage_cb cb;
	stage_spec *s;
	ir_program *p; /* NULL unless cli_start lowered the spec */
} cli_run;

/* The start every command on one spec (a->pos[0]) shares: cli_callbacks, then cli_load, or
 * cli_load_lower when lower is set. 0 with r set, else the exit status (2 for a bad
 * --progress, 1 for a spec that does not load) with nothing to free. */
int cli_start(cli_args *a, cli_run *r, int lower);
/* 0, or 1 after saying why: out is a file the command reads (the spec a->pos[0], a file of s
 * (an import, the timing file) when s is given, or a picture, clip, sound, hook or code file of
 * p when p is given), which writing it would destroy. The
 * files are compared by device and inode, so another name for the same file is caught too. */
int cli_out_is_input(const cli_args *a, const char *out, const stage_spec *s, const ir_program *p);
/* Frees what cli_start loaded; returns rc, so a command can end with return cli_run_free(&r, rc). */
int cli_run_free(cli_run *r, int rc);

/* Prints e's message ("vidc CMD: ..." unless it already names a file position) and returns
 * the exit status for its code. */
int cli_error(const cli_args *a, const vidc_err *e);

/* The commands, each in its file. */
int cli_check(cli_args *a);    /* spec.c */
int cli_fix(cli_args *a);      /* fix.c */
int cli_fmt(cli_args *a);      /* fmt.c */
int cli_lsp(cli_args *a);      /* lsp.c */
int cli_ir(cli_args *a);       /* spec.c */
int cli_render(cli_args *a);   /* spec.c */
int cli_frame(cli_args *a);    /* spec.c */
int cli_golden(cli_args *a);   /* spec.c */
int cli_subs(cli_args *a);     /* publish.c */
int cli_chapters(cli_args *a); /* publish.c */
int cli_thumb(cli_args *a);    /* publish.c */
int cli_sheet(cli_args *a);    /* publish.c */
int cli_make(cli_args *a);     /* make.c */
int cli_script(cli_args *a);   /* script.c */
int cli_voice(cli_args *a);    /* voice.c */
int cli_voices(cli_args *a);   /* voice.c */
int cli_fetch(cli_args *a);    /* fetch.c */
int cli_join(cli_args *a);     /* scale.c */
/* render_one's split renders (scale.c): --pieces/--piece, and with --cache the piece cache for a
 * video of two pieces or more. Prints what it wrote; the exit status, or -1 when the video
 * is rendered in one pass instead. */
int cli_render_split(cli_args *a, const stage_cb *cb, const ir_program *p, const char *out);
int cli_serve(cli_args *a);    /* serve.c: the service's commands */
int cli_worker(cli_args *a);   /* serve.c */
int cli_token(cli_args *a);    /* serve.c */
int cli_site(cli_args *a);     /* serve.c */
int cli_credits(cli_args *a);  /* serve.c */
int cli_stage9(cli_args *a);   /* serve.c */
int cli_job(cli_args *a);      /* job.c */
int cli_assets(cli_args *a);   /* assets.c */
int cli_preview(cli_args *a);  /* preview.c */

extern const cli_cmd cli_cmds[];
extern const int cli_ncmds;

#endif
