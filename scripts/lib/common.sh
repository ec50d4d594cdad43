# shellcheck shell=bash
# Shared by scripts/dev and its helpers: the SH_* settings, messages, and
# process handling by pid (pidfiles, liveness that ignores zombies, waiting
# for an exit we cannot wait(2) for because the starter shell has exited).

# The settings are used by the other helpers, which shellcheck sees apart.
# shellcheck disable=SC2034
sh_env_init() {
	SH_VAR=${SH_VAR:-$SH_ROOT/var}
	mkdir -p "$SH_VAR"
	SH_VAR=$(cd "$SH_VAR" && pwd)
	SH_BUILD=${SH_BUILD:-$SH_VAR/build}
	case $SH_BUILD in /*) ;; *) SH_BUILD=$PWD/$SH_BUILD ;; esac
	# The prefix belongs to the build tree (configure bakes it in), so a
	# second stack that reuses a build also reuses its install.
	SH_PREFIX=${SH_PREFIX:-$(dirname "$SH_BUILD")/install}
	SH_BUILD_ASAN=${SH_BUILD_ASAN:-$SH_VAR/build-asan}
	SH_HTTPS_PORT=${SH_HTTPS_PORT:-8443}
	SH_HTTP_PORT=${SH_HTTP_PORT:-8080}
	SH_PG_PORT=${SH_PG_PORT:-55480}
	SH_CONFIGURE_FLAGS=${SH_CONFIGURE_FLAGS:-}
	SH_ETC=$SH_VAR/etc
	SH_CONF=$SH_ETC/stagehand.ini
	SH_RUN=$SH_VAR/run
	SH_LOG=$SH_VAR/log
	SH_NGINX=$SH_VAR/nginx
	SH_TLS=$SH_VAR/tls
	SH_CERT=$SH_TLS/cert.pem
	SH_KEY=$SH_TLS/key.pem
	SH_FILES=$SH_VAR/files
	SH_UI=$SH_VAR/ui
	SH_DAEMON=$SH_PREFIX/sbin/stagehandd
	sh_www_paths
	sh_pg_paths
	export SH_VAR SH_BUILD SH_PREFIX SH_HTTPS_PORT SH_HTTP_PORT SH_PG_PORT SH_CONFIGURE_FLAGS
}

# As root, nginx's workers run as nobody and must reach the pool sockets,
# the X-Accel files and the UI; when $SH_VAR is not traversable for them (a
# checkout under a 0700 directory such as mktemp -d makes), those move to
# /var/tmp, as the PostgreSQL cluster does (pg.sh).
# shellcheck disable=SC2034
sh_www_paths() {
	local dir
	if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1 &&
		! runuser -u nobody -- test -x "$SH_VAR"; then
		dir=/var/tmp/stagehand-$(printf '%s' "$SH_VAR" | sha1sum | cut -c1-12)-www
		mkdir -p "$dir" && chmod 0755 "$dir"
		SH_RUN=$dir/run
		SH_NGINX=$dir/nginx
		SH_FILES=$dir/files
		SH_UI=$dir/ui
	fi
}

msg() { printf '%s\n' "dev: $*"; }
warn() { printf '%s\n' "dev: warning: $*" >&2; }
die() {
	printf '%s\n' "dev: error: $*" >&2
	exit 1
}

# Fails early on unix socket paths the kernel cannot bind (108 bytes).
sh_check_sock_path() {
	if [ "${#1}" -ge 100 ]; then
		die "socket path too long (${#1} bytes, max 99): $1; use a shorter SH_VAR"
	fi
}

# proc_alive PID [NAME]: the process exists, is not a zombie, and (when NAME
# is given) its command line mentions NAME, so a recycled pid is not ours.
proc_alive() {
	local pid=$1 name=${2:-} stat state
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	state=${stat##*) }
	state=${state%% *}
	[ "$state" != Z ] || return 1
	if [ -n "$name" ]; then
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$name" || return 1
	fi
	return 0
}

# pidfile_pid FILE [NAME]: prints the pid recorded in FILE if it is alive.
pidfile_pid() {
	local file=$1 name=${2:-} pid
	[ -r "$file" ] || return 1
	read -r pid <"$file" || return 1
	proc_alive "$pid" "$name" || return 1
	printf '%s\n' "$pid"
}

# wait_exit PID SECONDS: polls until the process is gone (or a zombie).
wait_exit() {
	local pid=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		proc_alive "$pid" || return 0
		sleep 0.1
	done
	return 1
}

# stop_pid PID SIGNAL SECONDS WHAT: signals, waits, escalates to SIGKILL.
stop_pid() {
	local pid=$1 sig=$2 secs=$3 what=$4
	kill "-$sig" "$pid" 2>/dev/null || return 0
	if ! wait_exit "$pid" "$secs"; then
		warn "$what (pid $pid) did not exit within ${secs}s after SIG$sig; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_exit "$pid" 5 || die "$what (pid $pid) survived SIGKILL"
		return 1
	fi
	return 0
}

# Prints the last lines of a log to stderr, framed, for a failure message.
show_log_tail() {
	local file=$1 n=${2:-40}
	[ -r "$file" ] || return 0
	printf '%s\n' "---- last $n lines of $file ----" >&2
	tail -n "$n" "$file" >&2
	printf '%s\n' "---- end of $file ----" >&2
}
