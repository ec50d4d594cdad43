# Shell helpers shared by tests/integration/run and bench/run (sourced, with
# $repo set): the private stack's environment, and the test plugin made
# loadable.  shtest is never installed, so the stack gets a plugin_dir and
# sql_dir of its own holding links to everything installed plus shtest.

# Exports the values `scripts/dev env` prints for the current SH_* knobs.
stack_env() {
	local out
	out=$("$repo/scripts/dev" env) || return 1
	eval "$out"
	export SH_VAR SH_BUILD SH_PREFIX SH_CONF SH_PG_SOCK SH_PG_PORT \
		SH_HTTPS_PORT SH_HTTP_PORT SH_CERT SH_RUN SH_LOG SH_FILES
}

stack_dropins() {
	printf '%s\n' "$(dirname "$SH_CONF")/conf.d"
}

# Prints KEY of [server] in the main config file that `scripts/dev up` wrote.
stack_server_key() {
	awk -v key="$1" '
		/^[ \t]*\[/ { sec = $0; gsub(/[ \t]/, "", sec); next }
		sec == "[server]" && $0 ~ "^[ \t]*" key "[ \t]*=" {
			sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t]+$/, ""); print; exit
		}' "$SH_CONF"
}

# Fills DIR/plugins and DIR/sql with links to the installed plugins and SQL
# plus the built shtest, and prints the drop-in lines that select them.
stack_plugin_dirs() {
	local dir=$1 pdir sdir f so=$SH_BUILD/tests/plugin/.libs/shtest.so
	pdir=$(stack_server_key plugin_dir)
	sdir=$(stack_server_key sql_dir)
	[ -n "$pdir" ] || pdir=$SH_PREFIX/lib/stagehand/plugins
	[ -n "$sdir" ] || sdir=$SH_PREFIX/share/stagehand/sql
	if [ ! -f "$so" ]; then
		echo "stack: $so is missing (was the tree built?)" >&2
		return 1
	fi
	rm -rf "$dir" && mkdir -p "$dir/plugins" "$dir/sql" || return 1
	for f in "$pdir"/*.so; do
		if [ -e "$f" ]; then ln -s "$f" "$dir/plugins/"; fi
	done
	for f in "$sdir"/*; do
		if [ -e "$f" ]; then ln -s "$f" "$dir/sql/"; fi
	done
	ln -s "$so" "$dir/plugins/shtest.so" &&
	ln -s "$repo/tests/plugin/sql/shtest" "$dir/sql/shtest" || return 1
	printf '[server]\nplugin_dir = %s\nsql_dir = %s\n' "$dir/plugins" "$dir/sql"
}

# Prints the last lines of the stack's logs (after a failed start).
stack_tail_logs() {
	local f
	for f in "$SH_VAR"/log/*.log; do
		if [ -f "$f" ]; then
			echo "---- $f"
			tail -n 25 "$f"
		fi
	done >&2
}
