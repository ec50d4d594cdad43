# shellcheck shell=bash
# The stand-in Jenkins of the dev stack: tests/stubs/standin.py serving
# tests/data/upstream/jenkins (the fixture world: oracle/checkout-service
# multibranch, oracle/invoice-service, oracle/libs/money-lib).  `up` starts
# it before writing the config, which then has a [jenkins] section pointing
# at it whenever the plugin is installed; the plugin stays off until a
# drop-in turns it on (README.md, "Jenkins on the dev stack").  `down`
# stops it.  SH_DEV_JENKINS=none leaves it out (no [jenkins] section: set
# yours in a drop-in, or JENKINS_BASE_URL/USERNAME/API_KEY).

SH_DEV_JENKINS=${SH_DEV_JENKINS-standin}

jenkins_dir() { printf '%s\n' "$SH_VAR/jenkins"; }

# The stand-in's URL, once it runs (empty otherwise).
jenkins_url() { standin_url "$(jenkins_dir)"; }

jenkins_start() {
	local dir
	[ "$SH_DEV_JENKINS" = standin ] || return 0
	dir=$(jenkins_dir)
	mkdir -p "$dir"
	# The API key the generated [jenkins] section reads (any value: the
	# stand-in takes every key but the fixtures' "wrong" one).
	[ -s "$dir/api-key" ] || printf 'dev-stand-in-key\n' >"$dir/api-key"
	standin_start "$dir" jenkins-standin.log "stand-in Jenkins" \
		--fixtures "$SH_ROOT/tests/data/upstream/jenkins"
}

jenkins_stop() { standin_stop "$(jenkins_dir)" "stand-in Jenkins"; }

jenkins_status() {
	[ "$SH_DEV_JENKINS" = standin ] || return 0
	standin_status "$(jenkins_dir)" jenkins
}

# The [jenkins] section against the stand-in, when the plugin is installed
# and the stand-in runs.  The flag stays off here.
config_jenkins() {
	local url
	[ -e "$SH_PREFIX/lib/stagehand/plugins/jenkins.so" ] || return 0
	url=$(jenkins_url)
	[ -n "$url" ] || return 0
	cat <<INI

[jenkins]
; The stand-in Jenkins scripts/dev up started (tests/stubs/standin.py
; serving tests/data/upstream/jenkins).
base_url = $url
username = backstage
api_key_file = $(jenkins_dir)/api-key
INI
}
