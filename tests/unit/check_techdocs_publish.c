/*
 * plugins/techdocs/publish.c: the site directory of an entity (lower-cased,
 * refused parts), publishing the fixture's site with techdocs_metadata.json
 * as techdocs-node writes it (what the build wrote, build_timestamp in ms,
 * files, etag; compact JSON and a newline), a second publish replacing the
 * first, symlinks refused with the live site untouched, and atomicity: a
 * reader looping over index.html while sites are swapped in never finds it
 * missing or cut short.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "../../plugins/techdocs/techdocs.h"
#include "unit.h"

#define FIXTURE "tests/data/upstream/techdocs/published/default/component/checkout-service"

static char tmp[256];

static void setup(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/check_techdocs_publish.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static void teardown(void)
{
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *fixture(void)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";

	return sh_xasprintf("%s/%s", top, FIXTURE);
}

static char *path(const char *rel)
{
	return sh_xasprintf("%s/%s", tmp, rel);
}

static void remove_rel(const char *rel)
{
	char *p = path(rel);

	remove(p);
	free(p);
}

static void mkdir_rel(const char *rel)
{
	char *p = path(rel);

	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
}

static void write_file(const char *rel, const char *text)
{
	char *p = path(rel);
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static bool exists(const char *rel)
{
	char *p = path(rel);
	struct stat st;
	bool r = lstat(p, &st) == 0;

	free(p);
	return r;
}

static char *slurp(const char *rel)
{
	char *p = path(rel), *buf = sh_xcalloc(1, 1 << 16);
	FILE *f = fopen(p, "r");

	ck_assert_msg(f != NULL, "%s", p);
	fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	free(p);
	return buf;
}

/* The published techdocs_metadata.json of component <name>: its text (*text,
 * malloc'd) and JSON. */
static json_t *metadata(const char *name, char **text)
{
	char *rel = sh_xasprintf("root/default/component/%s/techdocs_metadata.json", name);
	json_t *m;

	*text = slurp(rel);
	m = json_loads(*text, 0, NULL);
	ck_assert_ptr_nonnull(m);
	free(rel);
	return m;
}

/* Entries of tmp/<rel> other than "." and "..". */
static int count_entries(const char *rel)
{
	char *cmd = sh_xasprintf("ls -A %s/%s | wc -l", tmp, rel);
	FILE *p = popen(cmd, "r");
	int n = -1;

	ck_assert(fscanf(p, "%d", &n) == 1);
	pclose(p);
	free(cmd);
	return n;
}

START_TEST(test_site_dir)
{
	char *d = td_site_dir("/srv/docs", "Default", "Component", "Checkout-Service");

	ck_assert_str_eq(d, "/srv/docs/default/component/checkout-service");
	free(d);
	d = td_site_dir("/srv/docs/", "default", "api", "x");
	ck_assert_str_eq(d, "/srv/docs/default/api/x");
	free(d);
	ck_assert_ptr_null(td_site_dir("/r", "default", "component", ""));
	ck_assert_ptr_null(td_site_dir("/r", "default", "component", ".."));
	ck_assert_ptr_null(td_site_dir("/r", ".", "component", "x"));
	ck_assert_ptr_null(td_site_dir("/r", "default", "a/b", "x"));
	ck_assert_ptr_null(td_site_dir("/r", "default", "component", "a\\b"));
	ck_assert_ptr_null(td_site_dir("/r", NULL, "component", "x"));
	ck_assert_ptr_null(td_site_dir("", "default", "component", "x"));
}
END_TEST

START_TEST(test_publish_fixture)
{
	char *site = fixture(), *root = path("root"), err[256] = "";
	long long before = (long long)time(NULL) * 1000;
	json_t *m, *files;
	char *text;

	ck_assert_int_eq(td_publish(root, "Default", "Component", "Checkout-Service", site,
				    "0123456789abcdef0123456789abcdef01234567", err, sizeof err), 0);
	ck_assert(exists("root/default/component/checkout-service/index.html"));
	ck_assert(exists("root/default/component/checkout-service/runbooks/on-call/index.html"));
	ck_assert(exists("root/default/component/checkout-service/assets/images/favicon.png"));
	ck_assert_int_eq(count_entries("root/default/component"), 1); /* nothing staged left */
	m = metadata("checkout-service", &text);
	ck_assert(strchr(text, '\n') == text + strlen(text) - 1); /* one line, newline-terminated */
	ck_assert(strstr(text, "\":") && !strstr(text, "\": ") && !strstr(text, ", \""));
	ck_assert_str_eq(json_string_value(json_object_get(m, "site_name")), "Checkout Service");
	ck_assert_str_eq(json_string_value(json_object_get(m, "site_description")),
			 "Cart, order and checkout backend");
	ck_assert(json_is_integer(json_object_get(m, "build_timestamp")));
	ck_assert_int_ge(json_integer_value(json_object_get(m, "build_timestamp")), before);
	ck_assert_int_le(json_integer_value(json_object_get(m, "build_timestamp")), before + 60000);
	ck_assert_str_eq(json_string_value(json_object_get(m, "etag")),
			 "0123456789abcdef0123456789abcdef01234567");
	files = json_object_get(m, "files");
	ck_assert_uint_eq(json_array_size(files), 12);
	ck_assert_str_eq(json_string_value(json_array_get(files, 0)), "404.html");
	ck_assert_str_eq(json_string_value(json_array_get(files, 6)), "index.html");
	ck_assert_str_eq(json_string_value(json_array_get(files, 7)), "runbooks/on-call/index.html");
	ck_assert_str_eq(json_string_value(json_array_get(files, 11)), "techdocs_metadata.json");
	/* the fixture's own list is what the real pipeline wrote: the same files */
	{
		char *orig = sh_xasprintf("%s/techdocs_metadata.json", site);
		json_t *o = json_load_file(orig, 0, NULL);

		ck_assert(json_equal(json_object_get(o, "files"), files));
		json_decref(o);
		free(orig);
	}
	json_decref(m);
	free(text), free(site), free(root);
}
END_TEST

START_TEST(test_publish_replaces)
{
	char *root = path("root"), *site = path("site"), err[256] = "";
	json_t *m;
	char *text;

	mkdir(site, 0755);
	write_file("site/index.html", "one\n");
	write_file("site/stale.html", "stale\n");
	ck_assert_int_eq(td_publish(root, "default", "component", "x", site, NULL, err, sizeof err), 0);
	remove_rel("site/stale.html");
	write_file("site/index.html", "two\n");
	write_file("site/techdocs_metadata.json", "{\"site_name\":\"X docs\",\"site_description\":\"None\"}");
	ck_assert_int_eq(td_publish(root, "default", "component", "x", site, "", err, sizeof err), 0);
	text = slurp("root/default/component/x/index.html");
	ck_assert_str_eq(text, "two\n");
	free(text);
	ck_assert(!exists("root/default/component/x/stale.html"));
	ck_assert_int_eq(count_entries("root/default/component"), 1);
	m = metadata("x", &text);
	ck_assert_str_eq(json_string_value(json_object_get(m, "site_name")), "X docs");
	ck_assert_ptr_null(json_object_get(m, "etag"));
	ck_assert_uint_eq(json_array_size(json_object_get(m, "files")), 2);
	/* key order as techdocs-node leaves it: the build's keys first */
	ck_assert(strncmp(text, "{\"site_name\":\"X docs\",\"site_description\":\"None\",\"build_timestamp\":", 66) == 0);
	json_decref(m);
	free(text), free(root), free(site);
}
END_TEST

/* What a publish that died left beside the site goes with the next one,
 * unless it is young enough to be another publish's. */
START_TEST(test_stale_staging_swept)
{
	char *root = path("root"), *site = path("site"), *old, err[256] = "";
	struct timespec t[2] = { { .tv_sec = time(NULL) - 7200 }, { .tv_sec = time(NULL) - 7200 } };

	mkdir(site, 0755);
	write_file("site/index.html", "x\n");
	ck_assert_int_eq(td_publish(root, "default", "component", "x", site, NULL, err, sizeof err), 0);
	mkdir_rel("root/default/component/.x.publish-OLD123");
	write_file("root/default/component/.x.publish-OLD123/index.html", "old\n");
	mkdir_rel("root/default/component/.x.publish-NEW123");
	mkdir_rel("root/default/component/.y.publish-OLD456");
	old = path("root/default/component/.x.publish-OLD123");
	ck_assert_int_eq(utimensat(AT_FDCWD, old, t, 0), 0);
	free(old);
	old = path("root/default/component/.y.publish-OLD456");
	ck_assert_int_eq(utimensat(AT_FDCWD, old, t, 0), 0);
	free(old);
	ck_assert_int_eq(td_publish(root, "default", "component", "x", site, NULL, err, sizeof err), 0);
	ck_assert(!exists("root/default/component/.x.publish-OLD123"));
	ck_assert(exists("root/default/component/.x.publish-NEW123"));
	ck_assert(exists("root/default/component/.y.publish-OLD456")); /* another site's */
	free(root), free(site);
}
END_TEST

START_TEST(test_no_metadata_site_name)
{
	char *root = path("root"), *site = path("site"), err[256] = "";
	char *text;
	json_t *m;

	mkdir(site, 0755);
	write_file("site/index.html", "x\n");
	ck_assert_int_eq(td_publish(root, "default", "component", "Svc", site, NULL, err, sizeof err), 0);
	m = metadata("svc", &text);
	ck_assert_str_eq(json_string_value(json_object_get(m, "site_name")), "Svc");
	json_decref(m);
	write_file("site/techdocs_metadata.json", "[1]");
	ck_assert_int_eq(td_publish(root, "default", "component", "Svc", site, NULL, err, sizeof err),
			 SH_EINVAL);
	ck_assert_str_eq(err, "techdocs_metadata.json is not a JSON object");
	free(text), free(root), free(site);
}
END_TEST

START_TEST(test_symlinks_refused)
{
	char *root = path("root"), *site = path("site"), *link = path("site/sub/passwd"), err[256] = "";
	char *text;

	mkdir(site, 0755);
	write_file("site/index.html", "good\n");
	ck_assert_int_eq(td_publish(root, "default", "component", "x", site, NULL, err, sizeof err), 0);
	mkdir_rel("site/sub");
	ck_assert_int_eq(symlink("/etc/passwd", link), 0);
	write_file("site/index.html", "bad\n");
	ck_assert_int_eq(td_publish(root, "default", "component", "x", site, NULL, err, sizeof err),
			 SH_EDENIED);
	ck_assert_str_eq(err, "symlinks are not published: sub/passwd");
	text = slurp("root/default/component/x/index.html");
	ck_assert_str_eq(text, "good\n"); /* the live site is untouched */
	ck_assert_int_eq(count_entries("root/default/component"), 1);
	free(text);
	/* a symlinked directory too */
	remove(link);
	ck_assert_int_eq(symlink("/etc", link), 0);
	ck_assert_int_eq(td_publish(root, "default", "component", "x", site, NULL, err, sizeof err),
			 SH_EDENIED);
	ck_assert_int_eq(td_publish(root, "default", "component", "..", site, NULL, err, sizeof err),
			 SH_EINVAL);
	free(root), free(site), free(link);
}
END_TEST

/* Reads index.html until stop_fd reaches end of file; exits with the
 * number of reads that found it missing or not whole (251: no read). */
static void reader(const char *file, int stop_fd)
{
	int bad = 0, reads = 0;
	char c;

	fcntl(stop_fd, F_SETFL, O_NONBLOCK);
	while (read(stop_fd, &c, 1) < 0 && errno == EAGAIN) {
		char buf[256];
		int fd = open(file, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (n <= 0 || strncmp(buf, "<html>", 6) != 0 || !strstr(buf, "</html>\n"))
			bad++;
		reads++;
	}
	_exit(reads == 0 ? 251 : bad > 250 ? 250 : bad);
}

START_TEST(test_atomic_swap)
{
	char *root = path("root"), *site = path("site"), err[256] = "";
	char *live = path("root/default/component/x/index.html");
	int status, stop[2];
	pid_t pid;

	mkdir(site, 0755);
	for (int i = 0; i < 40; i++) {
		char name[64];

		snprintf(name, sizeof name, "site/page%02d.html", i);
		write_file(name, "filler\n");
	}
	write_file("site/index.html", "<html>v0</html>\n");
	ck_assert_int_eq(td_publish(root, "default", "component", "x", site, NULL, err, sizeof err), 0);
	ck_assert_int_eq(pipe(stop), 0);
	pid = fork();
	if (pid == 0) {
		close(stop[1]);
		reader(live, stop[0]);
	}
	close(stop[0]);
	for (int i = 1; i <= 60; i++) {
		char html[64];

		snprintf(html, sizeof html, "<html>v%d</html>\n", i);
		write_file("site/index.html", html);
		ck_assert_int_eq(td_publish(root, "default", "component", "x", site, NULL, err,
					    sizeof err), 0);
	}
	close(stop[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0); /* every read found a whole page */
	{
		char *text = slurp("root/default/component/x/index.html");

		ck_assert_str_eq(text, "<html>v60</html>\n");
		free(text);
	}
	ck_assert_int_eq(count_entries("root/default/component"), 1);
	free(root), free(site), free(live);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("techdocs_publish");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_site_dir);
	tcase_add_test(tc, test_publish_fixture);
	tcase_add_test(tc, test_publish_replaces);
	tcase_add_test(tc, test_no_metadata_site_name);
	tcase_add_test(tc, test_stale_staging_swept);
	tcase_add_test(tc, test_symlinks_refused);
	tcase_add_test(tc, test_atomic_swap);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
