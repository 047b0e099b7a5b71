/*
 * compile.c - the compiler's public API (compile.h): reads a spec, runs the checker's steps
 * (expand.c: imports, definitions, templates; check.c: the statements) and answers questions
 * about the checked spec. lower.c turns it into IR per preset.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asset.h"
#include "check.h"
#include "checker.h"
#include "compile.h"
#include "expand.h"
#include "parse.h"

const char *compile_stdlib_dir(const compile_opts *o)
{
	static char buf[4096 + 64];
	if (o && o->stdlib_dir)
		return o->stdlib_dir;
	const char *env = getenv("VIDC_STDLIB");
	if (env && *env)
		return env;
	/* Beside the executable: build/vidc -> ../stdlib; PREFIX/bin/vidc -> ../share/vidc/stdlib */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			struct stat st;
			snprintf(buf, sizeof buf, "%s/../stdlib", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return buf;
			snprintf(buf, sizeof buf, "%s/../share/vidc/stdlib", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return buf;
		}
	}
	struct stat st;
	if (stat(VIDC_STDLIB_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return VIDC_STDLIB_DIR;
	return NULL;
}

/* A diagnostic about the spec as a whole (no position). */
static const span_t NOWHERE = {-1, 0, 0, 0, 0};

/* A spec with the defaults of a spec that says nothing (30 fps, a black background). */
static void spec_init(spec_t *s, arena_t *a, diag_sink *d, const char *path)
{
	s->arena = a;
	s->diag = d;
	s->path = arena_strdup(a, path);
	s->fps_num = 30;
	s->fps_den = 1;
	s->background = (ir_color){0, 0, 0, 255};
}

/* The passes for the presets after the first (SPEC §18.6): when the first pass met a `when`
 * block, the statements are expanded and checked again for each other preset into a spec of
 * its own, which compile_lower uses for it. Definitions and imports are not read again; a
 * diagnostic the passes share is reported once (the sink drops repeats). */
static void check_presets_again(checker_t *c, ast_file *f)
{
	spec_t *base = c->s;
	if (!c->per_preset || base->npresets < 2)
		return;
	base->variants = arena_alloc(c->a, sizeof(spec_t *) * (size_t)base->npresets);
	base->nvariants = base->npresets;
	for (int i = 1; i < base->npresets; i++) {
		spec_t *v = arena_alloc(c->a, sizeof *v);
		spec_init(v, c->a, c->d, base->path);
		v->platforms = base->platforms;
		c->s = v;
		c->preset = NULL;
		c->preset_index = i;
		c->have_video = 0;
		c->order = 0;
		c->timing_bad = 0;
		c->expanded = 0;
		c->expand_failed = 0;
		stmt_list top = {NULL, 0, 0};
		expand_file(c, f, &top);
		check_top(c, top.items, top.n);
		base->variants[i] = v;
	}
	c->s = base;
	c->preset = base->npresets ? base->presets[0] : NULL;
	c->preset_index = 0;
}

/* The checker's steps on a parsed main file f. */
static void check_file(checker_t *c, ast_file *f)
{
	/* The stdlib prelude declares the engine's own hooks and styles. */
	if (c->stdlib) {
		const char *prelude = arena_printf(c->a, "%s/prelude.vid", c->stdlib);
		if (asset_file_ok(prelude)) {
			ast_file *pf = expand_load_file(c, prelude, NULL, (span_t){-1, 0, 0, 0, 0}, 1);
			if (pf)
				expand_defs(c, pf, 1, 1);
		}
	}
	expand_defs(c, f, 0, 0);
	stmt_list top = {NULL, 0, 0};
	expand_file(c, f, &top);
	check_top(c, top.items, top.n);
	check_presets_again(c, f);
}

/* The project roots (compile.h): the main spec's folder, the stdlib and the caller's allow
 * folders. The first two may be missing (a spec compiled from memory under a made-up name, no
 * stdlib): then nothing comes from them. A granted folder that does not exist is an error. */
static roots_t *compile_roots(checker_t *c, const char *path)
{
	roots_t *r = roots_new();
	if (!r)
		return NULL;
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
	if (n < sizeof dir) {
		memcpy(dir, n ? path : ".", n ? n : 2);
		dir[n ? n : 1] = 0;
		roots_add(r, dir, NULL);
	}
	if (c->stdlib)
		roots_add(r, c->stdlib, NULL);
	for (int i = 0; i < c->o->nallow; i++) {
		vidc_err e;
		if (roots_add(r, c->o->allow[i], &e))
			diag_error(c->d, NOWHERE, "--allow: %s", e.msg);
	}
	return r;
}

static spec_t *compile_file(const char *path, const char *text, size_t len, diag_sink *d,
			    const compile_opts *o)
{
	static const compile_opts defaults = {NULL, 1, NULL, 0};
	arena_t *a = arena_new();
	spec_t *s = a ? arena_alloc(a, sizeof *s) : NULL;
	if (!s) {
		arena_free(a);
		diag_err(d, DE_NOMEM, NOWHERE, "out of memory while compiling '%s'", path);
		return NULL;
	}
	spec_init(s, a, d, path);
	checker_t c;
	memset(&c, 0, sizeof c);
	c.s = s;
	c.a = a;
	c.d = d;
	c.o = o ? o : &defaults;
	c.stdlib = compile_stdlib_dir(c.o);
	vidc_err pe;
	if (platform_load(c.stdlib, &s->platforms, &pe))
		diag_err(d, DE_UNREADABLE, NOWHERE, "%s", pe.msg);

	c.roots = compile_roots(&c, path);

	/* Out of memory anywhere in the checker comes back here (base/arena.h): the spec keeps
	 * what it has and one error says why it stopped. */
	jmp_buf jb;
	if (setjmp(jb)) {
		arena_on_oom(a, NULL);
		roots_free(c.roots);
		diag_err(d, DE_NOMEM, NOWHERE, "out of memory while compiling '%s'", path);
		return s;
	}
	arena_on_oom(a, &jb);
	ast_file *f = NULL;
	if (text && len > MAX_SPEC_BYTES) {
		diag_err(d, DE_FILE_TOO_LARGE, NOWHERE, "'%s' is %zu bytes, over the limit of %d for a spec",
			   path, len, MAX_SPEC_BYTES);
	} else if (text) {
		char *real = realpath(path, NULL);
		if (real) {
			*ARENA_PUSH(a, c.files, c.nfiles, c.cfiles) = arena_strdup(a, real);
			free(real);
		}
		int id = diag_add_source(d, path, text, len);
		f = id < 0 ? NULL : parse_file(a, d, id);
	} else {
		f = expand_load_file(&c, path, NULL, (span_t){-1, 0, 0, 0, 0}, 0);
	}
	c.main_file = f;
	if (f)
		check_file(&c, f);
	s->kept = arena_alloc(a, sizeof c);
	*s->kept = c;
	s->kept->roots = NULL; /* freed below: queries read no files */
	arena_on_oom(a, NULL);
	roots_free(c.roots);
	return s;
}

spec_t *compile_spec(const char *path, diag_sink *d, const compile_opts *o)
{
	return compile_file(path, NULL, 0, d, o);
}

spec_t *compile_spec_text(const char *path, const char *text, size_t len, diag_sink *d,
			  const compile_opts *o)
{
	return compile_file(path, text ? text : "", text ? len : 0, d, o);
}

void compile_free(spec_t *s)
{
	if (s) {
		platform_free(s->platforms);
		arena_free(s->arena);
	}
}

const platform_table *compile_platforms(const spec_t *s)
{
	return s ? s->platforms : NULL;
}

int compile_npresets(const spec_t *s)
{
	return s->npresets;
}

const char *compile_preset(const spec_t *s, int i)
{
	return i >= 0 && i < s->npresets ? s->presets[i] : NULL;
}

int compile_voice_timing(const spec_t *s, compile_voice *v)
{
	const timing_t *t = s->timing;
	for (int i = 0; t && i < s->naudio; i++) {
		const maudio *a = &s->audio[i];
		if (strcmp(a->role, "voice") || !a->path)
			continue;
		*v = (compile_voice){a->path, a->src ? a->src : a->path, a->sp,
				     t->nwords ? t->words[t->nwords - 1].end : 0, t->duration, t->path};
		return 1;
	}
	return 0;
}

int compile_has_preset(const spec_t *s, const char *preset)
{
	return model_has_preset(s, preset);
}

