# shellcheck shell=bash
# `scripts/dev test`: every test stage, each in its own subshell so one
# failure does not stop the others, then one plain summary line.  The
# integration stage always tears its own stack down, whatever happens.

# The unit suites of the host's db, task and cache modules need PostgreSQL:
# each stage that runs them starts a throwaway cluster of its own under
# $SH_VAR/unit-pg (its own socket directory, unix socket only, so it clashes
# with no other cluster), hands it to make check as SH_TEST_PG, and stops it
# when the stage ends.  The suites make and drop their own databases.
# pg.sh reads SH_VAR, SH_LOG and the SH_PG_* paths; test_pg gives the
# command it runs the stage's own (bash locals are seen by callees).
# shellcheck disable=SC2034
test_pg() {
	local SH_VAR=$SH_VAR/unit-pg SH_LOG SH_PG_DIR SH_PG_MOVED SH_PG_DATA SH_PG_SOCK SH_PG_LOG
	SH_LOG=$SH_VAR/log
	mkdir -p "$SH_VAR"
	sh_pg_paths
	"$@"
}

test_pg_conninfo() {
	printf 'host=%s port=%s dbname=postgres user=postgres\n' "$SH_PG_SOCK" "$SH_PG_PORT"
}

# Starts the stage's cluster, exports SH_TEST_PG and stops it on exit.
test_pg_up() {
	test_pg pg_start >/dev/null
	trap 'test_pg pg_stop >/dev/null' EXIT
	SH_TEST_PG=$(test_pg test_pg_conninfo)
	export SH_TEST_PG
}

test_stage_unit() {
	build_main
	test_pg_up
	build_check "$SH_BUILD"
	make -C "$SH_BUILD" check-style
}

test_stage_asan() {
	build_asan
	test_pg_up
	build_check "$SH_BUILD_ASAN"
}

# The integration tests bring up their own stack in $SH_VAR/itest (ports
# 28443/28080) with this build; whatever they leave running is stopped here.
test_itest_down() {
	SH_VAR=$SH_VAR/itest "$SH_ROOT/scripts/dev" down >/dev/null 2>&1 ||
		warn "could not tear down the integration stack in $SH_VAR/itest"
}

test_stage_integration() {
	local run=$SH_ROOT/tests/integration/run
	[ -x "$run" ] || die "no executable $run"
	trap test_itest_down EXIT
	trap 'exit 130' INT TERM
	"$run"
}

# The same integration suite against an ASan+UBSan build of the whole stack
# (daemon and plugins), in its own state dir; the suite's last test fails on
# any sanitizer report in the pool log.
test_asan_itest_down() {
	SH_VAR=$SH_VAR/asan-stack/itest "$SH_ROOT/scripts/dev" down >/dev/null 2>&1 ||
		warn "could not tear down the sanitizer integration stack"
}

test_stage_integration_asan() {
	trap test_asan_itest_down EXIT
	trap 'exit 130' INT TERM
	SH_VAR=$SH_VAR/asan-stack SH_CONFIGURE_FLAGS="${SH_CONFIGURE_FLAGS:-} --enable-sanitizers" \
		"$SH_ROOT/tests/integration/run"
}

# The real-browser stage (tests/browser/run): headless chromium against a
# stack of its own in $SH_VAR/browser (ports 29443/29080, or BROWSER_*),
# which the runner tears down; whatever it leaves running is stopped here.
test_browser_down() {
	SH_VAR=$SH_VAR/browser "$SH_ROOT/scripts/dev" down >/dev/null 2>&1 ||
		warn "could not tear down the browser stack in $SH_VAR/browser"
}

test_stage_browser() {
	trap test_browser_down EXIT
	trap 'exit 130' INT TERM
	"$SH_ROOT/tests/browser/run"
}

test_stage_fuzz() {
	"$SH_ROOT/tests/fuzz/run.sh" --smoke
}

# test_all [STAGE...]: every stage, or only those named.
test_all() {
	local stage rc passed=0 failed=0 t0 results=() stages=("$@")
	[ $# -gt 0 ] || stages=(unit asan integration integration_asan browser fuzz)
	for stage in "${stages[@]}"; do
		declare -F "test_stage_$stage" >/dev/null || die "no test stage '$stage'"
	done
	deps_install
	for stage in "${stages[@]}"; do
		msg "==== stage $stage"
		t0=$SECONDS
		set +e
		(
			set -e
			"test_stage_$stage"
		)
		rc=$?
		set -e
		if [ "$rc" -eq 0 ]; then
			passed=$((passed + 1))
			results+=("stage $stage: PASS ($((SECONDS - t0))s)")
		else
			failed=$((failed + 1))
			results+=("stage $stage: FAIL (exit $rc, $((SECONDS - t0))s)")
		fi
		msg "${results[-1]}"
		[ "$rc" -ne 130 ] || break
	done
	printf '%s\n' "${results[@]}"
	printf '%s passed, %s failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ]
}
