/*
 * jsonschema.h - a small JSON Schema (draft 2020-12) validator for the subset vidc's schemas use:
 * type, required, properties, additionalProperties (boolean or schema), items, minItems,
 * maxItems, minLength, maxLength (Unicode characters), minimum, maximum, enum, const, and $ref to
 * a local "#/..." pointer. Debian 12 packages no JSON Schema library for C, so this is kept here;
 * unknown keywords are ignored, as the spec allows for annotations.
 *
 * Errors name the JSON path of the first failing value:
 *     "$.points[2].duration_est: expected a number, found a string"
 */
#ifndef VIDC_JSONSCHEMA_H
#define VIDC_JSONSCHEMA_H

#include <stddef.h>

#include <jansson.h>

/* Reads a schema file. NULL with err filled ("FILE:LINE:COL: message") on failure. */
json_t *jschema_load(const char *path, char *err, size_t errlen);
/* Validates inst against schema (root is the document $ref resolves in). 0 when valid, else -1
 * with the first error in err. */
int jschema_validate(json_t *schema, json_t *inst, char *err, size_t errlen);

#endif
