# shellcheck shell=bash
# The stand-in Perch agent of the dev stack: tests/stubs/standin.py serving
# the recorded conversations of tests/data/upstream/perch, paced so that a
# chat visibly streams (`curl -N` shows the lines arriving apart).  `up`
# starts it before writing the config, which points [perch] upstream_url at
# it; `down` stops it.  SH_DEV_AGENT=none leaves it out (the config then has
# no upstream_url: set yours in a conf.d drop-in, docs/operations.md).

SH_DEV_AGENT=${SH_DEV_AGENT-standin}
# Pause between two lines of a streamed answer, in ms.
SH_DEV_AGENT_PAUSE_MS=${SH_DEV_AGENT_PAUSE_MS:-300}

agent_dir() { printf '%s\n' "$SH_VAR/agent"; }

agent_pid() { pidfile_pid "$(agent_dir)/standin.pid" standin.py; }

# The stand-in's URL, once it runs (empty otherwise).
agent_url() {
	local port
	agent_pid >/dev/null || return 0
	read -r port <"$(agent_dir)/port" 2>/dev/null || return 0
	printf 'http://127.0.0.1:%s\n' "$port"
}

agent_start() {
	local dir pid i
	[ "$SH_DEV_AGENT" = standin ] || return 0
	dir=$(agent_dir)
	if pid=$(agent_pid); then
		msg "stand-in agent already running (pid $pid, $(agent_url))"
		return 0
	fi
	mkdir -p "$dir" "$SH_LOG"
	rm -f "$dir/port" "$dir/standin.pid"
	setsid python3 -B "$SH_ROOT/tests/stubs/standin.py" \
		--fixtures "$SH_ROOT/tests/data/upstream/perch" \
		--ndjson-pause-ms "$SH_DEV_AGENT_PAUSE_MS" --port 0 --port-file "$dir/port" \
		</dev/null >>"$SH_LOG/agent-standin.log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$dir/standin.pid"
	for ((i = 0; i < 100; i++)); do
		if [ -s "$dir/port" ]; then
			msg "stand-in agent running (pid $pid, $(agent_url))"
			return 0
		fi
		proc_alive "$pid" || break
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || true
	show_log_tail "$SH_LOG/agent-standin.log" 20
	die "the stand-in agent did not start"
}

agent_stop() {
	local pid
	if pid=$(agent_pid); then
		msg "stopping the stand-in agent (pid $pid)"
		stop_pid "$pid" TERM 5 "stand-in agent" || true
	fi
	rm -f "$(agent_dir)/standin.pid" "$(agent_dir)/port"
}

agent_status() {
	local pid
	[ "$SH_DEV_AGENT" = standin ] || return 0
	if pid=$(agent_pid); then
		printf 'agent: stand-in running (pid %s, %s)\n' "$pid" "$(agent_url)"
		return 0
	fi
	printf 'agent: stand-in stopped\n'
	return 1
}
