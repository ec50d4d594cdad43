# shellcheck shell=bash
# Debian packages the stack, the tests and the fuzzers need.  Installs only
# what is missing, after one apt-get update.  apt starts no service here
# (policy-rc.d, or nothing that clashes): the stack starts its own servers.

SH_DEPS_REQUIRED=(
	build-essential autoconf automake libtool pkg-config
	libfcgi-dev libfcgi-bin libpq-dev libjansson-dev libcurl4-openssl-dev
	libssl-dev libyaml-dev check libcmark-gfm-dev libcmark-gfm-extensions-dev
	nginx postgresql clang libclang-rt-14-dev curl python3 openssl
)
# Nice to have: systemd-analyze (unit checks skip without it), wrk (bench/).
SH_DEPS_OPTIONAL=(systemd wrk)

deps_missing() {
	local p status
	for p in "$@"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || status=
		[ "$status" = "install ok installed" ] || printf '%s\n' "$p"
	done
}

deps_install() {
	local -a need opt
	command -v dpkg-query >/dev/null || die "not a Debian system: install the packages of scripts/lib/deps.sh by hand"
	mapfile -t need < <(deps_missing "${SH_DEPS_REQUIRED[@]}")
	mapfile -t opt < <(deps_missing "${SH_DEPS_OPTIONAL[@]}")
	[ "${#need[@]}" -gt 0 ] || [ "${#opt[@]}" -gt 0 ] || return 0
	if [ "$(id -u)" -ne 0 ]; then
		[ "${#need[@]}" -eq 0 ] || die "missing packages (run as root to install them): ${need[*]}"
		warn "optional packages missing: ${opt[*]}"
		return 0
	fi
	msg "installing packages: ${need[*]} ${opt[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q || die "apt-get update failed"
	if [ "${#need[@]}" -gt 0 ]; then
		apt-get install -y -q "${need[@]}" || die "apt-get install failed: ${need[*]}"
	fi
	if [ "${#opt[@]}" -gt 0 ]; then
		apt-get install -y -q "${opt[@]}" || warn "could not install optional packages: ${opt[*]}"
	fi
}
