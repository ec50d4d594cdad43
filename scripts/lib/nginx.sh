# shellcheck shell=bash
# nginx for the dev stack: renders nginx/stagehand.conf (the production
# file) with this stack's paths and ports, wraps it in a whole nginx.conf
# with a private prefix, and starts/reloads/stops that nginx by pidfile.
# Also the self-signed certificate, made once.

SH_NGINX_PIDFILE_NAME=nginx.pid

nginx_pidfile() { printf '%s\n' "$SH_RUN/$SH_NGINX_PIDFILE_NAME"; }

# replace_exact TEXT FROM TO: prints TEXT with every FROM replaced; fails
# when FROM does not occur, so an edit to the production file that drops a
# string the dev stack swaps is caught at once instead of reaching a test.
replace_exact() {
	local text=$1 from=$2 to=$3
	[[ $text == *"$from"* ]] || die "nginx/stagehand.conf no longer contains '$from' (scripts/lib/nginx.sh renders it)"
	printf '%s' "${text//"$from"/"$to"}"
}

nginx_render_site() {
	local s
	s=$(<"$SH_ROOT/nginx/stagehand.conf")
	s=$(replace_exact "$s" 'unix:/run/stagehand/' "unix:$SH_RUN/")
	s=$(replace_exact "$s" 'listen 80;' "listen 127.0.0.1:$SH_HTTP_PORT;")
	s=$(replace_exact "$s" 'listen 443 ssl http2;' "listen 127.0.0.1:$SH_HTTPS_PORT ssl http2;")
	s=$(replace_exact "$s" 'listen [::]:80;' '# (dev: IPv4 loopback only)')
	s=$(replace_exact "$s" 'listen [::]:443 ssl http2;' '# (dev: IPv4 loopback only)')
	# shellcheck disable=SC2016 # nginx variables, literally
	s=$(replace_exact "$s" 'https://$host$request_uri' "https://\$host:$SH_HTTPS_PORT\$request_uri")
	s=$(replace_exact "$s" '/etc/stagehand/tls/fullchain.pem' "$SH_CERT")
	s=$(replace_exact "$s" '/etc/stagehand/tls/privkey.pem' "$SH_KEY")
	s=$(replace_exact "$s" '/var/log/nginx/stagehand-access.log' "$SH_LOG/nginx-access.log")
	s=$(replace_exact "$s" '/var/log/nginx/stagehand-error.log' "$SH_LOG/nginx-error.log")
	s=$(replace_exact "$s" 'alias /var/lib/stagehand/files/' "alias $SH_FILES/")
	# [ui] render_dir: config.sh sets it to $SH_RUN/ui for pool main
	s=$(replace_exact "$s" '/run/stagehand/ui' "$SH_RUN/ui")
	s=$(replace_exact "$s" 'server_name portal.example.com' 'server_name localhost')
	printf '# Rendered by scripts/dev from nginx/stagehand.conf; do not edit.\n%s\n' "$s"
}

nginx_render_main() {
	local s
	s=$(<"$SH_ROOT/nginx/stagehand-dev.conf.in")
	s=$(replace_exact "$s" '@SH_RUN@' "$SH_RUN")
	s=$(replace_exact "$s" '@SH_LOG@' "$SH_LOG")
	s=$(replace_exact "$s" '@SH_NGINX@' "$SH_NGINX")
	printf '%s\n' "$s"
}

nginx_render() {
	local d
	mkdir -p "$SH_NGINX" "$SH_RUN" "$SH_LOG" "$SH_FILES" "$SH_UI"
	for d in body fastcgi proxy uwsgi scgi; do mkdir -p "$SH_NGINX/tmp/$d"; done
	chmod 0755 "$SH_FILES" "$SH_UI"
	# The placeholder build ([ui] root when no frontend build is set): a page
	# with a <head> the pool renders the runtime config into.
	if ! grep -qi '<head>' "$SH_UI/index.html" 2>/dev/null; then
		printf '%s\n' '<!doctype html><html><head><title>Stagehand</title></head>' \
			'<body><p>Stagehand dev stack: no portal build yet; the API is under /api/.</p></body></html>' \
			>"$SH_UI/index.html"
	fi
	nginx_render_site >"$SH_NGINX/stagehand.conf"
	nginx_render_main >"$SH_NGINX/nginx.conf"
}

cert_make() {
	[ -s "$SH_CERT" ] && [ -s "$SH_KEY" ] && return 0
	mkdir -p "$SH_TLS"
	msg "making a self-signed certificate for localhost and 127.0.0.1"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
		-subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$SH_KEY" -out "$SH_CERT" 2>"$SH_TLS/openssl.err" || {
		cat "$SH_TLS/openssl.err" >&2
		die "openssl could not make the certificate"
	}
	chmod 0600 "$SH_KEY"
}

nginx_cmd() {
	nginx -p "$SH_NGINX" -c "$SH_NGINX/nginx.conf" -e "$SH_LOG/nginx-error.log" "$@"
}

nginx_test() {
	local out
	out=$(nginx_cmd -t -q 2>&1) || {
		printf '%s\n' "$out" >&2
		die "the rendered nginx config is invalid ($SH_NGINX/nginx.conf)"
	}
}

nginx_pid() { pidfile_pid "$(nginx_pidfile)" nginx; }

nginx_start() {
	local pid i
	cert_make
	nginx_render
	nginx_test
	if pid=$(nginx_pid); then
		msg "nginx already running (pid $pid): reloading"
		kill -HUP "$pid"
		return 0
	fi
	rm -f "$(nginx_pidfile)"
	nginx_cmd || {
		show_log_tail "$SH_LOG/nginx-error.log" 20
		die "nginx did not start"
	}
	for ((i = 0; i < 50; i++)); do
		if pid=$(nginx_pid); then
			msg "nginx running (pid $pid): https://127.0.0.1:$SH_HTTPS_PORT, http://127.0.0.1:$SH_HTTP_PORT"
			return 0
		fi
		sleep 0.1
	done
	show_log_tail "$SH_LOG/nginx-error.log" 20
	die "nginx wrote no pidfile"
}

nginx_reload() {
	local pid
	pid=$(nginx_pid) || die "nginx is not running"
	nginx_render
	nginx_test
	kill -HUP "$pid"
	msg "nginx reloaded (pid $pid)"
}

nginx_stop() {
	local pid
	if pid=$(nginx_pid); then
		msg "stopping nginx (pid $pid)"
		# QUIT lets open requests (streams) finish; a stuck one gets killed.
		stop_pid "$pid" QUIT 10 nginx || true
	fi
	rm -f "$(nginx_pidfile)"
}

nginx_status() {
	local pid
	if pid=$(nginx_pid); then
		printf 'nginx: running (pid %s, https://127.0.0.1:%s)\n' "$pid" "$SH_HTTPS_PORT"
		return 0
	fi
	printf 'nginx: stopped\n'
	return 1
}

# Waits until /healthcheck answers ok through nginx and TLS.
nginx_wait_healthy() {
	local url="https://127.0.0.1:$SH_HTTPS_PORT/healthcheck" body i
	for ((i = 0; i < 300; i++)); do
		body=$(curl -sk --max-time 2 "$url" 2>/dev/null) || body=
		case $body in *'"status":"ok"'* | *'"status": "ok"'*) return 0 ;; esac
		sleep 0.1
	done
	die "$url did not answer {\"status\":\"ok\"} within 30s (last answer: ${body:-none})"
}
