/*
 * jsonschema.c - the JSON Schema subset validator (see jsonschema.h). Walks the schema and the
 * instance together, carrying the instance's path as "$.a.b[3]" text for the error message.
 */
#include "jsonschema.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../base/utf8.h"

typedef struct {
	json_t *root;
	char path[512];
	char *err;
	size_t errlen;
	int depth;
} vctx;

json_t *jschema_load(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *s = json_load_file(path, 0, &je);
	if (!s) {
		snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(s)) {
		snprintf(err, errlen, "%s: a schema must be a JSON object", path);
		json_decref(s);
		return NULL;
	}
	return s;
}

static const char *type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

static int fail(vctx *c, const char *fmt, const char *a, const char *b)
{
	char msg[400];
	snprintf(msg, sizeof msg, fmt, a, b);
	snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
	return -1;
}

static int is_type(json_t *v, const char *t)
{
	if (!strcmp(t, "object")) return json_is_object(v);
	if (!strcmp(t, "array")) return json_is_array(v);
	if (!strcmp(t, "string")) return json_is_string(v);
	if (!strcmp(t, "number")) return json_is_number(v);
	if (!strcmp(t, "integer"))
		return json_is_integer(v) ||
		       (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)));
	if (!strcmp(t, "boolean")) return json_is_boolean(v);
	if (!strcmp(t, "null")) return json_is_null(v);
	return 0;
}

/* "#/$defs/name" (JSON Pointer, ~0 ~1 escapes) inside root. */
static json_t *resolve(json_t *root, const char *ref)
{
	if (ref[0] != '#')
		return NULL;
	json_t *cur = root;
	const char *p = ref + 1;
	while (*p == '/') {
		p++;
		char key[256];
		size_t k = 0;
		while (*p && *p != '/' && k + 1 < sizeof key) {
			if (p[0] == '~' && p[1] == '1') { key[k++] = '/'; p += 2; }
			else if (p[0] == '~' && p[1] == '0') { key[k++] = '~'; p += 2; }
			else key[k++] = *p++;
		}
		key[k] = 0;
		cur = json_object_get(cur, key);
		if (!cur)
			return NULL;
	}
	return cur;
}

static int validate(vctx *c, json_t *s, json_t *v);

static int descend(vctx *c, json_t *s, json_t *v, const char *key, size_t index, int is_index)
{
	size_t n = strlen(c->path);
	if (is_index)
		snprintf(c->path + n, sizeof c->path - n, "[%zu]", index);
	else {
		int plain = *key != 0;
		for (const char *k = key; *k; k++)
			if (!(*k == '_' || (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
			      (*k >= '0' && *k <= '9')))
				plain = 0;
		if (plain)
			snprintf(c->path + n, sizeof c->path - n, ".%s", key);
		else
			snprintf(c->path + n, sizeof c->path - n, "[\"%s\"]", key);
	}
	int rc = validate(c, s, v);
	if (rc == 0)
		c->path[n] = 0;
	return rc;
}

/* type, enum and const: what the value must be. 0 or a failure. */
static int check_kind(vctx *c, json_t *s, json_t *v)
{
	json_t *type = json_object_get(s, "type");
	if (json_is_string(type) && !is_type(v, json_string_value(type))) {
		const char *t = json_string_value(type);
		char want[64];
		snprintf(want, sizeof want, "%s %s", (t[0] == 'o' || t[0] == 'a' || t[0] == 'i') ? "an" : "a", t);
		if (!strcmp(t, "null"))
			snprintf(want, sizeof want, "null");
		return fail(c, "expected %s, found %s", want, type_name(v));
	}
	if (json_is_array(type)) {
		size_t i;
		json_t *t;
		int ok = 0;
		json_array_foreach(type, i, t) if (json_is_string(t) && is_type(v, json_string_value(t))) ok = 1;
		if (!ok)
			return fail(c, "has the wrong type (%s)%s", type_name(v), "");
	}
	json_t *en = json_object_get(s, "enum");
	if (json_is_array(en)) {
		size_t i;
		json_t *e;
		int ok = 0;
		json_array_foreach(en, i, e) if (json_equal(e, v)) ok = 1;
		if (!ok) {
			char *dump = json_dumps(en, JSON_COMPACT);
			int rc = fail(c, "must be one of %s%s", dump ? dump : "the enum", "");
			free(dump);
			return rc;
		}
	}
	json_t *cn = json_object_get(s, "const");
	if (cn && !json_equal(cn, v)) {
		char *dump = json_dumps(cn, JSON_COMPACT | JSON_ENCODE_ANY);
		int rc = fail(c, "must be %s%s", dump ? dump : "the constant", "");
		free(dump);
		return rc;
	}
	return 0;
}

/* minimum, maximum of a number; minLength, maxLength of a string. */
static int check_scalar(vctx *c, json_t *s, json_t *v)
{
	char b[96];
	if (json_is_number(v)) {
		double x = json_number_value(v);
		json_t *mn = json_object_get(s, "minimum"), *mx = json_object_get(s, "maximum");
		if (json_is_number(mn) && x < json_number_value(mn)) {
			snprintf(b, sizeof b, "%g", json_number_value(mn));
			return fail(c, "must be at least %s%s", b, "");
		}
		if (json_is_number(mx) && x > json_number_value(mx)) {
			snprintf(b, sizeof b, "%g", json_number_value(mx));
			return fail(c, "must be at most %s%s", b, "");
		}
	}
	if (json_is_string(v)) {
		size_t n = utf8_count(json_string_value(v));
		json_t *mn = json_object_get(s, "minLength"), *mx = json_object_get(s, "maxLength");
		if (json_is_integer(mn) && (json_int_t)n < json_integer_value(mn)) {
			if (n == 0)
				return fail(c, "must not be empty%s%s", "", "");
			snprintf(b, sizeof b, "%lld characters (it has %zu)", (long long)json_integer_value(mn), n);
			return fail(c, "must have at least %s%s", b, "");
		}
		if (json_is_integer(mx) && (json_int_t)n > json_integer_value(mx)) {
			snprintf(b, sizeof b, "%lld characters (it has %zu)", (long long)json_integer_value(mx), n);
			return fail(c, "must have at most %s%s", b, "");
		}
	}
	return 0;
}

/* minItems, maxItems and items of an array. */
static int check_array(vctx *c, json_t *s, json_t *v)
{
	size_t n = json_array_size(v);
	json_t *mn = json_object_get(s, "minItems"), *mx = json_object_get(s, "maxItems");
	char b[96];
	if (json_is_integer(mn) && (json_int_t)n < json_integer_value(mn)) {
		snprintf(b, sizeof b, "%lld item%s (it has %zu)", (long long)json_integer_value(mn), json_integer_value(mn) == 1 ? "" : "s", n);
		return fail(c, "needs at least %s%s", b, "");
	}
	if (json_is_integer(mx) && (json_int_t)n > json_integer_value(mx)) {
		snprintf(b, sizeof b, "%lld item%s (it has %zu)", (long long)json_integer_value(mx), json_integer_value(mx) == 1 ? "" : "s", n);
		return fail(c, "allows at most %s%s", b, "");
	}
	json_t *items = json_object_get(s, "items");
	if (items) {
		size_t i;
		json_t *e;
		int rc;
		json_array_foreach(v, i, e) if ((rc = descend(c, items, e, NULL, i, 1)) < 0) return rc;
	}
	return 0;
}

/* required, properties and additionalProperties of an object. */
static int check_object(vctx *c, json_t *s, json_t *v)
{
	json_t *req = json_object_get(s, "required");
	if (json_is_array(req)) {
		size_t i;
		json_t *k;
		json_array_foreach(req, i, k) {
			if (json_is_string(k) && !json_object_get(v, json_string_value(k)))
				return fail(c, "missing required property '%s'%s", json_string_value(k), "");
		}
	}
	json_t *props = json_object_get(s, "properties");
	json_t *addl = json_object_get(s, "additionalProperties");
	const char *key;
	json_t *e;
	int rc;
	json_object_foreach(v, key, e) {
		json_t *ps = json_is_object(props) ? json_object_get(props, key) : NULL;
		if (ps) {
			if ((rc = descend(c, ps, e, key, 0, 0)) < 0)
				return rc;
		} else if (json_is_false(addl)) {
			char allowed[300] = "";
			size_t n = 0;
			const char *pk;
			json_t *pv;
			if (json_is_object(props))
				json_object_foreach(props, pk, pv) {
					if (n < sizeof allowed)
						n += (size_t)snprintf(allowed + n, sizeof allowed - n, "%s%s", n ? ", " : "", pk);
				}
			return fail(c, "unknown property '%s' (allowed: %s)", key, allowed);
		} else if (json_is_object(addl)) {
			if ((rc = descend(c, addl, e, key, 0, 0)) < 0)
				return rc;
		}
	}
	return 0;
}

static int validate(vctx *c, json_t *s, json_t *v)
{
	if (json_is_true(s))
		return 0;
	if (json_is_false(s))
		return fail(c, "not allowed here%s%s", "", "");
	if (!json_is_object(s))
		return 0;
	if (++c->depth > 64) {
		c->depth--;
		return fail(c, "the schema nests too deep (a $ref loop?)%s%s", "", "");
	}
	int rc = 0;
	json_t *ref = json_object_get(s, "$ref");
	if (json_is_string(ref)) {
		json_t *t = resolve(c->root, json_string_value(ref));
		if (!t)
			rc = fail(c, "schema error: cannot resolve $ref '%s'%s", json_string_value(ref), "");
		else
			rc = validate(c, t, v);
	}
	if (rc >= 0)
		rc = check_kind(c, s, v);
	if (rc >= 0)
		rc = check_scalar(c, s, v);
	if (rc >= 0 && json_is_array(v))
		rc = check_array(c, s, v);
	if (rc >= 0 && json_is_object(v))
		rc = check_object(c, s, v);
	c->depth--;
	return rc;
}

int jschema_validate(json_t *schema, json_t *inst, char *err, size_t errlen)
{
	vctx c = {schema, "$", err, errlen, 0};
	if (err && errlen)
		err[0] = 0;
	return validate(&c, schema, inst);
}
