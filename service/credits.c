/*
 * credits.c - the cost table and the ledger (credits.h).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../base/err.h"
#include "credits.h"

/* The table's entries by the product's operation types: one list that config and settling read. */
static const struct {
	const char *op;
	size_t off;
	int def;
} entries[] = {
	{"video_script_generation", offsetof(credits_table, script), 5},
	{"video_tts_standard", offsetof(credits_table, tts_standard), 10},
	{"video_tts_selfhosted", offsetof(credits_table, tts_selfhosted), 2},
	{"video_tts_hd", offsetof(credits_table, tts_hd), 20},
	{"video_visual_generation", offsetof(credits_table, visual_base), 15},
	{"video_visual_per_item", offsetof(credits_table, visual_item), 5},
	{"video_visual_cap", offsetof(credits_table, visual_cap), 50},
	{"video_thumbnail", offsetof(credits_table, thumbnail), 3},
	{"video_thumbnail_ai", offsetof(credits_table, thumbnail_ai), 10},
	{"video_composition", offsetof(credits_table, composition), 5},
	{"video_seo_metadata", offsetof(credits_table, seo), 1},
};

/* Which per-minute price each voice provider pays (pipeline/voice.h's providers). */
static const struct {
	const char *provider, *op;
	size_t off;
} tts_ops[] = {
	{"espeak", "video_tts_selfhosted", offsetof(credits_table, tts_selfhosted)},
	{"coqui", "video_tts_selfhosted", offsetof(credits_table, tts_selfhosted)},
	{"piper", "video_tts_selfhosted", offsetof(credits_table, tts_selfhosted)},
	{"bark", "video_tts_selfhosted", offsetof(credits_table, tts_selfhosted)},
	{"openai", "video_tts_standard", offsetof(credits_table, tts_standard)},
	{"elevenlabs", "video_tts_hd", offsetof(credits_table, tts_hd)},
};

#define FIELD(t, off) (*(int *)((char *)(t) + (off)))

void credits_defaults(credits_table *t)
{
	for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
		FIELD(t, entries[i].off) = entries[i].def;
}

int credits_set(credits_table *t, const char *op, int amount)
{
	for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
		if (!strcmp(op, entries[i].op)) {
			FIELD(t, entries[i].off) = amount;
			return 0;
		}
	return VE_INVAL;
}

const char *credits_tts_op(const char *provider)
{
	for (size_t i = 0; i < sizeof tts_ops / sizeof *tts_ops; i++)
		if (!strcmp(provider, tts_ops[i].provider))
			return tts_ops[i].op;
	return NULL;
}

int credits_tts(const credits_table *t, const char *provider, double seconds)
{
	for (size_t i = 0; i < sizeof tts_ops / sizeof *tts_ops; i++)
		if (!strcmp(provider, tts_ops[i].provider)) {
			double c = FIELD(t, tts_ops[i].off) * seconds / 60.0;
			return (int)ceil(c - 1e-9);
		}
	return 0;
}

int credits_visuals(const credits_table *t, int generated)
{
	int c = t->visual_base + t->visual_item * (generated > 0 ? generated : 0);
	return c > t->visual_cap ? t->visual_cap : c;
}

/* Whether the comma-separated list names source. */
static int lists(const char *list, const char *source)
{
	size_t n = strlen(source);
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, source, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

int credits_visuals_hold(const credits_table *t, const char *sources, int sections, double seconds)
{
	int generated = lists(sources, "stock") || lists(sources, "ai");
	if (sections <= 0)
		sections = (int)ceil(seconds / 10);
	if (sections < 3)
		sections = 3;
	return credits_visuals(t, generated ? sections : 0);
}

int credits_balance(store_t *s, int64_t site, int64_t *balance)
{
	int rc = store_int(s, balance, "SELECT COALESCE(SUM(amount), 0) FROM vidc_credit_ledger WHERE site_id = ?",
			   "l", site);
	return rc < 0 ? rc : 0;
}

static int entry(store_t *s, int64_t site, const char *kind, const char *op, int amount, int64_t project,
		 int64_t job, const char *note)
{
	char now[32];
	store_iso(store_now_ms(), now);
	/* ids of 0 are stored as NULL: a grant belongs to no project or job */
	return store_run(s, "INSERT INTO vidc_credit_ledger (site_id, kind, operation_type, amount, project_id, job_id, "
			    "note, created_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
			 "lttillt" "t", site, kind, op, amount, project, job, note, now);
}

int credits_hold(store_t *s, int64_t site, int64_t project, int64_t job, const char *op, int amount,
		 char *err, size_t errlen)
{
	int64_t bal = 0;
	if (store_lock(s, "vidc_sites", site) < 0 || credits_balance(s, site, &bal)) {
		snprintf(err, errlen, "cannot read the credit balance: %s", store_errmsg(s));
		return VE_IO;
	}
	if (bal < amount) {
		snprintf(err, errlen, "the site's credits cannot pay for %s: it needs %d, the balance is %lld", op,
			 amount, (long long)bal);
		return VE_QUOTA;
	}
	if (amount > 0 && entry(s, site, "hold", op, -amount, project, job, NULL) < 0) {
		snprintf(err, errlen, "cannot write the ledger: %s", store_errmsg(s));
		return VE_IO;
	}
	return 0;
}

int credits_can_pay(store_t *s, int64_t site, int64_t project, const char *op, int64_t *can)
{
	int64_t bal = 0, held = 0;
	int rc = credits_balance(s, site, &bal);
	if (!rc && store_int(s, &held, "SELECT COALESCE(-SUM(amount), 0) FROM vidc_credit_ledger h WHERE h.site_id = ? AND "
				       "h.project_id = ? AND h.kind = 'hold' AND h.operation_type = ? AND NOT EXISTS (SELECT 1 "
				       "FROM vidc_credit_ledger r WHERE r.job_id = h.job_id AND r.kind = 'release' AND "
				       "r.operation_type = h.operation_type)", "llt", site, project, op) < 0)
		rc = VE_IO;
	*can = bal + held;
	return rc;
}

int credits_release(store_t *s, int64_t job, char *err, size_t errlen)
{
	/* A release cancels every hold of the job not yet released (a retried job holds once). */
	int rc = store_run(s, "INSERT INTO vidc_credit_ledger (site_id, kind, operation_type, amount, project_id, job_id, "
			      "note, created_at) SELECT site_id, 'release', operation_type, -amount, project_id, job_id, "
			      "NULL, ? FROM vidc_credit_ledger h WHERE h.job_id = ? AND h.kind = 'hold' AND NOT EXISTS "
			      "(SELECT 1 FROM vidc_credit_ledger r WHERE r.job_id = h.job_id AND r.kind = 'release' AND "
			      "r.operation_type = h.operation_type)",
			   "tl", store_iso(store_now_ms(), (char[32]){0}), job);
	if (rc < 0) {
		snprintf(err, errlen, "cannot write the ledger: %s", store_errmsg(s));
		return VE_IO;
	}
	return 0;
}

/* The charges of a settle never take the balance below zero: a hold is the server's estimate
 * (records.h rec_script_seconds: the script's words at a slow voice's rate, never less than the
 * client's claim), and the real cost can still be more. The narration's real cost is checked by
 * the voice stage before its job settles (credits_can_pay: a voice the site cannot pay for is
 * not kept); what is left (another job of the site settled in between) is left uncharged and the
 * ledger's note says so. */
int credits_settle(store_t *s, int64_t site, int64_t project, int64_t job, const credits_item *items,
		   int n, char *err, size_t errlen)
{
	/* the site's lock first: the release's ledger rows name the site, and a lock taken after
	 * them would wait on another settle that holds its key the same way (PostgreSQL: deadlock) */
	int64_t bal = 0;
	if (store_lock(s, "vidc_sites", site) < 0) {
		snprintf(err, errlen, "cannot lock the site's credits: %s", store_errmsg(s));
		return VE_IO;
	}
	if (credits_release(s, job, err, errlen))
		return VE_IO;
	if (credits_balance(s, site, &bal)) {
		snprintf(err, errlen, "cannot read the credit balance: %s", store_errmsg(s));
		return VE_IO;
	}
	for (int i = 0; i < n; i++) {
		if (items[i].amount <= 0)
			continue;
		int amount = bal < items[i].amount ? (int)(bal > 0 ? bal : 0) : items[i].amount;
		char note[128] = "";
		if (amount < items[i].amount)
			snprintf(note, sizeof note, "the real cost was %d; the balance paid %d", items[i].amount, amount);
		if (entry(s, site, "charge", items[i].op, -amount, project, job, note[0] ? note : NULL) < 0) {
			snprintf(err, errlen, "cannot write the ledger: %s", store_errmsg(s));
			return VE_IO;
		}
		bal -= amount;
	}
	return 0;
}

int credits_grant(store_t *s, int64_t site, int64_t amount, const char *note, char *err, size_t errlen)
{
	if (amount == 0 || amount > CREDITS_GRANT_MAX || amount < -CREDITS_GRANT_MAX) {
		snprintf(err, errlen, "the amount is %lld: a grant is a whole number from -%d to %d, not 0", (long long)amount,
			 CREDITS_GRANT_MAX, CREDITS_GRANT_MAX);
		return VE_INVAL;
	}
	/* a negative grant (a correction) is checked against the balance under the site's lock, as
	 * a hold is, so two at once cannot take it below zero */
	int64_t bal = 0;
	if (store_begin(s) || store_lock(s, "vidc_sites", site) < 0 || credits_balance(s, site, &bal)) {
		snprintf(err, errlen, "cannot read the credit balance: %s", store_errmsg(s));
		store_rollback(s);
		return VE_IO;
	}
	if (bal + amount < 0) {
		store_rollback(s);
		snprintf(err, errlen, "the balance is %lld: taking %lld would leave it below zero", (long long)bal,
			 (long long)-amount);
		return VE_INVAL;
	}
	if (entry(s, site, "grant", NULL, (int)amount, 0, 0, note) < 0 || store_commit(s)) {
		snprintf(err, errlen, "cannot write the ledger: %s", store_errmsg(s));
		int code = store_last_code(s) == STORE_ECONSTRAINT ? VE_NOTFOUND : VE_IO;
		store_rollback(s);
		return code;
	}
	return 0;
}

int credits_chain(const credits_table *t, const char *type, int nplatforms, const char *provider, double seconds,
		  const char *sources, credits_item *items, int *n)
{
	if (seconds <= 0)
		seconds = !strcmp(type, "long") ? 600 : !strcmp(type, "medium") ? 120 : 60;
	int k = 0;
	items[k++] = (credits_item){"video_script_generation", t->script};
	items[k++] = (credits_item){"video_seo_metadata", t->seo * nplatforms};
	items[k++] = (credits_item){credits_tts_op(provider) ? credits_tts_op(provider) : "video_tts_selfhosted",
				    credits_tts(t, provider, seconds)};
	items[k++] = (credits_item){"video_visual_generation", credits_visuals_hold(t, sources, 0, seconds)};
	items[k++] = (credits_item){"video_composition", t->composition * nplatforms};
	items[k++] = (credits_item){"video_thumbnail", t->thumbnail * nplatforms};
	int total = 0;
	for (int i = 0; i < k; i++)
		total += items[i].amount;
	*n = k;
	return total;
}
