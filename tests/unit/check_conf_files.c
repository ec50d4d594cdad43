/*
 * Check suite of the configuration as files: conf.d drop-ins, a missing
 * file, environment overrides, secrets from files and their redaction,
 * the --check-config dump and the shipped example.
 */
#include <check.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_helpers.h"

START_TEST(dropins_in_name_order)
{
	char dir[64], path[256], sub[128];
	struct sh_conf *c;

	temp_dir(dir, sizeof(dir));
	clear_env();
	snprintf(path, sizeof(path), "%s/stagehand.ini", dir);
	snprintf(sub, sizeof(sub), "%s/conf.d", dir);
	write_file(path, "[database]\nport = 1111\nuser = main\nname = main\n[pool.main]\nsocket = /s\n");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/conf.d/20-b.ini", dir);
	write_file(sub, "[database]\nport = 2222\n");
	snprintf(sub, sizeof(sub), "%s/conf.d/10-a.ini", dir);
	write_file(sub, "[database]\nport = 3333\nuser = a\n");
	snprintf(sub, sizeof(sub), "%s/conf.d/30-c.txt", dir);
	write_file(sub, "[database]\nport = 4444\n");
	snprintf(sub, sizeof(sub), "%s/conf.d/.99.ini", dir);
	write_file(sub, "[database]\nport = 5555\n");
	unsetenv("POSTGRES_PORT");
	c = host_conf_load(path, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(sh_conf_int(c, "database", "port", 0), 2222);
	ck_assert_str_eq(sh_conf_str(c, "database", "user"), "a");
	ck_assert_str_eq(sh_conf_str(c, "database", "name"), "main");
	host_conf_free(c);
	/* an error in a drop-in names that file and line */
	write_file(sub, "");
	snprintf(sub, sizeof(sub), "%s/conf.d/40-bad.ini", dir);
	write_file(sub, "[database]\n\nport = many\n");
	ck_assert_ptr_null(host_conf_load(path, err, sizeof(err)));
	rm_tree(dir);
	snprintf(path, sizeof(path), "%s:3: port: not an integer", sub);
	ck_assert_str_eq(err, path);
}
END_TEST

START_TEST(load_without_confd_and_missing_file)
{
	char dir[64], path[128], want[512];
	struct sh_conf *c;

	temp_dir(dir, sizeof(dir));
	clear_env();
	snprintf(path, sizeof(path), "%s/stagehand.ini", dir);
	snprintf(want, sizeof(want), "could not open \"%s\": No such file or directory", path);
	ck_assert_ptr_null(host_conf_load(path, err, sizeof(err)));
	ck_assert_str_eq(err, want);
	write_file(path, "[server]\n");
	c = host_conf_load(path, err, sizeof(err));
	rm_tree(dir);
	ck_assert_msg(c != NULL, "%s", err);
	host_conf_free(c);
}
END_TEST

/* ------------------------------------------------------------------ env */

START_TEST(env_overrides)
{
	char dir[64], path[128];
	struct sh_conf *c;

	temp_dir(dir, sizeof(dir));
	clear_env();
	snprintf(path, sizeof(path), "%s/stagehand.ini", dir);
	write_file(path, "[database]\nport = 1111\nhost = ini-host\n[features]\nassistant = false\n"
		   "auth = true\n[log]\nlevel = warn\n");
	setenv("POSTGRES_PORT", "6543", 1);
	setenv("POSTGRES_HOST", "", 1);     /* empty: not set */
	setenv("POSTGRES_DB", "envdb", 1);
	setenv("PGSSLMODE", "require", 1);
	setenv("LOG_LEVEL", "debug", 1);
	setenv("OPENCHOREO_FEATURES_ASSISTANT_ENABLED", "true", 1);
	setenv("OPENCHOREO_FEATURES_AUTH_ENABLED", "false", 1);
	c = host_conf_load(path, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(sh_conf_int(c, "database", "port", 0), 6543);
	ck_assert_str_eq(sh_conf_str(c, "database", "host"), "ini-host");
	ck_assert_str_eq(sh_conf_str(c, "database", "name"), "envdb");
	ck_assert_str_eq(sh_conf_str(c, "database", "sslmode"), "require");
	ck_assert_str_eq(sh_conf_str(c, "log", "level"), "debug");
	ck_assert(sh_conf_feature(c, "assistant"));
	ck_assert(!sh_conf_feature(c, "auth"));
	host_conf_free(c);
	setenv("POSTGRES_PORT", "abc", 1);
	ck_assert_ptr_null(host_conf_load(path, err, sizeof(err)));
	rm_tree(dir);
	ck_assert_str_eq(err, "env POSTGRES_PORT: database.port: not an integer");
}
END_TEST

START_TEST(env_on_parsed_text)
{
	struct sh_conf *c = parse("[server]\n");

	clear_env();
	setenv("BACKEND_SECRET", "s3cret", 1);
	setenv("POSTGRES_USER", "bob", 1);
	ck_assert_int_eq(host_conf_apply_env(c, err, sizeof(err)), 0);
	ck_assert_int_eq(host_conf_validate_host(c, err, sizeof(err)), 0);
	ck_assert_str_eq(sh_conf_str(c, "server", "backend_secret"), "s3cret");
	ck_assert_str_eq(sh_conf_str(c, "database", "user"), "bob");
	host_conf_free(c);
	setenv("POSTGRES_USER", "a\nb", 1);
	c = parse("[server]\n");
	ck_assert_int_lt(host_conf_apply_env(c, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "env POSTGRES_USER: database.user: contains a line break");
	host_conf_free(c);
}
END_TEST

/* ------------------------------------------------------------------ secrets and dump */

START_TEST(secrets_from_files_and_redaction)
{
	char dir[64], path[128], text[512], *out;
	struct sh_conf *c;

	temp_dir(dir, sizeof(dir));
	clear_env();
	snprintf(path, sizeof(path), "%s/pw", dir);
	write_file(path, "hunter2\n");
	snprintf(text, sizeof(text), "[database]\npassword_file = %s\n[server]\nbackend_secret = topsecret\n",
		 path);
	c = valid(text);
	ck_assert_str_eq(sh_conf_str(c, "database", "password"), "hunter2");
	ck_assert_str_eq(sh_conf_str(c, "server", "backend_secret"), "topsecret");
	out = dump_text(c);
	ck_assert_ptr_null(strstr(out, "hunter2"));
	ck_assert_ptr_null(strstr(out, "topsecret"));
	ck_assert_ptr_nonnull(strstr(out, "password = <redacted>\n"));
	ck_assert_ptr_nonnull(strstr(out, "backend_secret = <redacted>\n"));
	free(out);
	host_conf_free(c);
	/* the environment beats the file */
	setenv("POSTGRES_PASSWORD", "fromenv", 1);
	c = parse(text);
	ck_assert_int_eq(host_conf_apply_env(c, err, sizeof(err)), 0);
	ck_assert_int_eq(host_conf_validate_host(c, err, sizeof(err)), 0);
	ck_assert_str_eq(sh_conf_str(c, "database", "password"), "fromenv");
	host_conf_free(c);
	unsetenv("POSTGRES_PASSWORD");
	snprintf(text, sizeof(text), "[database]\npassword = x\npassword_file = %s\n", path);
	invalid(text, "t.ini:3: password_file: password is also set");
	rm_tree(dir);
	invalid("[database]\npassword_file = /nonexistent\n",
		"t.ini:2: password_file: could not open \"/nonexistent\": No such file or directory");
	invalid("[database]\npassword_file = /tmp\n",
		"t.ini:2: password_file: \"/tmp\" is not a regular file");
}
END_TEST

START_TEST(dump_is_valid_ini)
{
	struct sh_conf *c = valid("[pool.stream]\nsocket = /t\nplugins = perch\n"
				  "[pool.main]\nsocket = /s\nthreads = 8\nplugins = catalog shtest\n"
				  "[server]\nbase_url = https://portal.example.com\n"
				  "[database]\nread_host = \" spaced ; value\"\n"
				  "[perch]\napi_key = abc\nurl = http://p\n");
	static const struct sh_plugin_info shtest = { SH_PLUGIN_STAMP, .name = "shtest" };
	struct sh_conf *again;
	char *out, *srv, *pmain, *pstream, *db, *feat, *perch, key[72];

	/* a plugin's flag is dumped with [features] once its descriptor declared it */
	ck_assert_int_eq(host_conf_add_flag(c, &shtest, key, sizeof(key), err, sizeof(err)), 0);
	out = dump_text(c);
	srv = strstr(out, "[server]\n");
	pstream = strstr(out, "[pool.stream]\n");
	pmain = strstr(out, "[pool.main]\n");
	db = strstr(out, "[database]\n");
	feat = strstr(out, "[features]\n");
	perch = strstr(out, "[perch]\n");
	ck_assert(srv && pstream && pmain && db && feat && perch);
	ck_assert(srv < pstream && pstream < pmain && pmain < db && db < feat && feat < perch);
	ck_assert_ptr_nonnull(strstr(out, "threads = 8\n"));
	ck_assert_ptr_nonnull(strstr(out, "port = 5432\n"));
	ck_assert_ptr_nonnull(strstr(out, "shtest = false\n"));
	ck_assert_ptr_nonnull(strstr(out, "; password =\n"));
	ck_assert_ptr_nonnull(strstr(out, "api_key = <redacted>\n"));
	ck_assert_ptr_nonnull(strstr(out, "url = http://p\n"));
	again = parse(out);
	ck_assert_msg(again != NULL, "%s\n%s", err, out);
	ck_assert_int_eq(host_conf_validate_host(again, err, sizeof(err)), 0);
	ck_assert_str_eq(sh_conf_str(again, "database", "read_host"), " spaced ; value");
	ck_assert_str_eq(sh_conf_str(again, "server", "base_url"), "https://portal.example.com");
	free(out);
	host_conf_free(again);
	host_conf_free(c);
}
END_TEST

/* Declares the flags of the plugins the pools list, from the build tree's
 * descriptors, as stagehandd does from plugin_dir. */
static void declare_built_flags(struct sh_conf *c)
{
	const char *top = getenv("top_builddir");
	const char *const *pools;
	size_t n = host_conf_pools(c, &pools);

	for (size_t i = 0; i < n; i++) {
		const char *const *names;
		char sec[128], dir[4096], key[72];
		size_t m;

		snprintf(sec, sizeof(sec), "pool.%s", pools[i]);
		m = sh_conf_multi(c, sec, "plugins", &names);
		for (size_t j = 0; j < m; j++) {
			struct host_plugin p;

			snprintf(dir, sizeof(dir), "%s/plugins/%s/.libs", top ? top : ".", names[j]);
			ck_assert_msg(host_plugin_open(&p, dir, names[j], err, sizeof(err)) == 0, "%s", err);
			ck_assert_msg(host_conf_add_flag(c, p.info, key, sizeof(key), err, sizeof(err)) == 0,
				      "%s", err);
			dlclose(p.dl);
		}
	}
}

/* The documented example must stay a valid configuration. */
START_TEST(example_file_is_valid)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct sh_conf *c;

	snprintf(path, sizeof(path), "%s/stagehand.ini.example", top ? top : ".");
	clear_env();
	/* the example names a password file this machine lacks: env wins over it */
	setenv("POSTGRES_PASSWORD", "x", 1);
	c = host_conf_load(path, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(sh_conf_int(c, "pool.main", "threads", 0), 8);
	ck_assert(!sh_conf_feature(c, "assistant"));
	declare_built_flags(c);
	ck_assert_msg(host_conf_finish(c, err, sizeof(err)) == 0, "%s", err);
	host_conf_free(c);
}
END_TEST

static Suite *conf_files_suite(void)
{
	Suite *s = suite_create("conf_files");
	TCase *t = tcase_create("files");

	tcase_add_test(t, dropins_in_name_order);
	tcase_add_test(t, load_without_confd_and_missing_file);
	tcase_add_test(t, env_overrides);
	tcase_add_test(t, env_on_parsed_text);
	tcase_add_test(t, secrets_from_files_and_redaction);
	tcase_add_test(t, dump_is_valid_ini);
	tcase_add_test(t, example_file_is_valid);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_files_suite());
	int failed;

	/* fork mode is Check's default; CK_FORK=no (valgrind runs) still works */
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
