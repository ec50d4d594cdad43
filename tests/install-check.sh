#!/bin/sh
# What ships, starts (automake test: 0 pass, 1 fail, 99 hard error).
#
# Stages this build tree with `make install DESTDIR=`, then does what an
# operator does with the result:
#   - copies the installed stagehand.ini.example to <tmp>/etc/stagehand/
#     stagehand.ini UNEDITED, and runs the installed daemon's --check-config
#     on it (for all pools, then pool by pool as the unit's ExecStartPre).
#     The prefix itself is not populated (the tree is staged), so a conf.d
#     drop-in beside the file points plugin_dir and sql_dir into the staged
#     tree and a scratch file stands in for the database password: paths
#     and secrets only, the example's own lines are not touched.  The daemon
#     runs with LD_LIBRARY_PATH into the staged libdir and an empty
#     environment, so it loads the staged libstagehand and plugins only.
#   - checks that every installed plugin is listed by a pool of the example
#     (the example grows with each plugin that lands);
#   - with a PostgreSQL (SH_TEST_PG), starts pool main of that example for
#     real and asks it for /healthcheck;
#   - verifies the installed systemd units (tests/systemd-verify.sh).
# The installation directories come from make check (AM_TESTS_ENVIRONMENT).
set -u

: "${top_srcdir:=.}" "${top_builddir:=.}" "${MAKE:=make}"
# The installation directories, from make check.
: "${sh_sbindir:?is not set: run this through make check}"
: "${sh_sysconfdir:?is not set: run this through make check}"
: "${sh_libdir:?is not set: run this through make check}"
: "${sh_docdir:?is not set: run this through make check}"
: "${sh_plugindir:?is not set: run this through make check}"
: "${sh_sqldir:?is not set: run this through make check}"
: "${sh_unitdir:?is not set: run this through make check}"
: "${sh_tmpfilesdir:?is not set: run this through make check}"
: "${sh_sysusersdir:?is not set: run this through make check}"

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
fail=0

# A make of its own, serial: not a client of the jobserver of make check.
if ! (unset MAKEFLAGS MFLAGS MAKELEVEL && "$MAKE" -C "$top_builddir" install DESTDIR="$stage") \
	>"$tmp/install.log" 2>&1; then
	echo "FAIL: make install DESTDIR=$stage:"
	tail -n 30 "$tmp/install.log"
	exit 1
fi
daemon=$stage$sh_sbindir/stagehandd
example=$stage$sh_docdir/stagehand.ini.example
for f in "$daemon" "$example" "$stage$sh_unitdir/stagehand@.service"; do
	if [ ! -e "$f" ]; then
		echo "FAIL: make install did not install $f"
		exit 1
	fi
done
echo "ok: make install DESTDIR= staged the daemon, the example and the units"

# ------------------------------------------------------------ the example
etc=$tmp/etc/stagehand
mkdir -p "$etc/conf.d" || exit 99
cp "$example" "$etc/stagehand.ini" || exit 99
printf 'not-a-real-password\n' >"$tmp/postgres-password"
cat >"$etc/conf.d/00-staged-tree.ini" <<EOF
; The staged tree instead of the (empty) prefix; the password as a file.
[server]
plugin_dir = $stage$sh_plugindir
sql_dir = $stage$sh_sqldir
[database]
password_file = $tmp/postgres-password
EOF

# check_config OUT ARGS...: the staged daemon's --check-config, no inherited environment.
check_config() {
	out=$1
	shift
	env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$stage$sh_libdir" \
		"$daemon" --config "$etc/stagehand.ini" --check-config "$@" >"$out" 2>&1
}

lib=$(env -i LD_LIBRARY_PATH="$stage$sh_libdir" ldd "$daemon" 2>/dev/null | grep 'libstagehand\.so')
case $lib in
*"$stage$sh_libdir/"*) ;;
*)
	echo "FAIL: the staged daemon does not load the staged libstagehand: $lib"
	fail=1
	;;
esac

if check_config "$tmp/check.out"; then
	echo "ok: stagehandd --check-config accepts the installed example"
else
	echo "FAIL: stagehandd --check-config on the installed example (unedited, paths redirected):"
	cat "$tmp/check.out"
	fail=1
fi
if ! grep -qx "plugin_dir = $stage$sh_plugindir" "$tmp/check.out"; then
	echo "FAIL: the drop-in's plugin_dir is not in effect (the check proves nothing):"
	grep -n 'plugin_dir' "$tmp/check.out"
	fail=1
fi

# Uncommented [pool.NAME] headers and the plugins they list.
pools=$(sed -n 's/^\[pool\.\([^]]*\)\][[:space:]]*$/\1/p' "$example")
listed=$(sed -n 's/^plugins[[:space:]]*=\([^;#]*\).*$/\1/p' "$example" | tr -s '[:blank:]' '\n')
if [ -z "$pools" ]; then
	echo "FAIL: the example has no [pool.NAME] section"
	fail=1
fi
for p in $pools; do
	if check_config "$tmp/pool.out" --pool "$p"; then
		echo "ok: stagehandd --check-config --pool $p (the unit's ExecStartPre)"
	else
		echo "FAIL: stagehandd --check-config --pool $p:"
		cat "$tmp/pool.out"
		fail=1
	fi
done

n=0
for so in "$stage$sh_plugindir"/*.so; do
	[ -e "$so" ] || continue
	n=$((n + 1))
	name=$(basename "$so" .so)
	if ! printf '%s\n' "$listed" | grep -qx "$name"; then
		echo "FAIL: plugin $name is installed but no pool of stagehand.ini.example lists it"
		fail=1
	fi
done
if [ "$n" -eq 0 ]; then
	echo "FAIL: no plugin installed in $stage$sh_plugindir"
	fail=1
else
	echo "ok: the example's pools list all $n installed plugins"
fi

# ------------------------------------------------------------ a real start
# With a PostgreSQL to talk to (SH_TEST_PG, as scripts/dev test provides),
# pool main of the same unedited example starts for real: its database,
# socket and log level come from the environment and a second drop-in, as
# an operator's stagehand.env and conf.d would give them; it migrates,
# answers /healthcheck over FastCGI and stops cleanly on SIGTERM.
pg_word() { # pg_word KEY: the value of KEY in SH_TEST_PG
	for w in $SH_TEST_PG; do
		case $w in "$1"=*) printf '%s\n' "${w#*=}" ;; esac
	done
}

start_pool() {
	db=sh_install_$$
	psql "$SH_TEST_PG" -qXc "CREATE DATABASE $db" >"$tmp/psql.out" 2>&1 || {
		echo "FAIL: cannot create database $db for the start:"
		cat "$tmp/psql.out"
		return 1
	}
	mkdir -p "$tmp/run"
	printf '[pool.main]\nsocket = %s\n' "$tmp/run/main.sock" >"$etc/conf.d/10-socket.ini"
	env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$stage$sh_libdir" \
		POSTGRES_HOST="$(pg_word host)" POSTGRES_PORT="$(pg_word port)" POSTGRES_DB="$db" \
		POSTGRES_USER="$(pg_word user)" \
		"$daemon" --config "$etc/stagehand.ini" --pool main >"$tmp/main.log" 2>&1 &
	pid=$!
	i=0
	while [ ! -S "$tmp/run/main.sock" ] && kill -0 "$pid" 2>/dev/null && [ "$i" -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	health=$(REQUEST_METHOD=GET REQUEST_URI=/healthcheck cgi-fcgi -bind -connect \
		"$tmp/run/main.sock" 2>&1)
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	psql "$SH_TEST_PG" -qXc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
	case $health in
	"Status: 200 OK"*) ;;
	*)
		echo "FAIL: pool main of the installed example did not answer /healthcheck: $health"
		cat "$tmp/main.log"
		return 1
		;;
	esac
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: pool main exited with status $rc after SIGTERM:"
		cat "$tmp/main.log"
		return 1
	fi
	echo "ok: pool main of the installed example started, answered /healthcheck, stopped"
}

if [ -z "${SH_TEST_PG:-}" ]; then
	echo "note: SH_TEST_PG is not set: pool main was not started (scripts/dev test does)"
elif ! command -v cgi-fcgi >/dev/null || ! command -v psql >/dev/null; then
	echo "note: cgi-fcgi or psql missing: pool main was not started"
else
	start_pool || fail=1
fi

# ------------------------------------------------------------ the units
"$top_srcdir/tests/systemd-verify.sh" "$stage"
rc=$?
case $rc in
0) ;;
77) echo "note: the installed units were not verified (no systemd-analyze)" ;;
*) fail=1 ;;
esac
exit "$fail"
