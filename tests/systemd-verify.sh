#!/bin/sh
# Checks the systemd units with `systemd-analyze verify` (automake test; 77 =
# skipped where the tool is missing).  Any output fails: unknown keys are
# only warnings with exit status 0.  The units' ExecStart paths point at the
# built daemon in a temporary copy, since verify insists they exist.  The
# sysusers and tmpfiles snippets are applied to a scratch root.
set -u

: "${top_srcdir:=.}" "${top_builddir:=.}" "${SYSTEMD_ANALYZE:=}"
if [ -z "$SYSTEMD_ANALYZE" ] || [ ! -x "$SYSTEMD_ANALYZE" ]; then
	echo "systemd-analyze not found: skipped"
	exit 77
fi

# Absolute: sysusers and tmpfiles resolve relative paths under --root.
units=$(cd "$top_srcdir/systemd" && pwd) || exit 99
daemon=$(cd "$top_builddir/fcgi" 2>/dev/null && pwd)/stagehandd
if [ ! -x "$daemon" ]; then
	echo "FAIL: no built daemon at $daemon"
	exit 99
fi

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

cp "$units/stagehand.target" "$tmp/" || exit 99
sed "s#/usr/local/sbin/stagehandd #$daemon #" "$units/stagehand@.service" >"$tmp/stagehand@.service" || exit 99
if grep -q /usr/local/sbin/stagehandd "$tmp/stagehand@.service" || ! grep -q "^ExecStart=$daemon " "$tmp/stagehand@.service"; then
	echo "FAIL: stagehand@.service does not run /usr/local/sbin/stagehandd as expected"
	fail=1
fi

out=$(cd "$tmp" && "$SYSTEMD_ANALYZE" verify ./stagehand@main.service ./stagehand@stream.service ./stagehand.target 2>&1)
rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify (exit $rc):"
	echo "$out"
	fail=1
else
	echo "ok: systemd-analyze verify stagehand@main.service stagehand@stream.service stagehand.target"
fi

sysusers=$(command -v systemd-sysusers || true)
tmpfiles=$(command -v systemd-tmpfiles || true)
if [ -n "$sysusers" ] && [ -n "$tmpfiles" ]; then
	mkdir -p "$tmp/root/etc"
	if ! out=$("$sysusers" --root="$tmp/root" "$units/stagehand-sysusers.conf" 2>&1) ||
		! grep -q '^stagehand:' "$tmp/root/etc/passwd"; then
		echo "FAIL: systemd-sysusers stagehand-sysusers.conf:"
		echo "$out"
		fail=1
	elif ! out=$("$tmpfiles" --root="$tmp/root" --create "$units/stagehand-tmpfiles.conf" 2>&1) ||
		[ -n "$out" ] || [ ! -d "$tmp/root/var/lib/stagehand/files" ]; then
		echo "FAIL: systemd-tmpfiles stagehand-tmpfiles.conf:"
		echo "$out"
		fail=1
	else
		echo "ok: sysusers and tmpfiles snippets apply to a scratch root"
	fi
else
	echo "systemd-sysusers or systemd-tmpfiles not found: snippets not checked"
fi
exit "$fail"
