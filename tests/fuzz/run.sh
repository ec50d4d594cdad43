#!/usr/bin/env bash
# Builds every tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan and UBSan
# into $SH_VAR/fuzz and runs each on a fresh copy of its seed corpus
# (tests/fuzz/corpus/<name>), failing on any crash, leak or UB report.
# Each target names the sources it needs in a line of its own, and may name
# pkg-config modules beyond the host's (fcgi jansson libpq libcurl libssl):
#   /* fuzz-sources: fcgi/conf.c fcgi/conf_schema.c fcgi/arena.c */
#   /* fuzz-libs: yaml-0.1 */
# usage: tests/fuzz/run.sh [--smoke | --time SECONDS] [NAME...]
#   default 120 s per target; --smoke 8 s; NAME (e.g. ini) picks targets.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
var=${SH_VAR:-$root/var}
out=$var/fuzz
secs=120
names=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) secs=8 ;;
	--time)
		secs=${2:?--time needs seconds}
		shift
		;;
	-h | --help)
		awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"
		exit 0
		;;
	-*)
		echo "fuzz: unknown option $1" >&2
		exit 2
		;;
	*) names+=("$1") ;;
	esac
	shift
done

cc=$(command -v clang-14 || command -v clang || true)
[ -n "$cc" ] || {
	echo "fuzz: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
}
deps=(fcgi jansson libpq libcurl libssl libcrypto)

# Sources include the autoconf config.h and take the paths make passes.
write_config_h() {
	local version
	version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$root/configure.ac")
	mkdir -p "$out/include"
	cat >"$out/include/config.h" <<H
/* Written by tests/fuzz/run.sh: what the fuzzed sources need of configure. */
#define PACKAGE "stagehand"
#define PACKAGE_NAME "stagehand"
#define PACKAGE_VERSION "${version:-0}"
#define PACKAGE_STRING "stagehand ${version:-0}"
#define VERSION "${version:-0}"
H
}

# The words of a target's "/* KEY: ... */" line (empty if it has none).
target_line() {
	sed -n "s|.*$2:[[:space:]]*\\(.*\\)\\*/.*|\\1|p" "$1" | head -n 1
}

build_target() {
	local src=$1 name=$2 line f
	local -a srcs=() mods=() cflags=() libs=()
	line=$(target_line "$src" fuzz-sources)
	[ -n "$line" ] || {
		echo "fuzz: $src has no '/* fuzz-sources: ... */' line" >&2
		return 1
	}
	read -r -a srcs <<<"$line"
	read -r -a mods <<<"$(target_line "$src" fuzz-libs)" || true
	read -r -a cflags <<<"$(pkg-config --cflags "${deps[@]}" "${mods[@]}")" || true
	read -r -a libs <<<"$(pkg-config --libs "${deps[@]}" "${mods[@]}")" || true
	for f in "${srcs[@]}"; do
		[ -f "$root/$f" ] || {
			echo "fuzz: $src lists $f, which does not exist" >&2
			return 1
		}
	done
	echo "fuzz: building fuzz_$name"
	(cd "$root" && "$cc" -std=gnu11 -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-I"$out/include" -Iinclude -Ifcgi "${cflags[@]}" \
		-DSH_PLUGINDIR='"/nonexistent/plugins"' -DSH_SQLDIR='"/nonexistent/sql"' \
		-DSH_CONFFILE='"/nonexistent/stagehand.ini"' \
		"$src" "${srcs[@]}" "${libs[@]}" -ldl -lm -pthread \
		-o "$out/bin/fuzz_$name") >"$out/logs/$name.build.log" 2>&1 || {
		cat "$out/logs/$name.build.log" >&2
		echo "fuzz: fuzz_$name does not build" >&2
		return 1
	}
}

run_target() {
	local name=$1 corpus=$out/corpus/$1 log=$out/logs/$1.log execs
	rm -rf "$corpus"
	mkdir -p "$corpus" "$out/artifacts"
	if [ -d "$root/tests/fuzz/corpus/$name" ]; then
		cp -R "$root/tests/fuzz/corpus/$name/." "$corpus/"
	fi
	echo "fuzz: running fuzz_$name for ${secs}s"
	if ! "$out/bin/fuzz_$name" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$name-" "$corpus" >"$log" 2>&1; then
		tail -n 60 "$log" >&2
		echo "fuzz: fuzz_$name FAILED (log $log, inputs $out/artifacts/$name-*)" >&2
		return 1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -n 1)
	echo "fuzz: fuzz_$name ok (${execs:-?} runs)"
}

main() {
	local src name ran=0 failed=0
	mkdir -p "$out/bin" "$out/logs"
	write_config_h
	for src in tests/fuzz/fuzz_*.c; do
		[ -e "$root/$src" ] || continue
		name=${src##*/fuzz_}
		name=${name%.c}
		if [ "${#names[@]}" -gt 0 ] && [[ " ${names[*]} " != *" $name "* ]]; then
			continue
		fi
		ran=$((ran + 1))
		if build_target "$src" "$name" && run_target "$name"; then
			continue
		fi
		failed=$((failed + 1))
	done
	if [ "$ran" -eq 0 ]; then
		echo "fuzz: no targets to run" >&2
		return 1
	fi
	echo "fuzz: $((ran - failed)) of $ran targets ok"
	[ "$failed" -eq 0 ]
}

cd "$root"
main
