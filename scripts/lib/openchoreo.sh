# shellcheck shell=bash
# The stand-in OpenChoreo API of the dev stack: tests/stubs/standin.py
# serving tests/data/upstream/openchoreo-world then .../openchoreo (the
# recorded world: namespaces default and oracle, the IdP's token endpoint
# at /oauth2/token).  `up` starts it before writing the config, which then
# has an [openchoreo] section pointing at it whenever the plugin is
# installed; the plugin stays off until a drop-in turns it on (README.md,
# "OpenChoreo on the dev stack").  `down` stops it.  SH_DEV_OPENCHOREO=none
# leaves it out (no [openchoreo] section: set yours in a drop-in).

SH_DEV_OPENCHOREO=${SH_DEV_OPENCHOREO-standin}
# The service client the generated section names (the stand-in takes any).
SH_DEV_OPENCHOREO_CLIENT=openchoreo-backstage-service

openchoreo_dir() { printf '%s\n' "$SH_VAR/openchoreo"; }

openchoreo_pid() { pidfile_pid "$(openchoreo_dir)/standin.pid" standin.py; }

# The stand-in's URL, once it runs (empty otherwise).
openchoreo_url() {
	local port
	openchoreo_pid >/dev/null || return 0
	read -r port <"$(openchoreo_dir)/port" 2>/dev/null || return 0
	printf 'http://127.0.0.1:%s\n' "$port"
}

openchoreo_start() {
	local dir pid i data=$SH_ROOT/tests/data/upstream
	[ "$SH_DEV_OPENCHOREO" = standin ] || return 0
	dir=$(openchoreo_dir)
	if pid=$(openchoreo_pid); then
		msg "stand-in OpenChoreo already running (pid $pid, $(openchoreo_url))"
		return 0
	fi
	mkdir -p "$dir" "$SH_LOG"
	rm -f "$dir/port" "$dir/standin.pid"
	# The client secret the generated [openchoreo] section reads (any
	# value: the stand-in's token endpoint takes every client).
	[ -s "$dir/client-secret" ] || printf 'dev-stand-in-secret\n' >"$dir/client-secret"
	setsid python3 -B "$SH_ROOT/tests/stubs/standin.py" \
		--fixtures "$data/openchoreo-world" --fixtures "$data/openchoreo" \
		--port 0 --port-file "$dir/port" \
		</dev/null >>"$SH_LOG/openchoreo-standin.log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$dir/standin.pid"
	for ((i = 0; i < 100; i++)); do
		if [ -s "$dir/port" ]; then
			msg "stand-in OpenChoreo running (pid $pid, $(openchoreo_url))"
			return 0
		fi
		proc_alive "$pid" || break
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || true
	show_log_tail "$SH_LOG/openchoreo-standin.log" 20
	die "the stand-in OpenChoreo did not start"
}

openchoreo_stop() {
	local pid
	if pid=$(openchoreo_pid); then
		msg "stopping the stand-in OpenChoreo (pid $pid)"
		stop_pid "$pid" TERM 5 "stand-in OpenChoreo" || true
	fi
	rm -f "$(openchoreo_dir)/standin.pid" "$(openchoreo_dir)/port"
}

openchoreo_status() {
	local pid
	[ "$SH_DEV_OPENCHOREO" = standin ] || return 0
	if pid=$(openchoreo_pid); then
		printf 'openchoreo: stand-in running (pid %s, %s)\n' "$pid" "$(openchoreo_url)"
		return 0
	fi
	printf 'openchoreo: stand-in stopped\n'
	return 1
}

# The [openchoreo] section against the stand-in, when the plugin is
# installed and the stand-in runs.  The flag stays off here: the drop-in
# of README.md turns it on and adds the plugin to pool main.
config_openchoreo() {
	local url
	[ -e "$SH_PREFIX/lib/stagehand/plugins/openchoreo.so" ] || return 0
	url=$(openchoreo_url)
	[ -n "$url" ] || return 0
	cat <<INI

[openchoreo]
; The stand-in OpenChoreo API scripts/dev up started (tests/stubs/standin.py
; serving tests/data/upstream/openchoreo-world and .../openchoreo).
base_url = $url/api/v1
token_url = $url/oauth2/token
client_id = $SH_DEV_OPENCHOREO_CLIENT
client_secret_file = $(openchoreo_dir)/client-secret
sync_frequency = 30
INI
}
