#!/usr/bin/env bash
# test_cli.sh BINARY SOURCE_DIR - the ecoplateau binary as an operator uses it:
# subcommands and exit codes, migrate, refusing a newer database, serving with
# the demo seed, and a clean stop on SIGTERM.
set -euo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" version | grep -Eq '^ecoplateau [0-9]+\.[0-9]+\.[0-9]+ \(schema [0-9]+\)$' || fail "version"
"$bin" --help | grep -q 'EP_DATA_DIR' || fail "--help lists the variables"
set +e
"$bin" frobnicate 2>"$tmp/err"; [ $? -eq 2 ] || fail "unknown command must exit 2"
grep -q "unknown command 'frobnicate'" "$tmp/err" || fail "unknown command message"
"$bin" serve --port nope 2>"$tmp/err"; [ $? -eq 2 ] || fail "bad flag must exit 2"
grep -q "invalid value 'nope' for --port" "$tmp/err" || fail "bad flag message"
EP_THREADS=1 "$bin" migrate --data-dir "$tmp/x" 2>"$tmp/err"; [ $? -eq 2 ] || fail "bad env must exit 2"
grep -q "EP_THREADS" "$tmp/err" || fail "bad env names the variable"
set -e

# migrate creates and migrates; the schema version is the binary's.
"$bin" migrate --data-dir "$tmp/d" 2>"$tmp/log"
want=$("$bin" version | sed -E 's/.*schema ([0-9]+).*/\1/')
got=$(sqlite3 "$tmp/d/ecoplateau.db" 'PRAGMA user_version')
[ "$got" = "$want" ] || fail "user_version $got, want $want"
[ "$(sqlite3 "$tmp/d/ecoplateau.db" 'PRAGMA journal_mode')" = wal ] || fail "WAL"
# Created for the operator alone (umask 077), whatever the shell's umask.
[ "$(stat -c %a "$tmp/d/ecoplateau.db")" = 600 ] || fail "database mode $(stat -c %a "$tmp/d/ecoplateau.db")"
[ "$(stat -c %a "$tmp/d")" = 700 ] || fail "data directory mode $(stat -c %a "$tmp/d")"

# A database from a newer version is refused, by migrate and by serve.
cp "$tmp/d/ecoplateau.db" "$tmp/newer.db"
mkdir -p "$tmp/n" && mv "$tmp/newer.db" "$tmp/n/ecoplateau.db"
sqlite3 "$tmp/n/ecoplateau.db" "PRAGMA user_version=$((want + 1))"
set +e
"$bin" migrate --data-dir "$tmp/n" 2>"$tmp/err"; [ $? -eq 1 ] || fail "newer db must exit 1"
grep -q "newer than this binary" "$tmp/err" || fail "newer db message"
"$bin" serve --data-dir "$tmp/n" --port 0 2>"$tmp/err"; [ $? -eq 1 ] || fail "serve newer db"
set -e
[ "$(sqlite3 "$tmp/n/ecoplateau.db" 'PRAGMA user_version')" = $((want + 1)) ] || fail "untouched"

# serve with the demo, twice: the seed loads once.
for round in 1 2; do
  rm -f "$tmp/port"
  "$bin" serve --demo --port 0 --data-dir "$tmp/d" --pwa-dir "$src/pwa" \
      --port-file "$tmp/port" >"$tmp/out" 2>"$tmp/log" &
  pid=$!
  for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  [ -s "$tmp/port" ] || fail "server did not start: $(cat "$tmp/log")"
  port=$(cat "$tmp/port")
  curl -fsS "http://127.0.0.1:$port/api/v1/health" | grep -q '"status":"ok"' || fail "health"
  grep -q "http://localhost:$port/" "$tmp/out" || fail "prints the URL"
  grep -q "login" "$tmp/out" || fail "prints how to log in"
  kill -TERM "$pid"
  wait "$pid" || fail "serve must exit 0 on SIGTERM (round $round): $(tail -20 "$tmp/log")"
  pid=
  grep -q '"event":"server.stop","msg":"stopped cleanly"' "$tmp/log" || fail "clean stop logged"
  grep -q '"level":"info","event":"server.start"' "$tmp/log" || fail "structured log lines"
done
[ "$(sqlite3 "$tmp/d/ecoplateau.db" 'SELECT count(*) FROM production WHERE is_company_space = 0')" = 1 ] || fail "seeded once"
# A demo-seeded database is refused without --demo (its keys are public),
# unless the operator insists.
set +e
"$bin" serve --port 0 --data-dir "$tmp/d" --pwa-dir "$src/pwa" 2>"$tmp/err"
[ $? -eq 1 ] || fail "serve must refuse a demo database without --demo"
set -e
grep -q "seeded with --demo" "$tmp/err" || fail "demo refusal message: $(cat "$tmp/err")"
grep -q -- "--allow-demo-db" "$tmp/err" || fail "demo refusal names the way out"
rm -f "$tmp/port"
"$bin" serve --allow-demo-db --port 0 --data-dir "$tmp/d" --pwa-dir "$src/pwa" \
    --port-file "$tmp/port" >"$tmp/out" 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
[ -s "$tmp/port" ] || fail "--allow-demo-db did not start: $(cat "$tmp/log")"
kill -TERM "$pid"
wait "$pid" || fail "serve --allow-demo-db must exit 0 on SIGTERM"
pid=
[ "$(sqlite3 "$tmp/d/ecoplateau.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity"
echo "test_cli: all passed"
