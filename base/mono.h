/*
 * mono.h - the monotonic clock in seconds, for intervals (progress rates, request timings, tick
 * periods): unlike the wall clock it never jumps when the system time is set.
 */
#ifndef VIDC_BASE_MONO_H
#define VIDC_BASE_MONO_H

/* Seconds since an arbitrary fixed point (boot); only differences mean anything. */
double mono_now(void);

#endif
