# shellcheck shell=bash
# Out-of-tree builds: the main build in $SH_BUILD (installed into
# $SH_PREFIX for the stack) and the sanitizer build in $SH_BUILD_ASAN (tests
# only).  Regenerates the autotools files when configure is stale and
# re-runs configure when its flags change; make decides everything else.

SH_JOBS=${SH_JOBS:-2}

# Runs autoreconf when configure is missing or older than its inputs.
build_autoreconf() {
	local f stale=
	if [ ! -x "$SH_ROOT/configure" ]; then
		stale=1
	else
		for f in "$SH_ROOT/configure.ac" "$SH_ROOT/Makefile.am" "$SH_ROOT"/plugins/*/local.mk; do
			if [ -e "$f" ] && [ "$f" -nt "$SH_ROOT/configure" ]; then stale=1; fi
		done
	fi
	[ -n "$stale" ] || return 0
	msg "autoreconf -fi"
	# A clean clone has no m4/ yet (libtoolize fills it); aclocal warns without it.
	mkdir -p "$SH_ROOT/m4"
	# Builds of one source tree in several build dirs may start together:
	# one autoreconf at a time, and the later ones find it done.
	(
		cd "$SH_ROOT" && flock 9 && autoreconf -fi && touch configure
	) 9>"$SH_ROOT/.autoreconf.lock" || die "autoreconf failed"
}

# build_configure DIR ARGS...: configures DIR unless it already is, with
# the same arguments, by a configure no newer than its config.status.
build_configure() {
	local dir=$1 args stamp
	shift
	build_autoreconf
	mkdir -p "$dir"
	args=$(printf '%q ' "$@")
	stamp=$dir/.sh-configure-args
	if [ -f "$dir/config.status" ] && [ -f "$dir/Makefile" ] &&
		[ ! "$SH_ROOT/configure" -nt "$dir/config.status" ] &&
		[ "$(cat "$stamp" 2>/dev/null)" = "$args" ]; then
		return 0
	fi
	msg "configure in $dir"
	rm -f "$stamp"
	(cd "$dir" && "$SH_ROOT/configure" "$@") >"$dir/configure.out" 2>&1 || {
		show_log_tail "$dir/configure.out" 30
		show_log_tail "$dir/config.log" 30
		die "configure failed in $dir"
	}
	printf '%s' "$args" >"$stamp"
}

build_flags() {
	local -a extra=()
	read -r -a extra <<<"$SH_CONFIGURE_FLAGS" || true
	printf '%s\n' --enable-werror "${extra[@]}"
}

# The main build, installed into $SH_PREFIX.
build_main() {
	local -a flags
	mapfile -t flags < <(build_flags)
	build_configure "$SH_BUILD" --prefix="$SH_PREFIX" --sysconfdir="$SH_ETC" "${flags[@]}"
	msg "make in $SH_BUILD"
	make -C "$SH_BUILD" -j"$SH_JOBS" || die "build failed in $SH_BUILD"
	make -C "$SH_BUILD" install >"$SH_BUILD/install.out" 2>&1 || {
		show_log_tail "$SH_BUILD/install.out" 30
		die "make install failed in $SH_BUILD"
	}
	[ -x "$SH_DAEMON" ] || die "make install produced no $SH_DAEMON"
}

# make check in a configured tree; prints the failing logs.
build_check() {
	local dir=$1
	if make -C "$dir" -j"$SH_JOBS" check; then
		return 0
	fi
	[ -r "$dir/test-suite.log" ] && cat "$dir/test-suite.log" >&2
	return 1
}

# The sanitizer build (ASan + UBSan), never installed.
build_asan() {
	local -a flags
	mapfile -t flags < <(build_flags)
	build_configure "$SH_BUILD_ASAN" --prefix="$SH_VAR/install-asan" --sysconfdir="$SH_ETC" \
		--enable-sanitizers "${flags[@]}"
	msg "make in $SH_BUILD_ASAN"
	make -C "$SH_BUILD_ASAN" -j"$SH_JOBS"
}
