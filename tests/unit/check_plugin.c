/*
 * Check suite of the plugin loader (plugin.c): the descriptor checks made
 * before anything of a plugin runs (ABI stamp, name, mounts), the flag a
 * descriptor declares, opening the test plugin shtest.so from the build
 * tree, and the rule that no two loaded plugins claim one /api/ name.
 */
#include <check.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "unit.h"

static char err[1024];

static int init_ok(struct sh_host *host, void **state, char *e, size_t elen)
{
	return 0;
}

static const char *const good_mounts[] = { "events/http/openchoreo", "x-1", NULL };

static void expect_check(const struct sh_plugin_info *info, const char *want)
{
	err[0] = '\0';
	if (!want) {
		ck_assert_msg(host_plugin_check(info, "p.so", "p", err, sizeof err) == 0, "%s", err);
		return;
	}
	ck_assert_int_lt(host_plugin_check(info, "p.so", "p", err, sizeof err), 0);
	ck_assert_str_eq(err, want);
}

START_TEST(descriptor_stamp_and_name)
{
	struct sh_plugin_info info = { SH_PLUGIN_STAMP, .name = "p", .init = init_ok,
				       .mounts = good_mounts };

	expect_check(&info, NULL);
	info.abi_major = SH_ABI_MAJOR + 1;
	expect_check(&info, "p.so: abi_major: plugin built for ABI 3, host speaks 2");
	info.abi_major = SH_ABI_MAJOR;
	info.abi_minor = SH_ABI_MINOR + 1;
	expect_check(&info, "p.so: abi_minor: plugin needs ABI 2.4, host has 2.3");
	info.abi_minor = SH_ABI_MINOR;
	info.name = "q";
	expect_check(&info, "p.so: name: descriptor names 'q', expected 'p'");
	info.name = "p";
	info.init = NULL;
	expect_check(&info, "p.so: init: missing");
}
END_TEST

START_TEST(descriptor_mounts)
{
	static const char *const bad[][3] = {
		{ "/lead", NULL }, { "trail/", NULL }, { "two//slashes", NULL }, { "Upper", NULL },
		{ "dot.ted", NULL }, { "", NULL }, { "../up", NULL }, { "sp ace", NULL },
	};
	static const char *const twice[] = { "a", "a", NULL };
	static const char *const own_name[] = { "p", NULL };
	struct sh_plugin_info info = { SH_PLUGIN_STAMP, .name = "p", .init = init_ok };
	char want[256];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		info.mounts = bad[i];
		snprintf(want, sizeof want, "p.so: mounts: \"%s\" is not a path under /api/ "
			 "([a-z0-9-] segments separated by '/')", bad[i][0]);
		expect_check(&info, want);
	}
	info.mounts = twice;
	expect_check(&info, "p.so: mounts: \"a\" is claimed twice");
	info.mounts = own_name;
	expect_check(&info, "p.so: mounts: \"p\" is claimed twice");
}
END_TEST

START_TEST(flag_names)
{
	struct sh_plugin_info info = { SH_PLUGIN_STAMP, .name = "github-actions" };
	char key[72];

	host_plugin_flag_name(&info, key, sizeof key);
	ck_assert_str_eq(key, "github_actions");
	info.flag.name = "assistant";
	host_plugin_flag_name(&info, key, sizeof key);
	ck_assert_str_eq(key, "assistant");
}
END_TEST

static const char *plugin_dir(void)
{
	static char dir[4096];
	const char *top = getenv("top_builddir");

	snprintf(dir, sizeof dir, "%s/tests/plugin/.libs", top ? top : ".");
	return dir;
}

START_TEST(open_test_plugin)
{
	struct host_plugin p;

	ck_assert_msg(host_plugin_open(&p, plugin_dir(), "shtest", err, sizeof err) == 0, "%s", err);
	ck_assert_str_eq(p.info->name, "shtest");
	ck_assert_str_eq(p.info->mounts[0], "shtest-alias");
	ck_assert_ptr_nonnull(p.info->routes);
	ck_assert(!p.started);
	dlclose(p.dl);
	ck_assert(host_plugin_flag_installed(plugin_dir(), "shtest"));
	ck_assert(!host_plugin_flag_installed(plugin_dir(), "shtest_other"));
	ck_assert(!host_plugin_flag_installed("/nonexistent", "shtest"));
	ck_assert_int_lt(host_plugin_open(&p, plugin_dir(), "nosuch", err, sizeof err), 0);
	ck_assert(strncmp(err, "plugin nosuch: ", 15) == 0);
}
END_TEST

START_TEST(claims_are_unique)
{
	static const char *const m_a[] = { "events/http/a", NULL };
	static const char *const m_b[] = { "events/http/b", "one", NULL };
	const struct sh_plugin_info one = { SH_PLUGIN_STAMP, .name = "one", .mounts = m_a };
	const struct sh_plugin_info two = { SH_PLUGIN_STAMP, .name = "two", .mounts = m_b };
	const struct sh_plugin_info three = { SH_PLUGIN_STAMP, .name = "three", .mounts = m_a };
	struct host_plugin ps[3];
	struct sh_host h = { .plugins = ps, .n_plugins = 3 };

	memset(ps, 0, sizeof ps);
	ps[0].info = &one;
	ps[1].info = &two;
	ps[2].info = &three;
	ps[0].enabled = ps[2].enabled = true;
	/* two is off: its claim on "one" does not count; three's mount is one's */
	ck_assert_int_lt(host_plugins_check_claims(&h, err, sizeof err), 0);
	ck_assert_str_eq(err, "plugin three: /api/events/http/a is already plugin one's");
	ps[1].enabled = true;
	ps[2].enabled = false;
	ck_assert_int_lt(host_plugins_check_claims(&h, err, sizeof err), 0);
	ck_assert_str_eq(err, "plugin two: /api/one is already plugin one's");
	ps[0].enabled = false;
	ck_assert_int_eq(host_plugins_check_claims(&h, err, sizeof err), 0);
	/* the ones whose flag is off leave the list (no dlopen handle here) */
	host_plugins_keep_enabled(&h);
	ck_assert_uint_eq(h.n_plugins, 1);
	ck_assert_ptr_eq(h.plugins[0].info, &two);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plugin");
	TCase *tc = tcase_create("loader");

	tcase_add_test(tc, descriptor_stamp_and_name);
	tcase_add_test(tc, descriptor_mounts);
	tcase_add_test(tc, flag_names);
	tcase_add_test(tc, open_test_plugin);
	tcase_add_test(tc, claims_are_unique);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
