# shellcheck shell=bash
# The real-browser stage's tools: Debian's chromium (apt-get) and
# playwright-core from tests/browser/package.json and its committed
# package-lock.json (`npm ci` into tests/browser/node_modules, gitignored).
# browser_install is idempotent and quick when both are there: npm ci runs
# only when the lockfile changed since the last one.  Needs common.sh
# (msg, warn, die) and SH_ROOT.  The stage itself is tests/browser/run.

SH_BROWSER_CHROMIUM=${SH_BROWSER_CHROMIUM:-/usr/bin/chromium}

browser_dir() { printf '%s\n' "$SH_ROOT/tests/browser"; }

# Installs chromium unless it is there (root only; others are told how).
browser_chromium() {
	[ -x "$SH_BROWSER_CHROMIUM" ] && return 0
	[ "$SH_BROWSER_CHROMIUM" = /usr/bin/chromium ] ||
		die "no chromium at SH_BROWSER_CHROMIUM=$SH_BROWSER_CHROMIUM"
	[ "$(id -u)" -eq 0 ] || die "chromium is missing: apt-get install chromium (as root)"
	msg "installing chromium (apt-get)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || die "apt-get update failed"
	apt-get install -y -q chromium >/dev/null || die "apt-get install chromium failed"
	[ -x /usr/bin/chromium ] || die "apt-get installed no /usr/bin/chromium"
}

# The lockfile's hash, recorded in node_modules after a successful npm ci.
browser_lock_sum() { sha256sum "$(browser_dir)/package-lock.json" | cut -d' ' -f1; }

# npm ci when node_modules is missing or older than the lockfile.
browser_playwright() {
	local dir stamp sum
	dir=$(browser_dir)
	stamp=$dir/node_modules/.sh-lock-sum
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		die "node and npm are needed for the browser stage (Node.js >= 20)"
	fi
	sum=$(browser_lock_sum)
	if [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ] &&
		[ -f "$dir/node_modules/playwright-core/package.json" ]; then
		return 0
	fi
	msg "npm ci in $dir"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
		die "npm ci failed in $dir"
	printf '%s\n' "$sum" >"$stamp"
}

browser_install() {
	browser_chromium
	browser_playwright
}
