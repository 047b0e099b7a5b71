/*
 * publish_quota.c - the YouTube quota ledger (see publish_quota.h). Pacific time is computed,
 * not looked up through TZ: setting TZ in a threaded library is unsafe, and the rule is fixed
 * (PST UTC-8; PDT UTC-7 from the second Sunday of March, 02:00 local, to the first Sunday of
 * November, 02:00 local).
 */
#include "publish_quota.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The day (since the epoch) of the n-th Sunday (n from 1) of month m in year y. */
static int64_t nth_sunday(int64_t y, int m, int n)
{
	int64_t first = days_from_civil(y, m, 1);
	int64_t wd = ((first % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday (4); 0 = Sunday */
	return first + (7 - wd) % 7 + 7 * (n - 1);
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - ((a % b) != 0 && ((a < 0) != (b < 0)));
}

/* UTC offset of Pacific time at t, in seconds. */
static int64_t pacific_offset(int64_t t)
{
	time_t tt = (time_t)(t - 8 * 3600);
	struct tm tm;
	gmtime_r(&tt, &tm);
	int64_t y = tm.tm_year + 1900;
	int64_t start = nth_sunday(y, 3, 2) * 86400 + 10 * 3600; /* 02:00 PST */
	int64_t end = nth_sunday(y, 11, 1) * 86400 + 9 * 3600;	  /* 02:00 PDT */
	return t >= start && t < end ? -7 * 3600 : -8 * 3600;
}

int64_t pquota_day(int64_t t)
{
	return floordiv(t + pacific_offset(t), 86400);
}

int64_t pquota_reset_after(int64_t t)
{
	int64_t u = (pquota_day(t) + 1) * 86400 + 8 * 3600;
	return pacific_offset(u) == -7 * 3600 ? u - 3600 : u;
}

typedef struct {
	int64_t day;
	long uploads, units;
} ledger_t;

static void read_ledger(int fd, ledger_t *l);

/* The ledger opened (created if new), locked and read into l: the fd, which holds the lock until
 * it is closed, or a negative VE_* code. */
static int open_ledger(const char *path, ledger_t *l, vidc_err *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_errno(e, errno, "YouTube quota ledger %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int en = errno;
			close(fd);
			return err_errno(e, en, "YouTube quota ledger %s: lock", path);
		}
	}
	read_ledger(fd, l);
	return fd;
}

static void read_ledger(int fd, ledger_t *l)
{
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	memset(l, 0, sizeof *l);
	if (n <= 0)
		return;
	buf[n] = 0;
	json_t *j = json_loads(buf, 0, NULL);
	l->day = json_integer_value(json_object_get(j, "day"));
	l->uploads = (long)json_integer_value(json_object_get(j, "uploads"));
	l->units = (long)json_integer_value(json_object_get(j, "units"));
	json_decref(j);
}

static int write_ledger(int fd, const ledger_t *l, const char *path, vidc_err *e)
{
	char buf[160];
	int n = snprintf(buf, sizeof buf, "{\"day\": %lld, \"uploads\": %ld, \"units\": %ld}\n",
			 (long long)l->day, l->uploads, l->units);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n || fsync(fd) < 0)
		return err_errno(e, errno, "YouTube quota ledger %s: write", path);
	return 0;
}

/* Today's counts (the Pacific day of now; another day's read as zero) from the ledger at path,
 * opened and locked: *fd holds the lock until it is closed. Without a ledger (path NULL) the
 * counts are zero and *fd is -1. 0 or a VE_* code (the counts zero, *fd -1). */
static int open_today(const char *path, int64_t now, ledger_t *l, int *fd, vidc_err *e)
{
	int64_t today = pquota_day(now);
	*l = (ledger_t){today, 0, 0};
	*fd = -1;
	if (!path)
		return 0;
	ledger_t got;
	int f = open_ledger(path, &got, e);
	if (f < 0)
		return f;
	if (got.day == today)
		*l = got;
	*fd = f;
	return 0;
}

int pquota_charge(const char *path, pquota_bucket b, long n, long limit, int64_t now,
		  int64_t *retry_at, vidc_err *e)
{
	if (retry_at)
		*retry_at = 0;
	ledger_t l;
	int fd, rc = open_today(path, now, &l, &fd, e);
	if (rc || fd < 0)
		return rc;
	long *used = b == PQUOTA_UPLOADS ? &l.uploads : &l.units;
	if (*used + n > limit) {
		int64_t at = pquota_reset_after(now);
		if (retry_at)
			*retry_at = at;
		rc = err_set(e, VE_QUOTA,
			     "YouTube quota: %ld of %ld %s used today (Pacific time); this needs %ld "
			     "more, so it waits for the reset in %lld min",
			     *used, limit, b == PQUOTA_UPLOADS ? "upload calls" : "units", n,
			     (long long)((at - now + 59) / 60));
	} else {
		*used += n;
		rc = write_ledger(fd, &l, path, e);
	}
	close(fd); /* releases the lock */
	return rc;
}

int pquota_used(const char *path, int64_t now, long *uploads, long *units, vidc_err *e)
{
	ledger_t l;
	int fd, rc = open_today(path, now, &l, &fd, e);
	if (fd >= 0)
		close(fd);
	*uploads = l.uploads;
	*units = l.units;
	return rc;
}
