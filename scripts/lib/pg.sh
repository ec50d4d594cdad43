# shellcheck shell=bash
# The private PostgreSQL cluster: initdb once, start/stop with pg_ctl, and
# the stagehand role and database.  PostgreSQL refuses to run as root, so as
# root everything runs as Debian's postgres user, in a directory that user
# can reach.  It listens on a unix socket only (the port names the file).

SH_PG_BIN=${SH_PG_BIN:-/usr/lib/postgresql/15/bin}

# Sets SH_PG_DIR (cluster, socket, log) and friends.  As root, $SH_VAR must be
# traversable by postgres; if it is not, the cluster moves to /var/tmp.
sh_pg_paths() {
	local hash
	SH_PG_DIR=$SH_VAR/pg
	SH_PG_MOVED=
	if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 &&
		! runuser -u postgres -- test -x "$SH_VAR"; then
		hash=$(printf '%s' "$SH_VAR" | sha1sum | cut -c1-12)
		SH_PG_DIR=/var/tmp/stagehand-$hash
		SH_PG_MOVED=1
	fi
	SH_PG_DATA=$SH_PG_DIR/data
	SH_PG_SOCK=$SH_PG_DIR/sock
	SH_PG_LOG=$SH_PG_DIR/postgres.log
}

pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -h "$SH_PG_SOCK" -p "$SH_PG_PORT" -U postgres "$@"
}

pg_running() {
	[ -f "$SH_PG_DATA/postmaster.pid" ] && pg_as "$SH_PG_BIN/pg_ctl" -D "$SH_PG_DATA" status >/dev/null 2>&1
}

pg_init() {
	[ -x "$SH_PG_BIN/initdb" ] || die "no PostgreSQL 15 in $SH_PG_BIN (apt-get install postgresql)"
	if [ -n "$SH_PG_MOVED" ]; then
		msg "postgres cannot traverse $SH_VAR: the cluster lives in $SH_PG_DIR"
	fi
	mkdir -p "$SH_PG_DIR" "$SH_PG_SOCK" "$SH_LOG"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres:postgres "$SH_PG_DIR" "$SH_PG_SOCK"
	fi
	touch "$SH_PG_LOG" 2>/dev/null || pg_as touch "$SH_PG_LOG"
	[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$SH_PG_LOG"
	ln -sfn "$SH_PG_LOG" "$SH_LOG/postgres.log"
	[ -f "$SH_PG_DATA/PG_VERSION" ] && return 0
	msg "initdb $SH_PG_DATA"
	pg_as "$SH_PG_BIN/initdb" -D "$SH_PG_DATA" -U postgres --auth=trust -E UTF8 \
		--locale=C.UTF-8 -N >"$SH_PG_DIR/initdb.out" 2>&1 || {
		show_log_tail "$SH_PG_DIR/initdb.out"
		die "initdb failed"
	}
}

# Starts the cluster (a no-op when it runs) and makes sure role and db exist.
pg_start() {
	# Again: on a fresh machine the postgres user appears with the packages.
	sh_pg_paths
	sh_check_sock_path "$SH_PG_SOCK/.s.PGSQL.$SH_PG_PORT"
	pg_init
	if ! pg_running; then
		msg "starting postgresql (socket $SH_PG_SOCK, port $SH_PG_PORT)"
		# fsync off: a throwaway cluster; a crash may cost its data, never a test.
		pg_as "$SH_PG_BIN/pg_ctl" -D "$SH_PG_DATA" -l "$SH_PG_LOG" -w -t 60 \
			-o "-p $SH_PG_PORT -k '$SH_PG_SOCK' -c listen_addresses='' -c fsync=off" \
			start >/dev/null || {
			show_log_tail "$SH_PG_LOG"
			die "postgresql did not start"
		}
	fi
	pg_ensure_db
}

pg_ensure_db() {
	local have
	have=$(pg_psql -d postgres -tAc "select 1 from pg_roles where rolname = 'stagehand'") ||
		die "cannot connect to postgresql at $SH_PG_SOCK"
	[ "$have" = 1 ] || pg_psql -d postgres -c 'create role stagehand login'
	have=$(pg_psql -d postgres -tAc "select 1 from pg_database where datname = 'stagehand'")
	[ "$have" = 1 ] || pg_psql -d postgres -c 'create database stagehand owner stagehand'
}

pg_stop() {
	pg_running || return 0
	msg "stopping postgresql"
	pg_as "$SH_PG_BIN/pg_ctl" -D "$SH_PG_DATA" -m fast -w -t 60 stop >/dev/null ||
		die "postgresql did not stop"
}

pg_status() {
	local pid
	if pg_running; then
		read -r pid <"$SH_PG_DATA/postmaster.pid"
		printf 'postgresql: running (pid %s, socket %s)\n' "$pid" "$SH_PG_SOCK"
		return 0
	fi
	printf 'postgresql: stopped\n'
	return 1
}
