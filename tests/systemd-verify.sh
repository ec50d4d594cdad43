#!/bin/sh
# systemd-verify.sh STAGE: verifies the systemd units and snippets that
# `make install DESTDIR=STAGE` installed (tests/install-check.sh calls it;
# 0 pass, 1 fail, 77 skipped where systemd-analyze is missing, 99 error).
#
# The units are checked as installed: the pool unit must name the daemon
# and the configuration at this build's sbindir and sysconfdir.  Since
# `systemd-analyze verify` insists that ExecStart exists, and the prefix is
# not populated, a copy of the unit has the daemon's path (and nothing else)
# moved into STAGE; the copy is compared with the original to prove that.
# Any output of verify fails: unknown keys are only warnings with status 0.
# The sysusers and tmpfiles snippets are applied to a scratch root.
set -u

stage=${1:?usage: systemd-verify.sh STAGE}
: "${SYSTEMD_ANALYZE:=}"
# The installation directories, from make check.
: "${sh_sbindir:?is not set: run this through make check}"
: "${sh_sysconfdir:?is not set: run this through make check}"
: "${sh_unitdir:?is not set: run this through make check}"
: "${sh_tmpfilesdir:?is not set: run this through make check}"
: "${sh_sysusersdir:?is not set: run this through make check}"
if [ -z "$SYSTEMD_ANALYZE" ] || [ ! -x "$SYSTEMD_ANALYZE" ]; then
	echo "systemd-analyze not found: skipped"
	exit 77
fi

unit=$stage$sh_unitdir/stagehand@.service
target=$stage$sh_unitdir/stagehand.target
conf=$sh_sysconfdir/stagehand/stagehand.ini
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

for want in "ExecStartPre=$sh_sbindir/stagehandd --config $conf --check-config --pool %i" \
	"ExecStart=$sh_sbindir/stagehandd --config $conf --pool %i" \
	"EnvironmentFile=-$sh_sysconfdir/stagehand/stagehand.env"; do
	if ! grep -qxF "$want" "$unit"; then
		echo "FAIL: the installed stagehand@.service lacks the line: $want"
		grep -n '^Exec\|^Environment' "$unit"
		fail=1
	fi
done
if grep -n '@sbindir@\|@sysconfdir@\|/usr/local/sbin' "$unit"; then
	echo "FAIL: unsubstituted or foreign paths in the installed stagehand@.service"
	fail=1
fi

cp "$target" "$tmp/" || exit 99
sed "s#^\(ExecStart[A-Za-z]*=\)$sh_sbindir/stagehandd #\1$stage$sh_sbindir/stagehandd #" \
	"$unit" >"$tmp/stagehand@.service" || exit 99
changed=$(diff "$unit" "$tmp/stagehand@.service" | grep -c '^>')
if [ "$changed" -ne 2 ]; then
	echo "FAIL: expected the copy to differ in ExecStartPre and ExecStart only ($changed lines)"
	fail=1
fi

out=$(cd "$tmp" && "$SYSTEMD_ANALYZE" verify ./stagehand@main.service ./stagehand@stream.service \
	./stagehand.target 2>&1)
rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify of the installed units (exit $rc):"
	echo "$out"
	fail=1
else
	echo "ok: systemd-analyze verify of the installed stagehand@main, @stream and stagehand.target"
fi

sysusers=$(command -v systemd-sysusers || true)
tmpfiles=$(command -v systemd-tmpfiles || true)
if [ -z "$sysusers" ] || [ -z "$tmpfiles" ]; then
	echo "systemd-sysusers or systemd-tmpfiles not found: snippets not checked"
	exit "$fail"
fi
mkdir -p "$tmp/root/etc"
if ! out=$("$sysusers" --root="$tmp/root" "$stage$sh_sysusersdir/stagehand-sysusers.conf" 2>&1) ||
	! grep -q '^stagehand:' "$tmp/root/etc/passwd"; then
	echo "FAIL: systemd-sysusers on the installed stagehand-sysusers.conf:"
	echo "$out"
	fail=1
elif ! out=$("$tmpfiles" --root="$tmp/root" --create "$stage$sh_tmpfilesdir/stagehand-tmpfiles.conf" 2>&1) ||
	[ -n "$out" ] || [ ! -d "$tmp/root/var/lib/stagehand/files" ]; then
	echo "FAIL: systemd-tmpfiles on the installed stagehand-tmpfiles.conf:"
	echo "$out"
	fail=1
else
	echo "ok: the installed sysusers and tmpfiles snippets apply to a scratch root"
fi
exit "$fail"
