# shellcheck shell=bash
# The stand-in GitHub of the dev stack: tests/stubs/standin.py serving
# tests/data/upstream/github (oracle-org/checkout-service's runs, jobs, logs,
# repository and branches; checkout-web's runs) and, when present,
# tests/data/upstream/github-oauth (the sign-in provider's /login/oauth/*
# and /user).  `up` starts it before writing the config, which then has a
# [github-actions] section pointing at it whenever the plugin is installed;
# the plugin stays off until a drop-in turns it on (README.md, "GitHub
# Actions on the dev stack").  `down` stops it.  SH_DEV_GITHUB=none leaves
# it out (no [github-actions] section: the plugin then asks
# https://api.github.com, or GITHUB_API_BASE_URL / GITHUB_HOST).

SH_DEV_GITHUB=${SH_DEV_GITHUB-standin}

github_dir() { printf '%s\n' "$SH_VAR/github"; }

# The stand-in's URL, once it runs (empty otherwise).
github_url() { standin_url "$(github_dir)"; }

github_start() {
	local data=$SH_ROOT/tests/data/upstream
	local -a dirs=(--fixtures "$data/github")
	[ "$SH_DEV_GITHUB" = standin ] || return 0
	[ ! -e "$data/github-oauth/index.json" ] || dirs+=(--fixtures "$data/github-oauth")
	mkdir -p "$(github_dir)"
	standin_start "$(github_dir)" github-standin.log "stand-in GitHub" "${dirs[@]}"
}

github_stop() { standin_stop "$(github_dir)" "stand-in GitHub"; }

github_status() {
	[ "$SH_DEV_GITHUB" = standin ] || return 0
	standin_status "$(github_dir)" github
}

# The [github-actions] section against the stand-in, when the plugin is
# installed and the stand-in runs.  The flag stays off here.
config_github() {
	local url
	[ -e "$SH_PREFIX/lib/stagehand/plugins/github-actions.so" ] || return 0
	url=$(github_url)
	[ -n "$url" ] || return 0
	cat <<INI

[github-actions]
; The stand-in GitHub scripts/dev up started (tests/stubs/standin.py serving
; tests/data/upstream/github); its log redirects point at itself.
api_base_url = $url
INI
}
