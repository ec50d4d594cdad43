#!/bin/bash
# Jenkins benchmark (issue 16 item 5, the Jenkins half): the CI/CD tab's
# projects route of checkout-service at c=16 through nginx and pool main
# (plugin jenkins) against the dev stack's stand-in Jenkins
# (tests/stubs/standin.py serving tests/data/upstream/jenkins), side by side
# with the host's pooled SELECT 1 route (/api/shtest/db, the floor) and the
# stand-in asked directly for the same answer, and the stand-in's requests
# per 1,000 client requests.  Appends to
# bench/results/<date>-jenkins.txt; the stack is always torn down.
#   SH_VAR=... BENCH_DURATION=10s bench/jenkins/projects.sh
set -u -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
conns=${BENCH_CONNS:-16}
duration=${BENCH_DURATION:-10s}
unset JENKINS_BASE_URL JENKINS_USERNAME JENKINS_API_KEY
# The fixture world's catalog (checkout-service names oracle/checkout-service);
# the dev stack's stand-in Jenkins stays on.
export SH_DEV_CATALOG='' SH_DEV_AGENT=none SH_DEV_OPENCHOREO=none SH_DEV_JENKINS=standin
. "$repo/bench/lib.sh"
bench_stack bench-jenkins

command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
stack_env || die "scripts/dev env failed"
dropin=$(stack_dropins)/50-bench-jenkins.ini
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
[ -e "$SH_PREFIX/lib/stagehand/plugins/jenkins.so" ] || die "plugins/jenkins is not built"
{
	bench_catalog_ini "$repo/tests/data/catalog" 8 jenkins |
		sed 's/^plugins = shtest auth catalog$/plugins = shtest auth catalog jenkins/'
} >"$dropin" || die "could not write the drop-in"
dev down || die "scripts/dev down failed"
dev up || die "scripts/dev up with jenkins failed"

base=https://127.0.0.1:$SH_HTTPS_PORT
jenkins=http://127.0.0.1:$(cat "$SH_VAR/jenkins/port") || die "the stand-in Jenkins does not run"
token=$(bench_guest_token "$base") || die "no guest token"
auth="Authorization: Bearer $token"
projects=$base/api/jenkins/v1/entity/default/component/checkout-service/projects
t0=$SECONDS
until [ "$(curl -sk -o /dev/null -w '%{http_code}' -H "$auth" "$projects")" = 200 ]; do
	[ $((SECONDS - t0)) -lt 120 ] || die "the projects route never answered 200"
	sleep 0.5
done

upstream_count() {
	curl -s "$jenkins/__standin/requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}
run_wrk() {  # NAME URL: wrk's output in $tmp/wrk-NAME.txt
	wrk -t2 -c"$conns" -d"$duration" --latency -H "$auth" "$2" >"$tmp/wrk-$1.txt" || die "wrk failed"
}
summary() {  # NAME: "req/s p50 p99 requests"
	awk '/Requests\/sec/ {r = $2} /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
		/requests in/ {n = $1} END {printf "%s req/s  p50 %s  p99 %s  (%s requests)", r, p50, p99, n}' \
		"$tmp/wrk-$1.txt"
}

started=$(date '+%F %T') uptime_before=$(uptime)
run_wrk floor "$base/api/shtest/db"
# The stand-in alone (no TLS, no nginx): what Jenkins' side can give.
direct=$jenkins/job/oracle/job/checkout-service/api/json?$(python3 -c 'import json,sys
print(next(f["query_raw"] for f in json.load(open(sys.argv[1]))["fixtures"]
           if f["id"] == "projects-checkout-service"))' "$repo/tests/data/upstream/jenkins/index.json")
run_wrk direct "$direct"
curl -s -X DELETE "$jenkins/__standin/requests" >/dev/null
run_wrk projects "$projects"
upstream=$(upstream_count)
clients=$(awk '/requests in/ {print $1}' "$tmp/wrk-projects.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk-projects.txt")
out=$repo/bench/results/$(date +%F)-jenkins.txt
{
	echo "== $started  $(uname -sr)  nproc=$(nproc)  c=$conns  duration=$duration"
	echo "uptime before: $uptime_before"
	echo "floor    /api/shtest/db (pooled SELECT 1): $(summary floor)"
	echo "stand-in Jenkins direct, same answer:     $(summary direct)"
	echo "jenkins  projects of checkout-service:     $(summary projects)  non-2xx ${non2xx:-0}"
	echo "jenkins  upstream requests per 1,000 client requests: $(awk -v u="$upstream" -v c="$clients" \
		'BEGIN {printf "%.0f (%d / %d; no ETag from Jenkins, nothing cached)", c ? u * 1000 / c : 0, u, c}')"
	echo "uptime after: $(uptime)"
} | tee -a "$out"
