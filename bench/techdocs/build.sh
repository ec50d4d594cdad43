#!/bin/bash
# TechDocs build benchmark (issue 17 item 4, the build half): the time
# `stagehand-techdocs build SRC OUT` takes (the plugin's own builder, as the
# local builder runs it on /sync, plus the process start) for a generated
# site of BENCH_PAGES pages (default 200, bench/techdocs/gen.py) and for the
# fixture source (tests/data/upstream/techdocs/source/checkout-service),
# interleaved run by run so both see the same load, BENCH_RUNS runs each
# (default 10).  Wall and CPU (user + sys) milliseconds as min / median /
# max, nproc and the load average before and after; the target is 200 pages
# in under 1 s.  Builds its own tree under $SH_VAR/bench-techdocs; appends to
# bench/results/<date>-techdocs.txt.
#   SH_VAR=... BENCH_RUNS=10 BENCH_PAGES=200 bench/techdocs/build.sh
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=${BENCH_RUNS:-10}
pages=${BENCH_PAGES:-200}
. "$repo/bench/lib.sh"
bench_stack bench-techdocs

command -v python3 >/dev/null || die "python3 is not installed"
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (apt-get install time)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

echo "bench: building the tree in $SH_VAR"
dev build || die "scripts/dev build failed"
cli=$SH_VAR/install/sbin/stagehand-techdocs
[ -x "$cli" ] || die "stagehand-techdocs is not installed at $cli"
printf '[techdocs]\n' >"$tmp/cli.ini"
python3 "$here/gen.py" "$tmp/generated" "$pages" || die "gen.py failed"
fixture=$repo/tests/data/upstream/techdocs/source/checkout-service

# one_build NAME SRC: appends "wall_ms cpu_ms" to $tmp/NAME.times
one_build() {
	local out=$tmp/out-$1 t0 t1 cpu
	rm -rf "$out"
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o "$tmp/cpu" "$cli" --config "$tmp/cli.ini" build "$2" "$out" \
		>/dev/null 2>"$tmp/$1.log" || die "the build of $1 failed: $(tail -n 1 "$tmp/$1.log")"
	t1=$(date +%s%N)
	cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$tmp/cpu")
	echo "$(((t1 - t0) / 1000000)) $cpu" >>"$tmp/$1.times"
}

# stats COLUMN FILE: "min / median / max"
stats() {
	cut -d' ' -f"$1" "$2" | sort -n | awk '{ v[NR] = $1 } END {
		printf "%d / %d / %d", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

row() {
	local name=$1 src=$2 n_pages n_files
	n_pages=$(find "$src" -name '*.md' | wc -l)
	n_files=$(find "$tmp/out-$name" -type f | wc -l)
	printf '%-22s %5d pages %5d files out   wall ms %-18s cpu ms %s\n' "$name" "$n_pages" \
		"$n_files" "$(stats 1 "$tmp/$name.times")" "$(stats 2 "$tmp/$name.times")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 0; r < runs; r++)); do
	one_build generated "$tmp/generated"
	one_build fixture "$fixture"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
median=$(cut -d' ' -f1 "$tmp/generated.times" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
verdict=$([ "$median" -lt 1000 ] && echo met || echo "NOT met")
report=$(
	echo "== $(date -u +%FT%TZ) techdocs build: stagehand-techdocs build, $runs runs each, interleaved (commit $(git -C "$repo" rev-parse --short HEAD))"
	echo "nproc $(nproc), load before $load_before, after $load_after"
	row generated "$tmp/generated"
	row fixture "$fixture"
	echo "target: $pages pages built in under 1 s: $verdict (median wall $median ms)"
)
echo "$report"
echo "$report" >>"$repo/bench/results/$(date -u +%F)-techdocs.txt"
