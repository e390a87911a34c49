#!/usr/bin/env bash
# test_docker.sh [SOURCE_DIR] - builds the Dockerfile for real and runs the
# image the way an operator would, without a Docker engine: buildah with the
# vfs storage driver and chroot isolation (host network, no PID namespace),
# as root. Run through `make test-docker`, which installs what it needs.
#
# Checks: the image config (non-root 10001, VOLUME /data, exec-form
# ENTRYPOINT, HEALTHCHECK, EP_* env, OCI labels); no compiler in the runtime
# image; serve via the configured ENTRYPOINT+CMD; the HEALTHCHECK command;
# /api/v1/metrics; the first start on the empty volume completed with
# `ecoplateau setup` (run twice) and the account signing in; data written, the server stopped with SIGTERM (exit 0,
# clean stop logged), restarted, and the data still there; a second server on
# the same volume refused; backup while serving; restore into a new container;
# a volume the container's user cannot write refused with a precise message;
# the compose file's backup loop (schedule, retention).
#
# buildah quirk (1.28): a -v bind onto a path the image declares as VOLUME is
# shadowed by buildah's own per-container volume, so /data here is that
# per-container volume (it survives across `buildah run`s of one container,
# like a Docker volume across restarts); host directories are bound elsewhere
# (/backups, /srv/...) and selected with EP_DATA_DIR where needed.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cache=$src/build/docker
image=localhost/ecoplateau:test
bah=(buildah --storage-driver vfs)
run=("${bah[@]}" run --isolation chroot)
tmp=$(mktemp -d)
ctrs=()
server=     # host pid of `buildah run` serving, if any
t0=$SECONDS

step() { echo "[$((SECONDS - t0))s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
  [ -n "$server" ] && stop_server KILL 2>/dev/null
  for c in "${ctrs[@]}"; do "${bah[@]}" rm "$c" >/dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "run as root (buildah vfs + chroot isolation)"

# The server's own pid: chroot isolation has no PID namespace, so it is a host
# pid below `buildah run`. SIGTERM goes to it directly, because buildah run
# answers SIGTERM by killing its child (seen: "subprocess exited on killed").
server_pid() {
  local p kid
  for p in "$@"; do
    for kid in $(pgrep -P "$p" || true); do
      if [ "$(cat "/proc/$kid/comm" 2>/dev/null)" = ecoplateau ]; then echo "$kid"; return 0; fi
      server_pid "$kid" && return 0
    done
  done
  return 1
}

# start_server CTR LOG [run options...]: the image's ENTRYPOINT + CMD.
start_server() {
  local ctr=$1 log=$2
  shift 2
  rm -f "$vol/port"
  "${run[@]}" --env EP_PORT=0 --env EP_PORT_FILE=/data/port "$@" "$ctr" -- "${entry[@]}" \
      >"$log" 2>&1 &
  server=$!
  for _ in $(seq 200); do [ -s "$vol/port" ] && break; sleep 0.05; done
  [ -s "$vol/port" ] || fail "server did not start: $(cat "$log")"
  port=$(cat "$vol/port")
}

stop_server() {
  local sig=${1:-TERM} pid
  pid=$(server_pid "$server") || fail "no ecoplateau process under buildah run $server"
  kill "-$sig" "$pid"
  wait "$server" || { [ "$sig" = KILL ] || fail "buildah run exited non-zero after SIG$sig"; }
  server=
}

health() { curl -fsS --max-time 5 "http://127.0.0.1:$port/api/v1/health"; }

step "base image (debootstrap, cached in build/docker/cache)"
"$src/tests/docker/base-image.sh" "$cache/cache"

version=$(sed -nE 's/^project\(ecoplateau VERSION ([0-9.]+).*/\1/p' "$src/CMakeLists.txt")
revision=$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)
mkdir -p "$cache"
b0=$SECONDS
# EP_DOCKER_NO_BUILD=1 reruns the checks on the image of the last build.
if [ "${EP_DOCKER_NO_BUILD:-0}" = 1 ]; then
  step "reusing $image (EP_DOCKER_NO_BUILD=1)"
else
step "build $image"
"${bah[@]}" rmi -f "$image" >/dev/null 2>&1 || true # else each run leaves a 200 MB orphan
"${bah[@]}" bud --isolation chroot --pull=never --format docker -t "$image" \
    --build-arg EP_VERSION="$version" --build-arg EP_REVISION="$revision" \
    --build-arg EP_CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -f "$src/Dockerfile" "$src" >"$cache/build.log" 2>&1 ||
  { tail -40 "$cache/build.log"; fail "image build (full log: build/docker/build.log)"; }
fi
step "built in $((SECONDS - b0))s: $("${bah[@]}" images --format '{{.Size}}' "$image") "

step "image config"
"${bah[@]}" inspect --type image "$image" >"$tmp/inspect.json"
cfg() { jq -c "$1" "$tmp/inspect.json"; }
[ "$(cfg .Docker.config.User)" = '"10001:10001"' ] || fail "User: $(cfg .Docker.config.User)"
[ "$(cfg .Docker.config.Entrypoint)" = '["/usr/local/bin/ecoplateau"]' ] || fail "exec-form ENTRYPOINT"
[ "$(cfg .Docker.config.Cmd)" = '["serve"]' ] || fail "CMD"
[ "$(cfg .Docker.config.Healthcheck.Test)" = '["CMD","/usr/local/bin/ecoplateau","healthcheck"]' ] ||
  fail "HEALTHCHECK: $(cfg .Docker.config.Healthcheck)"
[ "$(cfg '.Docker.config.Volumes | keys')" = '["/data"]' ] || fail "VOLUME /data"
for e in EP_BIND=0.0.0.0 EP_DATA_DIR=/data EP_PWA_DIR=/usr/share/ecoplateau/pwa; do
  cfg '.Docker.config.Env[]' | grep -qx "\"$e\"" || fail "ENV $e"
done
[ "$(cfg '.Docker.config.Labels["org.opencontainers.image.version"]')" = "\"$version\"" ] ||
  fail "OCI version label"
[ "$(cfg '.Docker.config.StopSignal')" = '"SIGTERM"' ] || fail "STOPSIGNAL"
mapfile -t entry < <(jq -r '.Docker.config.Entrypoint[], .Docker.config.Cmd[]' "$tmp/inspect.json")
mapfile -t hcheck < <(jq -r '.Docker.config.Healthcheck.Test[1:][]' "$tmp/inspect.json")

step "container 1: user, no compiler, volume"
ctr=$("${bah[@]}" from --pull=never --name "ep-test-$$-1" "$image")
ctrs+=("$ctr")
[ "$("${run[@]}" "$ctr" -- id -u)" = 10001 ] || fail "runs as uid 10001"
"${run[@]}" "$ctr" -- sh -c 'for c in cc gcc clang tcc make cmake ld as; do
    command -v "$c" && exit 1; done; exit 0' || fail "the runtime image has a compiler"
[ ! -e "$("${bah[@]}" mount "$ctr")/usr/include/sqlite3.h" ] || fail "headers in the runtime image"
for p in $(make -s -C "$src" --no-print-directory -f - print-runtime-debs <<'MK'
include Makefile
print-runtime-debs: ; @echo $(RUNTIME_DEBS)
MK
); do
  "${run[@]}" "$ctr" -- dpkg-query -W "$p" >/dev/null 2>&1 || fail "RUNTIME_DEBS: $p not in the image"
done
cid=$("${bah[@]}" inspect --type container --format '{{.ContainerID}}' "$ctr")
"${run[@]}" "$ctr" -- true # creates the per-container /data volume
vol=$(echo /var/lib/containers/storage/vfs-containers/"$cid"/userdata/buildah-volumes/*)
[ -d "$vol" ] || fail "no /data volume for the container"
[ "$(stat -c '%u %a' "$vol")" = "10001 700" ] || fail "/data is $(stat -c '%u %a' "$vol")"

step "serve (ENTRYPOINT+CMD: ${entry[*]}), HEALTHCHECK, metrics"
start_server "$ctr" "$tmp/serve1.log"
health | grep -q '"status":"ok"' || fail "health"
id1=$(health | jq -r .database_id)
"${run[@]}" --env EP_PORT="$port" "$ctr" -- "${hcheck[@]}" >/dev/null || fail "HEALTHCHECK command"
curl -fsS "http://127.0.0.1:$port/api/v1/metrics" | grep -q '^ecoplateau_build_info{version="'"$version" ||
  fail "metrics"
grep -q '"level":"info","event":"server.start"' "$tmp/serve1.log" || fail "JSON logs"
curl -fsS "http://127.0.0.1:$port/" | grep -qi '<html' || fail "the PWA is served at /"
for f in "$src"/pwa/vendor/*.js; do
  [ -e "$f" ] || continue
  curl -fsS -o /dev/null "http://127.0.0.1:$port/vendor/$(basename "$f")" || fail "pwa/vendor in the image"
done

step "first start on the empty volume: setup link logged, setup with the CLI, login"
grep -q '"event":"setup"' "$tmp/serve1.log" || fail "the first start logs a setup link"
grep -Eq '#setup=[A-Za-z0-9_-]{43}' "$tmp/serve1.log" || fail "the setup link: $(cat "$tmp/serve1.log")"
"${run[@]}" --env EP_ADMIN_PASSWORD='la Loue en automne' "$ctr" -- ecoplateau setup \
    --company 'Les Films du Doubs' --admin-email ines@doubs.fr --admin-name 'Inès Roy' \
    >"$tmp/setup.log" 2>&1 || fail "setup with the CLI: $(cat "$tmp/setup.log")"
"${run[@]}" --env EP_ADMIN_PASSWORD='une autre phrase sûre' "$ctr" -- ecoplateau setup \
    --company Other --admin-email other@doubs.fr --admin-name Other >"$tmp/setup2.log" 2>&1 ||
  fail "a second setup must exit 0: $(cat "$tmp/setup2.log")"
grep -q "already set up" "$tmp/setup2.log" || fail "a second setup says so"
code=$(curl -s -c "$tmp/jar" -o "$tmp/login.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"email":"ines@doubs.fr","password":"la Loue en automne"}' "http://127.0.0.1:$port/api/v1/auth/login")
[ "$code" = 200 ] || fail "login with the account the CLI made: $code $(cat "$tmp/login.json")"
csrf=$(jq -r .csrf "$tmp/login.json")
code=$(curl -s -b "$tmp/jar" -o "$tmp/prod.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "X-EP-CSRF: $csrf" -d '{"title":"La Source","kind":"short"}' \
  "http://127.0.0.1:$port/api/v1/productions")
[ "$code" = 201 ] || fail "the administrator creates a production: $code $(cat "$tmp/prod.json")"

step "write data, second server refused, backup while serving"
# From the host while the server runs (its -wal and -shm exist, so root's
# sqlite3 creates no root-owned file): a writer outside the server, like sync.
sqlite3 "$vol/ecoplateau.db" "INSERT INTO company (id, name, created_at)
    VALUES ('docker-test', 'Survives restarts', 1)"
set +e
"${run[@]}" --env EP_PORT=0 "$ctr" -- "${entry[@]}" >"$tmp/second.log" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "a second server on the same volume must exit 1 (got $rc)"
grep -q "in use by another ecoplateau process" "$tmp/second.log" || fail "second server message"
mkdir -p "$tmp/backups" && chown 10001:10001 "$tmp/backups"
bfile=$("${run[@]}" -v "$tmp/backups:/backups" "$ctr" -- ecoplateau backup /backups 2>"$tmp/backup.log") ||
  fail "backup: $(cat "$tmp/backup.log")"
bhost=$tmp/backups/$(basename "$bfile")
[ "$(sqlite3 "$bhost" 'PRAGMA integrity_check')" = ok ] || fail "backup integrity"
[ "$(sqlite3 "$bhost" "SELECT name FROM company WHERE id = 'docker-test'")" = "Survives restarts" ] ||
  fail "backup content"
set +e
"${run[@]}" -v "$tmp/backups:/backups" "$ctr" -- ecoplateau restore "$bfile" 2>"$tmp/restore.log"
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "in use" "$tmp/restore.log" || fail "restore under a running server"

step "SIGTERM, restart, data survived"
stop_server TERM
grep -q '"msg":"stopped cleanly"' "$tmp/serve1.log" || fail "clean stop: $(tail -3 "$tmp/serve1.log")"
start_server "$ctr" "$tmp/serve2.log"
[ "$(health | jq -r .database_id)" = "$id1" ] || fail "database id changed across restart"
stop_server TERM
[ "$(sqlite3 "$vol/ecoplateau.db" "SELECT name FROM company WHERE id = 'docker-test'")" = \
  "Survives restarts" ] || fail "data lost across restart"

set +e
"${run[@]}" --env EP_PORT="$port" "$ctr" -- "${hcheck[@]}" >/dev/null 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "HEALTHCHECK of a stopped server must exit 1 (got $rc)"

step "compose's backup service: ecoplateau-backup-loop, schedule and retention"
mkdir -p "$tmp/loop" && chown 10001:10001 "$tmp/loop"
set +e
"${run[@]}" -v "$tmp/loop:/backups" --env EP_BACKUP_INTERVAL=1 --env EP_BACKUP_KEEP=2 "$ctr" -- \
    timeout 4.5 ecoplateau-backup-loop /backups >"$tmp/loop.log" 2>&1
rc=$?
set -e
[ $rc -eq 124 ] || fail "backup loop stopped by itself ($rc): $(cat "$tmp/loop.log")"
made=$(grep -c '"event":"backup"' "$tmp/loop.log" || true)
kept=$(find "$tmp/loop" -name 'ecoplateau-*.db' | wc -l)
[ "$made" -ge 3 ] && [ "$kept" -eq 2 ] || fail "backup loop: $made made, $kept kept (want >= 3, 2)"
for f in "$tmp"/loop/ecoplateau-*.db; do
  [ "$(sqlite3 "$f" 'PRAGMA integrity_check')" = ok ] || fail "loop backup $f"
done

step "container 2: restore the backup into a new container"
ctr2=$("${bah[@]}" from --pull=never --name "ep-test-$$-2" "$image")
ctrs+=("$ctr2")
"${run[@]}" -v "$tmp/backups:/backups" "$ctr2" -- ecoplateau restore "$bfile" \
    2>"$tmp/restore2.log" || fail "restore: $(cat "$tmp/restore2.log")"
cid=$("${bah[@]}" inspect --type container --format '{{.ContainerID}}' "$ctr2")
vol=$(echo /var/lib/containers/storage/vfs-containers/"$cid"/userdata/buildah-volumes/*)
start_server "$ctr2" "$tmp/serve3.log"
id2=$(health | jq -r .database_id)
[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "a restored copy gets a new database id"
stop_server TERM
[ "$(sqlite3 "$vol/ecoplateau.db" "SELECT name FROM company WHERE id = 'docker-test'")" = \
  "Survives restarts" ] || fail "restored data"

step "a volume the container user cannot write is refused"
mkdir -p "$tmp/rootowned" && chmod 755 "$tmp/rootowned"
set +e
"${run[@]}" -v "$tmp/rootowned:/srv/ecoplateau" --env EP_DATA_DIR=/srv/ecoplateau "$ctr2" -- \
    "${entry[@]}" >"$tmp/bad.log" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "unwritable volume must exit 1 (got $rc)"
grep -q "data directory '/srv/ecoplateau' is not writable by uid 10001 (owner uid 0" "$tmp/bad.log" ||
  fail "unwritable volume message: $(cat "$tmp/bad.log")"

step "all passed in $((SECONDS - t0))s"
echo "test_docker: all passed"
