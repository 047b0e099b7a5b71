/*
 * anchor.h - points in time on the video timeline, possibly anchored to the narration:
 * word("coffee"), word_end(12), sentence("Cold brew", 2), section_end("hook"), each optionally
 * + or - a duration. Internal to compiler/.
 */
#ifndef VIDC_ANCHOR_H
#define VIDC_ANCHOR_H

#include "checker.h"

/* Terms of one time expression (word("x") + 1s - 200ms ...): far more than anyone writes, few
 * enough that a constant defined in terms of itself stops at once. */
#define MAX_TIME_TERMS 100000

/* span of a time whose container has no known length: a top-level marker's (it is read before
 * the scenes, whose lengths may name it). A percentage or a negative duration there is an error. */
#define ANCHOR_NO_SPAN (-1.0)

/* A point in time. Durations are relative to base; a negative one counts back from base + span;
 * a percentage is of span (span ANCHOR_NO_SPAN: neither is allowed); speech anchors are absolute.
 * Result: seconds on the video timeline. Returns 0 after reporting the problem. A sum is
 * evaluated in a loop, not by recursion. */
int anchor_time(checker_t *c, const ast_value *v, double base, double span, double *out);

#endif
