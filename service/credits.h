/*
 * credits.h - what the service's operations cost, and the ledger that pays for them. Each
 * operation is priced from a table (defaults below, overridable in the config file's "credits"
 * object under the product's operation types), estimated before its job runs (a site that
 * cannot pay is refused with 402 and nothing runs) and settled when it finishes: the estimate is
 * held on the ledger, then released and the real cost charged (per-minute costs on the real
 * duration). The balance is the sum of the site's ledger rows.
 */
#ifndef VIDC_CREDITS_H
#define VIDC_CREDITS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct {
	int script;         /* video_script_generation, per script: 5 */
	int tts_standard;   /* video_tts_standard, per minute (OpenAI): 10 */
	int tts_selfhosted; /* video_tts_selfhosted, per minute (Coqui, Piper, Bark, espeak): 2 */
	int tts_hd;         /* video_tts_hd, per minute (ElevenLabs): 20 */
	int visual_base;    /* video_visual_generation: 15 ... */
	int visual_item;    /* ... plus this per AI or stock visual (video_visual_per_item): 5 ... */
	int visual_cap;     /* ... capped at this (video_visual_cap): 50 */
	int thumbnail;      /* video_thumbnail: 3 ... */
	int thumbnail_ai;   /* ... or this with an AI image (video_thumbnail_ai): 10 */
	int composition;    /* video_composition, per render: 5 */
	int seo;            /* video_seo_metadata, per platform: 1 */
} credits_table;

void credits_defaults(credits_table *t);
/* Sets the entry named by a product operation type ("video_tts_hd"). -1 when unknown. */
int credits_set(credits_table *t, const char *op, int amount);

/* One priced operation. */
typedef struct {
	const char *op; /* the product's operation type */
	int amount;
} credits_item;

/* The operation type of a voice provider's per-minute cost ("video_tts_selfhosted" for
 * espeak, coqui, piper, bark; "video_tts_standard" for openai; "video_tts_hd" for elevenlabs);
 * NULL for an unknown provider. */
const char *credits_tts_op(const char *provider);
/* Per-minute price of the provider, rounded up to whole credits for seconds of speech. */
int credits_tts(const credits_table *t, const char *provider, double seconds);
int credits_visuals(const credits_table *t, int generated); /* AI or stock visuals */
/* What the visuals stage may cost before it runs: one generated picture per section when the
 * sources (the config's "visuals", e.g. "article,stock,ai,cards") include stock or ai, since
 * any section without an article image may then get one; none with article images and cards
 * only. sections <= 0 is estimated from seconds of narration, one section per 10 s (at least
 * 3: hook, a point, CTA). The stage charges what it really fetched (worker.c). */
int credits_visuals_hold(const credits_table *t, const char *sources, int sections, double seconds);

/* Holds amount for one operation of a job, in the caller's transaction: refuses with -16 and a
 * message naming the need and the balance when the site's balance is below amount. The site's
 * row is locked first (store_lock), so holds of one site that run at once read the balance one
 * after the other and it never goes below zero. */
int credits_hold(store_t *s, int64_t site, int64_t project, int64_t job, const char *op, int amount,
		 char *err, size_t errlen);
/* Settles a job: releases its holds and charges the real items (n of them), in the caller's
 * transaction; never below a zero balance (what it cannot pay is noted, not charged). */
int credits_settle(store_t *s, int64_t site, int64_t project, int64_t job, const credits_item *items,
		   int n, char *err, size_t errlen);
/* What the site can pay for op in project: the balance plus the project's holds for op not yet
 * released (the job's own, or the render's whose piece job makes the voice), in *can (0 and
 * *can, or a negative code). A stage whose real cost is known before its job settles (the
 * narration's minutes) checks it, and refuses to keep what it cannot pay for. */
int credits_can_pay(store_t *s, int64_t site, int64_t project, const char *op, int64_t *can);
/* Releases a failed job's holds (nothing is charged). */
int credits_release(store_t *s, int64_t job, char *err, size_t errlen);
/* The largest grant (and correction) at once: keeps every ledger amount an int. */
#define CREDITS_GRANT_MAX 1000000000
/* Adds amount (a correction when negative) in its own transaction: VE_INVAL for 0 or beyond
 * CREDITS_GRANT_MAX, and for a correction that would leave the balance below zero. */
int credits_grant(store_t *s, int64_t site, int64_t amount, const char *note, char *err, size_t errlen);
/* The site's balance, or a negative code. */
int credits_balance(store_t *s, int64_t site, int64_t *balance);

/* The estimate of a whole chain (script, voice, visuals from sources as credits_visuals_hold
 * counts them, one render with its thumbnail per platform, SEO per platform) for a project of
 * type with nplatforms platforms, voice provider and seconds of narration (<= 0: the type's typical length: short 60 s, medium 120 s, long
 * 600 s). items gets up to 8 entries; returns the total. */
int credits_chain(const credits_table *t, const char *type, int nplatforms, const char *provider, double seconds,
		  const char *sources, credits_item *items, int *n);

#endif
