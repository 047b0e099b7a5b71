/*
 * rt_budget.c - the encoder's rate cap and VBV buffer from a platform's size budget
 * (runtime/encode.c, enc_budget): when the budget binds, the buffer grows to up to 10 s (a
 * quarter of a short video) so hard scenes borrow bits from easy ones (issue 17), and in every
 * case video and audio at the cap plus every part's buffer stay within the budget.
 */
#include "check.h"

#include <stdint.h>

#include "../../base/platform.h"
#include "../../runtime/encode.h"

/* Bits the file may hold for video and audio by the rule enc_budget follows (3 % container,
 * 64 KiB index per part). */
static double budget_bits(int64_t max_bytes, int parts)
{
	return ((double)max_bytes * 0.97 - parts * 64.0 * 1024) * 8;
}

/* Sets the cap for the case and checks that the worst case fits the budget. */
static int cap(int64_t max_bytes, int64_t floor, double secs, int parts, int64_t *rate, int64_t *buf)
{
	char cause[256] = "";
	int rc = enc_budget_parts(max_bytes, floor, secs, parts, 1080, 1920, rate, buf, cause, sizeof cause);
	CHECK(rc == 0, "%lld bytes, %.0f s, %d parts: %s", (long long)max_bytes, secs, parts, cause);
	if (rc == 0 && max_bytes > 0) {
		double worst = (double)*rate * secs + (double)*buf * parts + ENC_AUDIO_BITRATE * 1.1 * secs;
		CHECK(worst <= budget_bits(max_bytes, parts), "%lld bytes, %.0f s, %d parts: %.0f bits at the cap",
		      (long long)max_bytes, secs, parts, worst);
	}
	return rc;
}

/* Whether buf is k seconds of rate (both rounded down from the same real cap). */
static int secs_of(int64_t rate, int64_t buf, int k)
{
	return buf >= rate * k && buf <= rate * k + k;
}

int main(void)
{
	int64_t r, b;
	/* a budget far above the ceiling (tiktok's 4 GB for 60 s): the ceiling and 2 s, as before */
	if (cap(4000000000LL, 360000, 60, 1, &r, &b) == 0)
		CHECK(r == 25000000 && b == 50000000, "ceiling: rate %lld buffer %lld", (long long)r, (long long)b);
	/* no budget at all */
	if (cap(0, 360000, 60, 1, &r, &b) == 0)
		CHECK(r == 25000000 && b == 50000000, "no budget: rate %lld buffer %lld", (long long)r, (long long)b);

	/* the budget binds (a 15-minute reel in 300 MB): 10 s of buffer, the cap lowered to pay for it */
	if (cap(300000000LL, 360000, 900, 1, &r, &b) == 0) {
		CHECK(secs_of(r, b, 10),
		      "binding budget: buffer %lld is not 10 s of the cap %lld", (long long)b, (long long)r);
		double two_s = budget_bits(300000000LL, 1) / 902 - ENC_AUDIO_BITRATE * 1.1; /* the 2 s rule's cap */
		CHECK(r < two_s && r > two_s * 0.98, "binding budget: cap %lld vs %.0f with 2 s", (long long)r, two_s);
	}
	/* 72 MB for the 60 s reference short: a quarter of it, 10 s */
	if (cap(72000000LL, 360000, 60, 1, &r, &b) == 0)
		CHECK(secs_of(r, b, 10), "72 MB, 60 s: buffer %lld, cap %lld", (long long)b, (long long)r);
	/* 20 s: a quarter of the video, 5 s */
	if (cap(20000000LL, 360000, 20, 1, &r, &b) == 0)
		CHECK(secs_of(r, b, 5), "20 s: buffer %lld, cap %lld", (long long)b, (long long)r);
	/* in parts: each part gets its buffer, and the sum still fits (checked by cap) */
	if (cap(72000000LL, 360000, 60, 4, &r, &b) == 0)
		CHECK(secs_of(r, b, 10), "4 parts: buffer %lld, cap %lld", (long long)b, (long long)r);
	/* a short video keeps the platform rule's 2 s (a quarter of 6 s is less) */
	if (cap(2000000LL, 360000, 6, 1, &r, &b) == 0)
		CHECK(secs_of(r, b, 2), "6 s: buffer %lld, cap %lld", (long long)b, (long long)r);
	/* a budget just above the floor: a wider buffer would push the cap under it, so 2 s */
	int64_t tight = (int64_t)platform_min_bytes(360000, 300) + 1000;
	if (cap(tight, 360000, 300, 1, &r, &b) == 0) {
		CHECK(secs_of(r, b, 2), "floor: buffer %lld, cap %lld", (long long)b, (long long)r);
		CHECK(r + ENC_AUDIO_BITRATE * 1.1 >= 359000, "floor: cap %lld under the floor", (long long)r);
	}
	return check_done();
}
