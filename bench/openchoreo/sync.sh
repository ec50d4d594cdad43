#!/bin/bash
# OpenChoreo provider benchmark (issue 14 item 6): a large OpenChoreo world
# (bench/openchoreo/world.py writes it as static files, a private nginx
# serves them: world-nginx.sh; 50 namespaces x 20 projects x
# 10 components = 10,000 components, 3 environments, a DataPlane, a
# pipeline and a ComponentType per namespace, a workload per component, an
# API for every 10th) synced into the catalog by the openchoreo plugin in
# pool main, on a private stack under <SH_VAR>/bench-openchoreo (BENCH_*
# ports).  Prints and appends to bench/results/<date>-openchoreo.txt:
#   - the first full sync: the run's own duration (status route), the
#     seconds from pool start until the API counts every entity, CPU
#     seconds of the pool and of PostgreSQL, the pool's RSS;
#   - an unchanged re-sync (the run at the next pool start): the same;
#   - an unchanged re-sync in the same process (NOTIFY openchoreo_sync, the
#     periodic case: the plugin's memo holds the last run's steps): the run,
#     CPU deltas, RSS;
#   - event to visible over BENCH_EVENTS (1000) events, p50/p90/p99/max,
#     next to the by-name poll's own latency (its floor);
#   - baselines from the same run: the world's nginx serving the first
#     sync's requests alone (one client, one connection), its CPU during
#     each sync, and re-sync/first ratios.
# The stack is always torn down.
#   SH_VAR=... bench/openchoreo/sync.sh
# BENCH_NS (50), BENCH_PROJECTS (20), BENCH_COMPONENTS (10), BENCH_EVENTS
# (1000), BENCH_EVENT_WORKERS (4: events in flight, on distinct components),
# BENCH_WORLD_PORT (the world's nginx; BENCH_HTTPS_PORT + 1), BENCH_PERF=1
# (perf record -g of pool main during each sync, into <SH_VAR>/log/perf-*.data),
# BENCH_FETCHES ([openchoreo] workload_fetches, 4).
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ns=${BENCH_NS:-50}
projects=${BENCH_PROJECTS:-20}
components=${BENCH_COMPONENTS:-10}
nevents=${BENCH_EVENTS:-1000}
workers=${BENCH_EVENT_WORKERS:-4}
fetches=${BENCH_FETCHES:-4}
export BENCH_NS=$ns BENCH_PROJECTS=$projects BENCH_COMPONENTS=$components
# No demo catalog, no dev stand-ins: the drop-in names ours.
export SH_DEV_CATALOG='' SH_DEV_AGENT=none SH_DEV_OPENCHOREO=none SH_DEV_JENKINS=none SH_DEV_GITHUB=none
. "$repo/bench/lib.sh"
. "$here/world-nginx.sh"
bench_stack bench-openchoreo
wport=${BENCH_WORLD_PORT:-$((SH_HTTPS_PORT + 1))}
wdir=$SH_VAR/world

stack_env || die "scripts/dev env failed"
dropin=$(stack_dropins)/50-bench-openchoreo.ini
mkdir -p "$(dirname "$dropin")"
rm -f "$(dirname "$dropin")"/*-bench*.ini
tmp=$(mktemp -d)
cleanup() {
	world_nginx_stop "$wdir/nginx"
	dev down
	rm -rf "$tmp" "$dropin" "$wdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench: building and starting the stack in $SH_VAR"
dev up || die "scripts/dev up failed"
[ -e "$SH_PREFIX/lib/stagehand/plugins/openchoreo.so" ] || die "plugins/openchoreo is not built"

want=$(python3 "$here/world.py" --namespaces "$ns" --projects "$projects" \
	--components "$components" --print-counts) || die "world.py failed"
total=$(python3 -c 'import json,sys; print(sum(json.loads(sys.argv[1]).values()))' "$want")
echo "bench: the world makes $total entities: $want"
# A fresh world each run (the events rewrite files in it).
world_nginx_stop "$wdir/nginx"
rm -rf "$wdir" && mkdir -p "$wdir/nginx"
python3 -B "$here/world.py" --namespaces "$ns" --projects "$projects" --components "$components" \
	--write "$wdir/files" 2>>"$SH_VAR/log/bench-world.log" || die "world.py --write failed"
world_nginx_start "$wdir/nginx" "$wport" "$wdir/files" ||
	die "the world's nginx did not start on $wport ($wdir/nginx/logs/error.log)"
world=http://127.0.0.1:$wport
printf 'bench-secret\n' >"$tmp/secret"

cat >"$dropin" <<INI
[pool.main]
plugins = auth catalog openchoreo
threads = 4

[database]
pool_size = 8

[features]
auth = true
catalog = true
openchoreo = true

[auth]
dangerously_allow_guest = true

[catalog]
allow = Component API System Domain Resource Group User Location Template

[openchoreo]
base_url = $world/api/v1
token_url = $world/oauth2/token
client_id = bench-openchoreo
client_secret_file = $tmp/secret
; Workload calls in flight (the plugin's default 4).
workload_fetches = $fetches
; One run at each pool start, none in between: the events run alone.
sync_frequency = 3600
sync_timeout = 600

[log]
; info: the plugin's one line per run splits it into API and catalog time
; (no line per request at info).
level = info
INI

tck=$(getconf CLK_TCK)
pg_cpu() { bench_pg_cpu; }
pool_cpu() { awk -v t="$tck" '{printf "%.2f", ($14 + $15) / t}' "/proc/$(cat "$SH_RUN/main.pid")/stat"; }
pool_rss() { awk '/^VmRSS/ {print $2}' "/proc/$(cat "$SH_RUN/main.pid")/status"; }
pool_hwm() { awk '/^VmHWM/ {print $2}' "/proc/$(cat "$SH_RUN/main.pid")/status"; }
world_cpu() {
	local w
	w=$(pgrep -P "$(cat "$wdir/nginx/nginx.pid")" | head -n 1)
	awk -v t="$tck" '{printf "%.2f", ($14 + $15) / t}' "/proc/$w/stat"
}
# world_log NAME: the world's access log so far moved to NAME (nginx
# reopens its own), with a summary: requests, statuses, empty-list answers.
world_log() {
	mv "$wdir/nginx/logs/access.log" "$wdir/nginx/logs/$1"
	mv "$wdir/nginx/logs/empty.log" "$wdir/nginx/logs/$1.empty" 2>/dev/null || : >"$wdir/nginx/logs/$1.empty"
	kill -USR1 "$(cat "$wdir/nginx/nginx.pid")" && sleep 0.3
	{ echo "$1: the lists answered empty:"
	  sed 's,/namespaces/ns-[0-9]*/,/namespaces/<ns>/,' "$wdir/nginx/logs/$1.empty" | sort | uniq -c; } \
		>>"$SH_VAR/log/bench-world.log"
	printf '  world: %s requests, by status: %s; empty-list answers %s\n' \
		"$(wc -l <"$wdir/nginx/logs/$1")" \
		"$(awk '{print $2}' "$wdir/nginx/logs/$1" | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')" \
		"$(wc -l <"$wdir/nginx/logs/$1.empty")"
}
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, d))' "$1" "$2"; }

dev pool stop main
"$SH_DAEMON" --config "$SH_CONF" --migrate >"$SH_LOG/migrate.log" 2>&1 || die "migrations failed"
# An empty catalog for the first sync (a state dir reused from an earlier
# run keeps its entities): the provider's set emptied through the catalog's
# own interface, the event queue with it.
psql -X -q -At -h "$SH_PG_SOCK" -p "$SH_PG_PORT" -U stagehand -d stagehand -v ON_ERROR_STOP=1 <<'SQL' >/dev/null ||
SELECT * FROM catalog.provider_full_v1('OpenChoreoEntityProvider', 'provider:OpenChoreoEntityProvider', '{}'::text[]);
DELETE FROM openchoreo.event_queue;
UPDATE openchoreo.event_counts SET pending = 0;
SQL
	die "could not empty the provider's set"

# One full sync from pool start: the count is polled through the API by
# one process on one connection, started before the clock; it prints the
# epoch at which the API counted every entity.
run_sync() {
	local what=$1 after pg0 w0 reached last
	coproc COUNT { python3 "$here/measure.py" count "$SH_HTTPS_PORT" "$total"; }
	local count_pid=$COUNT_PID
	pg0=$(pg_cpu)
	w0=$(world_cpu)
	after=$(date +%s.%N)
	dev pool start main || die "pool main did not start"
	local perf_pid=''
	if [ -n "${BENCH_PERF:-}" ]; then
		perf record -q -F 499 -g -p "$(cat "$SH_RUN/main.pid")" \
			-o "$SH_LOG/perf-${what%% *}.data" 2>>"$SH_LOG/perf.log" &
		perf_pid=$!
	fi
	[ -n "$token" ] || token=$(bench_guest_token "https://127.0.0.1:$SH_HTTPS_PORT")
	echo "go $token" >&"${COUNT[1]}"
	read -r reached <&"${COUNT[0]}"
	wait "$count_pid" || die "$what: the API never counted $total entities"
	last=$(python3 "$here/measure.py" sync "$SH_HTTPS_PORT" "$token" "$after") ||
		die "$what: the sync failed: $last"
	[ -n "$perf_pid" ] && kill -INT "$perf_pid" && wait "$perf_pid"
	printf '%s: run_s=%.2f visible_s=%.2f cpu_pool_s=%s cpu_pg_s=%s cpu_world_s=%s rss_kib=%s hwm_kib=%s mutation=%s\n' \
		"$what" "$(field "$last" 'durationMs/1000')" "$(echo "$reached - $after" | bc)" \
		"$(pool_cpu)" "$(echo "$(pg_cpu) - $pg0" | bc)" "$(echo "$(world_cpu) - $w0" | bc)" \
		"$(pool_rss)" "$(pool_hwm)" "$(field "$last" 'mutation')"
	# The run's own line: "full sync took N ms (API N ms, catalog N ms)".
	grep -o 'full sync took [0-9]* ms (API [0-9]* ms, catalog [0-9]* ms)' "$SH_LOG/main.log" |
		tail -n 1 | sed 's/^/  split: /'
}

# The next run in the same process, woken by NOTIFY openchoreo_sync: the
# periodic case, with what the last run read and made in the plugin's
# memo (memo.h), where a run at pool start has it empty.
run_again() {
	local what=$1 after pg0 w0 c0 last perf_pid=''
	pg0=$(pg_cpu)
	w0=$(world_cpu)
	c0=$(pool_cpu)
	if [ -n "${BENCH_PERF:-}" ]; then
		perf record -q -F 499 -g -p "$(cat "$SH_RUN/main.pid")" \
			-o "$SH_LOG/perf-again.data" 2>>"$SH_LOG/perf.log" &
		perf_pid=$!
	fi
	after=$(date +%s.%N)
	psql -X -q -At -h "$SH_PG_SOCK" -p "$SH_PG_PORT" -U stagehand -d stagehand \
		-c 'NOTIFY openchoreo_sync' || die "$what: NOTIFY failed"
	last=$(python3 "$here/measure.py" sync "$SH_HTTPS_PORT" "$token" "$after") ||
		die "$what: the sync failed: $last"
	[ -n "$perf_pid" ] && kill -INT "$perf_pid" && wait "$perf_pid"
	printf '%s: run_s=%.2f cpu_pool_s=%s cpu_pg_s=%s cpu_world_s=%s rss_kib=%s hwm_kib=%s mutation=%s\n' \
		"$what" "$(field "$last" 'durationMs/1000')" "$(echo "$(pool_cpu) - $c0" | bc)" \
		"$(echo "$(pg_cpu) - $pg0" | bc)" "$(echo "$(world_cpu) - $w0" | bc)" \
		"$(pool_rss)" "$(pool_hwm)" "$(field "$last" 'mutation')"
	grep -o 'full sync took [0-9]* ms (API [0-9]* ms, catalog [0-9]* ms).*' "$SH_LOG/main.log" |
		tail -n 1 | sed 's/^/  split: /; s/"$//'
}

results=$repo/bench/results/$(date +%F)-openchoreo.txt
token=''
{
	printf '# %s  %s  nproc=%s load=%s  world: %s ns x %s projects x %s components = %s entities\n' \
		"$(date -u +%FT%TZ)" "$(git -C "$repo" rev-parse --short HEAD)" "$(nproc)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" "$ns" "$projects" "$components" "$total"
	echo "world: static files, nginx (world-nginx.sh); workload_fetches=$fetches"
	run_sync "first full sync" >"$tmp/first" || exit 1
	cat "$tmp/first"
	world_log first.log
	echo "baseline: the world's nginx alone serving the first sync's requests again (one client):" \
		"$(python3 "$here/measure.py" replay "$world" "$wdir/nginx/logs/first.log")"
	world_log replay.log >/dev/null
	dev pool stop main
	run_sync "unchanged re-sync (next pool start)" >"$tmp/again" || exit 1
	cat "$tmp/again"
	world_log again.log
	run_again "unchanged re-sync (same process)"
	world_log same.log
	python3 - "$tmp/first" "$tmp/again" <<'PY'
import re, sys
f, a = (dict(re.findall(r"(\w+)=([\d.]+)", open(p).read())) for p in sys.argv[1:3])
print("ratio unchanged/first: run %.2f, cpu_pool %.2f, cpu_pg %.2f" % tuple(
    float(a[k]) / max(float(f[k]), 0.001) for k in ("run_s", "cpu_pool_s", "cpu_pg_s")))
PY
	echo "baseline: by-name poll alone: $(python3 "$here/measure.py" floor "$SH_HTTPS_PORT" "$token")"
	echo "events ($nevents, $workers in flight): $(python3 "$here/measure.py" events \
		"$SH_HTTPS_PORT" "$token" "$wdir/files" "$nevents" "$workers")"
	printf 'after the events: rss_kib=%s hwm_kib=%s load=%s\n' "$(pool_rss)" "$(pool_hwm)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$tmp/out"
# One append at the end: two runs at once must not interleave their lines.
cat "$tmp/out" >>"$results"
echo "bench: results appended to $results"
