# shellcheck shell=bash
# What every benchmark script shares: its own stack under <SH_VAR>/<name>
# on the BENCH_* ports, the logged `dev` wrapper and `die`, the drop-in of
# pool main loaded with a generated catalog, and a guest token.  Sourced
# with $repo set to the checkout.

# bench_stack NAME: state and build under <SH_VAR>/NAME (configure bakes the
# prefix and sysconfdir in, so the enclosing stack's build cannot be
# shared), ports 38443/38080 unless BENCH_*_PORT say otherwise.
bench_stack() {
	local parent=${SH_VAR:-$repo/var}
	mkdir -p "$parent" && parent=$(cd "$parent" && pwd) || exit 1
	export SH_VAR="$parent/$1"
	export SH_BUILD="$SH_VAR/build"
	unset SH_PREFIX SH_BUILD_ASAN
	export SH_HTTPS_PORT=${BENCH_HTTPS_PORT:-38443} SH_HTTP_PORT=${BENCH_HTTP_PORT:-38080} \
		SH_PG_PORT=${BENCH_PG_PORT:-55482}
	# shellcheck source=/dev/null
	. "$repo/tests/integration/stack.sh"
	devlog=$SH_VAR/log/bench-dev.log
	mkdir -p "$SH_VAR/log" "$repo/bench/results"
	: >"$devlog"
}

dev() {
	echo "\$ scripts/dev $*" >>"$devlog"
	"$repo/scripts/dev" "$@" >>"$devlog" 2>&1
}

die() {
	echo "bench: $* (see $devlog)" >&2
	tail -n 30 "$devlog" >&2
	stack_tail_logs
	exit 1
}

# bench_catalog_ini DATA THREADS [FEATURE...]: the plugin paths, then pool
# main with THREADS request threads hosting shtest, auth (guest allowed)
# and the catalog of DATA/all.yaml, processed hourly so the refresh task
# stays out of the measurement once ingested, its read cache
# BENCH_CACHE_MB (default 8); the database pool at 8 and logging at warn.  Each FEATURE is one more `name = true` in [features].
bench_catalog_ini() {
	local data=$1 threads=$2 f
	shift 2
	stack_plugin_dirs "$SH_VAR/bench-plugins" || return 1
	cat <<INI

[pool.main]
plugins = shtest auth catalog
threads = $threads

[database]
pool_size = 8

[features]
shtest = true
auth = true
catalog = true
INI
	for f in "$@"; do printf '%s = true\n' "$f"; done
	cat <<INI

[auth]
dangerously_allow_guest = true

[catalog]
location = file:$data/all.yaml
allow = Component API System Domain Resource Group User Location
processing_interval = 3600
read_cache_mb = ${BENCH_CACHE_MB:-8}

[log]
level = warn
INI
}

# bench_guest_token BASE: a guest's Backstage token from BASE/api/auth.
bench_guest_token() {
	curl -sk -X POST "$1/api/auth/guest/refresh" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["backstageIdentity"]["token"])'
}

# bench_pg_cpu: CPU seconds of PostgreSQL (the postmaster, the children it
# reaped, the live backends) of the stack scripts/dev env describes; under
# load, less noisy than the wall clock.
bench_pg_cpu() {
	local pm tck
	tck=$(getconf CLK_TCK)
	pm=$(head -n 1 "$SH_PG_DIR/data/postmaster.pid")
	{ awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
	  for c in $(cat "/proc/$pm/task/$pm/children"); do
		awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null
	  done; } | awk -v t="$tck" '{s += $1} END {printf "%.2f", s / t}'
}
