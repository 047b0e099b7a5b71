/*
 * check.h - the checker's last step: the expanded top-level statements to the checked model
 * (model.h), every problem reported to the sink. Internal to compiler/.
 */
#ifndef VIDC_CHECK_H
#define VIDC_CHECK_H

#include "checker.h"

void check_top(checker_t *c, ast_stmt **st, int n);

/* The names this step takes, from its own tables, for completion (query.c): the i-th top-level
 * statement, video block property and voice (is_voice) or music property. NULL past the last;
 * "" for an audio property the other role takes. */
const char *check_top_name(int i);
const char *check_video_prop(int i);
const char *check_audio_prop(int i, int is_voice);

#endif
