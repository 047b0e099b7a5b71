# pyeval.py - one Python for a shell test's many small questions (tests/sh/service_lib.inc's
# jget, sql, sql1, fstat): a python3 start costs 0.3-0.6 s of CPU on the CI machine, and the
# service tests asked hundreds of them, polling among them while a worker rendered.
#   python3 tests/sh/pyeval.py REQUESTS REPLIES ARGFILE [SQLITE_DB]
# Reads one kind a line from the REQUESTS fifo, with its argument (an expression or a query) in
# ARGFILE and its input file on the same line after a tab; writes what `python3 -c` printed to
# the REPLIES fifo, then a line END STATUS (1 after an exception, whose traceback goes to stderr).
#   j FILE   print(EXPR) with j the JSON in FILE      s FILE   the same with the JSON as s
#   e        print(EXPR), no input
#   q        the rows of QUERY on the SQLite database  1        its first value, committed
#   p FILE   psql's unaligned rows in FILE (fields split by \x1f) as sqlite3 would print them
import contextlib, json, re, sqlite3, sys, traceback

END = "\x1epyeval-end "


def psql_value(x):
    if x in ("t", "f"):
        return int(x == "t")
    if re.fullmatch(r"-?[0-9]+", x):
        return int(x)
    if re.fullmatch(r"-?[0-9]+[.][0-9]*", x):
        return float(x)
    return x


def show(expr, names, out):
    """Runs print(EXPR) as `python3 -c` did: print's own arguments, so "a, b" prints "a b"."""
    names.update({"json": json, "sys": sys})
    with contextlib.redirect_stdout(out):
        exec("print(%s)" % expr, names)


def answer(kind, path, arg, out):
    if kind in ("j", "s"):
        with open(path) as f:
            data = json.load(f)
        show(arg, {kind: data}, out)
    elif kind == "e":
        show(arg, {}, out)
    elif kind in ("q", "1"):
        c = sqlite3.connect(sys.argv[4])
        try:
            if kind == "q":
                print(c.execute(arg).fetchall(), file=out)
            else:
                r = c.execute(arg).fetchone()
                c.commit()
                print(r[0] if r else "", file=out)
        finally:
            c.close()
    elif kind == "p":
        with open(path) as f:
            rows = [tuple(psql_value(x) for x in line.rstrip("\n").split("\x1f")) for line in f if line.strip()]
        print(rows, file=out)
    else:
        raise ValueError("unknown request %r" % kind)


def main():
    requests = open(sys.argv[1])
    out = open(sys.argv[2], "w")
    for line in requests:
        kind, _, path = line.rstrip("\n").partition("\t")
        with open(sys.argv[3]) as f:
            arg = f.read()
        status = 0
        try:
            answer(kind, path, arg, out)
        except Exception:
            traceback.print_exc()
            status = 1
        out.write("%s%d\n" % (END, status))
        out.flush()


main()
