/*
 * stock.h - stock photos and footage from Pexels and Pixabay, for the assets stage
 * (pipeline/assets.c): a search by words, the results as data (the file to download, its size,
 * the author and the source link the services ask to be credited), and a picker that chooses the
 * item that best fits a section and downloads it through the fetcher.
 *
 * Protocols (as the services document them):
 *   Pexels   GET {VIDC_PEXELS_URL}/v1/search and /videos/search ?query=&orientation=&size=
 *            &per_page=&page=, header "Authorization: KEY" (VIDC_PEXELS_KEY); X-Ratelimit-*
 *            headers (Reset: a UNIX time). Licence: the Pexels License.
 *   Pixabay  GET {VIDC_PIXABAY_URL}/api/ and /api/videos/ ?key=&q=&image_type=photo
 *            &orientation=&per_page=&page=&safesearch=true (VIDC_PIXABAY_KEY); X-RateLimit-*
 *            headers (Reset: seconds). Licence: the Pixabay Content License. Its terms ask
 *            that search results be cached for 24 hours: every search reply is (both services).
 * Search replies go through the fetcher as trusted (operator-configured) URLs, with the key
 * removed from what the cache index records; the files they name are untrusted URLs.
 */
#ifndef VIDC_STOCK_H
#define VIDC_STOCK_H

#include "../base/err.h"
#include "fetch.h"

typedef enum { STOCK_PHOTO, STOCK_VIDEO } stock_media;
typedef enum { STOCK_ANY, STOCK_LANDSCAPE, STOCK_PORTRAIT, STOCK_SQUARE } stock_orient;

/* The orientation of a w x h picture: within 10% of square counts as square, so a 1080x1080
 * frame and a slightly cropped photo match (the stock pick and the AI image request agree). */
stock_orient stock_orient_of(int w, int h);

#define STOCK_SEARCH_TTL_S (24 * 3600) /* Pixabay's terms: cache results for 24 hours */

typedef struct {
	const char *provider;	/* "pexels", "pixabay" */
	stock_media media;
	long long id;
	int width, height;	/* of the item as the service describes it */
	double duration;	/* footage, seconds */
	char *file_url;		/* the file to download: a size fitting the request */
	int file_width, file_height;
	char *page_url;		/* the item's page on the service: the source link */
	char *author, *author_url;
	char *description;	/* Pexels' alt text, Pixabay's tags */
	const char *licence, *licence_url;
} stock_item;

typedef struct {
	stock_item *items;
	int n;
	long total;		/* results for the query on every page */
	int page, more;		/* this page; 1 when another page exists */
	long long ratelimit_remaining, ratelimit_reset; /* -1 when not sent */
	int from_cache;
} stock_results;

typedef struct stock_provider stock_provider;

/* "pexels" or "pixabay"; NULL when unknown. */
const stock_provider *stock_provider_find(const char *name);
const char *stock_provider_name(const stock_provider *p);
/* The provider's key from the environment (VIDC_PEXELS_KEY, VIDC_PIXABAY_KEY), NULL when unset:
 * a provider without a key is skipped by stock_pick. */
const char *stock_provider_key(const stock_provider *p);

typedef struct {
	const char *query;	/* words; Pixabay takes at most 100 characters (cut at a word) */
	stock_media media;
	stock_orient orient;
	int want_width, want_height; /* the frame to fill: picks the file size to download */
	int page, per_page;	/* default 1 and 15 */
	const char *key;	/* NULL: stock_provider_key */
	const char *base_url;	/* NULL: VIDC_PEXELS_URL / VIDC_PIXABAY_URL or the service */
} stock_query;

/* One page of results. fo carries the cache folder, cancel flag and log (its URL fields are
 * set here). 0, or VE_AUTH (bad key), VE_QUOTA (rate limit), VE_PROTOCOL (a reply that is not
 * the protocol's JSON: it is dropped from the cache), VE_NET, ... with e naming the provider. */
int stock_search(const stock_provider *p, const stock_query *q, const fetch_opts *fo,
		 stock_results *out, vidc_err *e);
void stock_results_free(stock_results *r);

/* What stock_pick chose, with the downloaded file. */
typedef struct {
	stock_item item;     /* owned: freed by stock_choice_free */
	fetch_result file;   /* the body in the cache */
	char query[256];     /* the words that found it */
	double score;
} stock_choice;
void stock_choice_free(stock_choice *c);

typedef struct {
	const char *cue;	     /* the section's visual cue: "close-up of coarse coffee grounds" */
	const char *const *keywords; /* the article's keywords */
	int nkeywords;
	stock_media media;
	stock_orient orient;	     /* the preset's */
	int want_width, want_height; /* the preset's canvas */
	double min_duration;	     /* footage: the section's length (shorter clips loop) */
	const long long *used;	     /* ids already chosen for other sections (not reused) */
	int nused;
	int max_pages;		     /* pages to look through per query, default 2 */
} stock_pick_opts;

/* Searches p with the cue, then the cue's main words with the first keyword, then the keywords,
 * until a page has an unused item; scores them (orientation, at least the wanted resolution,
 * words shared with the cue; footage long enough) and downloads the best. 0, VE_NOTFOUND when
 * nothing fits, or the first hard error (auth, quota, a refused or broken download). */
int stock_pick(const stock_provider *p, const stock_pick_opts *po, const fetch_opts *fo,
	       stock_choice *out, vidc_err *e);

#endif
