#!/bin/bash
# TechDocs static-serving benchmark (issue 17 item 4, the serving half):
# GET /api/techdocs/static/docs/default/component/checkout-service/index.html
# through nginx and pool main (plugin techdocs: auth, the entity check, the
# path checks, then X-Accel-Redirect; nginx sends the file) at c=16 and
# c=64, each side by side with the host's pooled SELECT 1 route
# (/api/shtest/db, the floor) in the same run.  The site is built once by
# /sync from the fixture source beside the fixture catalog.  Appends to
# bench/results/<date>-techdocs.txt; the stack is always torn down.
#   SH_VAR=... BENCH_DURATION=10s bench/techdocs/static.sh
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
duration=${BENCH_DURATION:-10s}
export SH_DEV_CATALOG='' SH_DEV_AGENT=none SH_DEV_OPENCHOREO=none SH_DEV_JENKINS=none \
	SH_DEV_GITHUB=none SH_DEV_UI=none
. "$repo/bench/lib.sh"
bench_stack bench-techdocs

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
stack_env || die "scripts/dev env failed"
dropin=$(stack_dropins)/50-bench-techdocs.ini
mkdir -p "$(dirname "$dropin")"
rm -f "$(dirname "$dropin")"/*-bench*.ini
tmp=$(mktemp -d)
cleanup() {
	dev down
	rm -rf "$tmp" "$dropin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench: building and starting the stack in $SH_VAR"
dev up || die "scripts/dev up failed"
[ -e "$SH_PREFIX/lib/stagehand/plugins/techdocs.so" ] || die "plugins/techdocs is not built"
{
	bench_catalog_ini "$repo/tests/data/catalog" 8 techdocs |
		sed 's/^plugins = shtest auth catalog$/plugins = shtest auth catalog techdocs/'
	printf '\n[techdocs]\nbuilder = local\npublish_dir = %s\n' "$SH_VAR/files/techdocs"
} >"$dropin" || die "could not write the drop-in"
dev down || die "scripts/dev down failed"
dev up || die "scripts/dev up with techdocs failed"

base=https://127.0.0.1:$SH_HTTPS_PORT
token=$(bench_guest_token "$base") || die "no guest token"
auth="Authorization: Bearer $token"
api=$base/api/techdocs
site=default/component/checkout-service
t0=$SECONDS
until curl -sk -H "$auth" "$api/sync/$site" | grep -q '^event: finish'; do
	[ $((SECONDS - t0)) -lt 120 ] || die "/sync never finished"
	sleep 0.5
done
page=$api/static/docs/$site/index.html
[ "$(curl -sk -o /dev/null -w '%{http_code}' -H "$auth" "$page")" = 200 ] || die "the page is not served"

run_wrk() {  # NAME CONNS URL: wrk's output in $tmp/wrk-NAME-CONNS.txt
	wrk -t2 -c"$2" -d"$duration" --latency -H "$auth" "$3" >"$tmp/wrk-$1-$2.txt" || die "wrk failed"
}
summary() {  # NAME CONNS: "req/s p50 p99 requests non-2xx"
	awk '/Requests\/sec/ {r = $2} /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
		/requests in/ {n = $1} /Non-2xx/ {e = $NF}
		END {printf "%9s req/s  p50 %8s  p99 %8s  (%s requests, non-2xx %d)", r, p50, p99, n, e}' \
		"$tmp/wrk-$1-$2.txt"
}

started=$(date '+%F %T') uptime_before=$(uptime)
for c in 16 64; do
	run_wrk floor "$c" "$base/api/shtest/db"
	run_wrk static "$c" "$page"
done
out=$repo/bench/results/$(date +%F)-techdocs.txt
{
	echo "== $started  bench/techdocs/static.sh  $(uname -sr)  nproc=$(nproc)  duration=$duration  pool main threads=8"
	echo "uptime before: $uptime_before"
	echo "static page: GET /api/techdocs/static/docs/$site/index.html ($(curl -sk -H "$auth" "$page" | wc -c) bytes)"
	for c in 16 64; do
		echo "c=$c floor  /api/shtest/db (pooled SELECT 1): $(summary floor "$c")"
		echo "c=$c static techdocs index.html:              $(summary static "$c")"
	done
	echo "uptime after: $(uptime)"
} | tee -a "$out"
