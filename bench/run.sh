#!/usr/bin/env bash
# bench/run.sh BUILD_DIR [workload options] - the sync benchmark, in one run:
#   1. the SQLite ceilings (ep_ceiling): the ops into one table, then into the
#      server's own tables and indexes,
#   2. ecoplateau: ep_setup creates the database, the Release `ecoplateau
#      serve` starts on 127.0.0.1 with an ephemeral port, ep_load drives it,
#   3. pouchdb-server (bench/node_modules, in-memory) driven by ep_load.
# Then prints the table and the ratios against the targets of issue 3.
# Workload options (see `ep_load --help`) are passed to all three; the server
# threads come from EP_BENCH_THREADS (default 64: one per phone connection,
# since CivetWeb pins a worker to each keep-alive connection); EP_BENCH_SERVER
# names another ecoplateau binary to measure (e.g. a build with a fix).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:?usage: bench/run.sh BUILD_DIR [workload options]}" && pwd)
shift
W=("$@")
RUN=$B/run
THREADS=${EP_BENCH_THREADS:-64}
SERVER=${EP_BENCH_SERVER:-$B/backend/ecoplateau} # another build, for A/B runs
POUCH=$ROOT/bench/node_modules/pouchdb-server/bin/pouchdb-server
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# Waits until cmd succeeds, at most 20 s.
wait_for() {
    for _ in $(seq 200); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "run.sh: timed out waiting for: $*" >&2
    return 1
}

rm -rf "$RUN"
mkdir -p "$RUN/pouch"
: >"$RUN/results.txt"
{
    echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "commit:    $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown) (work tree may differ)"
    echo "machine:   $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(uname -r)"
    echo "load:      before: $(uptime | sed 's/.*load average: //')"
    echo "workload:  ${W[*]:-defaults} (server threads $THREADS)"
    echo "server:    $SERVER"
} | tee "$RUN/header.txt"

echo "== SQLite ceiling" >&2
"$B/bench/ep_ceiling" --db "$RUN/ceiling.db" "${W[@]}" | tee -a "$RUN/results.txt"
# The same ops inserted raw into the server's own tables and indexes: what
# the data model costs in SQLite alone (a second, stricter ceiling).
echo "== SQLite ceiling, server schema" >&2
"$B/bench/ep_setup" --data-dir "$RUN/ceiling-schema" "${W[@]}" >&2
"$B/bench/ep_ceiling" --server-db "$RUN/ceiling-schema/ecoplateau.db" "${W[@]}" |
    tee -a "$RUN/results.txt"

echo "== ecoplateau" >&2
"$B/bench/ep_setup" --data-dir "$RUN/ep" "${W[@]}" >&2
# Every simulated phone connects from 127.0.0.1: lift the cap on connections
# per address (16 by default, docs/security.md), made for real clients, each
# on its own address, or it cuts all but 16 of them.
(exec "$SERVER" serve --data-dir "$RUN/ep" --port 0 --port-file "$RUN/ep.port" \
    --threads "$THREADS" --per-address 1024 --log-level warn --pwa-dir "$ROOT/pwa" \
    >"$RUN/ep.log" 2>&1) &
EP_PID=$!
PIDS+=("$EP_PID")
wait_for test -s "$RUN/ep.port"
EP_PORT=$(cat "$RUN/ep.port")
ep_rc=0
"$B/bench/ep_load" --target ep --url "http://127.0.0.1:$EP_PORT" --pid "$EP_PID" "${W[@]}" |
    tee -a "$RUN/results.txt" || ep_rc=$?
kill -TERM "$EP_PID"
wait "$EP_PID" || true
# The server's own storage, read after it stopped: every op of the
# production, and the conflicts kept open by the concurrent plan edits.
if command -v sqlite3 >/dev/null; then
    sqlite3 "$RUN/ep/ecoplateau.db" \
        "SELECT 'stored:    ' || (SELECT count(*) FROM sync_op WHERE production_id = 'bench')
                || ' ops in sync_op, ' || (SELECT count(*) FROM sync_fact)
                || ' facts, ' || (SELECT count(*) FROM sync_record) || ' records with '
                || (SELECT sum(conflicts) FROM sync_record) || ' open conflicts'" |
        tee -a "$RUN/header.txt"
fi

echo "== pouchdb-server (in-memory)" >&2
P_PORT=$("$B/bench/ep_setup" --free-port)
(cd "$RUN/pouch" && exec node "$POUCH" --in-memory -n --no-color -o 127.0.0.1 -p "$P_PORT" \
    -d "$RUN/pouch" -c "$RUN/pouch/config.json" >"$RUN/pouch.log" 2>&1) &
P_PID=$!
PIDS+=("$P_PID")
wait_for curl -sf "http://127.0.0.1:$P_PORT/"
p_rc=0
"$B/bench/ep_load" --target couch --url "http://127.0.0.1:$P_PORT" --pid "$P_PID" "${W[@]}" |
    tee -a "$RUN/results.txt" || p_rc=$?
kill -TERM "$P_PID"
wait "$P_PID" 2>/dev/null || true

echo "load:      after:  $(uptime | sed 's/.*load average: //')" | tee -a "$RUN/header.txt"
echo
cat "$RUN/header.txt"
echo
# The table: one row per system, then the ratios.
awk '
/^RESULT / {
    delete f
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    n++; sys[n] = f["system"]; ops[n] = f["ops_per_s"]
    row[n] = sprintf("| %-21s | %6s | %6s | %6s | %6s | %7s | %7s | %6s | %7s | %6.1f | %6.1f | %6.1f | %6s | %6s | %5s | %4s | %s |",
        f["system"], f["ops"], f["wall_s"], f["ops_per_s"], f["push_p50_ms"], f["push_p99_ms"],
        f["pull_ops"], f["pull_p50_ms"], f["pull_p99_ms"], f["up_bytes"] / 1048576,
        f["down_bytes"] / 1048576, f["rss_kb"] / 1024, f["server_cpu_s"], f["errors"],
        f["busy_503"], f["lost"], f["verify"])
}
END {
    print "| system                |    ops | wall s |  ops/s | push p50 ms | push p99 ms | pulled ops | pull p50 ms | pull p99 ms | MiB up | MiB down | peak RSS MiB | server CPU s | errors | of which 503 | lost | verify |"
    print "|-----------------------|-------:|-------:|-------:|-------:|--------:|--------:|-------:|--------:|-------:|-------:|-------:|-------:|-------:|------:|-----:|--------|"
    for (i = 1; i <= n; i++) { print row[i]; v[sys[i]] = ops[i] }
    ep = v["ecoplateau"]; pd = v["pouchdb-server"]; cl = v["sqlite-ceiling"]; cs = v["sqlite-ceiling-schema"]
    print ""
    if (pd > 0) printf "ecoplateau / pouchdb-server throughput: %.1fx (target >= 10x: %s)\n", ep / pd, (ep / pd >= 10 ? "met" : "MISSED")
    if (cl > 0) printf "ecoplateau / SQLite ceiling throughput:  %.0f%% (target >= 30%%: %s)\n", 100 * ep / cl, (ep / cl >= 0.3 ? "met" : "MISSED")
    if (cs > 0) printf "ecoplateau / SQLite ceiling with the server schema: %.0f%% (for information)\n", 100 * ep / cs
}' "$RUN/results.txt" | tee "$RUN/table.md"
echo
echo "raw results: $RUN/results.txt; server logs: $RUN/ep.log, $RUN/pouch.log"
[ "$ep_rc" -eq 0 ] && [ "$p_rc" -eq 0 ]
