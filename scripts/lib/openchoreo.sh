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

# The stand-in's URL, once it runs (empty otherwise).
openchoreo_url() { standin_url "$(openchoreo_dir)"; }

openchoreo_start() {
	local dir data=$SH_ROOT/tests/data/upstream
	[ "$SH_DEV_OPENCHOREO" = standin ] || return 0
	dir=$(openchoreo_dir)
	mkdir -p "$dir"
	# The client secret the generated [openchoreo] section reads (any
	# value: the stand-in's token endpoint takes every client).
	[ -s "$dir/client-secret" ] || printf 'dev-stand-in-secret\n' >"$dir/client-secret"
	standin_start "$dir" openchoreo-standin.log "stand-in OpenChoreo" \
		--fixtures "$data/openchoreo-world" --fixtures "$data/openchoreo"
}

openchoreo_stop() { standin_stop "$(openchoreo_dir)" "stand-in OpenChoreo"; }

openchoreo_status() {
	[ "$SH_DEV_OPENCHOREO" = standin ] || return 0
	standin_status "$(openchoreo_dir)" openchoreo
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
