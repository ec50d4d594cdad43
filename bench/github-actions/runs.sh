#!/bin/bash
# CI benchmark (issue 16 item 5): in one run, at c=16 through nginx and pool
# main, the host's pooled SELECT 1 route (/api/shtest/db, the floor), the
# GitHub Actions tab's runs route of checkout-service (plugin github-actions,
# one GitHub token, as a tab polling it) and, when plugins/jenkins is built,
# the CI/CD tab's projects route (plugin jenkins), against the dev stack's
# stand-ins (tests/stubs/standin.py serving tests/data/upstream/github and
# .../jenkins).  For each upstream: its requests per 1,000 client requests,
# and for GitHub how many of them were conditional (answered 304, which
# GitHub does not count against the rate limit).  Appends to
# bench/results/<date>-ci.txt; the stack is always torn down.
#   SH_VAR=... BENCH_DURATION=10s bench/github-actions/runs.sh
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
conns=${BENCH_CONNS:-16}
duration=${BENCH_DURATION:-10s}
unset GITHUB_API_BASE_URL GITHUB_HOST JENKINS_BASE_URL JENKINS_USERNAME JENKINS_API_KEY
# The fixture world's catalog (checkout-service names oracle-org/checkout-service
# and oracle/checkout-service); the stand-in GitHub and Jenkins stay on.
export SH_DEV_CATALOG='' SH_DEV_AGENT=none SH_DEV_OPENCHOREO=none SH_DEV_JENKINS=standin \
	SH_DEV_GITHUB=standin
. "$repo/bench/lib.sh"
bench_stack bench-ci

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
stack_env || die "scripts/dev env failed"
dropin=$(stack_dropins)/50-bench-ci.ini
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
plugins=github-actions features=github_actions
[ -e "$SH_PREFIX/lib/stagehand/plugins/github-actions.so" ] || die "plugins/github-actions is not built"
if [ -e "$SH_PREFIX/lib/stagehand/plugins/jenkins.so" ]; then
	plugins="$plugins jenkins" features="$features jenkins"
fi
# shellcheck disable=SC2086  # one feature per word
bench_catalog_ini "$repo/tests/data/catalog" 8 $features |
	sed "s/^plugins = shtest auth catalog\$/plugins = shtest auth catalog $plugins/" \
	>"$dropin" || die "could not write the drop-in"
dev down || die "scripts/dev down failed"
dev up || die "scripts/dev up with $plugins failed"

base=https://127.0.0.1:$SH_HTTPS_PORT
github=http://127.0.0.1:$(cat "$SH_VAR/github/port") || die "the stand-in GitHub does not run"
jenkins=http://127.0.0.1:$(cat "$SH_VAR/jenkins/port" 2>/dev/null)
token=$(bench_guest_token "$base") || die "no guest token"
auth="Authorization: Bearer $token"
gh_auth="Authorization: Bearer gho_bench"
runs="$base/api/github-actions/repos/oracle-org/checkout-service/actions/runs?per_page=6&page=1"
projects=$base/api/jenkins/v1/entity/default/component/checkout-service/projects

wait_200() {  # URL HEADER
	local t0=$SECONDS
	until [ "$(curl -sk -o /dev/null -w '%{http_code}' -H "$2" "$1")" = 200 ]; do
		[ $((SECONDS - t0)) -lt 120 ] || die "$1 never answered 200"
		sleep 0.5
	done
}
# The stand-in's record since the last clear: "requests conditional".
upstream_count() {
	curl -s "$1/__standin/requests" | python3 -c 'import json, sys
r = json.load(sys.stdin)
print(len(r), sum(1 for x in r if "if-none-match" in x["headers"]))'
	curl -s -X DELETE "$1/__standin/requests" >/dev/null
}
run_wrk() {  # NAME URL HEADER: wrk's output in $tmp/wrk-NAME.txt
	wrk -t2 -c"$conns" -d"$duration" --latency -H "$3" "$2" >"$tmp/wrk-$1.txt" || die "wrk failed"
}
summary() {  # NAME: "req/s p50 p99 (requests) non-2xx"
	awk '/Requests\/sec/ {r = $2} /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
		/requests in/ {n = $1} /Non-2xx/ {bad = $NF}
		END {printf "%s req/s  p50 %s  p99 %s  (%s requests)  non-2xx %d", r, p50, p99, n, bad}' \
		"$tmp/wrk-$1.txt"
}
per_1000() {  # NAME "requests conditional"
	local clients
	clients=$(awk '/requests in/ {print $1}' "$tmp/wrk-$1.txt")
	# shellcheck disable=SC2086  # two numbers
	set -- $2
	awk -v u="$1" -v c="$clients" -v k="$2" 'BEGIN {
		printf "%.0f upstream requests per 1,000 client requests (%d / %d), %d of them conditional (304)",
			c ? u * 1000 / c : 0, u, c, k }'
}

wait_200 "$runs" "$gh_auth"
[[ $plugins != *jenkins* ]] || wait_200 "$projects" "$auth"
started=$(date '+%F %T') uptime_before=$(uptime)
run_wrk floor "$base/api/shtest/db" "$auth"
upstream_count "$github" >/dev/null
run_wrk runs "$runs" "$gh_auth"
gh_up=$(upstream_count "$github")
# The stand-in alone, answering the same conditional request with 304: the
# ceiling the runs route can reach here.
etag=$(curl -s -D - -o /dev/null "$github/repos/oracle-org/checkout-service/actions/runs?per_page=6&page=1" |
	awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
run_wrk standin "$github/repos/oracle-org/checkout-service/actions/runs?per_page=6&page=1" \
	"If-None-Match: $etag"
upstream_count "$github" >/dev/null
if [[ $plugins == *jenkins* ]]; then
	upstream_count "$jenkins" >/dev/null
	run_wrk projects "$projects" "$auth"
	jk_up=$(upstream_count "$jenkins")
fi
out=$repo/bench/results/$(date +%F)-ci.txt
{
	echo "== $started  $(uname -sr)  nproc=$(nproc)  c=$conns  duration=$duration"
	echo "uptime before: $uptime_before"
	echo "floor    /api/shtest/db (pooled SELECT 1):  $(summary floor)"
	echo "github   runs of checkout-service (1 token): $(summary runs)"
	echo "github   $(per_1000 runs "$gh_up")"
	echo "github   the stand-in alone, 304 to If-None-Match: $(summary standin)"
	if [[ $plugins == *jenkins* ]]; then
		echo "jenkins  projects of checkout-service:      $(summary projects)"
		echo "jenkins  $(per_1000 projects "$jk_up")"
	fi
	echo "uptime after: $(uptime)"
} | tee -a "$out"
