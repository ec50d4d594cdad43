# shellcheck shell=bash
# The bench world's own nginx (sourced by sync.sh): a private instance
# under $1 (prefix: conf, logs, pid) on 127.0.0.1:$2 serving the files
# world.py --write put in $3, one file per request: GET /api/v1/<path>?<q>
# is "<path>@<q>.json" (try_files), a list the world does not populate is
# the recorded empty list (its own log, so that an unexpected request
# shows), a call without "Authorization: Bearer" the recorded 401
# MISSING_TOKEN, POST /oauth2/token the recorded client-credentials answer
# (exp 2100, so cached for the whole run).  One worker, no Nagle, keep-alive
# with no request cap: the plugin's client keeps one connection per run.
# access.log records "$request_uri $status" per request: the replay floor.

# world_nginx_start PREFIX PORT ROOT: writes PREFIX/nginx.conf and starts it.
world_nginx_start() {
	local prefix=$1 port=$2 root=$3 oc=$repo/tests/data/upstream/openchoreo
	local token empty missing
	token=$(tr -d '\n' <"$repo/tests/data/upstream/openchoreo-world/idp.token.current.json")
	empty=$(tr -d '\n' <"$oc/list.empty.json")
	missing=$(tr -d '\n' <"$oc/error.401.missing-token.json")
	mkdir -p "$prefix/logs"
	cat >"$prefix/nginx.conf" <<CONF
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 256; }
http {
	log_format world '\$request_uri \$status';
	access_log $prefix/logs/access.log world buffer=64k;
	client_body_temp_path $prefix/body;
	proxy_temp_path $prefix/proxy;
	fastcgi_temp_path $prefix/fastcgi;
	uwsgi_temp_path $prefix/uwsgi;
	scgi_temp_path $prefix/scgi;
	types { }
	# The Go server sends no validators: no 304 that the real API would not give.
	etag off;
	if_modified_since off;
	default_type application/json;
	tcp_nodelay on;
	keepalive_timeout 600s;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$port;
		root $root;
		location = /oauth2/token {
			add_header Cache-Control no-store;
			return 200 '$token';
		}
		location /api/v1/ {
			if (\$http_authorization !~ "^Bearer ") {
				return 401 '$missing';
			}
			try_files "\$uri@\$args.json" @empty;
		}
		location @empty {
			access_log $prefix/logs/empty.log world;
			access_log $prefix/logs/access.log world buffer=64k;
			return 200 '$empty';
		}
	}
}
CONF
	nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" ||
		return 1
	for _ in $(seq 50); do [ -s "$prefix/nginx.pid" ] && return 0; sleep 0.1; done
	return 1
}

# world_nginx_stop PREFIX
world_nginx_stop() {
	[ -s "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null
	rm -f "$1/nginx.pid"
}
