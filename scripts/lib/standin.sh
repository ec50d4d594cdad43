# shellcheck shell=bash
# A stand-in upstream of the dev stack (tests/stubs/standin.py) as a
# process of its own: started with setsid on a free port, its pid and port
# in DIR, its stderr in $SH_LOG/LOG.  agent.sh (Perch) and openchoreo.sh
# (the OpenChoreo API) are its users; WHAT names it in messages.

standin_pid() { pidfile_pid "$1/standin.pid" standin.py; }

# standin_url DIR: its URL, once it runs (empty otherwise).
standin_url() {
	local port
	standin_pid "$1" >/dev/null || return 0
	read -r port <"$1/port" 2>/dev/null || return 0
	printf 'http://127.0.0.1:%s\n' "$port"
}

# standin_start DIR LOG WHAT [standin.py arguments...]
standin_start() {
	local dir=$1 log=$SH_LOG/$2 what=$3 pid i
	shift 3
	if pid=$(standin_pid "$dir"); then
		msg "$what already running (pid $pid, $(standin_url "$dir"))"
		return 0
	fi
	mkdir -p "$dir" "$SH_LOG"
	rm -f "$dir/port" "$dir/standin.pid"
	setsid python3 -B "$SH_ROOT/tests/stubs/standin.py" "$@" --port 0 --port-file "$dir/port" \
		</dev/null >>"$log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$dir/standin.pid"
	for ((i = 0; i < 100; i++)); do
		if [ -s "$dir/port" ]; then
			msg "$what running (pid $pid, $(standin_url "$dir"))"
			return 0
		fi
		proc_alive "$pid" || break
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || true
	show_log_tail "$log" 20
	die "the $what did not start"
}

# standin_stop DIR WHAT
standin_stop() {
	local pid
	if pid=$(standin_pid "$1"); then
		msg "stopping the $2 (pid $pid)"
		stop_pid "$pid" TERM 5 "$2" || true
	fi
	rm -f "$1/standin.pid" "$1/port"
}

# standin_status DIR LABEL: one line "LABEL: stand-in running (pid, url)".
standin_status() {
	local pid
	if pid=$(standin_pid "$1"); then
		printf '%s: stand-in running (pid %s, %s)\n' "$2" "$pid" "$(standin_url "$1")"
		return 0
	fi
	printf '%s: stand-in stopped\n' "$2"
	return 1
}
