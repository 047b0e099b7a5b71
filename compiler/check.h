/*
 * check.h - the checker's last step: the expanded top-level statements to the checked model
 * (model.h), every problem reported to the sink. Internal to compiler/.
 */
#ifndef VIDC_CHECK_H
#define VIDC_CHECK_H

#include "checker.h"

void check_top(checker_t *c, ast_stmt **st, int n);

#endif
