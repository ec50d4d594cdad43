#!/bin/bash
# Ingestion benchmark on a running dev stack (scripts/dev up with the same
# SH_* settings): generates N entities with gen.py, points pool main's
# catalog at them through a conf.d drop-in, empties the catalog tables,
# restarts the pool and prints the seconds from pool start until the API
# counts all N (+1 for the generated config Location), then the pool's
# RSS (at that moment and 2 s later), the CPU seconds the pool and
# PostgreSQL used, the load average and the box's speed (calib below).
# The drop-in is removed at the end; the stack is left up without
# the demo catalog (a plain `up` brings it back).
#   SH_VAR=... [BENCH_CATALOG_SO=<catalog.so>] bench/catalog/ingest.sh [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-10000}
eval "$("$repo/scripts/dev" env)"
# A drop-in that read.sh's BENCH_KEEP left behind names its own catalog
# and threads: ours alone.
rm -f "$SH_ETC"/conf.d/*-bench*.ini
# The demo catalog's location would add to ours: a config without it.
SH_DEV_CATALOG= "$repo/scripts/dev" up >/dev/null
data=$SH_VAR/bench-catalog-$n
python3 "$here/gen.py" "$n" --out "$data" >/dev/null
dropin=$SH_ETC/conf.d/60-bench-catalog.ini
trap 'rm -f "$dropin"; "$repo/scripts/dev" pool restart main >/dev/null' EXIT
cat >"$dropin" <<INI
[pool.main]
plugins = catalog

[features]
catalog = true
; The poll below sends no token.
auth = false

[catalog]
location = file:$data/all.yaml
allow = Component API System Domain Resource Group User Location
INI
# The box's speed at the time: seconds of a fixed single-thread loop.  On
# this shared 2-core VM the same ingestion's CPU seconds move 1.5-2x
# between hours; this figure moves with them and says which kind of hour
# a run had.
calib() {
	python3 -c 'import time
t = time.perf_counter()
s = 0
for i in range(3000000):
    s += i * i
print("%.3f" % (time.perf_counter() - t))'
}
# CPU seconds of PostgreSQL: bench_pg_cpu of bench/lib.sh.
# shellcheck source=/dev/null
. "$repo/bench/lib.sh"
tck=$(getconf CLK_TCK)
pg_cpu() { bench_pg_cpu; }
q() { psql -X -At -h "$SH_PG_SOCK" -p "$SH_PG_PORT" -U stagehand -d stagehand -c "$1"; }
"$repo/scripts/dev" pool stop main >/dev/null
# BENCH_CATALOG_SO=<file>: this run uses that build of the catalog plugin
# instead of the one up just installed, so that two versions can be
# alternated side by side (the next up installs the built one again).
if [ -n "${BENCH_CATALOG_SO:-}" ]; then
	so=$SH_PREFIX/lib/stagehand/plugins/catalog.so
	cp "$BENCH_CATALOG_SO" "$so.bench" && mv -f "$so.bench" "$so"
fi
"$SH_DAEMON" --config "$SH_CONF" --migrate >"$SH_LOG/migrate.log" 2>&1 ||
	{ echo "ingest: stagehandd --migrate failed:" >&2; tail -n 5 "$SH_LOG/migrate.log" >&2; exit 1; }
q "TRUNCATE catalog.refresh_state, catalog.refresh_state_references, catalog.relations,
   catalog.final_entities, catalog.search, catalog.stitch_queue CASCADE" >/dev/null
cal=$(calib)
want=$((n + 1))
# Polled through the API (by-query's totalItems) by one process on one
# kept-alive connection, started before the clock: see poll_count.py.
coproc POLL { python3 "$here/poll_count.py" "$SH_HTTPS_PORT" "$want"; }
poll_pid=$POLL_PID
pg0=$(pg_cpu)
t0=$(date +%s.%N)
"$repo/scripts/dev" pool start main >/dev/null
echo go >&"${POLL[1]}"
wait "$poll_pid" || { echo "ingest: the API never counted $want entities" >&2; exit 1; }
t1=$(date +%s.%N)
pid=$(cat "$SH_RUN/main.pid")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
pool_cpu=$(awk -v t="$tck" '{printf "%.2f", ($14 + $15) / t}' "/proc/$pid/stat")
pg_used=$(echo "$(pg_cpu) - $pg0" | bc)
# The tasks give their batches' memory back once the queue is empty.
sleep 2
rss2=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
printf 'entities=%d seconds=%.2f rss_kib=%d rss_2s_kib=%d cpu_pool_s=%s cpu_pg_s=%s load=%s calib_s=%s\n' \
	"$want" "$(echo "$t1 - $t0" | bc)" "$rss" "$rss2" "$pool_cpu" "$pg_used" \
	"$(cut -d' ' -f1 /proc/loadavg)" "$cal"
