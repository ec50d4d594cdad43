#!/bin/sh
# A `./configure --prefix=/usr --sysconfdir=/etc` build installs a pool unit
# that runs /usr/sbin/stagehandd with /etc/stagehand/stagehand.ini, into
# /usr/lib/systemd/system (automake test: 0 pass, 1 fail, 77 skipped, 99
# error).  Configures a scratch build directory from this source tree (a few
# seconds; nothing is compiled), makes only the unit and installs only the
# unit into a staging directory.  `-o Makefile`: the scratch build must not
# run the autotools rebuild rules, which would write into the source tree.
set -u

: "${top_srcdir:=.}" "${MAKE:=make}"
srcdir=$(cd "$top_srcdir" && pwd) || exit 99
if [ -f "$srcdir/config.status" ]; then
	echo "SKIP: $srcdir is configured in place, so configure refuses a second build dir"
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

if ! (cd "$tmp" && unset MAKEFLAGS MFLAGS MAKELEVEL &&
	"$srcdir/configure" -q --prefix=/usr --sysconfdir=/etc &&
	"$MAKE" -s -o Makefile install-nodist_systemdunitDATA DESTDIR="$tmp/stage") >"$tmp/log" 2>&1; then
	echo "FAIL: configure --prefix=/usr and make of the unit:"
	tail -n 30 "$tmp/log"
	exit 1
fi

unit=$tmp/stage/usr/lib/systemd/system/stagehand@.service
fail=0
if [ ! -f "$unit" ]; then
	echo "FAIL: the unit was not installed as $unit"
	exit 1
fi
for want in 'ExecStartPre=/usr/sbin/stagehandd --config /etc/stagehand/stagehand.ini --check-config --pool %i' \
	'ExecStart=/usr/sbin/stagehandd --config /etc/stagehand/stagehand.ini --pool %i' \
	'EnvironmentFile=-/etc/stagehand/stagehand.env'; do
	if ! grep -qxF "$want" "$unit"; then
		echo "FAIL: the --prefix=/usr unit lacks the line: $want"
		fail=1
	fi
done
if grep -n '/usr/local\|@sbindir@\|@sysconfdir@' "$unit"; then
	echo "FAIL: the --prefix=/usr unit names the paths above"
	fail=1
fi
[ "$fail" -ne 0 ] || echo "ok: --prefix=/usr installs a unit that runs /usr/sbin/stagehandd"
exit "$fail"
