#!/usr/bin/env bash
# test_setup.sh BINARY SOURCE_DIR - a first install from the shell: the
# setup link printed on first start (with --public-url), `setup-link`,
# `setup` run twice (the second changes nothing, exit 0), its refusals, a
# login with the account it made, --demo loaded into that company, and the
# demo production exported (`export`) and imported (`import`) into another
# server's data directory: same rows, refusals exit 1 and write nothing.
set -euo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { sqlite3 "$1/ecoplateau.db" "$2"; }

start() { # start DIR [flags...]: serve in the background, $port set
  local dir=$1; shift
  rm -f "$tmp/port"
  "$bin" serve --port 0 --data-dir "$dir" --pwa-dir "$src/pwa" --port-file "$tmp/port" "$@" \
      >"$tmp/out" 2>"$tmp/log" &
  pid=$!
  for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
  [ -s "$tmp/port" ] || fail "server did not start: $(cat "$tmp/log")"
  port=$(cat "$tmp/port")
}
stop() { kill -TERM "$pid"; wait "$pid" || fail "serve exit"; pid=; }

# First start on an empty directory: one setup link, on the public URL.
start "$tmp/a" --public-url https://eco.example.test/
link=$(grep -Eo 'https://eco\.example\.test/#setup=[A-Za-z0-9_-]{43}' "$tmp/out" | head -1)
[ -n "$link" ] || fail "first start prints the setup link: $(cat "$tmp/out")"
grep -q '"event":"setup"' "$tmp/log" || fail "the setup link is logged"
token=${link#*#setup=}
[ "$(q "$tmp/a" 'SELECT count(*) FROM setup_token')" = 1 ] || fail "one token stored"
if grep -qa "$token" "$tmp/a/ecoplateau.db" "$tmp/a/ecoplateau.db-wal" 2>/dev/null; then
  fail "the token itself is stored"
fi
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"token\":\"$token\",\"company\":{\"name\":\"Films du Doubs\"},\"admin\":{\"name\":\"Inès\",\"email\":\"ines@doubs.fr\",\"password\":\"la Loue en automne\"}}" \
  "http://127.0.0.1:$port/api/v1/setup")
[ "$code" = 201 ] || fail "setup with the printed link: $code $(cat "$tmp/body")"
stop
start "$tmp/a"
grep -q '#setup=' "$tmp/out" && fail "a set-up server prints no setup link"
stop

# setup-link on an empty directory; defaults to localhost and the port.
out=$("$bin" setup-link --data-dir "$tmp/b" --port 8123 2>/dev/null)
echo "$out" | grep -Eq '^http://localhost:8123/#setup=[A-Za-z0-9_-]{43}$' || fail "setup-link: $out"

# setup: refusals first, nothing created.
set +e
"$bin" setup --data-dir "$tmp/b" --admin-email a@b.fr --admin-name A </dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "setup without --company must exit 2"
grep -q 'usage' "$tmp/err" || fail "setup usage"
echo 'la Loue en automne' | "$bin" setup --data-dir "$tmp/b" --company X --siret 12345678901234 \
  --admin-email a@b.fr --admin-name A 2>"$tmp/err"
[ $? -eq 2 ] || fail "a bad SIRET must exit 2"
grep -q -- '--siret' "$tmp/err" || fail "a bad SIRET is named"
echo 'short' | "$bin" setup --data-dir "$tmp/b" --company X --admin-email a@b.fr \
  --admin-name A 2>"$tmp/err"
[ $? -eq 2 ] || fail "a short password must exit 2"
set -e
[ "$(q "$tmp/b" 'SELECT count(*) FROM account')" = 0 ] || fail "refusals create nothing"

# setup, password on stdin; then again with EP_ADMIN_PASSWORD: nothing changes.
echo 'la Loue en automne' | "$bin" setup --data-dir "$tmp/b" --company 'Les Films du Doubs' \
  --siret '732 829 320 00074' --city Besançon --admin-email admin@doubs.fr \
  --admin-name 'Inès Roy' >"$tmp/out1" 2>"$tmp/log"
grep -q "created" "$tmp/out1" || fail "setup says what it did: $(cat "$tmp/out1")"
before=$(q "$tmp/b" "SELECT group_concat(id || name || coalesce(siret,'') || city) FROM company; \
                      SELECT group_concat(id || email || pw_hash) FROM account; \
                      SELECT count(*) FROM company_account")
EP_ADMIN_PASSWORD='une autre phrase sûre' "$bin" setup --data-dir "$tmp/b" --company Other \
  --admin-email other@doubs.fr --admin-name Other >"$tmp/out2" 2>"$tmp/log" \
  || fail "a second setup must exit 0"
grep -q "already set up" "$tmp/out2" || fail "a second setup says so: $(cat "$tmp/out2")"
after=$(q "$tmp/b" "SELECT group_concat(id || name || coalesce(siret,'') || city) FROM company; \
                     SELECT group_concat(id || email || pw_hash) FROM account; \
                     SELECT count(*) FROM company_account")
[ "$before" = "$after" ] || fail "a second setup changed the database"
[ "$(q "$tmp/b" "SELECT siret FROM company WHERE name = 'Les Films du Doubs'")" = 73282932000074 ] \
  || fail "the SIRET is stored without spaces"
set +e
"$bin" setup-link --data-dir "$tmp/b" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "setup-link on a set-up server must exit 1"
set -e
grep -q "already set up" "$tmp/err" || fail "setup-link says why"

# The account signs in; --demo becomes one production of this company.
start "$tmp/b" --demo
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"email":"admin@doubs.fr","password":"la Loue en automne"}' "http://127.0.0.1:$port/api/v1/auth/login")
[ "$code" = 200 ] || fail "login with the setup account: $code $(cat "$tmp/body")"
grep -q '"production_id":"p-loue-2026"' "$tmp/body" || fail "the admin sees the demo: $(cat "$tmp/body")"
stop
[ "$(q "$tmp/b" "SELECT c.name FROM production p JOIN company c ON c.id = p.company_id \
                 WHERE p.id = 'p-loue-2026'")" = 'Les Films du Doubs' ] || fail "demo in the company"
[ "$(q "$tmp/b" "SELECT count(*) FROM company WHERE name = 'Les Films de la Loue'")" = 0 ] \
  || fail "no demo company beside the real one"
[ "$(q "$tmp/b" "SELECT count(*) FROM company_account a JOIN account x ON x.id = a.account_id \
                 WHERE x.email LIKE '%@demo.ecoplateau.fr'")" = 0 ] \
  || fail "demo accounts (public password) never run a real company"

# The demo production moves to another server, all of it.
set +e
"$bin" export --data-dir "$tmp/b" --out "$tmp/x.zip" 2>"$tmp/err"
[ $? -eq 2 ] || fail "export without --production must exit 2"
"$bin" export --data-dir "$tmp/b" --production nope-1 --out "$tmp/x.zip" 2>"$tmp/err"
[ $? -eq 1 ] || fail "export of an unknown production must exit 1"
set -e
[ ! -e "$tmp/x.zip" ] || fail "a failed export leaves no file"
"$bin" export --data-dir "$tmp/b" --production p-loue-2026 --out "$tmp/loue.zip" >"$tmp/out" \
  || fail "export: $(cat "$tmp/out")"
[ "$(stat -c %a "$tmp/loue.zip")" = 600 ] || fail "the archive is the operator's alone"
set +e
"$bin" export --data-dir "$tmp/b" --production p-loue-2026 --out "$tmp/loue.zip" 2>"$tmp/err"
[ $? -eq 1 ] || fail "export never overwrites a file"
set -e
echo 'la Loue en automne' | "$bin" setup --data-dir "$tmp/c" --company 'Studio Lee' \
  --admin-email marc@lee.fr --admin-name 'Marc Lee' >/dev/null 2>&1
printf 'PK\003\004 not a zip' >"$tmp/bad.zip"
set +e
"$bin" import "$tmp/bad.zip" --data-dir "$tmp/c" 2>"$tmp/err"
[ $? -eq 1 ] || fail "a corrupt archive must exit 1"
set -e
grep -q 'zip' "$tmp/err" || fail "a corrupt archive says why: $(cat "$tmp/err")"
[ "$(q "$tmp/c" 'SELECT count(*) FROM production WHERE is_company_space = 0')" = 0 ] \
  || fail "a refused import writes nothing"
"$bin" import "$tmp/loue.zip" --data-dir "$tmp/c" >"$tmp/out" 2>"$tmp/err" \
  || fail "import: $(cat "$tmp/err")"
grep -q "p-loue-2026" "$tmp/out" || fail "import names the production: $(cat "$tmp/out")"
for sql in "SELECT count(*), group_concat(op_id) FROM (SELECT op_id FROM sync_op WHERE production_id = 'p-loue-2026' ORDER BY seq)" \
           "SELECT count(*), sum(length(fields)) FROM sync_fact WHERE production_id = 'p-loue-2026'" \
           "SELECT count(*), sum(length(state)) FROM sync_record WHERE production_id = 'p-loue-2026'" \
           "SELECT count(*) FROM member WHERE production_id = 'p-loue-2026'" \
           "SELECT title, kind, starts_on, ends_on FROM production WHERE id = 'p-loue-2026'"; do
  [ "$(q "$tmp/b" "$sql")" = "$(q "$tmp/c" "$sql")" ] || fail "rows differ after import: $sql"
done
[ "$(q "$tmp/c" "SELECT c.name FROM production p JOIN company c ON c.id = p.company_id \
                 WHERE p.id = 'p-loue-2026'")" = 'Studio Lee' ] || fail "imported into the company"
set +e
"$bin" import "$tmp/loue.zip" --data-dir "$tmp/c" 2>"$tmp/err"
[ $? -eq 1 ] || fail "importing twice must exit 1"
set -e
grep -q 'already on this server' "$tmp/err" || fail "a second import says why: $(cat "$tmp/err")"
echo "ok"
