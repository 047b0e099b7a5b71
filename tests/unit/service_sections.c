/*
 * service_sections.c - the service's credit estimate and hold count a script's sections as the
 * assets stage lays them out (issue 9): a script stored through the service counts the same by
 * rec_script_sections (what the render's estimate and the assets job's hold use) as by the
 * stage's own count (assets_count_sections) and as the sections assets_make writes (the old
 * count read the script's "points" and "intro", which a record keeps in "sections", and so
 * counted 2 of 5); a point whose text is empty is no section: it is not narrated, so it gets
 * no visual.
 */
#include "../../pipeline/assets.h"
#include "../../service/records.h"
#include "../../service/store.h"
#include "check.h"

/* hook, intro, two points, cta: five narrated sections */
static const char script_text[] =
	"{\"hook\":\"Cold brew takes time.\",\"intro\":\"The short version.\","
	"\"points\":[{\"text\":\"One part coffee to eight parts water.\",\"duration_est\":3,"
	"\"visual_cue\":\"a jar\",\"text_overlay\":\"1:8\"},"
	"{\"text\":\"Steep it overnight.\",\"duration_est\":3,\"visual_cue\":\"a fridge\","
	"\"text_overlay\":\"12 h\"}],"
	"\"cta\":\"Follow for more.\",\"chapter_markers\":[{\"time\":0,\"title\":\"Intro\"}],"
	"\"total_estimated_duration\":12,\"seo\":{}}";

int main(void)
{
	char err[1024];
	store_t *s = NULL;
	int applied = 0;
	CHECK(store_open(check_path("vidc.db"), &s, err, sizeof err) == 0, "%s", err);
	CHECK(s && store_migrate(s, &applied, err, sizeof err) == 0, "%s", err);
	if (!s)
		return check_done();
	int64_t site = 0, project = 0;
	CHECK(store_int(s, &site, "INSERT INTO vidc_sites (name, created_at, updated_at) VALUES ('s', 'now', 'now') "
				  "RETURNING id", "") == STORE_ROW, "site: %s", store_errmsg(s));
	CHECK(store_int(s, &project, "INSERT INTO igny8_video_projects (site_id, project_type, target_platforms, "
				     "created_at, updated_at) VALUES (?, 'short', '[\"tiktok\"]', 'now', 'now') RETURNING id",
			"l", site) == STORE_ROW, "project: %s", store_errmsg(s));

	json_error_t je;
	json_t *sc = json_loads(script_text, 0, &je);
	CHECK(sc != NULL, "the test script: %s", je.text);
	const char *field = NULL;
	CHECK(rec_script_save(s, project, sc, err, sizeof err, &field) == 0, "saving the script: %s", err);
	CHECK(assets_count_sections(sc) == 5, "the stage's count: %d", assets_count_sections(sc));

	/* the record the estimate and the hold read, and the script the stage reads from it */
	json_t *rec = rec_script_json(s, project);
	json_t *spec = rec ? rec_script_spec(rec) : NULL;
	int counted = rec_script_sections(rec);
	CHECK(counted == 5 && counted == assets_count_sections(spec),
	      "the service counts %d sections, the stage %d", counted, assets_count_sections(spec));
	CHECK(rec_script_sections(NULL) == 0, "no script: no sections");

	/* what assets_make lays out (cards only: nothing fetched) */
	const char *script_path = check_path("script.json");
	CHECK(spec && json_dump_file(spec, script_path, 0) == 0, "writing %s", script_path);
	assets_opts o;
	assets_opts_init(&o);
	o.script_path = script_path;
	o.out_path = check_path("assets.json");
	o.order[0] = VIS_CARDS;
	o.norder = 1;
	assets_t made = {0};
	vidc_err e = {0};
	CHECK(assets_make(&o, &made, &e) == 0, "assets_make: %s", e.msg);
	CHECK(made.n == counted, "the stage laid out %d sections, the service counted %d", made.n, counted);

	/* a point without words is no section: still five (the script schema refuses one on a
	 * record and in the stage today; the count keeps the stage's rule should that change) */
	json_t *empty = json_pack("{s:s, s:i, s:s, s:s}", "text", "", "duration_est", 1, "visual_cue", "a pause",
				  "text_overlay", "");
	CHECK(spec && json_array_insert_new(json_object_get(spec, "points"), 1, empty) == 0, "an empty point");
	CHECK(assets_count_sections(spec) == 5, "the empty point is counted: %d", assets_count_sections(spec));

	assets_free(&made);
	json_decref(spec);
	json_decref(rec);
	json_decref(sc);
	store_close(s);
	return check_done();
}
