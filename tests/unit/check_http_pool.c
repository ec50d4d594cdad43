/*
 * Connection reuse in the HTTP client (http_pool.c) against the stand-in
 * server, tests/stubs/standin.py, which records the connection each
 * request came on: one connection for calls in a row to one origin, none
 * shared across origins, after an aborted stream or a timeout, or across
 * CA files on TLS, and a bounded pool of handles.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_int.h"
#include "standin.h"

/* ---------------------------------------------------------------- connection reuse */

/* The number of the connection the n-th request to path came on (1, 2,
 * ... in accept order), or 0 when there is no such request, as the
 * stand-in at base (trusted through ca, or NULL) recorded it. */
static long connection_at(const char *base, const char *ca, const char *path, int n)
{
	char url[256];
	struct sh_http_request rq = { .url = url, .ca_file = ca };
	struct sh_http_response resp;
	json_t *all;
	long conn;

	snprintf(url, sizeof url, "%s/__standin/requests", base);
	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	all = json_loadb(resp.body, resp.body_len, 0, NULL);
	sh_http_response_free(&resp);
	ck_assert_ptr_nonnull(all);
	conn = (long)json_integer_value(json_object_get(standin_entry(all, path, n), "connection"));
	json_decref(all);
	return conn;
}

static long connection_of(const char *path, int n)
{
	return connection_at(standin_base(), NULL, path, n);
}

/* GET url, which must answer 200. */
static void get_ok(const char *url)
{
	struct sh_http_request rq = { .url = url };
	struct sh_http_response resp;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	ck_assert_int_eq(resp.status, 200);
	sh_http_response_free(&resp);
}

static void ok_route(const char *path)
{
	standin_route(json_pack("{s:s,s:s}", "path", path, "body_text", "ok"));
}

/* Two calls in a row to one origin: one connection, one pooled handle. */
START_TEST(test_reuse_sequential)
{
	ok_route("/ka");
	get_ok(standin_url("/ka"));
	get_ok(standin_url("/ka"));
	ck_assert_int_gt(connection_of("/ka", 0), 0);
	ck_assert_int_eq(connection_of("/ka", 1), connection_of("/ka", 0));
	ck_assert_uint_eq(host_http_pool_size(), 1);
	/* host_http_fini's clear closes it: the next call connects anew. */
	host_http_pool_clear();
	ck_assert_uint_eq(host_http_pool_size(), 0);
	get_ok(standin_url("/ka"));
	ck_assert_int_ne(connection_of("/ka", 2), connection_of("/ka", 0));
}
END_TEST

/* The same server under another host name is another origin: its own
 * connection; the first one is still kept (two per handle) and reused. */
START_TEST(test_reuse_not_across_origins)
{
	char host[64], other[256];

	snprintf(host, sizeof host, "localhost%s", strrchr(standin_base(), ':'));
	snprintf(other, sizeof other, "http://%s/ka", host);
	ok_route("/ka");
	get_ok(standin_url("/ka"));
	get_ok(other);
	get_ok(standin_url("/ka"));
	ck_assert_str_eq(standin_sent("/ka", 1, "host"), host);
	ck_assert_int_ne(connection_of("/ka", 1), connection_of("/ka", 0));
	ck_assert_int_eq(connection_of("/ka", 2), connection_of("/ka", 0));
}
END_TEST

/* Aborts the transfer at its first chunk. */
static int stop_at_once(const char *buf, size_t len, void *state)
{
	(void)buf, (void)len, (void)state;
	return 1;
}

/* Five NDJSON lines, 300 ms apart: a stream to abort mid-body. */
static void ndjson_route(const char *path)
{
	standin_route(json_pack("{s:s,s:s,s:{s:s},s:s,s:i}", "method", "GET", "path", path,
				"headers", "Content-Type", "application/x-ndjson", "body_text",
				"{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n",
				"ndjson_pause_ms", 300));
}

/* A stream the receiver aborted mid-body leaves no half-read connection
 * behind: its handle is not pooled, and the next call connects anew. */
START_TEST(test_reuse_not_after_abort)
{
	struct sh_http_request rq = { .url = standin_url("/nd-abort"), .on_chunk = stop_at_once };
	struct sh_http_response resp;

	ndjson_route("/nd-abort");
	ok_route("/ka");
	get_ok(standin_url("/ka"));
	host_http_pool_clear();
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_EIO);
	ck_assert(resp.aborted);
	sh_http_response_free(&resp);
	ck_assert_uint_eq(host_http_pool_size(), 0);
	get_ok(standin_url("/ka"));
	ck_assert_int_ne(connection_of("/ka", 1), connection_of("/nd-abort", 0));
	ck_assert_int_ne(connection_of("/ka", 1), connection_of("/ka", 0));
}
END_TEST

/* A timed-out call (the stand-in stalls) is not reused either. */
START_TEST(test_reuse_not_after_timeout)
{
	struct sh_http_request rq = { .url = standin_url("/stall"), .timeout_ms = 300 };
	struct sh_http_response resp;

	ok_route("/stall");
	get_ok(standin_url("/stall"));
	standin_misbehave(json_pack("{s:s,s:s,s:f,s:i}", "mode", "delay", "path", "/stall",
				    "seconds", 1.0, "times", 1));
	ck_assert_int_eq(sh_http_do(&rq, &resp), SH_ETIMEDOUT);
	sh_http_response_free(&resp);
	get_ok(standin_url("/stall"));
	ck_assert_int_ne(connection_of("/stall", 2), connection_of("/stall", 1));
}
END_TEST

static void *get_slow(void *arg)
{
	(void)arg;
	get_ok(standin_url("/slow"));
	return NULL;
}

/* Twelve calls at once make twelve handles; the pool keeps eight. */
START_TEST(test_pool_bounded)
{
	pthread_t t[HOST_HTTP_POOL_HANDLES + 4];
	size_t n = sizeof t / sizeof *t;

	ok_route("/slow");
	standin_misbehave(json_pack("{s:s,s:s,s:f}", "mode", "delay", "path", "/slow",
				    "seconds", 0.5));
	host_http_pool_clear();
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, get_slow, NULL), 0);
	for (size_t i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	ck_assert_uint_eq(host_http_pool_size(), HOST_HTTP_POOL_HANDLES);
}
END_TEST

/* ---------------------------------------------------------------- TLS reuse */

static char tls_dir[] = "/tmp/check_http_tls.XXXXXX";

/* Runs argv with its output discarded; its exit status, -1 if it did not
 * exit. */
static int run(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Appends the file `from` to the file `to`. */
static void append_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "ab");
	char buf[4096];
	size_t n;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

/* A self-signed certificate for 127.0.0.1 as dir/name.crt, and with its
 * key as dir/name.pem. */
static void make_cert(const char *name)
{
	char key[256], crt[256];
	char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
			 "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
			 "-keyout", key, "-out", crt, NULL };

	snprintf(key, sizeof key, "%s/%s.pem", tls_dir, name);
	snprintf(crt, sizeof crt, "%s/%s.crt", tls_dir, name);
	ck_assert_int_eq(run(argv), 0);
	append_file(crt, key);
}

/* Removes tls_dir and the files the test made in it. */
static void remove_tls_dir(void)
{
	static const char *const names[] = { "a.pem", "a.crt", "b.pem", "b.crt", "port", NULL };
	char path[256];

	for (size_t i = 0; names[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", tls_dir, names[i]);
		unlink(path);
	}
	ck_assert_int_eq(rmdir(tls_dir), 0);
}

/* A second stand-in on TLS with dir/a.pem; its https base in base. */
static pid_t tls_standin(char *base, size_t size)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char script[1024], cert[128], portfile[128];
	pid_t pid;
	FILE *f;
	int port = 0;

	snprintf(script, sizeof script, "%s/tests/stubs/standin.py", top);
	snprintf(cert, sizeof cert, "%s/a.pem", tls_dir);
	snprintf(portfile, sizeof portfile, "%s/port", tls_dir);
	if ((pid = fork()) == 0) {
		/* Quiet: the refused handshakes below print tracebacks. */
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		execlp("python3", "python3", script, "--port", "0", "--port-file", portfile,
		       "--tls-cert", cert, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && port == 0; i++) {
		usleep(50 * 1000);
		if ((f = fopen(portfile, "r")) != NULL) {
			port = fscanf(f, "%d", &port) == 1 ? port : 0;
			fclose(f);
		}
	}
	ck_assert_int_gt(port, 0);
	snprintf(base, size, "https://127.0.0.1:%d", port);
	return pid;
}

/* GET base/path trusting ca (dir/NAME.crt, or NULL: the system's CAs). */
static int tls_get(const char *base, const char *ca)
{
	char url[256], file[128];
	struct sh_http_request rq = { .url = url };
	struct sh_http_response resp;
	int rc;

	snprintf(url, sizeof url, "%s/tls", base);
	if (ca) {
		snprintf(file, sizeof file, "%s/%s.crt", tls_dir, ca);
		rq.ca_file = file;
	}
	rc = sh_http_do(&rq, &resp);
	sh_http_response_free(&resp);
	return rc;
}

/* TLS connections are reused too, but only by a call trusting the same CA
 * file: one that asked for another CA (or the system's) verifies anew and
 * fails, where a reused connection would have answered. */
START_TEST(test_reuse_tls_same_ca_only)
{
	char base[64], ca[128];
	pid_t pid;

	ck_assert_ptr_nonnull(mkdtemp(tls_dir));
	make_cert("a");
	make_cert("b");
	pid = tls_standin(base, sizeof base);
	snprintf(ca, sizeof ca, "%s/a.crt", tls_dir);
	ck_assert_int_eq(tls_get(base, "a"), 0);
	ck_assert_int_eq(tls_get(base, "a"), 0);
	ck_assert_int_gt(connection_at(base, ca, "/tls", 0), 0);
	ck_assert_int_eq(connection_at(base, ca, "/tls", 1), connection_at(base, ca, "/tls", 0));
	ck_assert_int_eq(tls_get(base, "b"), SH_EIO);
	ck_assert_int_eq(tls_get(base, NULL), SH_EIO);
	ck_assert_int_eq(tls_get(base, "a"), 0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	remove_tls_dir();
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_reuse_sequential,
		test_reuse_not_across_origins,
		test_reuse_not_after_abort,
		test_reuse_not_after_timeout,
		test_pool_bounded,
		test_reuse_tls_same_ca_only,
	};

	return standin_main("http_pool", tests, sizeof(tests) / sizeof(*tests));
}
