/*
 * service_fields.c - the API's preset choices are the platform file's (issue 9): with
 * VIDC_STDLIB naming a copy of the stdlib whose platforms.json has one more preset (a tiktok_hd
 * made from TikTok's entry), fld_check takes it in target_platforms and presets, refuses a name
 * the file lacks with the file's list, and fld_preset_platform answers from the file.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../service/fields.h"
#include "check.h"

/* A stdlib folder whose platforms.json is the shipped one plus a copy of the tiktok preset
 * called tiktok_hd. */
static const char *stdlib_with_extra_preset(void)
{
	json_error_t je;
	json_t *t = json_load_file("stdlib/platforms.json", 0, &je);
	CHECK(t != NULL, "stdlib/platforms.json: %s", je.text);
	json_t *presets = json_object_get(t, "presets"), *p;
	size_t i;
	json_array_foreach(presets, i, p) if (!strcmp(json_string_value(json_object_get(p, "name")), "tiktok"))
	{
		json_t *hd = json_deep_copy(p);
		json_object_set_new(hd, "name", json_string("tiktok_hd"));
		json_array_append_new(presets, hd);
		break;
	}
	CHECK(json_dump_file(t, check_path("platforms.json"), JSON_INDENT(2)) == 0, "writing the copy");
	json_decref(t);
	return check_tmpdir();
}

int main(void)
{
	setenv("VIDC_STDLIB", stdlib_with_extra_preset(), 1);
	static const fld_spec specs[] = {{"target_platforms", FLD_STRS, 1, fld_platforms, FLD_MAX_PRESETS, 0},
					 {NULL, 0, 0, NULL, 0, 0}};
	char err[512] = "";
	const char *field = NULL;
	json_t *o = json_pack("{s:[s,s]}", "target_platforms", "tiktok_hd", "youtube_long");
	CHECK(fld_check(o, specs, 1, err, sizeof err, &field) == 0, "the file's extra preset: %s", err);
	json_decref(o);
	o = json_pack("{s:[s]}", "target_platforms", "vimeo");
	CHECK(fld_check(o, specs, 1, err, sizeof err, &field) == -1 &&
		      strstr(err, "youtube_long, youtube_short, instagram_reel, tiktok, tiktok_hd") &&
		      strstr(err, "'vimeo'") && field && !strcmp(field, "target_platforms"),
	      "an unknown preset is refused with the file's list: %s", err);
	json_decref(o);
	const char *const *all = fld_presets();
	int n = 0;
	while (all[n])
		n++;
	CHECK(n == 5 && !strcmp(all[4], "tiktok_hd") && !*fld_presets_error(), "%d presets", n);
	CHECK(fld_preset_platform("tiktok_hd") && !strcmp(fld_preset_platform("tiktok_hd"), "tiktok") &&
		      !strcmp(fld_preset_platform("youtube_short"), "youtube") && !fld_preset_platform("vimeo"),
	      "a preset's platform is its site in the file");
	/* a voice name never names a file: espeak-ng read '../../etc/passwd' as a voice */
	static const fld_spec voice[] = {{"voice_id", FLD_NAME, 0, NULL, 128, 1}, {NULL, 0, 0, NULL, 0, 0}};
	static const char *const names[] = {"en-us", "en+f3", "English (Great Britain)", "21m00Tcm4TlvDq8ikWAM", "alloy",
						   "v2/en_speaker_6", "K'iche'", "M\xc4\x81ori", "Chinese_(Mandarin,_latin_as_English)"};
	static const char *const paths[] = {"../../../../etc/passwd", "/etc/passwd", "en+../x", "a\\b", "", "en\nus", ".hidden", "v2/../../x"};
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		o = json_pack("{s:s}", "voice_id", names[k]);
		CHECK(fld_check(o, voice, 1, err, sizeof err, &field) == 0, "voice '%s': %s", names[k], err);
		json_decref(o);
	}
	for (size_t k = 0; k < sizeof paths / sizeof *paths; k++) {
		o = json_pack("{s:s}", "voice_id", paths[k]);
		CHECK(fld_check(o, voice, 1, err, sizeof err, &field) == -1 && strstr(err, "'voice_id' must be a name"),
		      "voice '%s' taken: %s", paths[k], err);
		json_decref(o);
	}
	return check_done();
}
