# shellcheck shell=bash
# The portal's build (ui/, docs/ui.md "Building"): ui_build makes
# $SH_UI_DIST, the built frontend that config.sh gives pool main as
# [ui] root.  It builds only when ui/ changed since the last build: the
# stamp is a hash of the ui/ tree's content (node_modules and dist left
# out).  The build runs in a private copy under $SH_VAR (never in the
# shared checkout): `npm ci` (only when package-lock.json changed) and
# `backstage-cli package build`; the result is cached where nginx's
# workers can read it.
#
# Settings: SH_UI_DIST=DIR serves DIR and builds nothing (the integration
# runner's fixture build, an operator's own build); SH_DEV_UI=none builds
# nothing and serves the placeholder page nginx.sh writes.
#
# Node.js is a build tool only: the build needs node >= 20 and npm.  With an
# older node (Debian 12's nodejs is 18), ui_node fetches a pinned node
# binary from the npm registry (node-linux-<arch>) into $SH_VAR/node.

SH_DEV_UI=${SH_DEV_UI-build}
SH_UI_NODE_VERSION=${SH_UI_NODE_VERSION:-22.23.5}

# Prints the content hash of ui/: every file but node_modules/ and dist/,
# by path and content.
ui_tree_hash() {
	(
		cd "$SH_ROOT" &&
			find ui \( -path ui/node_modules -o -path ui/dist -o -path ui/dist-types \) -prune \
				-o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64
	)
}

ui_node_major() {
	node -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0
}

# Puts a node >= 20 and an npm on PATH, or dies saying what is missing.
ui_node() {
	local arch dir
	if ! command -v npm >/dev/null; then
		[ "$(id -u)" -eq 0 ] || die "the portal build needs Node.js >= 20 and npm (apt-get install nodejs npm), or SH_DEV_UI=none"
		msg "installing nodejs and npm (the portal build needs them)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm || die "apt-get install nodejs npm failed"
	fi
	[ "$(ui_node_major)" -lt 20 ] || return 0
	case $(uname -m) in
	x86_64) arch=x64 ;;
	aarch64) arch=arm64 ;;
	*) die "node $(ui_node_major) is too old for the portal build (>= 20) and no node-linux build is known for $(uname -m)" ;;
	esac
	dir=$SH_VAR/node
	if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
		msg "node $(ui_node_major) is too old for the portal build: fetching node $SH_UI_NODE_VERSION from the npm registry"
		npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts \
			"node-linux-$arch@$SH_UI_NODE_VERSION" >"$SH_LOG/ui-node.log" 2>&1 || {
			show_log_tail "$SH_LOG/ui-node.log"
			die "could not fetch node-linux-$arch@$SH_UI_NODE_VERSION"
		}
	fi
	PATH=$dir/node_modules/node-linux-$arch/bin:$PATH
}

# ui_sync SRC: copies ui/ (without node_modules and dist) over SRC, keeping
# SRC's node_modules so an unchanged lockfile needs no new install.
ui_sync() {
	local src=$1
	mkdir -p "$src"
	find "$src" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .sh-lock-hash -exec rm -rf {} +
	tar -C "$SH_ROOT/ui" --exclude=./node_modules --exclude=./dist --exclude=./dist-types -cf - . |
		tar -C "$src" -xf -
}

# ui_compile SRC LOG: npm ci when the lockfile changed, the app's tests
# (ui/test/), then the build; their output goes to LOG.
ui_compile() {
	local src=$1 log=$2 lock
	lock=$(sha256sum <"$src/package-lock.json" | cut -c1-64)
	if [ ! -d "$src/node_modules" ] || [ "$(cat "$src/.sh-lock-hash" 2>/dev/null)" != "$lock" ]; then
		msg "portal: npm ci (about 3 minutes)"
		rm -f "$src/.sh-lock-hash"
		(cd "$src" && npm ci --no-audit --no-fund) >>"$log" 2>&1 || return 1
		printf '%s\n' "$lock" >"$src/.sh-lock-hash"
	fi
	msg "portal: npm test, backstage-cli package build (about 1 minute)"
	(cd "$src" && npm test && npx --no-install backstage-cli package build) >>"$log" 2>&1
}

# ui_install_dist FROM TO HASH: replaces TO with a readable copy of FROM
# stamped with HASH.
ui_install_dist() {
	local from=$1 to=$2 hash=$3
	rm -rf "$to.tmp"
	if ! cp -R "$from" "$to.tmp" || ! printf '%s\n' "$hash" >"$to.tmp/.sh-ui-hash" ||
		! chmod -R a+rX "$to.tmp"; then
		die "could not copy the portal build into $to.tmp"
	fi
	rm -rf "$to"
	mv "$to.tmp" "$to" || die "could not install the portal build into $to"
}

# Builds the portal unless the cached build is of this ui/ tree; sets and
# exports SH_UI_DIST.
ui_build() {
	local dist src hash log t0
	if [ -n "${SH_UI_DIST:-}" ]; then
		export SH_UI_DIST
		return 0
	fi
	[ "$SH_DEV_UI" != none ] || return 0
	[ -f "$SH_ROOT/ui/package.json" ] || return 0
	dist=$(dirname "$SH_UI")/ui-dist
	src=$SH_VAR/ui-src
	log=$SH_LOG/ui-build.log
	hash=$(ui_tree_hash)
	if [ -f "$dist/index.html" ] && [ "$(cat "$dist/.sh-ui-hash" 2>/dev/null)" = "$hash" ]; then
		export SH_UI_DIST=$dist
		return 0
	fi
	mkdir -p "$SH_LOG"
	ui_node
	t0=$SECONDS
	msg "portal: ui/ changed since the last build; building (log: $log)"
	ui_sync "$src"
	: >"$log"
	ui_compile "$src" "$log" || {
		show_log_tail "$log"
		die "the portal build failed (SH_DEV_UI=none skips it)"
	}
	ui_install_dist "$src/dist" "$dist" "$hash"
	msg "portal: built in $((SECONDS - t0)) s"
	export SH_UI_DIST=$dist
}
