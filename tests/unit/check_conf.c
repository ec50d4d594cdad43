/*
 * Check suite of the configuration module: ini syntax and its errors,
 * host and plugin key tables, feature flags and pools.  Files, drop-ins,
 * the environment, secrets and the dump: check_conf_files.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_helpers.h"

/* ------------------------------------------------------------------ syntax */

START_TEST(syntax_basics)
{
	struct sh_conf *c = parse("\xef\xbb\xbf; comment\n# another\n\n"
				  "[server]   ; trailing comment\n"
				  "  base_url   =   https://x.example  ; inline\r\n"
				  "[ database ]\n"
				  "host = \"a ; b # c\" # comment\n"
				  "user=\"say \\\"hi\\\" \\\\ \"\n"
				  "name=#fff\n"
				  "read_host = a;b#c\n"
				  "password =\n"
				  "sslmode = ; only a comment\n");

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(sh_conf_str(c, "server", "base_url"), "https://x.example");
	ck_assert_str_eq(sh_conf_str(c, "database", "host"), "a ; b # c");
	ck_assert_str_eq(sh_conf_str(c, "database", "user"), "say \"hi\" \\ ");
	ck_assert_str_eq(sh_conf_str(c, "database", "name"), "#fff");
	ck_assert_str_eq(sh_conf_str(c, "database", "read_host"), "a;b#c");
	ck_assert_str_eq(sh_conf_str(c, "database", "password"), "");
	ck_assert_str_eq(sh_conf_str(c, "database", "sslmode"), "");
	ck_assert_ptr_null(sh_conf_str(c, "database", "nope"));
	ck_assert_ptr_null(sh_conf_str(c, "nope", "host"));
	host_conf_free(c);
}
END_TEST

START_TEST(syntax_sections_merge)
{
	struct sh_conf *c = parse("[a]\nx = 1\n[b]\ny = 2\n[a]\nz = 3\nx = 4\n");

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(sh_conf_str(c, "a", "x"), "4");
	ck_assert_str_eq(sh_conf_str(c, "a", "z"), "3");
	ck_assert_int_eq(sh_conf_int(c, "b", "y", 0), 2);
	host_conf_free(c);
}
END_TEST

START_TEST(syntax_errors)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "x = 1\n", "t.ini:1: key outside any section" },
		{ "[a]\n[b\n", "t.ini:2: missing ']' in section header" },
		{ "[a] b\n", "t.ini:1: unexpected text after section header" },
		{ "[]\n", "t.ini:1: bad section name" },
		{ "[a b]\n", "t.ini:1: bad section name" },
		{ "[a]\njust words\n", "t.ini:2: expected \"key = value\"" },
		{ "[a]\n = 1\n", "t.ini:2: bad key name" },
		{ "[a]\nk!y = 1\n", "t.ini:2: bad key name" },
		{ "[a]\nk = \"open\n", "t.ini:2: unterminated quoted value" },
		{ "[a]\nk = \"x\" y\n", "t.ini:2: unexpected text after quoted value" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_ptr_null(parse(cases[i].text));
		ck_assert_str_eq(err, cases[i].want);
	}
}
END_TEST

START_TEST(syntax_limits)
{
	size_t big = 1024 * 1024 + 1;
	char *text = malloc(big + 16);

	memset(text, ';', big);
	ck_assert_ptr_null(host_conf_parse(text, big, "t.ini", err, sizeof(err)));
	ck_assert_str_eq(err, "t.ini: file too large (max 1048576 bytes)");
	memcpy(text, "[a]\nk = ", 8);
	memset(text + 8, 'v', 9000);
	text[9008] = '\n';
	ck_assert_ptr_null(host_conf_parse(text, 9009, "t.ini", err, sizeof(err)));
	ck_assert_str_eq(err, "t.ini:2: line too long (max 8192 bytes)");
	ck_assert_ptr_null(host_conf_parse("[a]\nk = a\0b\n", 12, "t.ini", err, sizeof(err)));
	ck_assert_str_eq(err, "t.ini:2: line contains a NUL byte");
	free(text);
}
END_TEST

START_TEST(duplicate_key_last_wins)
{
	struct sh_conf *c = valid("[pool.main]\nsocket = /a\nthreads = 3\nthreads = 5\n");

	ck_assert_int_eq(sh_conf_int(c, "pool.main", "threads", 0), 5);
	host_conf_free(c);
}
END_TEST

/* ------------------------------------------------------------------ host validation */

START_TEST(defaults_after_validation)
{
	struct sh_conf *c = valid("[server]\n");
	const char *const *v;

	ck_assert_str_eq(sh_conf_str(c, "server", "base_url"), "https://127.0.0.1:8443");
	ck_assert_int_eq(sh_conf_int(c, "server", "max_body_size", 0), 1048576);
	ck_assert_int_eq(sh_conf_int(c, "server", "json_max_depth", 0), 64);
	ck_assert_int_eq(sh_conf_int(c, "database", "port", 0), 5432);
	ck_assert_str_eq(sh_conf_str(c, "database", "host"), "/var/run/postgresql");
	ck_assert_str_eq(sh_conf_str(c, "database", "sslmode"), "prefer");
	ck_assert_str_eq(sh_conf_str(c, "log", "level"), "info");
	ck_assert_int_eq(sh_conf_int(c, "http", "timeout_ms", 0), 10000);
	ck_assert(strncmp(sh_conf_str(c, "http", "user_agent"), "stagehand/", 10) == 0);
	ck_assert_ptr_null(sh_conf_str(c, "database", "password"));
	ck_assert_ptr_null(sh_conf_str(c, "database", "read_host"));
	/* unset without default, or unknown: the caller's default */
	ck_assert_int_eq(sh_conf_int(c, "database", "read_host", 77), 77);
	ck_assert_int_eq(sh_conf_int(c, "nope", "x", -3), -3);
	ck_assert(sh_conf_bool(c, "nope", "x", true));
	ck_assert_uint_eq(sh_conf_multi(c, "nope", "x", &v), 0);
	host_conf_free(c);
}
END_TEST

START_TEST(value_errors)
{
	invalid("[server]\n\n[database]\nport = 54x\n", "t.ini:4: port: not an integer");
	invalid("[database]\nport = 0\n", "t.ini:2: port: out of range 1..65535");
	invalid("[database]\nport = 99999999999999999999999\n", "t.ini:2: port: out of range 1..65535");
	invalid("[pool.main]\nsocket = /s\n\n\n\n\nthreads = 300\n", "t.ini:7: threads: out of range 1..256");
	invalid("[database]\n\n\ncolour = red\n", "t.ini:4: colour: unknown key in [database]");
	invalid("[pool.main]\nthreads = 2\n", "t.ini: [pool.main] socket: required");
	invalid("[database]\nsslmode = maybe\n",
		"t.ini:2: sslmode: must be one of: disable allow prefer require verify-ca verify-full");
	invalid("[log]\nlevel = loud\n", "t.ini:2: level: must be one of: debug info notice warn error");
	invalid("[features]\nauth = maybe\n",
		"t.ini:2: auth: not a boolean (true/false, yes/no, on/off, 1/0)");
	invalid("[server]\nbase_url = ftp://x\n", "t.ini:2: base_url: not an http or https URL");
	invalid("[server]\nplugin_dir =\n", "t.ini:2: plugin_dir: empty path");
	invalid("[pool.x.y]\nsocket = /s\n", "t.ini:1: [pool.x.y]: bad pool name");
	invalid("[pool.main]\nsocket = /s\nsocket_mode = 0999\n", "t.ini:3: socket_mode: not an octal file mode");
	invalid("[pool.main]\nsocket = /s\nsocket_mode = 10000\n", "t.ini:3: socket_mode: not an octal file mode");
	invalid("[pool.main]\nsocket = /s\nplugins = catalog Bad\n",
		"t.ini:3: plugins: bad plugin name \"Bad\"");
	invalid("[pool.main]\nsocket = /s\nplugins = catalog catalog\n",
		"t.ini:3: plugins: \"catalog\" listed twice");
	invalid("[pool.main]\nsocket = /0123456789012345678901234567890123456789012345678901234567890"
		"12345678901234567890123456789012345678901234567\n",
		"t.ini:2: socket: path too long for a unix socket (max 107 bytes)");
}
END_TEST

START_TEST(booleans)
{
	static const char *const on[] = { "true", "TRUE", "yes", "On", "1" };
	static const char *const off[] = { "false", "No", "OFF", "0" };
	char text[128];

	for (size_t i = 0; i < 5; i++) {
		struct sh_conf *c;

		snprintf(text, sizeof(text), "[features]\nauth = %s\n", i < 4 ? off[i] : "0");
		c = valid(text);
		ck_assert(!sh_conf_feature(c, "auth"));
		host_conf_free(c);
		snprintf(text, sizeof(text), "[features]\nassistant = %s\n", on[i]);
		c = valid(text);
		ck_assert(sh_conf_feature(c, "assistant"));
		host_conf_free(c);
	}
}
END_TEST

/* Descriptors that declare only a flag, as plugins do. */
static const struct sh_plugin_info flag_plain = {
	SH_PLUGIN_STAMP, .name = "my-thing", .version = "1"
};
static const struct sh_plugin_info flag_named = {
	SH_PLUGIN_STAMP, .name = "thing", .version = "1",
	.flag = { .name = "thing_backend", .def = "true", .env = "SH_TEST_THING" }
};
static const struct sh_plugin_info flag_host = {
	SH_PLUGIN_STAMP, .name = "perch", .version = "1",
	.flag = { .name = "assistant", .def = "true", .env = "SH_TEST_ASSISTANT" }
};
static const struct sh_plugin_info flag_bad = {
	SH_PLUGIN_STAMP, .name = "bad", .version = "1", .flag = { .name = "Bad!" }
};

static void add_flag(struct sh_conf *c, const struct sh_plugin_info *info, const char *want)
{
	char key[72];

	ck_assert_msg(host_conf_add_flag(c, info, key, sizeof(key), err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(key, want);
}

START_TEST(features_host_defaults)
{
	struct sh_conf *c = valid("[pool.main]\nsocket = /s\nplugins = catalog shtest\n");

	ck_assert(sh_conf_feature(c, "auth"));
	ck_assert(!sh_conf_feature(c, "assistant"));
	/* events is [openchoreo] events now, not a host flag */
	ck_assert_ptr_null(sh_conf_str(c, "features", "events"));
	/* the host names no plugin: their flags come from descriptors */
	ck_assert_ptr_null(sh_conf_str(c, "features", "catalog"));
	ck_assert(!sh_conf_feature(c, "unknown"));
	host_conf_free(c);
}
END_TEST

START_TEST(features_plugin_flags)
{
	struct sh_conf *c = valid("[features]\nmy_thing = yes\n");

	clear_env();
	add_flag(c, &flag_plain, "my_thing");
	add_flag(c, &flag_named, "thing_backend");
	/* a flag the host declares too is one key: the host's default stays */
	add_flag(c, &flag_host, "assistant");
	ck_assert(sh_conf_feature(c, "my_thing"));
	ck_assert(sh_conf_feature(c, "thing_backend"));
	ck_assert(!sh_conf_feature(c, "assistant"));
	ck_assert_int_eq(host_conf_finish(c, err, sizeof(err)), 0);
	host_conf_free(c);

	/* no .flag.def: off; the descriptor's variable overrides the file */
	c = valid("[features]\nthing_backend = no\n");
	setenv("SH_TEST_THING", "on", 1);
	add_flag(c, &flag_plain, "my_thing");
	add_flag(c, &flag_named, "thing_backend");
	ck_assert(!sh_conf_feature(c, "my_thing"));
	ck_assert(sh_conf_feature(c, "thing_backend"));
	host_conf_free(c);
	clear_env();
}
END_TEST

START_TEST(features_errors)
{
	struct sh_conf *c = valid("[pool.main]\nsocket = /s\nplugins = my-thing\n"
				  "[features]\nmy_thing = sometimes\n");
	char key[72];

	ck_assert_int_lt(host_conf_add_flag(c, &flag_plain, key, sizeof(key), err, sizeof(err)), 0);
	ck_assert_str_eq(err, "t.ini:5: my_thing: not a boolean (true/false, yes/no, on/off, 1/0)");
	host_conf_free(c);
	c = valid("[server]\n");
	ck_assert_int_lt(host_conf_add_flag(c, &flag_bad, key, sizeof(key), err, sizeof(err)), 0);
	ck_assert_str_eq(err, "plugin bad: flag: bad name \"Bad!\"");
	host_conf_free(c);
	/* a key no plugin declares is a typo, named once every flag is known */
	c = valid("[features]\nauth = on\nnope = true\n");
	add_flag(c, &flag_plain, "my_thing");
	ck_assert_int_lt(host_conf_finish(c, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "t.ini:3: nope: unknown key in [features]");
	host_conf_free(c);
}
END_TEST

START_TEST(pools_and_lists)
{
	struct sh_conf *c = valid("[pool.main]\nsocket = /s\nplugins = catalog  auth\tjenkins\n"
				  "[database]\n[pool.stream]\nsocket = /t\n");
	const char *const *names, *const *v;

	ck_assert_uint_eq(host_conf_pools(c, &names), 2);
	ck_assert_str_eq(names[0], "main");
	ck_assert_str_eq(names[1], "stream");
	ck_assert_uint_eq(sh_conf_multi(c, "pool.main", "plugins", &v), 3);
	ck_assert_str_eq(v[0], "catalog");
	ck_assert_str_eq(v[2], "jenkins");
	ck_assert_uint_eq(sh_conf_multi(c, "pool.stream", "plugins", &v), 0);
	ck_assert_int_eq(sh_conf_int(c, "pool.stream", "threads", 0), 4);
	ck_assert_str_eq(sh_conf_str(c, "pool.stream", "socket_mode"), "0666");
	host_conf_free(c);
	c = parse("[server]\n");
	ck_assert_uint_eq(host_conf_pools(c, &names), 0);
	host_conf_free(c);
}
END_TEST

/* ------------------------------------------------------------------ plugins */

static const struct sh_conf_key fake_keys[] = {
	{ "url", SH_CONF_URL, "http://stub.local", 0, 0, NULL, NULL, 0, "upstream" },
	{ "interval", SH_CONF_INT, "300", 10, 3600, NULL, "SH_TEST_INTERVAL", 0, "seconds" },
	{ "mode", SH_CONF_ENUM, "fast", 0, 0, "fast slow", NULL, 0, "mode" },
	{ "token", SH_CONF_STR, NULL, 0, 0, NULL, NULL, SH_CONF_SECRET, "api token" },
	{ "allow", SH_CONF_STR, NULL, 0, 0, NULL, NULL, SH_CONF_MULTI, "allowed hosts" },
	{ "tags", SH_CONF_LIST, "a b", 0, 0, NULL, NULL, 0, "tags" },
	{ "must", SH_CONF_STR, NULL, 0, 0, NULL, NULL, 0, "optional" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

static const struct sh_plugin_info fake = {
	SH_PLUGIN_STAMP, .name = "fake", .version = "1", .keys = fake_keys
};

static const struct sh_plugin_info bare = { SH_PLUGIN_STAMP, .name = "bare", .version = "1" };

START_TEST(plugin_table)
{
	struct sh_conf *c = valid("[fake]\ninterval = 60\nallow = a.example\nallow = b.example\n"
				  "[bare]\n");
	const char *const *v;

	ck_assert_int_eq(host_conf_validate_plugin(c, &fake, err, sizeof(err)), 0);
	ck_assert_int_eq(host_conf_validate_plugin(c, &bare, err, sizeof(err)), 0);
	ck_assert_int_eq(host_conf_finish(c, err, sizeof(err)), 0);
	ck_assert_str_eq(sh_conf_str(c, "fake", "url"), "http://stub.local");
	ck_assert_int_eq(sh_conf_int(c, "fake", "interval", 0), 60);
	ck_assert_str_eq(sh_conf_str(c, "fake", "mode"), "fast");
	ck_assert_ptr_null(sh_conf_str(c, "fake", "must"));
	ck_assert_uint_eq(sh_conf_multi(c, "fake", "allow", &v), 2);
	ck_assert_str_eq(v[0], "a.example");
	ck_assert_str_eq(v[1], "b.example");
	ck_assert_str_eq(sh_conf_str(c, "fake", "allow"), "b.example");
	ck_assert_uint_eq(sh_conf_multi(c, "fake", "tags", &v), 2);
	ck_assert_str_eq(v[1], "b");
	host_conf_free(c);
}
END_TEST

START_TEST(plugin_defaults_without_section)
{
	struct sh_conf *c = valid("[server]\n");

	ck_assert_int_eq(host_conf_validate_plugin(c, &fake, err, sizeof(err)), 0);
	ck_assert_int_eq(sh_conf_int(c, "fake", "interval", 0), 300);
	ck_assert_int_eq(host_conf_finish(c, err, sizeof(err)), 0);
	host_conf_free(c);
}
END_TEST

static void plugin_invalid(const char *text, const struct sh_plugin_info *info, const char *want)
{
	struct sh_conf *c = valid(text);

	ck_assert_int_lt(host_conf_validate_plugin(c, info, err, sizeof(err)), 0);
	ck_assert_str_eq(err, want);
	host_conf_free(c);
}

START_TEST(plugin_errors)
{
	plugin_invalid("[fake]\ninterval = 5\n", &fake, "t.ini:2: interval: out of range 10..3600");
	plugin_invalid("[fake]\nmode = warp\n", &fake, "t.ini:2: mode: must be one of: fast slow");
	plugin_invalid("[fake]\n\ncolour = 1\n", &fake, "t.ini:3: colour: unknown key in [fake]");
	plugin_invalid("[bare]\nx = 1\n", &bare, "t.ini:2: x: unknown key in [bare]");
	plugin_invalid("[fake]\ntoken_file = /nonexistent/token\n", &fake,
		       "t.ini:2: token_file: could not open \"/nonexistent/token\": "
		       "No such file or directory");
}
END_TEST

START_TEST(plugin_env)
{
	struct sh_conf *c = valid("[fake]\ninterval = 60\n");

	clear_env();
	setenv("SH_TEST_INTERVAL", "120", 1);
	ck_assert_int_eq(host_conf_validate_plugin(c, &fake, err, sizeof(err)), 0);
	ck_assert_int_eq(sh_conf_int(c, "fake", "interval", 0), 120);
	host_conf_free(c);
	setenv("SH_TEST_INTERVAL", "1", 1);
	plugin_invalid("[server]\n", &fake, "env SH_TEST_INTERVAL: fake.interval: out of range 10..3600");
}
END_TEST

START_TEST(finish_unknown_sections)
{
	struct sh_conf *c = valid("[pool.main]\nsocket = /s\nplugins = fake\n"
				  "[pool.stream]\nsocket = /t\nplugins = perch\n"
				  "[perch]\nanything = 1\n[fake]\n\n[colour]\nx = 1\n");

	ck_assert_int_eq(host_conf_validate_plugin(c, &fake, err, sizeof(err)), 0);
	ck_assert_int_lt(host_conf_finish(c, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "t.ini:11: [colour]: unknown section");
	host_conf_free(c);
	/* [perch] belongs to the stream pool: this pool leaves it alone */
	c = valid("[pool.stream]\nsocket = /t\nplugins = perch\n[perch]\nanything = 1\n");
	ck_assert_int_eq(host_conf_finish(c, err, sizeof(err)), 0);
	host_conf_free(c);
}
END_TEST

START_TEST(finish_installed_plugin_sections)
{
	char dir[64], path[128], text[512];
	struct sh_conf *c;

	temp_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/hello.so", dir);
	write_file(path, "");
	/* Installed but in no pool: its section is the plugin's, not a typo. */
	snprintf(text, sizeof(text), "[server]\nplugin_dir = %s\n[pool.main]\nsocket = /s\n"
		 "[hello]\ngreeting = hi\n[hellp]\ngreeting = hi\n", dir);
	c = valid(text);
	ck_assert_int_lt(host_conf_finish(c, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "t.ini:7: [hellp]: unknown section");
	host_conf_free(c);
	rm_tree(dir);
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *t = tcase_create("syntax");

	tcase_add_test(t, syntax_basics);
	tcase_add_test(t, syntax_sections_merge);
	tcase_add_test(t, syntax_errors);
	tcase_add_test(t, syntax_limits);
	tcase_add_test(t, duplicate_key_last_wins);
	suite_add_tcase(s, t);
	t = tcase_create("host");
	tcase_add_test(t, defaults_after_validation);
	tcase_add_test(t, value_errors);
	tcase_add_test(t, booleans);
	tcase_add_test(t, features_host_defaults);
	tcase_add_test(t, features_plugin_flags);
	tcase_add_test(t, features_errors);
	tcase_add_test(t, pools_and_lists);
	suite_add_tcase(s, t);
	t = tcase_create("plugins");
	tcase_add_test(t, plugin_table);
	tcase_add_test(t, plugin_defaults_without_section);
	tcase_add_test(t, plugin_errors);
	tcase_add_test(t, plugin_env);
	tcase_add_test(t, finish_unknown_sections);
	tcase_add_test(t, finish_installed_plugin_sections);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	/* fork mode is Check's default; CK_FORK=no (valgrind runs) still works */
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
