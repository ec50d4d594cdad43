# shellcheck shell=bash
# The stagehandd pools: one background process per [pool.NAME] section,
# started detached (setsid) with its log in $SH_LOG/NAME.log and its pid in
# $SH_RUN/NAME.pid.  Stopping sends SIGTERM and polls until the process is
# gone: the shell that started it may have exited, so nobody can wait(2).

SH_POOL_START_TIMEOUT=${SH_POOL_START_TIMEOUT:-60}
SH_POOL_STOP_TIMEOUT=${SH_POOL_STOP_TIMEOUT:-40}

pool_pidfile() { printf '%s\n' "$SH_RUN/$1.pid"; }

# The socket of pool NAME in the effective config.
pool_socket() {
	local name=$1 pools pool sock
	pools=$(config_pools "$name") || exit 1
	while read -r pool sock; do
		if [ "$pool" = "$name" ]; then
			printf '%s\n' "$sock"
			return 0
		fi
	done <<<"$pools"
	die "no [pool.$name] in the configuration"
}

pool_start() {
	local name=$1 sock=${2:-} pidfile pid log i
	[ -n "$sock" ] || sock=$(pool_socket "$name")
	pidfile=$(pool_pidfile "$name")
	if pid=$(pidfile_pid "$pidfile" stagehandd); then
		msg "pool $name already running (pid $pid)"
		return 0
	fi
	sh_check_sock_path "$sock"
	mkdir -p "$SH_RUN" "$SH_LOG" "$(dirname "$sock")"
	# Nobody serves it (our process is gone): a leftover from a crash.
	rm -f "$sock" "$pidfile"
	log=$SH_LOG/$name.log
	setsid "$SH_DAEMON" --config "$SH_CONF" --pool "$name" </dev/null >>"$log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$pidfile"
	for ((i = 0; i < SH_POOL_START_TIMEOUT * 10; i++)); do
		if ! proc_alive "$pid"; then
			rm -f "$pidfile"
			show_log_tail "$log" 20
			die "pool $name exited during start-up (log: $log)"
		fi
		if [ -S "$sock" ]; then
			msg "pool $name running (pid $pid, socket $sock)"
			return 0
		fi
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || true
	show_log_tail "$log" 20
	die "pool $name did not create $sock within ${SH_POOL_START_TIMEOUT}s"
}

# Stops pool NAME; fails if it had to be killed.
pool_stop() {
	local name=$1 pidfile pid rc=0
	pidfile=$(pool_pidfile "$name")
	if pid=$(pidfile_pid "$pidfile" stagehandd); then
		msg "stopping pool $name (pid $pid)"
		stop_pid "$pid" TERM "$SH_POOL_STOP_TIMEOUT" "pool $name" || rc=1
	fi
	rm -f "$pidfile"
	return "$rc"
}

pools_start() {
	local name sock pools
	pools=$(config_pools) || exit 1
	[ -n "$pools" ] || die "the configuration has no [pool.*] section"
	while read -r name sock; do
		pool_start "$name" "$sock"
	done <<<"$pools"
}

# Stops every pool that has a pidfile, listed in the config or not.
pools_stop() {
	local f name rc=0
	for f in "$SH_RUN"/*.pid; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .pid)
		[ "$name" != nginx ] || continue
		pool_stop "$name" || rc=1
	done
	return "$rc"
}

pools_status() {
	local f name pid rc=0 any=
	for f in "$SH_RUN"/*.pid; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .pid)
		[ "$name" != nginx ] || continue
		any=1
		if pid=$(pidfile_pid "$f" stagehandd); then
			printf 'pool %s: running (pid %s)\n' "$name" "$pid"
		else
			printf 'pool %s: stopped (stale pidfile)\n' "$name"
			rc=1
		fi
	done
	pools_status_unstarted || rc=1
	if [ -z "$any" ]; then
		printf 'pools: none running\n'
		rc=1
	fi
	return "$rc"
}

# Pools the configuration names that have no pidfile (never started, or
# stopped by hand): "stopped"; fails when there is one.
pools_status_unstarted() {
	local pools name sock rc=0
	[ -x "$SH_DAEMON" ] && [ -f "$SH_CONF" ] || return 0
	pools=$(config_pools 2>/dev/null) || return 0
	while read -r name sock; do
		if [ -n "$name" ] && [ ! -e "$(pool_pidfile "$name")" ]; then
			printf 'pool %s: stopped (configured, socket %s)\n' "$name" "$sock"
			rc=1
		fi
	done <<<"$pools"
	return "$rc"
}
