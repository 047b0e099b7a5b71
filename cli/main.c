/*
 * main.c - the vidc command: finds the subcommand in a table, parses its options with the one
 * parser (cli.c) and runs it. The only place that prints to the user's terminal on behalf of the
 * libraries; the work is done by the stages of pipeline/stage.h.
 *
 * Exit status: 0 success, 1 errors in the input (spec, assets) or a failed render, 2 usage errors.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>

#include "cli.h"
#include "social.h"
#include "../runtime/simd.h"

static const char usage_text[] =
	"usage: vidc <command> [options]\n"
	"\n"
	"Commands (vidc COMMAND --help for each one's options):\n"
	"  make ARTICLE.json -o DIR article to finished video: script, voice, spec, MP4, subtitles,\n"
	"                           thumbnail and platform metadata in DIR\n"
	"  check SPEC...            check specs: print every error and warning, render nothing\n"
	"                           (--format json: as JSON, with fix-its)\n"
	"  fix SPEC                 apply the compiler's unambiguous fix-its to SPEC, then check it\n"
	"  fmt SPEC...              lay specs out in the canonical layout, in place (--check: list\n"
	"                           the ones that are not; -: standard input to standard output)\n"
	"  preview SPEC             a live page on 127.0.0.1: the frame at a scrubbable playhead, the\n"
	"                           sound, the timeline and the diagnostics, updated on every save\n"
	"  lsp                      a language server on stdin/stdout for editors\n"
	"  ir SPEC                  print the frame-graph IR the spec compiles to\n"
	"  render SPEC -o OUT.mp4   render the spec to an MP4 (--cache: re-encode only the pieces an\n"
	"                           edit changed; --pieces N --piece K: one piece for another machine)\n"
	"  join PIECE... -o OUT.mp4 join the pieces of a split render, with the audio mixed once\n"
	"  frame SPEC --at TIME -o OUT.png\n"
	"                           render one frame as a PNG (the exact pixels the encoder gets)\n"
	"  golden DIR               render the frame of every golden PNG in DIR/golden/ and compare\n"
	"                           by PSNR (--threshold, default 40 dB); a golden is named\n"
	"                           SPEC@TIME[@PRESET].png for DIR/SPEC.vid; a failure writes\n"
	"                           NAME.actual.png and NAME.diff.png beside it; --update rewrites\n"
	"                           the goldens. Make a new one with: vidc frame ... -o DIR/golden/...\n"
	"  voice SCRIPT.json -o VOICE.wav\n"
	"                           narrate a script: VOICE.wav plus word timings VOICE.json\n"
	"                           (--provider espeak|openai|elevenlabs|coqui|piper|bark,\n"
	"                           --voice, --speed, --lang, --preview \"TEXT\")\n"
	"  voices --provider P      list a voice provider's voices\n"
	"  script ARTICLE.json -o SCRIPT.json\n"
	"                           article to narration script (--type short|medium|long,\n"
	"                           --platforms, --generator extract|llm; --validate SCRIPT.json\n"
	"                           checks an edited script)\n"
	"  subs SPEC -o OUT.srt     captions file from the voice's word timings (.srt, .vtt or\n"
	"                           .ass, or --format; --style for ASS)\n"
	"  chapters SPEC            the chapters as a YouTube description block (0:00 Intro ...)\n"
	"  thumb SPEC -o OUT.jpg    thumbnail: hero image and title, 1280x720 or 1080x1920, < 2 MB\n"
	"                           (--title TEXT, --image PATH, --at TIME for a video frame;\n"
	"                           drawn by the stdlib template templates/thumb.vid)\n"
	"  sheet SPEC -o SHEET.png  contact sheet: frames in a grid labelled with their times\n"
	"                           (--cols N, --frames N or --every 2s, --width PX, --preset P)\n"
	"  assets SCRIPT.json --article ARTICLE.json -o ASSETS.json\n"
	"                           a visual for every section: the article's images and code,\n"
	"                           stock, AI pictures, cards (vidc assets --help)\n"
	"  fetch URL [-o FILE]      download through vidc's cache and limits (vidc fetch --help)\n"
	"  serve --db DB --media DIR --listen HOST:PORT\n"
	"                           the HTTP API /api/v1/video over a SQLite store (--config FILE;\n"
	"                           SPEC.md section 16; docs/openapi.json)\n"
	"  worker --db DB [--queue video] [--concurrency N]\n"
	"                           run the service's jobs (script, voice, assets, render, publish,\n"
	"                           engagement)\n"
	"  token create (--site ID | --operator) [--name N]\n"
	"                           print a new bearer token once (the store keeps its hash)\n"
	"  site add --name N | site automation ID  [--video on|off --type T --platforms LIST\n"
	"                           --accounts IDS --voice V --provider P --music M --category C]\n"
	"  credits grant --site ID --amount N | credits balance --site ID\n"
	"  stage9 CONTENT_ID        run the automatic chain for a content record\n"
	"  account add --site ID --platform youtube|instagram|tiktok --tokens-file F|- [--name N]\n"
	"                           register a social account (its OAuth tokens JSON from a file or\n"
	"                           standard input, sealed at rest); account list --site ID\n"
	"  publish RENDERED_ID --account ID [--privacy P] [--publish-at T] [--wait]\n"
	"                           publish a rendered video to a social account (a worker job; the\n"
	"                           same video to the same account is posted once)\n"
	"  engagement [--site ID]   fetch the numbers of every published video now (the worker does\n"
	"                           it every 12 hours)\n"
	"  job add|run|stage9|publish-plan\n"
	"                           the service's jobs one at a time, for Celery workers\n"
	"                           (integrations/celery/; vidc help job)\n"
	"  jsonld PUBLISHED_ID      the schema.org VideoObject JSON-LD of a published video\n"
	"  help                     this text\n"
	"\n"
	"Options:\n"
	"  --preset NAME            youtube_long, youtube_short, instagram_reel or tiktok; the spec\n"
	"                           must name it. Default: the first preset the spec names.\n"
	"                           render --preset all renders every preset the spec names,\n"
	"                           to OUT-PRESET.mp4.\n"
	"  -o, --output PATH        where to write (ir: a file instead of standard output); a new\n"
	"                           name or a regular file, never the spec or a file it reads\n"
	"  --at TIME                frame: a time as 12.4s, 1500ms or 372f (frames)\n"
	"  --quality N              render: 1 (best, largest) to 51, default 15\n"
	"  --progress bar|json|none render: a bar on a terminal (default), or one JSON line per\n"
	"                           second on standard output for a job queue\n"
	"  --update                 golden: rewrite the golden PNGs that fail (--all: every one)\n"
	"  --threshold DB           golden: the lowest PSNR that passes (default 40)\n"
	"  --allow DIR              a folder the spec (or article) may read files from besides its\n"
	"                           own folder and the stdlib (repeatable); a file a spec names\n"
	"                           outside them is an error, also through a symbolic link\n"
	"  -Werror                  treat warnings as errors\n"
	"  -Wno-NAME                turn off one kind of warning (named at the end of each,\n"
	"                           [-WNAME]; the kinds are in SPEC.md section 8)\n"
	"  -fmax-errors=N           show at most N errors, then one line counts the rest\n"
	"                           (default 100; 0: no limit)\n"
	"  --no-assets              check: do not require asset files to exist (nor load hooks\n"
	"                           or read the voice); files outside the project still fail\n"
	"  --color auto|always|never  colours in diagnostics (default auto)\n"
	"  --version                print the version\n"
	"\n"
	"Exit status: 0 success, 1 errors in the spec, its assets or the render, 2 usage errors.\n"
	"The .vid language is described in SPEC.md.\n";

#define F(x) offsetof(cli_args, x)
#define SPEC_OPTS &cli_opt_preset, &cli_opt_color, &cli_opt_allow, &cli_opt_werror, &cli_opt_no_assets, \
		  &cli_opt_max_errors

static const cli_opt o_progress = {"--progress", NULL, OPT_STR, F(progress), 0, 0, NULL};
static const cli_opt o_update = {"--update", NULL, OPT_FLAG, F(update), 0, 0, NULL};
static const cli_opt o_all = {"--all", NULL, OPT_FLAG, F(update_all), 0, 0, NULL};
static const cli_opt o_threshold = {"--threshold", NULL, OPT_NUM, F(threshold), 1e-9, 199.999,
				    "a PSNR in dB (e.g. 40)"};
static const cli_opt o_format = {"--format", NULL, OPT_STR, F(format), 0, 0, NULL};
static const cli_opt o_style = {"--style", NULL, OPT_STR, F(style), 0, 0, NULL};
static const cli_opt o_title = {"--title", NULL, OPT_STR, F(title), 0, 0, NULL};
static const cli_opt o_image = {"--image", NULL, OPT_STR, F(image), 0, 0, NULL};
static const cli_opt o_template = {"--template", NULL, OPT_STR, F(template_file), 0, 0, NULL};
static const cli_opt o_cols = {"--cols", NULL, OPT_INT, F(cols), 1, 20, "1 to 20"};
static const cli_opt o_frames = {"--frames", NULL, OPT_INT, F(frames), 1, 200, "1 to 200"};
static const cli_opt o_width = {"--width", NULL, OPT_INT, F(width), 200, 8000, "200 to 8000 pixels"};
static const cli_opt o_every = {"--every", NULL, OPT_TIME, F(every), 0, 0,
				"a duration such as 2s or 500ms"};

static const cli_opt o_dry_run = {"--dry-run", NULL, OPT_FLAG, F(dry_run), 0, 0, NULL};
static const cli_opt *const check_opts[] = {SPEC_OPTS, &o_format, NULL};
static const cli_opt *const fix_opts[] = {SPEC_OPTS, &o_dry_run, NULL};
static const cli_opt *const lsp_opts[] = {&cli_opt_allow, &cli_opt_werror, &cli_opt_no_assets, &cli_opt_max_errors, NULL};
static const cli_opt *const ir_opts[] = {SPEC_OPTS, &cli_opt_output, NULL};
extern const cli_opt cli_opt_pieces, cli_opt_piece, cli_opt_cache, cli_opt_no_cache, cli_opt_cache_size, cli_opt_piece_length,
	cli_opt_piece_cache;
static const cli_opt *const render_opts[] = {SPEC_OPTS, &cli_opt_output, &cli_opt_quality, &o_progress,
					     &cli_opt_pieces, &cli_opt_piece, &cli_opt_cache, &cli_opt_no_cache, &cli_opt_cache_size,
					     &cli_opt_piece_length, &cli_opt_piece_cache, NULL};
static const cli_opt *const frame_opts[] = {SPEC_OPTS, &cli_opt_output, &cli_opt_at, NULL};
static const cli_opt *const golden_opts[] = {SPEC_OPTS, &o_update, &o_all, &o_threshold, NULL};
static const cli_opt *const subs_opts[] = {SPEC_OPTS, &cli_opt_output, &o_format, &o_style, NULL};
static const cli_opt *const chapters_opts[] = {SPEC_OPTS, NULL};
static const cli_opt *const thumb_opts[] = {SPEC_OPTS, &cli_opt_output, &o_title, &o_image, &cli_opt_at,
					    &o_template, NULL};
static const cli_opt *const sheet_opts[] = {SPEC_OPTS, &cli_opt_output, &o_cols, &o_frames, &o_width, &o_every, NULL};

#define COMMON_HELP                                                                               \
	"  --allow DIR        a folder the spec may read files from besides its own and the stdlib\n" \
	"                     (repeatable; any file outside them is an error)\n"                   \
	"  -Werror            treat warnings as errors\n"                                            \
	"  -Wno-NAME          turn off one kind of warning (the [-WNAME] at its end)\n"             \
	"  -fmax-errors=N     show at most N errors (default 100; 0: no limit)\n"                     \
	"  --no-assets        do not require asset files to exist (one outside the project still fails)\n" \
	"  --color auto|always|never  colours in diagnostics (default auto)\n"

static const char check_usage[] = "usage: vidc check SPEC... [options]\n"
				 "\n"
				 "Checks specs: prints every error and warning, renders nothing. Beyond\n"
				 "compiling, it loads every Lua hook a spec uses in the render's sandbox (no\n"
				 "frame drawn): a syntax or load error, or a missing draw, params or transition\n"
				 "function, is an error at the line that uses the hook, and so is a parameter\n"
				 "the hook file's `parameters` table does not declare or allow. Word timings\n"
				 "that end more than 0.5 s after the voice's audio are an error too, and so is\n"
				 "a picture, clip or sound file whose header cannot be read.\n"
				 "--no-assets skips these checks. Exit 1 when a spec has errors.\n\n"
				 "  --format text|json  text: gcc-style lines on stderr (the default); json:\n"
				 "                     one object {\"diagnostics\": [...]} on stdout, each with\n"
				 "                     file, range (line and col, 1-based, col in bytes),\n"
				 "                     severity, code (a warning's -W name or an error kind such\n"
				 "                     as unknown-property), message, notes and fixits (range\n"
				 "                     and exact replacement text). SPEC.md section \"Diagnostics\n"
				 "                     as JSON\" lists the codes. The exit status is the same.\n" COMMON_HELP;
static const char lsp_usage[] =
	"usage: vidc lsp [--allow DIR] [-Werror] [-Wno-NAME] [--no-assets]\n"
	"\n"
	"A Language Server Protocol server on stdin/stdout, for editors. Each document the editor\n"
	"opens or changes (full text) is checked as vidc check does and its diagnostics are\n"
	"published with the same messages, ranges and codes as vidc check --format json, the\n"
	"fix-its in each diagnostic's data and as quick fixes (codeAction). Completion (the\n"
	"properties of the block, style, template, effect and transition names, the narration's\n"
	"words in word(\"...\")), hover (a layer's or an anchor's resolved start and end) and\n"
	"go to definition (templates, styles, imports, hooks). Positions are UTF-8 bytes when the\n"
	"editor offers that encoding, else UTF-16 units. Exit 0 after shutdown and exit, 1\n"
	"otherwise. editors/vscode holds a VS Code extension that starts it.\n"
	"  --allow DIR        a folder specs may read files from besides their own and the stdlib\n"
	"  -Werror            treat warnings as errors\n"
	"  -Wno-NAME          turn off one kind of warning\n"
	"  --no-assets        do not require asset files to exist\n";
static const char fix_usage[] =
	"usage: vidc fix SPEC [--dry-run] [options]\n"
	"\n"
	"Applies the fix-its of SPEC's diagnostics (the ones vidc check --format json lists:\n"
	"every did-you-mean, a missing unit) to SPEC, writing it atomically, then checks it and\n"
	"prints what errors remain. Only unambiguous fixes are applied: one per range, none that\n"
	"overlaps another, none in imported files or the stdlib. Exit 0 when SPEC then checks\n"
	"clean, 1 when errors remain.\n"
	"  --dry-run          print each fix (the line before and after) and check the result,\n"
	"                     but leave SPEC as it is\n" COMMON_HELP;
static const char ir_usage[] = "usage: vidc ir SPEC [--preset P] [-o FILE] [options]\n"
			      "\n"
			      "Prints the frame-graph IR the spec compiles to, for every preset it names\n"
			      "or the one --preset picks (SPEC.md section 9).\n\n"
			      "  --preset NAME      only this preset's program\n"
			      "  -o, --output FILE  write it to FILE instead of standard output\n" COMMON_HELP;
static const char render_usage[] =
	"usage: vidc render SPEC -o OUT.mp4 [options]\n"
	"\n"
	"  -o, --output OUT.mp4  the video (a new name or a regular file, replaced only when the\n"
	"                     render succeeds; never the spec or a file it reads); OUT.y4m: the\n"
	"                     frames uncompressed (YUV4MPEG2, exactly what x264 would get; no\n"
	"                     sound, one pass, 3.1 MB a 1080x1920 frame)\n"
	"  --preset NAME      a preset the spec names (default: its first); all: every preset,\n"
	"                     to OUT-PRESET.mp4\n"
	"  --quality N        1 (best, largest) to 51, default 15; a file over the preset's size\n"
	"                     budget, or over the peak rate of its frame size (25 Mb/s from\n"
	"                     1080p), is encoded again in x264's second pass within it\n"
	"  --progress bar|json|none  a bar on a terminal (default), or one JSON line per second\n"
	"                     on standard output\n"
	"  --pieces N --piece K   render only piece K (1..N) of the video split in N pieces that\n"
	"                     start on keyframes, video only; vidc join puts them together\n"
	"  --pieces N         render in N pieces and join them here\n"
	"  --cache            through the piece cache: a video of 20 s or more is rendered in\n"
	"                     pieces of --piece-length (default 10s); a piece whose frames,\n"
	"                     assets and settings did not change since is reused, not encoded;\n"
	"                     the soundtrack too, while no sound, volume or timing changed\n"
	"  --no-cache         one pass, no piece cache (the default without --cache)\n"
	"  --cache-dir DIR    the piece cache (default $VIDC_CACHE_DIR/pieces or ~/.cache/vidc/pieces)\n"
	"  --cache-size MB    its size limit (default 2048); the least recently used go first\n"
	"  --piece-length T   with --cache: the length of a piece (default 10s)\n" COMMON_HELP;
static const char frame_usage[] = "usage: vidc frame SPEC --at TIME -o OUT.png [--preset P] [options]\n"
				 "\n"
				 "Renders one frame as a PNG: the exact pixels the encoder gets.\n"
				 "  --at TIME          12.4s, 1500ms or 372f (frames), before the video's end\n"
				 "  -o, --output OUT.png  the PNG (a new name or a regular file, replaced only\n"
				 "                     when the frame renders; never the spec or a file it reads)\n"
				 "  --preset NAME      a preset the spec names (default: its first)\n" COMMON_HELP;
static const char golden_usage[] =
	"usage: vidc golden DIR [--update [--all]] [--threshold DB]\n"
	"\n"
	"Renders the frame of every golden PNG in DIR/golden/ and compares by PSNR. A golden is\n"
	"named SPEC@TIME[@PRESET].png for DIR/SPEC.vid; a failure writes NAME.actual.png and\n"
	"NAME.diff.png beside it.\n"
	"  --threshold DB     the lowest PSNR that passes (default 40)\n"
	"  --update           rewrite the goldens that fail from the current build\n"
	"  --all              with --update: rewrite every golden\n" COMMON_HELP;
static const char subs_usage[] =
	"usage: vidc subs SPEC -o OUT.srt [--preset P] [--format srt|vtt|ass] [--style S]\n"
	"\n"
	"Captions from the voice's word timings: SRT, WebVTT (.vtt) or ASS (.ass); --style picks\n"
	"the ASS caption style (plain, bold_center, karaoke; default the spec's).\n"
	"  -o, --output FILE  the captions file; its extension picks the format\n"
	"  --format F         srt, vtt or ass, whatever the extension\n"
	"  --style S          ASS only: plain, bold_center or karaoke\n"
	"  --preset NAME      a preset the spec names (default: its first)\n" COMMON_HELP;
static const char chapters_usage[] =
	"usage: vidc chapters SPEC [--preset P]\n"
	"\n"
	"Prints the chapters as a YouTube description block (0:00 Intro ...); exit 1 with the\n"
	"reason when YouTube would ignore them.\n"
	"  --preset NAME      a preset the spec names (default: its first)\n" COMMON_HELP;
static const char thumb_usage[] =
	"usage: vidc thumb SPEC -o OUT.jpg [options]\n"
	"\n"
	"The thumbnail: 1280x720 for 16:9 presets, 1080x1920 for vertical ones, a JPEG under\n"
	"2 MB, drawn by the stdlib template templates/thumb.vid.\n"
	"  --preset NAME      a preset the spec names (default: its first)\n"
	"  --title TEXT       default: the spec's first text, else its first chapter\n"
	"  --image PATH       the hero picture (default: the spec's first image)\n"
	"  --at TIME          the video's frame at TIME (12.4s or 1500ms) as the hero picture\n"
	"  --template FILE    a restyled copy of templates/thumb.vid\n" COMMON_HELP;
static const char sheet_usage[] =
	"usage: vidc sheet SPEC -o SHEET.png [--preset P] [--cols N] [--frames N | --every 2s]\n"
	"                  [--width PX]\n"
	"\n"
	"A contact sheet: frames of the video in a grid, each labelled with its time.\n"
	"  --cols N           tiles a row, 1 to 20 (default 4 for 16:9, 6 for vertical)\n"
	"  --frames N         1 to 200 frames spread over the video (default 12)\n"
	"  --every D          one frame every D (2s, 500ms) instead\n"
	"  --width PX         200 to 8000 (default 1600)\n" COMMON_HELP;

extern const cli_opt *const cli_make_opts[], *const cli_script_opts[], *const cli_voice_opts[],
	*const cli_voices_opts[], *const cli_fetch_opts[], *const cli_assets_opts[];
extern const char cli_make_usage[], cli_script_usage[], cli_voice_usage[], cli_fetch_usage[],
	cli_assets_usage[];
extern const cli_opt *const cli_fmt_opts[];
extern const char cli_fmt_usage[];
extern const cli_opt *const cli_join_opts[];
extern const char cli_join_usage[];
/* the service's commands (cli/serve.c) share one option table */
extern const cli_opt *const cli_serve_opts[];
extern const char cli_serve_usage[], cli_worker_usage[], cli_token_usage[], cli_site_usage[],
	cli_credits_usage[], cli_stage9_usage[];
extern const cli_opt *const cli_preview_opts[];
extern const char cli_preview_usage[];
extern const cli_opt *const cli_job_opts[];
extern const char cli_job_usage[];

const cli_cmd cli_cmds[] = {
	{"make", cli_make, cli_make_usage, cli_make_opts},
	{"check", cli_check, check_usage, check_opts},
	{"fix", cli_fix, fix_usage, fix_opts},
	{"fmt", cli_fmt, cli_fmt_usage, cli_fmt_opts},
	{"lsp", cli_lsp, lsp_usage, lsp_opts},
	{"preview", cli_preview, cli_preview_usage, cli_preview_opts},
	{"ir", cli_ir, ir_usage, ir_opts},
	{"render", cli_render, render_usage, render_opts},
	{"frame", cli_frame, frame_usage, frame_opts},
	{"golden", cli_golden, golden_usage, golden_opts},
	{"voice", cli_voice, cli_voice_usage, cli_voice_opts},
	{"voices", cli_voices, cli_voice_usage, cli_voices_opts},
	{"script", cli_script, cli_script_usage, cli_script_opts},
	{"subs", cli_subs, subs_usage, subs_opts},
	{"chapters", cli_chapters, chapters_usage, chapters_opts},
	{"thumb", cli_thumb, thumb_usage, thumb_opts},
	{"sheet", cli_sheet, sheet_usage, sheet_opts},
	{"fetch", cli_fetch, cli_fetch_usage, cli_fetch_opts},
	{"join", cli_join, cli_join_usage, cli_join_opts},
	{"serve", cli_serve, cli_serve_usage, cli_serve_opts},
	{"worker", cli_worker, cli_worker_usage, cli_serve_opts},
	{"token", cli_token, cli_token_usage, cli_serve_opts},
	{"site", cli_site, cli_site_usage, cli_serve_opts},
	{"credits", cli_credits, cli_credits_usage, cli_serve_opts},
	{"stage9", cli_stage9, cli_stage9_usage, cli_serve_opts},
	{"assets", cli_assets, cli_assets_usage, cli_assets_opts},
	{"account", cli_account, cli_account_usage, cli_account_opts},
	{"publish", cli_publish, cli_publish_usage, cli_publish_opts},
	{"engagement", cli_engagement, cli_engagement_usage, cli_engagement_opts},
	{"jsonld", cli_jsonld, cli_jsonld_usage, cli_jsonld_opts},
	{"job", cli_job, cli_job_usage, cli_job_opts},
};
const int cli_ncmds = (int)(sizeof cli_cmds / sizeof *cli_cmds);

static const cli_cmd *find_cmd(const char *name)
{
	for (int i = 0; i < cli_ncmds; i++)
		if (!strcmp(name, cli_cmds[i].name))
			return &cli_cmds[i];
	return NULL;
}

static int unknown_command(const char *cmd)
{
	const char *names[32];
	int n = 0;
	for (int i = 0; i < cli_ncmds && n < 31; i++)
		names[n++] = cli_cmds[i].name;
	names[n++] = "help";
	const char *sug = diag_suggest(cmd, names, n);
	fprintf(stderr, "vidc: unknown command '%s'", cmd);
	if (sug)
		fprintf(stderr, " (did you mean '%s'?)", sug);
	fprintf(stderr, "\n(run 'vidc help' for usage)\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	/* libav's own chatter (decoder warnings such as "EOI missing") is not for vidc's users: vidc
	 * reports what fails itself, naming the asset. VIDC_AV_LOG=1 shows it, for debugging. */
	if (!getenv("VIDC_AV_LOG") || !*getenv("VIDC_AV_LOG"))
		av_log_set_level(AV_LOG_FATAL);
	if (simd_env_invalid()) {
		fprintf(stderr, "vidc: VIDC_SIMD=%s names no vector level (scalar, sse2 or avx2)\n",
			simd_env_invalid());
		return 2;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		const cli_cmd *c = argc > 2 ? find_cmd(argv[2]) : NULL;
		fputs(c ? c->usage : usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("vidc %s (IR %d)\n", VIDC_VERSION, IR_VERSION);
		return 0;
	}
	const cli_cmd *c = find_cmd(cmd);
	if (!c)
		return unknown_command(cmd);
	cli_args *a = calloc(1, sizeof *a);
	if (!a)
		return 1;
	int rc = cli_parse(c, argc - 1, argv + 1, a);
	if (rc < 0)
		rc = c->run(a);
	free(a);
	return rc;
}
