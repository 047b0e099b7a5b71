/*
 * mono.c - the monotonic clock in seconds (see mono.h).
 */
#include "mono.h"

#include <time.h>

double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
