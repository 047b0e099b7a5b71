#!/usr/bin/env python3
"""service_openapi.py OPENAPI.json REPLIES.txt - checks the service's real replies against the
OpenAPI document (standard library only: a small JSON Schema validator for the keywords the
document uses: type, enum, properties, required, additionalProperties, items, oneOf, $ref,
maxLength). REPLIES.txt has one reply a line: METHOD PATH-PATTERN STATUS BODY-FILE, as
tests/sh/service_api.sh records them. Fails when a reply's status is not documented for its
operation, when its body does not match the documented schema, or when a documented operation
was never exercised (not with --replies-only, for a test that covers one part of the API, such
as tests/sh/service_publish.sh)."""
import json
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def resolve(doc, schema):
    while "$ref" in schema:
        node = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def validate(doc, schema, value, path="$"):
    """Returns a list of error strings."""
    schema = resolve(doc, schema)
    if "oneOf" in schema:
        matches = [s for s in schema["oneOf"] if not validate(doc, s, value, path)]
        return [] if len(matches) == 1 else ["%s: matches %d of oneOf" % (path, len(matches))]
    errs = []
    t = schema.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        if not any(TYPES[x](value) for x in ts):
            return ["%s: %r is not %s" % (path, value, " or ".join(ts))]
    if "enum" in schema and value not in schema["enum"]:
        errs.append("%s: %r not in %s" % (path, value, schema["enum"]))
    if isinstance(value, str) and "maxLength" in schema and len(value) > schema["maxLength"]:
        errs.append("%s: longer than %d" % (path, schema["maxLength"]))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                errs.append("%s: missing '%s'" % (path, k))
        for k, v in value.items():
            if k in props:
                errs += validate(doc, props[k], v, path + "." + k)
            elif schema.get("additionalProperties") is False:
                errs.append("%s: undocumented '%s'" % (path, k))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errs += validate(doc, schema["items"], v, "%s[%d]" % (path, i))
    return errs


def main():
    args = [a for a in sys.argv[1:] if a != "--replies-only"]
    coverage = len(args) == len(sys.argv) - 1
    sys.argv[1:] = args
    doc = json.load(open(sys.argv[1]))
    error_schema = {"$ref": "#/components/schemas/Error"}
    seen, bad, n = set(), 0, 0
    for line in open(sys.argv[2]):
        method, pattern, status, body_file = line.split()
        n += 1
        body = open(body_file, "rb").read()
        op = doc["paths"].get(pattern, {}).get(method.lower())
        if op is None:
            # not an API path (unknown paths, wrong methods): still the error shape
            schema = error_schema if status >= "400" else None
        else:
            seen.add((method.lower(), pattern))
            resp = op["responses"].get(status) or op["responses"].get("default")
            if resp is None:
                print("%s %s: status %s is not documented" % (method, pattern, status))
                bad += 1
                continue
            schema = resp.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            continue
        try:
            value = json.loads(body)
        except ValueError:
            print("%s %s %s: the body is not JSON: %r" % (method, pattern, status, body[:100]))
            bad += 1
            continue
        errs = validate(doc, schema, value)
        for e in errs[:5]:
            print("%s %s %s: %s" % (method, pattern, status, e))
        bad += bool(errs)
    for pattern, item in doc["paths"].items():
        for method in item:
            if coverage and (method, pattern) not in seen:
                print("%s %s: documented but never exercised" % (method.upper(), pattern))
                bad += 1
    print("openapi: %d replies checked, %d problems" % (n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
