#!/bin/sh
# The service on PostgreSQL (SPEC.md §16, Databases): starts a real PostgreSQL 15 server in a
# temporary folder as the `postgres` user (never root; when the test is not root it runs the
# server as itself), listening on a free loopback port and on a unix socket in that folder, and
# removes it on exit, failed or not. Then, each on a fresh database: the API suite
# (service_api.sh), the assets stage through the API and a worker (service_assets.sh) and the
# claim race (service_claims.sh: 4 workers, 200 jobs, each run once) through VIDC_TEST_DB; the
# store's other races (build/tests/service_races: credit holds, task keys, renders, scripts)
# (service_worker.sh and service_publish.sh take it too; they take minutes, so they are run
# by hand: VIDC_TEST_DB=postgresql://... sh tests/sh/service_worker.sh); a connection error that names the server without the password; and
# two processes migrating one new database at once.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
VIDC=${VIDC:-build/vidc}
export VIDC
PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1
fi
if [ ! -x "$PGBIN/initdb" ]; then
	echo "SKIP: service_pg.sh needs Debian's postgresql 15 ($PGBIN/initdb; scripts/deps.sh installs it)"
	exit 0
fi
RUN=""
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || { echo "FAIL: no postgres user to run the server as"; exit 1; }
	RUN="runuser -u postgres --"
fi
pg=$(mktemp -d)
[ -n "$RUN" ] && chown postgres "$pg"
cleanup() {
	[ -f "$pg/data/postmaster.pid" ] && $RUN "$PGBIN/pg_ctl" -D "$pg/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$pg"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
$RUN "$PGBIN/initdb" -D "$pg/data" -U postgres -A trust --no-sync >"$pg/initdb.log" 2>&1 ||
	{ cat "$pg/initdb.log"; echo "FAIL: initdb"; exit 1; }
# a free port: asked of the kernel, then tried (another process may take it in between)
started=0
for _ in 1 2 3; do
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	if $RUN "$PGBIN/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
		-o "-p $PORT -k $pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
		started=1
		break
	fi
done
[ $started = 1 ] || { tail -5 "$pg/server.log"; echo "FAIL: the PostgreSQL server did not start"; exit 1; }
ADMIN="postgresql://postgres@/postgres?host=$pg&port=$PORT"
# q DB SQL: one query's rows, unaligned, as the admin over the socket
q() { psql -X -A -t "postgresql://postgres@/$1?host=$pg&port=$PORT" -c "$2" 2>&1; }
# newdb NAME: a fresh database; its URL over TCP (the socket is the admin's) in $URL
newdb() {
	psql -X -q -v ON_ERROR_STOP=1 "$ADMIN" -c "CREATE DATABASE $1" || bad "CREATE DATABASE $1"
	URL="postgresql://postgres@127.0.0.1:$PORT/$1"
}

# --- the API suite and the claim race ------------------------------------------------------
for t in service_api service_assets service_claims; do
	newdb "$t"
	if ! VIDC_TEST_DB=$URL sh "tests/sh/$t.sh" >"$pg/$t.out" 2>&1; then
		sed 's/^/    /' "$pg/$t.out" | tail -20
		bad "tests/sh/$t.sh on PostgreSQL"
	fi
done
# the store's read-then-write operations raced by 6 connections at once (tests/unit/service_races.c)
newdb races
VIDC_TEST_DB=$URL "${BUILD:-build}/tests/service_races" >"$pg/races.out" 2>&1 ||
	{ tail -20 "$pg/races.out"; bad "tests/unit/service_races.c on PostgreSQL"; }
# the schema is PostgreSQL's own: 64-bit keys and counts, 8-byte reals
q service_api "SELECT data_type FROM information_schema.columns WHERE table_name = 'igny8_rendered_videos' AND column_name IN ('id', 'file_size', 'duration') ORDER BY column_name" >"$pg/types"
[ "$(tr '\n' ' ' <"$pg/types")" = "double precision bigint bigint " ] || bad "column types: $(cat "$pg/types")"

# --- errors name the server and the database, never the password ----------------------------
"$VIDC" site add --name x --db "postgresql://vidc:s3cret-pw@127.0.0.1:$PORT/nosuchdb" >"$pg/out" 2>"$pg/err" &&
	bad "a database that does not exist was opened"
grep -q "postgresql://vidc@127.0.0.1:$PORT/nosuchdb" "$pg/err" || bad "the error does not name the database: $(cat "$pg/err")"
grep -q 's3cret-pw' "$pg/err" && bad "the password is in the error: $(cat "$pg/err")"
grep -q 'role "vidc" does not exist\|database "nosuchdb" does not exist' "$pg/err" ||
	bad "the error does not give the server's reason: $(cat "$pg/err")"
"$VIDC" site add --name x --db "mysql://h/db" 2>"$pg/err" && bad "mysql:// was accepted"
grep -q "unknown database 'mysql://" "$pg/err" || bad "an unknown scheme: $(cat "$pg/err")"

# --- VIDC_DB, the postgres:// alias, two processes migrating together ----------------------
newdb migrating
URL2="postgres://postgres@127.0.0.1:$PORT/migrating"
VIDC_DB=$URL2 "$VIDC" site add --name one >"$pg/a.out" 2>"$pg/a.err" &
a=$!
VIDC_DB=$URL2 "$VIDC" site add --name two >"$pg/b.out" 2>"$pg/b.err" &
b=$!
wait $a || bad "the first process: $(cat "$pg/a.err")"
wait $b || bad "the second process: $(cat "$pg/b.err")"
[ "$(q migrating "SELECT COUNT(*) FROM vidc_sites")" = 2 ] || bad "two sites expected in 'migrating'"
n=$(ls service/migrations/*.sql | wc -l)
[ "$(q migrating "SELECT COUNT(*) || ' ' || MAX(version) FROM schema_version")" = "$n $n" ] ||
	bad "the migrations were not applied once each: $(q migrating "SELECT * FROM schema_version")"
exit $fail
