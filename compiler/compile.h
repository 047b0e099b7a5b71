/*
 * compile.h - the compiler's public API: a .vid file in, diagnostics and one IR program per
 * preset out. cli/ and pipeline/ use only this header, diag.h, ir.h and fmt.h (the formatter:
 * a spec's text in its canonical layout).
 *
 *   spec_t *s = compile_spec("intro.vid", diag, &opts);   // parse, expand, check
 *   if (!diag_errors(diag))
 *       for (int i = 0; i < compile_npresets(s); i++) {
 *           ir_program *p = compile_lower(s, compile_preset(s, i));  // per preset
 *           ...; ir_program_free(p);
 *       }
 *   compile_free(s);
 */
#ifndef VIDC_COMPILE_H
#define VIDC_COMPILE_H

#include "diag.h"
#include "ir.h"

/* The project roots (issue 10): every file the spec or an import names (images, clips, sounds,
 * timing files, fonts, hooks, code listings, imports) must resolve, symbolic links followed,
 * inside the main spec's folder, the stdlib folder or one of allow[]; anything else is an error
 * at the spec line that names it, and the file is never opened. The IR carries the resolved
 * absolute path, so the runtime opens exactly the file that was checked. */
typedef struct {
	const char *stdlib_dir;   /* NULL: $VIDC_STDLIB, else next to the executable, else installed */
	int check_assets;         /* report missing asset files (default on in the CLI); a file
				   * outside the roots or not a regular file is an error either way */
	const char *const *allow; /* more folders files may come from (--allow DIR); each must exist */
	int nallow;
} compile_opts;

typedef struct spec spec_t;

/* Compiles the file at path; errors are in the sink. NULL only when out of memory (with an
 * error in the sink too, so checking diag_errors first is enough). */
spec_t *compile_spec(const char *path, diag_sink *d, const compile_opts *o);
/* Same, for text in memory (path names it in messages and anchors relative paths). */
spec_t *compile_spec_text(const char *path, const char *text, size_t len, diag_sink *d,
			  const compile_opts *o);
void compile_free(spec_t *s);

int compile_npresets(const spec_t *s);
const char *compile_preset(const spec_t *s, int i);
/* Whether the spec names this preset. */
int compile_has_preset(const spec_t *s, const char *preset);
/* Lowers a checked spec (no errors) to the IR for one preset. The program shares strings with
 * the spec: free the program before the spec. NULL for an unknown preset or when out of memory. */
ir_program *compile_lower(const spec_t *s, const char *preset);

/* The platform rules the spec was checked against (the stdlib's platforms.json, see
 * base/platform.h), or NULL when they could not be read (an error says why). They live as long
 * as the spec. */
typedef struct platform_table platform_table;
const platform_table *compile_platforms(const spec_t *s);

/* The voice and its word timings, for what only a decoder can check (`vidc check` compares them
 * with the audio's length). 1 with *v filled when the spec has a voice with timings, else 0. */
typedef struct {
	const char *path, *src; /* the audio file: the path to open, and as the spec writes it */
	span_t sp;              /* the voice statement */
	double words_end;       /* where the last word ends, seconds from the audio's start */
	double duration;        /* the timing file's "duration" */
	const char *timing;     /* the timing file (openable), for a watcher */
} compile_voice;
int compile_voice_timing(const spec_t *s, compile_voice *v);

/* The stdlib folder in use (for templates, hooks and caption styles), or NULL. */
const char *compile_stdlib_dir(const compile_opts *o);

#endif
