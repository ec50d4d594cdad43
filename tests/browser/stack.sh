# shellcheck shell=bash
# The browser stage's additions to the dev stack (sourced by
# tests/browser/run after scripts/lib/common.sh and github.sh): the IdP
# stand-in and the drop-in that turns the plugins and sign-in providers on.

browser_idp_dir() { printf '%s\n' "$SH_VAR/idp"; }

# The IdP stand-in's URL, once it runs (empty otherwise).
browser_idp_url() {
	local port dir
	dir=$(browser_idp_dir)
	pidfile_pid "$dir/idp.pid" idp.py >/dev/null || return 0
	read -r port <"$dir/port" 2>/dev/null || return 0
	printf 'http://127.0.0.1:%s\n' "$port"
}

# tests/stubs/idp.py on a free port (its log: $SH_LOG/idp-standin.log).
browser_idp_start() {
	local dir pid i
	dir=$(browser_idp_dir)
	browser_idp_stop
	mkdir -p "$dir" "$SH_LOG"
	setsid python3 -B "$SH_ROOT/tests/stubs/idp.py" --port 0 --port-file "$dir/port" \
		</dev/null >>"$SH_LOG/idp-standin.log" 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$dir/idp.pid"
	for ((i = 0; i < 100; i++)); do
		[ ! -s "$dir/port" ] || return 0
		proc_alive "$pid" || break
		sleep 0.1
	done
	show_log_tail "$SH_LOG/idp-standin.log" 20
	return 1
}

browser_idp_stop() {
	local dir pid
	dir=$(browser_idp_dir)
	if pid=$(pidfile_pid "$dir/idp.pid" idp.py); then
		stop_pid "$pid" TERM 5 "stand-in IdP" || true
	fi
	rm -f "$dir/idp.pid" "$dir/port"
}

# Prints 1 when plugin NAME is installed, else 0.
browser_has_plugin() {
	if [ -e "$SH_PREFIX/lib/stagehand/plugins/$1.so" ]; then echo 1; else echo 0; fi
}

# The installed plugins of pool main: catalog, auth and those of the tabs.
browser_plugins() {
	local p list="catalog auth"
	for p in jenkins github-actions techdocs; do
		[ "$(browser_has_plugin "$p")" = 0 ] || list="$list $p"
	done
	printf '%s\n' "$list"
}

# Their flags ("name = true" lines), and the sign-in flow: redirect (the
# default) or, with BROWSER_AUTH_FLOW=popup, the popup window.
browser_flags() {
	local p
	for p in jenkins github-actions techdocs; do
		[ "$(browser_has_plugin "$p")" = 0 ] || printf '%s = true\n' "${p//-/_}"
	done
	[ "${BROWSER_AUTH_FLOW:-redirect}" != popup ] || printf 'auth_redirect_flow = false\n'
}

# The drop-in: the tab plugins on, the fixture catalog beside the demo one,
# the IdP as openchoreo-auth and the GitHub stand-in as the github sign-in.
browser_dropin() {
	local idp gh
	idp=$(browser_idp_url)
	gh=$(github_url)
	[ -n "$idp" ] && [ -n "$gh" ] || return 1
	cat <<INI
; Written by tests/browser/run.
[pool.main]
plugins = $(browser_plugins)

[features]
$(browser_flags)

[auth]
openchoreo_client_id = stagehand
openchoreo_client_secret = stagehand-secret
openchoreo_metadata_url = $idp/.well-known/openid-configuration
github_client_id = browser-stage
github_client_secret = browser-stage
github_enterprise_instance_url = $gh

[catalog]
location = file:$SH_ROOT/tests/data/catalog/all.yaml
INI
}
