/*
 * cli.c - the vidc commands' shared machinery (cli.h): the option parser every command uses with
 * its own table, spec loading with printed diagnostics, the terminal side of the stage callbacks
 * (diagnostics, notes, the render's progress bar or JSON lines) and Ctrl-C.
 */
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/mono.h"

#define F(x) offsetof(cli_args, x)

const cli_opt cli_opt_preset = {"--preset", NULL, OPT_STR, F(preset), 0, 0, NULL};
const cli_opt cli_opt_output = {"--output", "-o", OPT_STR, F(output), 0, 0, NULL};
const cli_opt cli_opt_color = {"--color", NULL, OPT_STR, F(color), 0, 0, NULL};
const cli_opt cli_opt_allow = {"--allow", NULL, OPT_LIST, F(allow), 0, 0, NULL};
const cli_opt cli_opt_werror = {"-Werror", NULL, OPT_FLAG, F(werror), 0, 0, NULL};
const cli_opt cli_opt_no_assets = {"--no-assets", NULL, OPT_FLAG, F(no_assets), 0, 0, NULL};
const cli_opt cli_opt_max_errors = {"-fmax-errors", NULL, OPT_INT, F(max_errors), 0, 1000000,
				    "a whole number (0: no limit)"};
const cli_opt cli_opt_at = {"--at", NULL, OPT_STR, F(at), 0, 0, NULL};
const cli_opt cli_opt_quality = {"--quality", NULL, OPT_INT, F(quality), 1, 51, "a whole number from 1 to 51"};
const cli_opt cli_opt_type = {"--type", NULL, OPT_STR, F(type), 0, 0, NULL};
const cli_opt cli_opt_generator = {"--generator", NULL, OPT_STR, F(generator), 0, 0, NULL};
const cli_opt cli_opt_provider = {"--provider", NULL, OPT_STR, F(provider), 0, 0, NULL};
const cli_opt cli_opt_voice = {"--voice", NULL, OPT_STR, F(voice), 0, 0, NULL};
const cli_opt cli_opt_lang = {"--lang", NULL, OPT_STR, F(lang), 0, 0, NULL};
const cli_opt cli_opt_base_url = {"--base-url", NULL, OPT_STR, F(base_url), 0, 0, NULL};
const cli_opt cli_opt_visuals = {"--visuals", NULL, OPT_STR, F(visuals), 0, 0, NULL};
const cli_opt cli_opt_cache_dir = {"--cache-dir", NULL, OPT_STR, F(cache_dir), 0, 0, NULL};

/* ---- messages ----------------------------------------------------------------------------- */

static void vsay(const cli_args *a, const char *fmt, va_list ap)
{
	cli_progress_end();
	fprintf(stderr, "vidc %s: ", a->cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_usage(const cli_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(a, fmt, ap);
	va_end(ap);
	fprintf(stderr, "(run 'vidc %s --help' for usage)\n", a->cmd);
	return 2;
}

int cli_fail(const cli_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(a, fmt, ap);
	va_end(ap);
	return 1;
}

int cli_error(const cli_args *a, const vidc_err *e)
{
	cli_progress_end();
	/* runtime and compiler messages carry their own "file:line:col: error: " */
	if (strstr(e->msg, ": error: "))
		fprintf(stderr, "%s\n", e->msg);
	else
		fprintf(stderr, "vidc %s: %s\n", a->cmd, e->msg);
	return 1;
}

/* ---- the option parser -------------------------------------------------------------------- */

static const cli_opt *find_opt(const cli_cmd *c, const char *s)
{
	for (const cli_opt *const *o = c->opts; o && *o; o++)
		if (!strcmp(s, (*o)->name) || ((*o)->alias && !strcmp(s, (*o)->alias)))
			return *o;
	return NULL;
}

/* "2s", "500ms" or bare seconds, > 0. */
static int parse_duration(const char *v, double *out)
{
	char *end;
	double x = strtod(v, &end);
	if (end == v || !isfinite(x) || x <= 0)
		return -1;
	if (!strcmp(end, "ms"))
		x /= 1000;
	else if (*end && strcmp(end, "s"))
		return -1;
	*out = x;
	return 0;
}

/* Stores v in a's field for o; 2 after a usage message. */
static int set_opt(cli_args *a, const cli_opt *o, const char *v)
{
	char *base = (char *)a, *end;
	if (o->field == CLI_NOFIELD)
		return 0; /* read with cli_value */
	switch (o->kind) {
	case OPT_FLAG:
		*(int *)(base + o->field) = 1;
		return 0;
	case OPT_STR:
		*(const char **)(base + o->field) = v;
		return 0;
	case OPT_LIST: {
		int *n = o->field == F(swap) ? &a->nswap : &a->nallow;
		if (*n == CLI_MAX_ALLOW)
			return cli_usage(a, "at most %d %s options", CLI_MAX_ALLOW, o->name);
		((const char **)(base + o->field))[(*n)++] = v;
		return 0;
	}
	case OPT_INT: {
		long x = strtol(v, &end, 10);
		if (end == v || *end || x < o->min || x > o->max)
			return cli_usage(a, "%s takes %s, not '%s'", o->name, o->what, v);
		*(int *)(base + o->field) = (int)x;
		return 0;
	}
	case OPT_NUM: {
		double x = strtod(v, &end);
		if (end == v || *end || !isfinite(x) || x < o->min || x > o->max)
			return cli_usage(a, "%s takes %s, not '%s'", o->name, o->what, v);
		*(double *)(base + o->field) = x;
		return 0;
	}
	case OPT_TIME:
		if (parse_duration(v, (double *)(base + o->field)))
			return cli_usage(a, "%s takes %s, not '%s'", o->name, o->what, v);
		return 0;
	}
	return 0;
}

int cli_given(const cli_args *a, const char *name)
{
	for (int i = 0; i < a->nseen; i++)
		if (!strcmp(a->seen[i]->name, name))
			return 1;
	return 0;
}

const char *cli_value(const cli_args *a, const char *name)
{
	for (int i = a->nseen - 1; i >= 0; i--)
		if (!strcmp(a->seen[i]->name, name))
			return a->seen_val[i];
	return NULL;
}

/* -Wno-NAME (gcc's spelling) turns warning NAME off; an unknown name is a usage error. */
static int warning_off(cli_args *a, const char *opt)
{
	const char *name = opt + 5;
	int w = diag_warning_find(name);
	if (w >= 0) {
		a->warnings_off |= 1u << w;
		return 0;
	}
	const char *sug = diag_suggest(name, diag_warning_names(), DW_COUNT);
	if (sug)
		return cli_usage(a, "unknown warning '%s' in '%s' (did you mean '-Wno-%s'?)", name, opt, sug);
	char list[256] = "";
	size_t len = 0;
	for (int i = 0; i < DW_COUNT && len < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? " " : "", diag_warning_name(i));
	return cli_usage(a, "unknown warning '%s' in '%s' (the warnings are: %s)", name, opt, list);
}

int cli_parse(const cli_cmd *c, int argc, char **argv, cli_args *a)
{
	a->cmd = c->name;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			fputs(c->usage, stdout);
			return 0;
		}
		const cli_opt *o = find_opt(c, s);
		const char *eq = strchr(s, '=');
		char name[64];
		if (!o && s[0] == '-' && eq && (size_t)(eq - s) < sizeof name) {
			/* -fmax-errors=N (gcc's spelling), --preset=tiktok */
			snprintf(name, sizeof name, "%.*s", (int)(eq - s), s);
			if ((o = find_opt(c, name)) && o->kind != OPT_FLAG) {
				int rc = set_opt(a, o, eq + 1);
				if (rc)
					return rc;
				if (a->nseen < CLI_MAX_POS)
					a->seen[a->nseen++] = o;
				continue;
			}
			o = NULL;
		}
		if (!o && !strncmp(s, "-Wno-", 5) && find_opt(c, "-Werror")) {
			int rc = warning_off(a, s);
			if (rc)
				return rc;
			continue;
		}
		if (!o) {
			if (s[0] == '-' && s[1])
				return cli_usage(a, "unknown option '%s'", s);
			if (a->npos == CLI_MAX_POS)
				return cli_usage(a, "too many arguments ('%s')", s);
			a->pos[a->npos++] = s;
			continue;
		}
		const char *v = NULL;
		if (o->kind != OPT_FLAG) {
			if (i + 1 >= argc)
				return cli_usage(a, "option '%s' needs a value", s);
			v = argv[++i];
		}
		int rc = set_opt(a, o, v);
		if (rc)
			return rc;
		if (a->nseen < CLI_MAX_POS) {
			a->seen_val[a->nseen] = v ? v : "1";
			a->seen[a->nseen++] = o;
		}
	}
	if (a->color && strcmp(a->color, "auto") && strcmp(a->color, "always") && strcmp(a->color, "never"))
		return cli_usage(a, "--color takes auto, always or never, not '%s'", a->color);
	return -1;
}

/* ---- callbacks ---------------------------------------------------------------------------- */

static volatile int cancelled;

static void on_signal(int sig)
{
	(void)sig;
	cancelled = 1;
}

typedef enum { PROGRESS_NONE, PROGRESS_BAR, PROGRESS_JSON } progress_mode;

static struct {
	const cli_args *a;
	int color;
	progress_mode mode;
	double t0, last;
	int64_t prev; /* frames done at the last call: fewer means a new render */
	int active, bar_open;
} out;

void cli_progress_end(void)
{
	if (out.bar_open) {
		fputc('\n', stderr);
		out.bar_open = 0;
	}
}

static void on_diagnostics(void *ud, const diag_sink *d)
{
	cli_progress_end();
	diag_print(d, stderr, out.color);
}

static void on_message(void *ud, stage_level level, const char *stage, const char *msg)
{
	cli_progress_end();
	fprintf(stderr, "vidc %s: %s%s\n", out.a->cmd, level == STAGE_WARNING ? "warning: " : "", msg);
}

/* The render's progress: a bar on a terminal every 0.2 s, or a JSON line a second on stdout. */
static void on_progress(void *ud, const char *stage, int64_t done, int64_t total)
{
	if (out.mode == PROGRESS_NONE || strcmp(stage, "render"))
		return;
	double t = mono_now();
	if (!out.active || done < out.prev) { /* a new render */
		out.t0 = t;
		out.last = 0;
		out.active = 1;
	}
	out.prev = done;
	int final = done == total;
	if (final)
		out.active = 0;
	if (!final && t - out.last < (out.mode == PROGRESS_JSON ? 1.0 : 0.2))
		return;
	out.last = t;
	double el = t - out.t0, fps = el > 0 ? done / el : 0, eta = fps > 0 ? (total - done) / fps : 0;
	if (out.mode == PROGRESS_JSON) {
		printf("{\"frame\":%lld,\"frames\":%lld,\"fps\":%.1f,\"eta_s\":%.1f}\n", (long long)done,
		       (long long)total, fps, eta);
		fflush(stdout);
		return;
	}
	char bar[31];
	int fill = total > 0 ? (int)(30 * done / total) : 30;
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = 0;
	fprintf(stderr, "\r[%s] %lld/%lld frames  %.1f fps  ETA %.0f s ", bar, (long long)done, (long long)total,
		fps, eta);
	out.bar_open = 1;
	if (final)
		cli_progress_end();
	fflush(stderr);
}

int cli_callbacks(cli_args *a, stage_cb *cb)
{
	memset(cb, 0, sizeof *cb);
	out.a = a;
	const char *nc = getenv("NO_COLOR");
	out.color = a->color ? !strcmp(a->color, "always") : isatty(2) && !(nc && *nc);
	out.mode = isatty(2) ? PROGRESS_BAR : PROGRESS_NONE;
	if (a->progress) {
		static const struct {
			const char *name;
			progress_mode mode;
		} modes[] = {{"bar", PROGRESS_BAR}, {"json", PROGRESS_JSON}, {"none", PROGRESS_NONE}};
		int i = 0;
		while (i < 3 && strcmp(a->progress, modes[i].name))
			i++;
		if (i == 3)
			return cli_usage(a, "--progress takes bar, json or none, not '%s'", a->progress);
		out.mode = modes[i].mode;
		if (out.mode == PROGRESS_BAR && !isatty(2))
			out.mode = PROGRESS_NONE;
	}
	/* The first SIGINT or SIGTERM asks the stage to stop cleanly (temp files removed); a
	 * second one ends the process at once. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	cb->diagnostics = on_diagnostics;
	cb->message = on_message;
	cb->progress = on_progress;
	cb->cancel = &cancelled;
	return 0;
}

/* ---- specs -------------------------------------------------------------------------------- */

stage_spec_opts cli_spec_opts(const cli_args *a)
{
	stage_spec_opts o = {NULL, !a->no_assets, a->werror, a->allow, a->nallow, 0, a->warnings_off};
	if (cli_given(a, "-fmax-errors"))
		o.max_errors = a->max_errors > 0 ? a->max_errors : -1; /* gcc: 0 is no limit */
	return o;
}

int cli_load(const cli_args *a, const stage_cb *cb, const char *path, stage_spec **s)
{
	stage_spec_opts o = cli_spec_opts(a);
	vidc_err e = {0};
	if (stage_spec_load(path, NULL, 0, &o, cb, s, &e) == 0)
		return 0;
	cli_progress_end();
	fprintf(stderr, "%s\n", e.msg); /* "2 errors in spec.vid", after the diagnostics */
	return 1;
}

int cli_load_lower(const cli_args *a, const stage_cb *cb, const char *path, stage_spec **s,
		   ir_program **p)
{
	*p = NULL;
	if (cli_load(a, cb, path, s))
		return 1;
	vidc_err e = {0};
	if (stage_spec_lower(*s, a->preset, p, &e) == 0)
		return 0;
	fprintf(stderr, "vidc: %s\n", e.msg);
	stage_spec_free(*s);
	*s = NULL;
	return 1;
}

static int same_file(const struct stat *o, const char *path)
{
	struct stat st;
	return path && *path && stat(path, &st) == 0 && st.st_dev == o->st_dev && st.st_ino == o->st_ino;
}

int cli_out_is_input(const cli_args *a, const char *out, const stage_spec *s, const ir_program *p)
{
	struct stat o;
	if (!out || stat(out, &o) != 0) /* a new name reads as nothing */
		return 0;
	if (a->npos > 0 && same_file(&o, a->pos[0]))
		return cli_fail(a, "cannot write '%s': it is the spec '%s'; writing there would destroy it", out, a->pos[0]);
	const char *f;
	for (int i = 0; s && (f = stage_spec_file(s, i)); i++)
		if (same_file(&o, f))
			return cli_fail(a, "cannot write '%s': the spec reads it ('%s'); writing there would destroy it", out, f);
	for (int i = 0; p && i < p->nnodes; i++)
		if (same_file(&o, ir_node_file(&p->nodes[i])))
			return cli_fail(a, "cannot write '%s': the spec reads it (line %d); writing there would destroy it",
					out, p->nodes[i].line);
	return 0;
}

int cli_start(cli_args *a, cli_run *r, int lower)
{
	r->s = NULL;
	r->p = NULL;
	int rc = cli_callbacks(a, &r->cb);
	if (rc)
		return rc;
	rc = lower ? cli_load_lower(a, &r->cb, a->pos[0], &r->s, &r->p) : cli_load(a, &r->cb, a->pos[0], &r->s);
	if (!rc && cli_out_is_input(a, a->output, r->s, r->p))
		rc = cli_run_free(r, 1);
	return rc;
}

int cli_run_free(cli_run *r, int rc)
{
	ir_program_free(r->p);
	stage_spec_free(r->s);
	r->p = NULL;
	r->s = NULL;
	return rc;
}
