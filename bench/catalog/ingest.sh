#!/bin/bash
# Ingestion benchmark on a running dev stack (scripts/dev up with the same
# SH_* settings): generates N entities with gen.py, points pool main's
# catalog at them through a conf.d drop-in, empties the catalog tables,
# restarts the pool and prints the seconds from pool start until the API
# counts all N (+1 for the generated config Location), then the pool's
# RSS (at that moment and 2 s later), the CPU seconds the pool and
# PostgreSQL used and the load average.
# The drop-in is removed at the end; the stack is left up without
# the demo catalog (a plain `up` brings it back).
#   SH_VAR=... bench/catalog/ingest.sh [N]
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
# CPU seconds of PostgreSQL (the postmaster, the children it reaped, the
# live backends): under load, less noisy than the wall clock.
tck=$(getconf CLK_TCK)
pg_cpu() {
	local pm
	pm=$(head -n 1 "$SH_PG_DIR/data/postmaster.pid")
	{ awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
	  for c in $(cat "/proc/$pm/task/$pm/children"); do
		awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null
	  done; } | awk -v t="$tck" '{s += $1} END {printf "%.2f", s / t}'
}
q() { psql -X -At -h "$SH_PG_SOCK" -p "$SH_PG_PORT" -U stagehand -d stagehand -c "$1"; }
"$repo/scripts/dev" pool stop main >/dev/null
"$SH_DAEMON" --config "$SH_CONF" --migrate >"$SH_LOG/migrate.log" 2>&1 ||
	{ echo "ingest: stagehandd --migrate failed:" >&2; tail -n 5 "$SH_LOG/migrate.log" >&2; exit 1; }
q "TRUNCATE catalog.refresh_state, catalog.refresh_state_references, catalog.relations,
   catalog.final_entities, catalog.search, catalog.stitch_queue CASCADE" >/dev/null
want=$((n + 1))
pg0=$(pg_cpu)
t0=$(date +%s.%N)
"$repo/scripts/dev" pool start main >/dev/null
# Polled through the API (by-query's totalItems): cheaper than a psql per poll.
count_url="https://127.0.0.1:$SH_HTTPS_PORT/api/catalog/entities/by-query?limit=0"
while :; do
	got=$(curl -sk "$count_url" | sed -n 's/.*"totalItems":\([0-9]*\).*/\1/p')
	[ "${got:-0}" -ge "$want" ] && break
	sleep 0.1
done
t1=$(date +%s.%N)
pid=$(cat "$SH_RUN/main.pid")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
pool_cpu=$(awk -v t="$tck" '{printf "%.2f", ($14 + $15) / t}' "/proc/$pid/stat")
pg_used=$(echo "$(pg_cpu) - $pg0" | bc)
# The tasks give their batches' memory back once the queue is empty.
sleep 2
rss2=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
printf 'entities=%d seconds=%.2f rss_kib=%d rss_2s_kib=%d cpu_pool_s=%s cpu_pg_s=%s load=%s\n' \
	"$want" "$(echo "$t1 - $t0" | bc)" "$rss" "$rss2" "$pool_cpu" "$pg_used" \
	"$(cut -d' ' -f1 /proc/loadavg)"
