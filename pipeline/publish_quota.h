/*
 * publish_quota.h - YouTube Data API quota accounting. Google gives a project two daily buckets:
 * upload calls (videos.insert, 100 a day) and units for everything else (10,000 a day:
 * thumbnails.set 50, captions.insert 400, videos.list 1); both reset at midnight Pacific time.
 * Every worker of a deployment shares one ledger file (JSON {"day","uploads","units"}, updated
 * under flock), so the count holds across processes and restarts. A call that would pass the
 * limit is not made: VE_QUOTA with the reset time, which the job system uses to run the job again
 * then (the job waits; it does not fail). VIDC_NOW moves the clock in tests (publish_net.h).
 */
#ifndef VIDC_PUBLISH_QUOTA_H
#define VIDC_PUBLISH_QUOTA_H

#include <stdint.h>

#include "../base/err.h"

typedef enum { PQUOTA_UPLOADS, PQUOTA_UNITS } pquota_bucket;

/* Unit costs of the calls vidc makes (developers.google.com/youtube/v3/determine_quota_cost). */
enum { PQUOTA_COST_LIST = 1, PQUOTA_COST_THUMB = 50, PQUOTA_COST_CAPTION = 400 };

/* The Pacific calendar day of t (days since 1970-01-01, local), US DST rules since 2007. */
int64_t pquota_day(int64_t t);
/* The next Pacific midnight after t, in seconds since the epoch. */
int64_t pquota_reset_after(int64_t t);

/* Charges n to bucket b of today's ledger in the file path, when today's total stays within
 * limit. Otherwise VE_QUOTA, nothing charged, *retry_at = the next reset. path NULL: nothing is
 * counted (0). */
int pquota_charge(const char *path, pquota_bucket b, long n, long limit, int64_t now,
		  int64_t *retry_at, vidc_err *e);
/* Today's use of both buckets (0 when the ledger is of another day or absent). */
int pquota_used(const char *path, int64_t now, long *uploads, long *units, vidc_err *e);

#endif
