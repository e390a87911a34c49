#!/usr/bin/env bash
# test_ops.sh BINARY SOURCE_DIR - the operator's subcommands end to end:
# backup while a writer commits (every copy consistent and checked), restore
# (previous file kept, new database id, refusals), healthcheck, metrics, and
# the start-up refusals: corrupt database, unwritable or world-writable data
# directory, foreign-owned database file, disk full, a bad secret key file.
# Some checks need root (setpriv to another uid, mounting a tiny tmpfs); they
# say SKIP when they cannot run.
set -euo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
pids=()
mnt=
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; }
# expect_fail CODE PATTERN CMD...: CMD exits CODE and its stderr matches PATTERN.
expect_fail() {
  local want=$1 pattern=$2 rc=0
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" -eq "$want" ] || fail "$* exited $rc, want $want: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || fail "$*: no '$pattern' in: $(cat "$tmp/err")"
}
q() { sqlite3 "$@"; }
am_root=0
[ "$(id -u)" -eq 0 ] && am_root=1

d=$tmp/d
"$bin" migrate --data-dir "$d" 2>/dev/null
db=$d/ecoplateau.db
q "$db" "INSERT INTO company (id, name, created_at) VALUES ('c0', 'Seed', 0)"

# --- backup while a writer commits --------------------------------------
# Each writer transaction adds one company and one production: a copy that
# mixed two states would show different counts.
n=100000
{
  echo ".timeout 5000"
  echo "PRAGMA synchronous=OFF;"
  seq "$n" | awk '{ printf "BEGIN IMMEDIATE; INSERT INTO company (id, name, created_at) VALUES (\"c%d\", \"Co %d\", %d); INSERT INTO production (id, company_id, title, kind, created_at) VALUES (\"p%d\", \"c%d\", \"Film %d\", \"fiction\", %d); COMMIT;\n", $1, $1, $1, $1, $1, $1, $1 }'
} >"$tmp/writer.sql"
# sqlite3 itself, not the q function: $! must be the writer, so that the kill
# below stops it (a function in the background is a subshell that would not
# pass the signal on, and the writer would go on under the restore).
sqlite3 "$db" <"$tmp/writer.sql" &
writer=$!
pids+=("$writer")
mid=0
for i in $(seq 40); do
  out=$("$bin" backup "$tmp/b$i.db" --data-dir "$d" 2>"$tmp/err") || fail "backup $i: $(cat "$tmp/err")"
  [ "$out" = "$tmp/b$i.db" ] || fail "backup prints the path it wrote"
  [ "$(q "$tmp/b$i.db" 'PRAGMA integrity_check')" = ok ] || fail "backup $i integrity"
  [ "$(q "$tmp/b$i.db" 'PRAGMA journal_mode')" = delete ] || fail "backup is a single file"
  [ "$(stat -c %a "$tmp/b$i.db")" = 600 ] || fail "backup $i mode $(stat -c %a "$tmp/b$i.db")"
  c=$(q "$tmp/b$i.db" 'SELECT count(*) FROM company')
  p=$(q "$tmp/b$i.db" 'SELECT count(*) FROM production WHERE is_company_space = 0')
  [ "$c" -eq $((p + 1)) ] || fail "backup $i inconsistent: $c companies, $p productions"
  [ "$p" -gt 0 ] && [ "$p" -lt "$n" ] && mid=$((mid + 1))
  # Five consistent copies under writes make the point; on a loaded machine
  # (ASan, CI neighbours) forty copies of a growing file take minutes.
  [ "$mid" -ge 5 ] && break
  kill -0 "$writer" 2>/dev/null || break
done
[ "$mid" -ge 2 ] || fail "only $mid backups were taken while the writer was writing"
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
pids=()
ls "$tmp"/b*.db.tmp >/dev/null 2>&1 && fail "a temp file was left behind"
echo "backups during writes: $mid consistent copies"

# A directory as DEST gets a timestamped file; an existing file is refused.
mkdir "$tmp/dir"
out=$("$bin" backup "$tmp/dir" --data-dir "$d" 2>/dev/null)
[[ "$out" == "$tmp/dir/ecoplateau-"*Z.db ]] || fail "directory backup name: $out"
expect_fail 1 "already exists" "$bin" backup "$tmp/b1.db" --data-dir "$d"
expect_fail 1 "cannot open" "$bin" backup "$tmp/x.db" --data-dir "$tmp/nodb"
expect_fail 2 "usage: ecoplateau backup PATH" "$bin" backup
expect_fail 2 "usage: ecoplateau restore PATH" "$bin" restore --data-dir "$d"

# --- restore -------------------------------------------------------------
old_id=$(q "$db" "SELECT value FROM meta WHERE key = 'database_id'")
old_count=$(q "$db" 'SELECT count(*) FROM company')
want=$(q "$tmp/b1.db" 'SELECT count(*) FROM company')
"$bin" restore "$tmp/b1.db" --data-dir "$d" 2>"$tmp/err" || fail "restore: $(cat "$tmp/err")"
grep -q "previous kept as" "$tmp/err" || fail "restore says where the previous file is"
[ "$(q "$db" 'SELECT count(*) FROM company')" = "$want" ] || fail "restored content"
new_id=$(q "$db" "SELECT value FROM meta WHERE key = 'database_id'")
[ "$new_id" != "$old_id" ] || fail "a restored copy gets a new database id"
[ "$(q "$db" "SELECT value FROM meta WHERE key = 'restored_from'")" = "$old_id" ] ||
  fail "restored_from"
kept=$(ls "$d"/ecoplateau.db.before-restore-*Z | head -n 1)
[ "$(q "$kept" 'SELECT count(*) FROM company')" = "$old_count" ] || fail "previous file kept whole"
ls "$d"/*.restore.tmp >/dev/null 2>&1 && fail "restore left its temp file"

# Refusals leave the database alone.
cp "$tmp/b2.db" "$tmp/newer.db"
q "$tmp/newer.db" "PRAGMA user_version = 999"
expect_fail 1 "newer than this binary" "$bin" restore "$tmp/newer.db" --data-dir "$d"
echo "not a database" >"$tmp/text.db"
expect_fail 1 "restore refused" "$bin" restore "$tmp/text.db" --data-dir "$d"
q "$tmp/empty.db" "CREATE TABLE t (x)"
expect_fail 1 "not an ecoplateau database" "$bin" restore "$tmp/empty.db" --data-dir "$d"
expect_fail 1 "No such file" "$bin" restore "$tmp/missing.db" --data-dir "$d"
[ "$(q "$db" "SELECT value FROM meta WHERE key = 'database_id'")" = "$new_id" ] ||
  fail "a refused restore changed the database"

# --- serve: healthcheck, metrics, restore refused while serving ----------
"$bin" serve --port 0 --data-dir "$d" --pwa-dir "$src/pwa" --port-file "$tmp/port" \
    2>"$tmp/serve.log" &
server=$!
pids+=("$server")
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
[ -s "$tmp/port" ] || fail "server did not start: $(cat "$tmp/serve.log")"
port=$(cat "$tmp/port")
"$bin" healthcheck --port "$port" >/dev/null || fail "healthcheck of a running server"
"$bin" healthcheck --port 0 --port-file "$tmp/port" >/dev/null || fail "healthcheck via port file"
curl -fsS "http://127.0.0.1:$port/api/v1/nowhere" >/dev/null 2>&1 || true
m=$(curl -fsS "http://127.0.0.1:$port/api/v1/metrics")
echo "$m" | grep -q '^ecoplateau_http_requests_total{code="4xx"} [1-9]' || fail "4xx counted"
echo "$m" | grep -q '^ecoplateau_http_requests_total{code="2xx"} [1-9]' || fail "2xx counted"
echo "$m" | grep -q '^ecoplateau_http_request_duration_seconds_count [1-9]' || fail "histogram"
echo "$m" | grep -q '^ecoplateau_database_size_bytes{file="db"} [1-9]' || fail "db size"
echo "$m" | grep -q '^ecoplateau_uptime_seconds ' || fail "uptime"
echo "$m" | grep -q '^# TYPE ecoplateau_http_request_duration_seconds histogram' || fail "TYPE"
expect_fail 1 "in use by another ecoplateau process" "$bin" restore "$tmp/b2.db" --data-dir "$d"
expect_fail 1 "in use by another ecoplateau process" "$bin" serve --port 0 --data-dir "$d" \
    --pwa-dir "$src/pwa"
out=$("$bin" backup "$tmp/live.db" --data-dir "$d" 2>/dev/null) || fail "backup while serving"
kill -TERM "$server"
wait "$server" || fail "serve exit status after SIGTERM"
pids=()
expect_fail 1 "unhealthy" "$bin" healthcheck --port "$port"

# --- corrupt databases are never served -----------------------------------
c=$tmp/corrupt
mkdir -p "$c"
cp "$tmp/b3.db" "$c/ecoplateau.db"
pages=$(q "$c/ecoplateau.db" 'PRAGMA page_count')
[ "$pages" -gt 20 ] || fail "test database too small to corrupt ($pages pages)"
psize=$(q "$c/ecoplateau.db" 'PRAGMA page_size')
# Garbage over the last pages (rows written last, far from the schema): the
# file opens, and only PRAGMA quick_check at start can tell.
dd if=/dev/urandom of="$c/ecoplateau.db" bs="$psize" seek=$((pages - 4)) count=4 conv=notrunc \
    status=none
expect_fail 1 "is corrupt (quick_check: " "$bin" serve --port 0 --data-dir "$c" --pwa-dir "$src/pwa"
grep -q "restore a backup with 'ecoplateau restore'" "$tmp/err" ||
  fail "corrupt message says how to recover"
expect_fail 1 "is corrupt (quick_check: " "$bin" migrate --data-dir "$c"
expect_fail 1 "backup failed" "$bin" backup "$tmp/from-corrupt.db" --data-dir "$c"
[ ! -e "$tmp/from-corrupt.db" ] || fail "a failed backup left a file"
expect_fail 1 "corrupt" "$bin" restore "$c/ecoplateau.db" --data-dir "$d"
printf 'this is not an sqlite file, just text long enough to fill a header......' \
    >"$c/ecoplateau.db"
expect_fail 1 "not a database; restore a backup" "$bin" serve --port 0 --data-dir "$c" \
    --pwa-dir "$src/pwa"

# --- data directory permissions -----------------------------------------
w=$tmp/world
mkdir -p "$w" && chmod 777 "$w"
expect_fail 1 "writable by every user" "$bin" migrate --data-dir "$w"
if [ $am_root -eq 1 ] && command -v setpriv >/dev/null; then
  nobody=(setpriv --reuid 65534 --regid 65534 --clear-groups)
  chmod 755 "$tmp" # let uid 65534 reach the directories below
  r=$tmp/rootowned
  mkdir -p "$r" && chmod 755 "$r"
  if "${nobody[@]}" "$bin" version >/dev/null 2>&1; then
    expect_fail 1 "'$r' is not writable by uid 65534 (owner uid 0" \
        "${nobody[@]}" "$bin" serve --port 0 --data-dir "$r" --pwa-dir "$src/pwa"
    o=$tmp/foreign
    mkdir -p "$o" && cp "$tmp/b4.db" "$o/ecoplateau.db" && chown 65534 "$o"
    expect_fail 1 "database file '$o/ecoplateau.db' is not readable and writable by uid 65534" \
        "${nobody[@]}" "$bin" serve --port 0 --data-dir "$o" --pwa-dir "$src/pwa"
  else
    skip "uid 65534 cannot run $bin"
  fi
elif [ $am_root -eq 0 ]; then
  r=$tmp/readonly
  mkdir -p "$r" && chmod 555 "$r"
  expect_fail 1 "is not writable by uid" "$bin" serve --port 0 --data-dir "$r" --pwa-dir "$src/pwa"
else
  skip "setpriv missing: unwritable data directory"
fi

# --- disk full -----------------------------------------------------------
mkdir -p "$tmp/mnt"
if [ $am_root -eq 1 ] && mount -t tmpfs -o size=2m,mode=0700 ep-test-full "$tmp/mnt" 2>/dev/null
then
  mnt=$tmp/mnt
  expect_fail 1 "disk full: only" "$bin" serve --port 0 --data-dir "$mnt/data" --pwa-dir "$src/pwa"
  # A backup larger than the free space: SQLITE_FULL, reported, nothing left.
  # A real database (the kept one) padded past the tmpfs's 2 MiB.
  mkdir -p "$tmp/big" && cp "$kept" "$tmp/big/ecoplateau.db"
  q "$tmp/big/ecoplateau.db" "CREATE TABLE pad (b BLOB); WITH RECURSIVE n(i) AS
    (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3072)
    INSERT INTO pad SELECT randomblob(1024) FROM n"
  big=$(stat -c %s "$tmp/big/ecoplateau.db")
  [ "$big" -gt $((2 * 1024 * 1024)) ] || fail "padded copy too small to fill 2 MiB: $big"
  expect_fail 1 "disk full" "$bin" backup "$mnt/b.db" --data-dir "$tmp/big"
  [ -z "$(find "$mnt" -mindepth 1 -maxdepth 1 ! -name data)" ] ||
    fail "a failed backup left files: $(ls "$mnt")"
  umount "$mnt"
  mnt=
else
  skip "cannot mount a tmpfs: disk full"
fi

# --- secret key file (checked by auth_new, see backend/auth/auth.h) -----------
expect_fail 1 "secret key file '$tmp/nodir/key'" \
    env EP_SECRET_KEY_FILE="$tmp/nodir/key" "$bin" serve --port 0 --data-dir "$d" \
    --pwa-dir "$src/pwa"
head -c 32 /dev/urandom >"$tmp/openkey" && chmod 644 "$tmp/openkey"
expect_fail 1 "secret key file '$tmp/openkey'" \
    env EP_SECRET_KEY_FILE="$tmp/openkey" "$bin" serve --port 0 --data-dir "$d" --pwa-dir "$src/pwa"

echo "test_ops: all passed"
