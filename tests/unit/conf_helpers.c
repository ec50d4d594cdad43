/*
 * What the configuration suites share: parsing a text with its error in
 * err, temporary directories and files, a clean environment, the dump.
 */
#define _GNU_SOURCE /* nftw */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_helpers.h"

char err[1024];

struct sh_conf *parse(const char *text)
{
	err[0] = '\0';
	return host_conf_parse(text, strlen(text), "t.ini", err, sizeof(err));
}

/* Parses and validates the host sections; fails the test on any error. */
struct sh_conf *valid(const char *text)
{
	struct sh_conf *c = parse(text);

	ck_assert_msg(c != NULL, "parse: %s", err);
	ck_assert_msg(host_conf_validate_host(c, err, sizeof(err)) == 0, "validate: %s", err);
	return c;
}

/* Expects parsing or host validation to fail with exactly `want`. */
void invalid(const char *text, const char *want)
{
	struct sh_conf *c = parse(text);

	if (c) {
		int rc = host_conf_validate_host(c, err, sizeof(err));

		host_conf_free(c);
		ck_assert_msg(rc < 0, "accepted: %s", text);
	}
	ck_assert_str_eq(err, want);
}

void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A fresh directory under /tmp; rm_tree removes it at the end of the test. */
void temp_dir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/check_conf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* The caller's environment (a CI job, a dev shell) must not leak into a test. */
void clear_env(void)
{
	static const char *const vars[] = {
		"OPENCHOREO_FEATURES_AUTH_ENABLED", "OPENCHOREO_FEATURES_AUTHZ_ENABLED",
		"OPENCHOREO_FEATURES_AUTH_REDIRECT_FLOW_ENABLED", "OPENCHOREO_FEATURES_WORKFLOWS_ENABLED",
		"OPENCHOREO_FEATURES_OBSERVABILITY_ENABLED", "OPENCHOREO_FEATURES_ASSISTANT_ENABLED",
		"OPENCHOREO_FEATURES_SECRET_MANAGEMENT_ENABLED", "OPENCHOREO_EVENTS_ENABLED",
		"POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB",
		"PGSSLMODE", "LOG_LEVEL", "BACKEND_SECRET", "SH_TEST_INTERVAL", "SH_TEST_THING",
		"SH_TEST_ASSISTANT",
	};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

/* noinline: gcc 12 -O2 otherwise takes open_memstream's buffer for a dangling local. */
__attribute__((noinline)) char *dump_text(const struct sh_conf *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	host_conf_dump(c, f);
	fclose(f);
	return buf;
}
