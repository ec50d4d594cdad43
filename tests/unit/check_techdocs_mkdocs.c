/*
 * plugins/techdocs/mkdocs.c: mkdocs.yml as the builder reads it (the
 * fixture's, the default, every nav form, ignored keys, edit_uri's
 * default) and the files it refuses (bad YAML, a nav of the wrong shape,
 * too deep or too long, a docs_dir that leaves the source).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/errors.h>

#include "../../plugins/techdocs/builder.h"
#include "unit.h"

static int parse(const char *yml, struct td_config *cfg, char *err, size_t errlen)
{
	return td_mkdocs_parse(yml, strlen(yml), "Fallback Name", cfg, err, errlen);
}

START_TEST(test_fixture)
{
	const char *top = getenv("top_srcdir");
	char path[1024], buf[4096], err[256];
	struct td_config c;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/tests/data/upstream/techdocs/source/checkout-service/mkdocs.yml",
		 top ? top : ".");
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	ck_assert_int_eq(td_mkdocs_parse(buf, n, "x", &c, err, sizeof err), 0);
	ck_assert_str_eq(c.site_name, "Checkout Service");
	ck_assert_str_eq(c.site_description, "Cart, order and checkout backend");
	ck_assert_str_eq(c.docs_dir, "docs");
	ck_assert_str_eq(c.repo_url, "https://github.com/oracle-org/checkout-service");
	ck_assert_str_eq(c.edit_uri, "edit/main/docs/");
	ck_assert(c.has_nav);
	ck_assert_uint_eq(c.nav.nkids, 2);
	ck_assert_str_eq(c.nav.kids[0].title, "Overview");
	ck_assert_str_eq(c.nav.kids[0].page, "index.md");
	ck_assert_int_eq(c.nav.kids[0].page_idx, -1);
	ck_assert_str_eq(c.nav.kids[1].title, "Runbooks");
	ck_assert_ptr_null(c.nav.kids[1].page);
	ck_assert_uint_eq(c.nav.kids[1].nkids, 1);
	ck_assert_str_eq(c.nav.kids[1].kids[0].title, "On-call");
	ck_assert_str_eq(c.nav.kids[1].kids[0].page, "runbooks/on-call.md");
	td_config_free(&c);
}
END_TEST

START_TEST(test_default)
{
	struct td_config c;
	char err[256];

	ck_assert_int_eq(parse("", &c, err, sizeof err), 0);
	ck_assert_str_eq(c.site_name, "Fallback Name");
	ck_assert_str_eq(c.docs_dir, "docs");
	ck_assert_ptr_null(c.site_description);
	ck_assert_ptr_null(c.repo_url);
	ck_assert_ptr_null(c.edit_uri);
	ck_assert(!c.has_nav);
	td_config_free(&c);
	ck_assert_int_eq(parse("docs_dir: documentation\n", &c, err, sizeof err), 0);
	ck_assert_str_eq(c.site_name, "Fallback Name");
	ck_assert_str_eq(c.docs_dir, "documentation");
	td_config_free(&c);
	td_mkdocs_default(&c, NULL);
	ck_assert_str_eq(c.site_name, "Documentation");
	ck_assert_str_eq(c.docs_dir, "docs");
	td_config_free(&c);
}
END_TEST

/* Keys techdocs' allow-list drops, tags mkdocs' Python loader knows: ignored. */
START_TEST(test_ignored_keys)
{
	struct td_config c;
	char err[256];

	ck_assert_int_eq(parse("site_name: S\ntheme:\n  name: material\nplugins:\n  - techdocs-core\n"
			       "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: "
			       "!!python/name:material.extensions.emoji.twemoji\nextra_css: [x.css]\n"
			       "INHERIT: ../base.yml\n",
			       &c, err, sizeof err), 0);
	ck_assert_str_eq(c.site_name, "S");
	ck_assert(!c.has_nav);
	td_config_free(&c);
}
END_TEST

START_TEST(test_nav_forms)
{
	struct td_config c;
	char err[256];

	ck_assert_int_eq(parse("nav:\n  - index.md\n  - Guide: guide.md\n  - Site: https://example.com/x\n"
			       "  - Section:\n      - a.md\n      - Deeper:\n          - B: sub/b.md\n"
			       "  - Empty: []\n",
			       &c, err, sizeof err), 0);
	ck_assert_uint_eq(c.nav.nkids, 5);
	ck_assert_ptr_null(c.nav.kids[0].title);
	ck_assert_str_eq(c.nav.kids[0].page, "index.md");
	ck_assert_str_eq(c.nav.kids[1].page, "guide.md");
	ck_assert_ptr_null(c.nav.kids[2].page);
	ck_assert_str_eq(c.nav.kids[2].link, "https://example.com/x");
	ck_assert_uint_eq(c.nav.kids[3].nkids, 2);
	ck_assert_str_eq(c.nav.kids[3].kids[0].page, "a.md");
	ck_assert_str_eq(c.nav.kids[3].kids[1].kids[0].page, "sub/b.md");
	ck_assert_uint_eq(c.nav.kids[4].nkids, 0);
	ck_assert_ptr_null(c.nav.kids[4].page);
	td_config_free(&c);
}
END_TEST

START_TEST(test_edit_uri_default)
{
	struct td_config c;
	char err[256];

	ck_assert_int_eq(parse("repo_url: https://github.com/o/r\n", &c, err, sizeof err), 0);
	ck_assert_str_eq(c.edit_uri, "edit/master/docs/");
	td_config_free(&c);
	ck_assert_int_eq(parse("repo_url: https://git.example.com/o/r\n", &c, err, sizeof err), 0);
	ck_assert_ptr_null(c.edit_uri);
	td_config_free(&c);
	ck_assert_int_eq(parse("repo_url: https://github.com/o/r\nedit_uri: ''\n", &c, err, sizeof err),
			 0);
	ck_assert_str_eq(c.edit_uri, "");
	td_config_free(&c);
}
END_TEST

static void refused(const char *yml, const char *why)
{
	struct td_config c;
	char err[256] = "";

	ck_assert_int_eq(parse(yml, &c, err, sizeof err), SH_EINVAL);
	ck_assert_msg(strstr(err, why) != NULL, "'%s' does not say '%s'", err, why);
	td_config_free(&c);
}

START_TEST(test_refused)
{
	refused("site_name: [unclosed\n", "not valid YAML");
	refused("a: 1\na: 2\n", "not valid YAML");
	refused("- a\n- b\n", "must be a mapping");
	refused("nav: index.md\n", "nav must be a list");
	refused("nav:\n  - A: a.md\n    B: b.md\n", "'Title: value'");
	refused("nav:\n  - 42\n", "'Title: value'");
	refused("nav:\n  - A: 42\n", "nav entry 'A'");
	refused("nav:\n  - A: {x: y}\n", "nav entry 'A'");
	refused("site_name: [a]\n", "site_name must be a string");
	refused("docs_dir: ../elsewhere\n", "must not leave the source");
	refused("docs_dir: a/../../b\n", "must not leave the source");
	refused("docs_dir: /etc\n", "relative path inside the source");
	refused("docs_dir: ''\n", "relative path inside the source");
}
END_TEST

/* A nav nested n sections deep, with one page at the bottom. */
static char *deep_nav(int n)
{
	struct sh_buf b;

	sh_buf_init(&b, 1 << 20);
	sh_buf_addstr(&b, "nav:\n");
	for (int i = 0; i < n; i++)
		sh_buf_printf(&b, "%*s- S%d:\n", 2 * (2 * i + 1), "", i);
	sh_buf_printf(&b, "%*s- p.md\n", 2 * (2 * n + 1), "");
	return sh_buf_take(&b, NULL);
}

START_TEST(test_nav_caps)
{
	struct td_config c;
	char err[256], *yml = deep_nav(TD_NAV_MAX_DEPTH - 1);
	struct sh_buf b;

	ck_assert_int_eq(parse(yml, &c, err, sizeof err), 0);
	td_config_free(&c);
	free(yml);
	yml = deep_nav(TD_NAV_MAX_DEPTH);
	refused(yml, "nested deeper than");
	free(yml);
	yml = deep_nav(25);
	refused(yml, "nested deeper than");
	free(yml);
	yml = deep_nav(200); /* past the YAML reader's own depth cap */
	refused(yml, "mkdocs.yml");
	free(yml);
	sh_buf_init(&b, 1 << 20);
	sh_buf_addstr(&b, "nav: [");
	for (int i = 0; i <= TD_NAV_MAX_ENTRIES; i++)
		sh_buf_printf(&b, "%sp%d.md", i ? "," : "", i);
	sh_buf_addstr(&b, "]\n");
	refused(b.data, "more than 5000 entries");
	sh_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("techdocs_mkdocs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_fixture);
	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_ignored_keys);
	tcase_add_test(tc, test_nav_forms);
	tcase_add_test(tc, test_edit_uri_default);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_nav_caps);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
