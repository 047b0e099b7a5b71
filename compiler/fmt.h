/*
 * fmt.h - the .vid formatter (`vidc fmt`, and `vidc make` for the specs it writes): one canonical
 * layout for a spec, public like compile.h. It works on the token stream, comments included, so
 * what the compiler reads is untouched: the same tokens in the same order, strings, numbers with
 * their units and colours byte for byte, only the white space between them changes (SPEC.md,
 * "Formatting"):
 *
 *   - one statement per line (a ';' becomes a line break), indented two spaces per open block;
 *     '{' ends its statement's line, '}' stands on a line of its own, an empty block is {};
 *   - one space between values and around '=', '->', '+' and '-'; none inside ( ), before ',' or
 *     ':' or between a name and its '('; one space after ',' and ':';
 *   - the arguments of a call on one line (a line comment inside them breaks it, the rest goes
 *     on indented one level further);
 *   - comments kept where they are: one after code stays at the end of that line, one on a line
 *     of its own stays on a line of its own at the block's indentation; a block comment's own
 *     lines are kept as written;
 *   - blank lines between statements kept, runs of them collapsed to one, none at the start or
 *     end of the file or of a block;
 *   - no trailing white space (except inside a triple-quoted string, where it is the string's),
 *     '\n' line ends, one newline at the end; a UTF-8 byte order mark is kept.
 *
 * Formatting is idempotent: fmt_spec of its own output gives the same bytes.
 */
#ifndef VIDC_FMT_H
#define VIDC_FMT_H

#include <stddef.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "diag.h"

/* Formats spec text (len bytes; path names it in diagnostics) and appends the canonical text to
 * out. 0; VE_INVAL when the text does not parse (the lexer's and parser's errors are in d,
 * registered under path, to print as vidc check does; e says how many; nothing is appended);
 * VE_NOMEM. */
int fmt_spec(diag_sink *d, const char *path, const char *text, size_t len, buf_t *out, vidc_err *e);

#endif
