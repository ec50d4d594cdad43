#!/bin/bash
# Perch streaming benchmark (issue 18 item 5): 200 concurrent chats through
# nginx and pool stream (plugin perch) against the stand-in agent streaming
# the build-failure conversation with 50 ms between lines, and catalog
# by-name throughput from pool main with and without 200 open streams, side
# by side in one run.  Every figure is printed next to its baseline from the
# same run (see bench/README.md, "Perch streams"), appended to
# bench/results/<date>-perch.txt; the stack is always torn down.
#   SH_VAR=... BENCH_DURATION=10s bench/perch/stream.sh [N]
# N: generated catalog entities (default 2000).  BENCH_CHATS (default 200),
# BENCH_STREAM_THREADS (pool stream's request threads, default 220: each
# open stream holds one), BENCH_CONNS (wrk connections, default 16).
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${1:-2000}
chats=${BENCH_CHATS:-200}
stream_threads=${BENCH_STREAM_THREADS:-220}
conns=${BENCH_CONNS:-16}
duration=${BENCH_DURATION:-10s}
fixtures=${PERCH_FIXTURES:-$repo/tests/data/upstream/perch}
unset OPENCHOREO_PORTAL_ASSISTANT_URL OPENCHOREO_FEATURES_ASSISTANT_ENABLED
# No demo catalog and no dev agent: the drop-in names ours.
export SH_DEV_CATALOG='' SH_DEV_AGENT=none
. "$repo/bench/lib.sh"
bench_stack bench-perch

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
[ -f "$fixtures/index.json" ] || die "no perch fixtures in $fixtures (PERCH_FIXTURES)"
stack_env || die "scripts/dev env failed"
dropin=$(stack_dropins)/50-bench-perch.ini
mkdir -p "$(dirname "$dropin")"
rm -f "$(dirname "$dropin")"/*-bench*.ini
tmp=$(mktemp -d)
standin_pid='' held_pid=''
cleanup() {
	[ -n "$held_pid" ] && kill "$held_pid" 2>/dev/null
	[ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null
	dev down
	rm -rf "$tmp" "$dropin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench: building and starting the stack in $SH_VAR"
dev up || die "scripts/dev up failed"
[ -e "$SH_PREFIX/lib/stagehand/plugins/perch.so" ] || die "plugins/perch is not built (no perch.so)"

# The stand-in agent: the recorded conversations, 50 ms between lines.
python3 -B "$repo/tests/stubs/standin.py" --fixtures "$fixtures" --ndjson-pause-ms 50 \
	--port 0 --port-file "$tmp/standin.port" 2>>"$SH_VAR/log/bench-standin.log" &
standin_pid=$!
for _ in $(seq 50); do [ -s "$tmp/standin.port" ] && break; sleep 0.1; done
[ -s "$tmp/standin.port" ] || die "the stand-in did not start"
agent=http://127.0.0.1:$(cat "$tmp/standin.port")

data=$SH_VAR/catalog-$n
python3 "$repo/bench/catalog/gen.py" "$n" --out "$data" >/dev/null || die "gen.py failed"
# Pool main as bench/catalog/read.sh; pool stream with a thread per stream
# (an open chat holds its FastCGI request thread) and perch's cap above
# the chats, so none is refused with 503.
{
	bench_catalog_ini "$data" 4 assistant || exit 1
	cat <<INI

[pool.stream]
socket = $SH_RUN/stream.sock
plugins = perch
threads = $stream_threads

[perch]
upstream_url = $agent
verify_token = false
max_streams = $((chats + 20))
INI
} >"$dropin" || die "could not write the drop-in"
dev down || die "scripts/dev down failed"
dev up || die "scripts/dev up with perch and the catalog failed"

base=https://127.0.0.1:$SH_HTTPS_PORT
token=$(bench_guest_token "$base") || die "no guest token"
auth="Authorization: Bearer $token"
psql_q() { psql -X -q -At -h "$SH_PG_SOCK" -p "$SH_PG_PORT" -U stagehand -d stagehand -c "$1"; }

# The whole catalog in and stitched, the tables vacuumed (as read.sh does).
catalog_ready() {
	local got t0=$SECONDS
	until got=$(curl -sk -H "$auth" "$base/api/catalog/entities/by-query?limit=0" |
		sed -n 's/.*"totalItems":\([0-9]*\).*/\1/p') && [ "${got:-0}" -gt "$n" ] &&
		[ "$(psql_q "SELECT count(*) FROM catalog.stitch_queue")" = 0 ]; do
		[ $((SECONDS - t0)) -lt 300 ] || return 1
		sleep 0.5
	done
	psql_q "VACUUM (ANALYZE) catalog.final_entities, catalog.search, catalog.relations"
}
catalog_ready || die "the catalog did not load and stitch within 300 s"
name=$(curl -sk -H "$auth" "$base/api/catalog/entities/by-query?limit=1&filter=kind=component" |
	python3 -c 'import json,sys; e = json.load(sys.stdin)["items"][0]["metadata"]
print(e["namespace"] + "/" + e["name"])') || die "no component to read"
byname=$base/api/catalog/entities/by-name/component/$name
[ "$(curl -sk -o /dev/null -w '%{http_code}' -H "$auth" "$byname")" = 200 ] ||
	die "by-name does not answer 200"

stream_pid=$(cat "$SH_RUN/stream.pid") || die "pool stream is not running"
chat_args=(--body "$fixtures/chat.request.build-failure.json"
	--expect "$fixtures/chat.build-failure.ndjson" --standin "$agent")
chats_py() { python3 -B "$here/chats.py" "${chat_args[@]}" "$@"; }
forget() { curl -s -X DELETE "$agent/__standin/requests" >/dev/null; }
chats_py "$base" --chats 1 --token "$token" --rid check >"$tmp/check.json" ||
	die "a chat through perch failed: $(cat "$tmp/check.json")"

# CPU seconds (user + system) of the processes that share the cores, and
# of the held streams' client (0 when none runs).
cpu_snapshot() {
	local nginx_workers
	nginx_workers=$(pgrep -d, -P "$(cat "$SH_RUN/nginx.pid")")
	{
		echo "pool-main $(cat "$SH_RUN/main.pid")"
		echo "pool-stream $stream_pid"
		echo "stand-in $standin_pid"
		echo "nginx $nginx_workers"
		echo "client ${1:-}"
	} | while read -r what pids; do
		local ticks=0 p
		for p in ${pids//,/ }; do
			ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
		done
		echo "$what $ticks"
	done
}
cpu_delta() {  # FILE-BEFORE FILE-AFTER: seconds per process
	awk -v hz="$(getconf CLK_TCK)" 'NR == FNR { b[$1] = $2; next }
		{ printf "%s %.2f\n", $1, ($2 - b[$1]) / hz }' "$1" "$2"
}
timed_wrk() {  # NAME [CLIENT-PID]: wrk on by-name, its output and the CPU it saw
	cpu_snapshot "${2:-}" >"$tmp/cpu0"
	wrk -t2 -c"$conns" -d"$duration" --latency -H "$auth" "$byname" >"$tmp/wrk-$1.txt" ||
		die "wrk failed"
	cpu_snapshot "${2:-}" >"$tmp/cpu1"
	cpu_delta "$tmp/cpu0" "$tmp/cpu1" >"$tmp/cpu-$1.txt"
}

out=$repo/bench/results/$(date +%F)-perch.txt
started=$(date '+%F %T') uptime_before=$(uptime)
# 1. The floor of the measurement: the same chats straight to the stand-in.
forget
chats_py "$agent" --path /api/v1alpha1/portal-assistant/chat --chats "$chats" --rid direct \
	>"$tmp/direct.json"
# 2. The chats at once through nginx and pool stream.
forget
chats_py "$base" --token "$token" --chats "$chats" --rid burst --sample-pid "$stream_pid" \
	>"$tmp/burst.json"
# The same two, the chats' starts spread over one 50 ms pause: all open at
# once, but their lines do not all fall due at the same instant (in lockstep
# the stand-in's 200 threads queue for Python's GIL at every line).
forget
chats_py "$agent" --path /api/v1alpha1/portal-assistant/chat --chats "$chats" --rid direct-spread \
	--spread-ms 50 >"$tmp/direct-spread.json"
forget
chats_py "$base" --token "$token" --chats "$chats" --rid spread --spread-ms 50 \
	--sample-pid "$stream_pid" >"$tmp/spread.json"
# The same through the proxy with fewer chats at once: where latency bends.
for c in 1 50 100; do
	[ "$c" -lt "$chats" ] || continue
	forget
	chats_py "$base" --token "$token" --chats "$c" --rid "scale-$c" >"$tmp/scale-$c.json"
done
# 3. by-name without streams; with 200 streams held open straight to the
# stand-in (the bench's own load: stand-in and client, no proxy); with them
# through nginx and pool stream; and without again.
held_wrk() {  # NAME URL [chats.py options]: wrk while the streams stay open
	local name=$1 url=$2
	shift 2
	rm -f "$tmp/stop" "$tmp/ready"
	forget
	# (python3 itself in the background, so that $! is the client's pid)
	python3 -B "$here/chats.py" "${chat_args[@]}" "$url" --chats "$chats" --rid "$name" \
		--until "$tmp/stop" --ready "$tmp/ready" "$@" >"$tmp/$name.json" &
	held_pid=$!
	for _ in $(seq 300); do
		[ -e "$tmp/ready" ] || ! kill -0 "$held_pid" 2>/dev/null && break
		sleep 0.1
	done
	[ -e "$tmp/ready" ] || die "the $chats $name streams did not all open within 30 s"
	timed_wrk "$name" "$held_pid"
	touch "$tmp/stop"
	wait "$held_pid"
	held_pid=
}
forget
timed_wrk before
held_wrk bypass "$agent" --path /api/v1alpha1/portal-assistant/chat
held_wrk held "$base" --token "$token" --sample-pid "$stream_pid"
timed_wrk after

{
	echo "== $started  $(uname -sr)  nproc=$(nproc)  entities=$((n + 1))  chats=$chats"
	echo "uptime before: $uptime_before"
	echo "stand-in: tests/stubs/standin.py --ndjson-pause-ms 50, chat.build-failure.ndjson" \
		"(6 lines); client: bench/perch/chats.py (asyncio, one thread), HTTPS keep-alive via nginx"
	echo "pool stream: perch, $stream_threads threads, max_streams $((chats + 20)), verify_token" \
		"false; pool main: shtest auth catalog, 4 threads; db pool 8; nginx:" \
		"$(awk '/worker_processes|worker_connections/ { printf "%s %s ", $1, $2 }' \
			"$SH_VAR/nginx/nginx.conf")"
	echo "wrk -t2 -c$conns -d$duration --latency on by-name; the held streams loop the chat back" \
		"to back on $chats kept-alive connections while wrk runs"
	python3 -B "$here/report.py" "$tmp" || echo "report.py failed"
	echo "uptime after: $(uptime)"
	echo
} | tee -a "$out" || exit 1
echo "bench: appended to $out"
