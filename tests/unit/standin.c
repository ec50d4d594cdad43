/*
 * The stand-in server for unit suites (standin.h): a python3 child on a
 * free port, driven through its control API with the client under test.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_int.h"
#include "idp.h"
#include "standin.h"

struct sh_host standin_host;
static pid_t standin_pid;
static char base[64];               /* http://127.0.0.1:PORT */

const char *standin_base(void)
{
	return base;
}

static int read_port(const char *file)
{
	FILE *f = fopen(file, "r");
	int port = 0;

	if (f) {
		if (fscanf(f, "%d", &port) != 1)
			port = 0;
		fclose(f);
	}
	return port;
}

/* Whether python3 is on PATH (the one reason to skip). */
static bool have_python3(void)
{
	const char *path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
	char file[4096];

	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(file, sizeof(file), "%.*s/python3", (int)n, path);
		if (n > 0 && access(file, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* Starts standin.py on a free port; 0 once it listens, -1 otherwise. */
static int start(void)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char script[4096], portfile[] = "/tmp/standin-port.XXXXXX";
	int fd = mkstemp(portfile), port = 0;

	close(fd);
	unlink(portfile);
	snprintf(script, sizeof(script), "%s/tests/stubs/standin.py", top);
	if ((standin_pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execlp("python3", "python3", script, "--port", "0", "--port-file", portfile,
		       "--ndjson-pause-ms", "200", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && port == 0; i++) {
		usleep(50 * 1000);
		port = read_port(portfile);
		if (waitpid(standin_pid, NULL, WNOHANG) == standin_pid)
			return -1;
	}
	unlink(portfile);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	return port ? 0 : -1;
}

static void stop(void)
{
	if (standin_pid > 0) {
		kill(standin_pid, SIGTERM);
		waitpid(standin_pid, NULL, 0);
	}
}

char *standin_url(const char *path)
{
	static char buf[16][256];
	static int n;
	char *u = buf[n++ % 16];

	snprintf(u, sizeof(buf[0]), "%s%s", base, path);
	return u;
}

/* The same for the control calls, which must not reuse a test's buffers. */
static char *ctl_url(const char *path)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s%s", base, path);
	return buf;
}

/* A control call with a JSON body (stolen); returns the status. */
static long control(const char *method, const char *path, json_t *body)
{
	static const char *const json_hdr[] = { "Content-Type: application/json", NULL };
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	struct sh_http_request rq = { .method = method, .url = ctl_url(path), .headers = json_hdr,
				      .body = text, .body_len = text ? strlen(text) : 0 };
	struct sh_http_response resp;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	sh_http_response_free(&resp);
	free(text);
	json_decref(body);
	return resp.status;
}

void standin_route(json_t *spec)
{
	ck_assert_int_eq(control("POST", "/__standin/routes", spec), 201);
}

void standin_misbehave(json_t *rule)
{
	ck_assert_int_eq(control("POST", "/__standin/misbehave", rule), 201);
}

json_t *standin_entry(json_t *all, const char *path, int n)
{
	json_t *r;
	size_t i;

	json_array_foreach(all, i, r)
		if (strcmp(json_string_value(json_object_get(r, "path")), path) == 0 && n-- == 0)
			return r;
	return NULL;
}

json_t *standin_recorded(const char *path, int n)
{
	struct sh_http_request rq = { .url = ctl_url("/__standin/requests") };
	struct sh_http_response resp;
	json_t *all, *h;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	all = json_loadb(resp.body, resp.body_len, 0, NULL);
	sh_http_response_free(&resp);
	ck_assert_ptr_nonnull(all);
	h = json_incref(json_object_get(standin_entry(all, path, n), "headers"));
	json_decref(all);
	return h;
}

int standin_count(const char *path)
{
	int n = 0;
	json_t *h;

	while ((h = standin_recorded(path, n)) != NULL) {
		json_decref(h);
		n++;
	}
	return n;
}

const char *standin_sent(const char *path, int n, const char *name)
{
	static char value[512];
	json_t *h = standin_recorded(path, n);
	const char *v;

	ck_assert_msg(h != NULL, "no request %d to %s", n, path);
	v = json_string_value(json_object_get(h, name));
	if (v)
		snprintf(value, sizeof(value), "%s", v);
	json_decref(h);
	return v ? value : NULL;
}


void standin_reset(void)
{
	control("POST", "/__standin/reset", NULL);
}

/* [http] defaults small enough to test, and the IdP at the stand-in. */
static int host_setup(void)
{
	char ini[1024], err[256];

	snprintf(ini, sizeof(ini),
		 "[http]\ntimeout_ms = 1500\nmax_body = 65536\n"
		 "[identity]\ntoken_url = %s/token\nservice_client_id = portal\n"
		 "service_client_secret = shh\n", base);
	standin_host.conf = host_conf_parse(ini, strlen(ini), "standin.ini", err, sizeof(err));
	if (!standin_host.conf) {
		fprintf(stderr, "standin: %s\n", err);
		return -1;
	}
	return host_http_init(standin_host.conf);
}

/* Each test starts from nothing: no routes, no cached bodies or tokens. */
static void setup(void)
{
	standin_reset();
	host_http_etag_clear();
	host_svctoken_reset();
}

static int run(const char *name, const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("core");
	SRunner *sr = srunner_create(s);
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	for (size_t i = 0; i < n; i++)
		_tcase_add_test(tc, tests[i], 0, 0, 0, 1);
	suite_add_tcase(s, tc);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int standin_main(const char *name, const TTest *const *tests, size_t n)
{
	int rc = EXIT_FAILURE;

	if (!have_python3()) {
		printf("%s: python3 not found, skipped\n", name);
		return 77;
	}
	if (start() != 0)
		fprintf(stderr, "%s: the stand-in server did not start\n", name);
	else if (host_setup() == 0)
		rc = run(name, tests, n);
	stop();
	host_conf_free(standin_host.conf);
	host_http_fini();
	return rc;
}
