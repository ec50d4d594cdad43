#!/bin/bash
# Read benchmark of the catalog: wrk through nginx (HTTPS, keep-alive, a
# guest token) at 16 and 64 connections against a private stack loaded with
# the generated catalog (gen.py, 10 000 entities by default), next to the
# host's pooled SELECT 1 route as the floor.  Prints req/s, p50 and p99 per
# scenario, the pool's RSS and `uptime`, appends them to
# bench/results/<date>-catalog.txt and always tears the stack down.
#   SH_VAR=... BENCH_DURATION=10s bench/catalog/read.sh [N]
# BENCH_KEEP=1 leaves the loaded stack up afterwards (for EXPLAIN and
# profiling; `SH_VAR=<SH_VAR>/bench-catalog scripts/dev down` stops it),
# BENCH_ONLY=<name> times one scenario (and the floor); BENCH_CACHE_MB=0
# turns the read cache off (the database path); BENCH_THREADS sets pool
# main's request threads (default 4, the product's default).
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-10000}
# No demo catalog: the drop-in names the generated one.
export SH_DEV_CATALOG=
. "$repo/bench/lib.sh"
bench_stack bench-catalog
duration=${BENCH_DURATION:-10s}

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
stack_env || die "scripts/dev env failed"
dropins=$(stack_dropins)
mkdir -p "$dropins"
rm -f "$dropins"/*-bench*.ini
tmp=$(mktemp -d)
if [ -n "${BENCH_KEEP:-}" ]; then
	trap 'rm -rf "$tmp"' EXIT
else
	# The drop-in goes too: it needs the bench's build (its shtest
	# feature), so a plain `scripts/dev up` on this SH_VAR would refuse it.
	trap 'dev down; rm -rf "$tmp" "$dropins/50-bench.ini"' EXIT
fi
trap 'exit 130' INT TERM

echo "bench: building and starting the stack in $SH_VAR"
dev up || die "scripts/dev up failed"
data=$SH_VAR/catalog-$n
python3 "$here/gen.py" "$n" --out "$data" >/dev/null || die "gen.py failed"
# The product's default 4 request threads (BENCH_THREADS): on 2 cores, 8
# threads doubled by-name's p99 at c=16 (7-8.5 ms against 3.9-5.1 ms, side
# by side, 2026-12-03).
bench_catalog_ini "$data" "${BENCH_THREADS:-4}" >"$dropins/50-bench.ini" || die "could not write the drop-in"
dev down || die "scripts/dev down failed"
dev up || die "scripts/dev up with the catalog failed"

base=https://127.0.0.1:$SH_HTTPS_PORT
api=$base/api/catalog
token=$(bench_guest_token "$base") || die "no guest token"
auth="Authorization: Bearer $token"
# Wait for the whole catalog (N entities + the generated config Location).
want=$((n + 1)) t0=$(date +%s)
while :; do
	got=$(curl -sk -H "$auth" "$api/entities/by-query?limit=0" |
		sed -n 's/.*"totalItems":\([0-9]*\).*/\1/p')
	[ "${got:-0}" -ge "$want" ] && break
	[ $(($(date +%s) - t0)) -lt 300 ] || die "only ${got:-0} of $want entities after 300 s"
	sleep 0.5
done

psql_q() { psql -X -q -At -h "$SH_PG_SOCK" -p "$SH_PG_PORT" -U stagehand -d stagehand -c "$1"; }
# The count is complete before the stitchers are done: hub entities are
# stitched again after the entities that name them (docs/catalog.md).
t0=$(date +%s)
until [ "$(psql_q "SELECT count(*) FROM catalog.stitch_queue")" = 0 ]; do
	[ $(($(date +%s) - t0)) -lt 120 ] || die "the stitch queue is not empty after 120 s"
	sleep 0.5
done
# The tables as autovacuum leaves them a minute after the bulk load: fresh
# planner statistics (right after the load its row estimates are those of
# an empty table) and the visibility map set, without which the filter
# terms' index-only scans visit the heap (docs/catalog.md, Reads).
psql_q "VACUUM (ANALYZE) catalog.final_entities, catalog.search, catalog.relations" ||
	die "VACUUM failed"

# 20 component refs for by-refs, the first one for by-name.
refs=$(curl -sk -H "$auth" \
	"$api/entities/by-query?limit=20&filter=kind=component&fields=kind,metadata.name,metadata.namespace" |
	python3 -c 'import json,sys
print(json.dumps(["%s:%s/%s" % (e["kind"].lower(), e["metadata"]["namespace"], e["metadata"]["name"])
                  for e in json.load(sys.stdin)["items"]]))') || die "could not list refs"
first=$(python3 -c 'import json,sys; k,r = json.loads(sys.argv[1])[0].split(":"); print(k + "/" + r)' "$refs")
cat >"$tmp/by-refs.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"entityRefs":$refs}'
LUA
# name|path|lua script (empty: GET)
scenarios="by-name|/api/catalog/entities/by-name/$first|
entities-filter|/api/catalog/entities?filter=kind=component,spec.type=service&limit=20|
by-query|/api/catalog/entities/by-query?limit=20&filter=kind=component|
by-refs-20|/api/catalog/entities/by-refs|$tmp/by-refs.lua
facets|/api/catalog/entity-facets?facet=spec.type|
shtest-db|/api/shtest/db|"

# Each scenario answers 200 (by-refs with all 20 entities) before it is timed.
while IFS='|' read -r name path script; do
	if [ -n "$script" ]; then
		body=$(curl -sk -H "$auth" -H 'Content-Type: application/json' \
			-d "{\"entityRefs\":$refs}" "$base$path")
		nulls=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["items"].count(None))' \
			<<<"$body") || die "$name: $body"
		[ "$nulls" = 0 ] || die "$name: $nulls of 20 refs missing"
	else
		code=$(curl -sk -o /dev/null -w '%{http_code}' -H "$auth" "$base$path")
		[ "$code" = 200 ] || die "$name ($path) answers $code"
	fi
done <<<"$scenarios"

rss() { awk '/^VmRSS/ {print $2 " KiB"}' "/proc/$(cat "$SH_RUN/main.pid")/status"; }
out=$repo/bench/results/$(date +%F)-catalog.txt
{
	echo "== $(date '+%F %T')  $(uname -sr)  nproc=$(nproc)  entities=$want"
	echo "uptime before: $(uptime)"
	echo "wrk -t2 -d$duration --latency over HTTPS keep-alive via nginx, guest token;" \
		"pool main: ${BENCH_THREADS:-4} threads, db pool 8, read_cache_mb ${BENCH_CACHE_MB:-8}"
	echo "pool main RSS before: $(rss)"
	printf '%-16s %4s %12s %10s %10s\n' scenario conns req/s p50 p99
	while IFS='|' read -r name path script; do
		case ${BENCH_ONLY:-$name} in *"$name"*) ;; *) [ "$name" = shtest-db ] || continue ;; esac
		for c in 16 64; do
			res=$(wrk -t2 -c"$c" -d"$duration" --latency -H "$auth" \
				${script:+-s "$script"} "$base$path") || die "wrk failed"
			rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$res")
			p50=$(awk '$1 == "50%" { print $2 }' <<<"$res")
			p99=$(awk '$1 == "99%" { print $2 }' <<<"$res")
			errs=$(awk '/Non-2xx|Socket errors/' <<<"$res" | tr '\n' ' ')
			printf '%-16s %4s %12s %10s %10s %s\n' "$name" "$c" "$rps" "$p50" "$p99" "$errs"
		done
	done <<<"$scenarios"
	echo "pool main RSS after: $(rss)"
	echo "uptime after: $(uptime)"
	echo
} | tee -a "$out" || exit 1
echo "bench: appended to $out"
