/*
 * plugins/techdocs/ref.c: backstage.io/techdocs-ref resolved as
 * techdocs-node's getLocationForEntity does (spec platform-apis §2.3):
 * url: as is, dir: against source-location or managed-by-location (url:
 * SCM-aware, file: the directory beside it and confined to it), and
 * Backstage's error texts for everything else.  Also github_url.c: tree
 * URLs taken apart and the paths of a hostile tree refused.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <stagehand/errors.h>

#include "../../plugins/techdocs/prepare.h"
#include "unit.h"

/* An entity with the techdocs-ref `ref` (NULL: none), source-location `src`
 * and managed-by-location `managed` (NULL: absent). */
static json_t *entity(const char *ref, const char *src, const char *managed)
{
	json_t *ann = json_object();

	if (ref)
		json_object_set_new(ann, "backstage.io/techdocs-ref", json_string(ref));
	if (src)
		json_object_set_new(ann, "backstage.io/source-location", json_string(src));
	if (managed)
		json_object_set_new(ann, "backstage.io/managed-by-location", json_string(managed));
	return json_pack("{s:s, s:{s:s, s:o}}", "kind", "Component", "metadata", "name",
			 "Checkout-Service", "annotations", ann);
}

/* Resolves and checks type and target; returns the code. */
static int resolve(const char *ref, const char *src, const char *managed, const char *type,
		   const char *target, char *err, size_t errlen)
{
	json_t *e = entity(ref, src, managed);
	struct td_location loc;
	int rc = td_ref_resolve(e, &loc, err, errlen);

	if (type) {
		ck_assert_msg(rc == 0, "%s: %s", ref, err);
		ck_assert_str_eq(loc.type, type);
		ck_assert_str_eq(loc.target, target);
	}
	td_location_free(&loc);
	json_decref(e);
	return rc;
}

static void ok(const char *ref, const char *src, const char *managed, const char *type,
	       const char *target)
{
	char err[256];

	resolve(ref, src, managed, type, target, err, sizeof err);
}

static void refused(const char *ref, const char *src, const char *managed, int code,
		    const char *msg)
{
	char err[512] = "";

	ck_assert_int_eq(resolve(ref, src, managed, NULL, NULL, err, sizeof err), code);
	ck_assert_str_eq(err, msg);
}

START_TEST(test_url_as_is)
{
	ok("url:https://github.com/o/r/tree/main/docs", NULL, NULL, "url",
	   "https://github.com/o/r/tree/main/docs");
	ok(" url : https://ghe.example.com/o/r/tree/v1 ", "file:/x/y.yaml", NULL, "url",
	   "https://ghe.example.com/o/r/tree/v1");
}
END_TEST

START_TEST(test_dir_against_url)
{
	ok("dir:.", "url:https://github.com/o/r/tree/main/", NULL, "url",
	   "https://github.com/o/r/tree/main/");
	ok("dir:./docs", NULL, "url:https://github.com/o/r/blob/main/catalog-info.yaml", "url",
	   "https://github.com/o/r/blob/main/docs");
	ok("dir:../shared", "url:https://github.com/o/r/tree/main/svc/a/", NULL, "url",
	   "https://github.com/o/r/tree/main/svc/shared");
	/* rooted: against the repository root, as ScmIntegrations.resolveUrl */
	ok("dir:/handbook", "url:https://github.com/o/r/tree/main/svc/a/", NULL, "url",
	   "https://github.com/o/r/tree/main/handbook");
	/* an absolute target stays itself */
	ok("dir:https://elsewhere.example.com/x/", "url:https://github.com/o/r/tree/main/", NULL,
	   "url", "https://elsewhere.example.com/x/");
	/* source-location wins over managed-by-location */
	ok("dir:.", "url:https://github.com/o/src/tree/main/", "url:https://github.com/o/m/blob/main/c.yaml",
	   "url", "https://github.com/o/src/tree/main/");
}
END_TEST

START_TEST(test_dir_against_file)
{
	ok("dir:.", NULL, "file:/srv/catalog/checkout/catalog-info.yaml", "dir",
	   "/srv/catalog/checkout");
	ok("dir:docs/", NULL, "file:/srv/catalog/checkout/catalog-info.yaml", "dir",
	   "/srv/catalog/checkout/docs");
	ok("dir:./a/../b", NULL, "file:/srv/c.yaml", "dir", "/srv/b");
	ok("dir:.", NULL, "file:/c.yaml", "dir", "/");
	ok("dir:.", NULL, "file:catalog.yaml", "dir", ".");
	ok("dir:docs", NULL, "file:examples/catalog.yaml", "dir", "examples/docs");
	/* judged on where it lands, as path.resolve + isChildPath */
	ok("dir:../catalog/docs", NULL, "file:/srv/catalog/c.yaml", "dir", "/srv/catalog/docs");
	ok("dir:/srv/catalog/docs/", NULL, "file:/srv/catalog/c.yaml", "dir", "/srv/catalog/docs");
}
END_TEST

START_TEST(test_dir_outside_parent)
{
	const char *msg = "Relative path is not allowed to refer to a directory outside its parent";

	refused("dir:..", NULL, "file:/srv/catalog/c.yaml", SH_EINVAL, msg);
	refused("dir:./docs/../../x", NULL, "file:/srv/catalog/c.yaml", SH_EINVAL, msg);
	refused("dir:/etc", NULL, "file:/srv/catalog/c.yaml", SH_EINVAL, msg);
	refused("dir:..", NULL, "file:c.yaml", SH_EINVAL, msg);
	refused("dir:../x", NULL, "file:examples/c.yaml", SH_EINVAL, msg);
	refused("dir:../catalog2", NULL, "file:/srv/catalog/c.yaml", SH_EINVAL, msg);
}
END_TEST

START_TEST(test_errors)
{
	refused(NULL, NULL, NULL, SH_ENOTFOUND,
		"No location annotation provided in entity: Checkout-Service");
	refused("", NULL, NULL, SH_ENOTFOUND,
		"No location annotation provided in entity: Checkout-Service");
	refused("docs", NULL, NULL, SH_EINVAL,
		"Unable to parse location ref 'docs', expected '<type>:<target>', e.g. "
		"'url:https://host/path'");
	refused("dir: ", NULL, NULL, SH_EINVAL,
		"Unable to parse location ref 'dir: ', expected '<type>:<target>', e.g. "
		"'url:https://host/path'");
	refused("https://github.com/o/r", NULL, NULL, SH_EINVAL,
		"Invalid location ref 'https://github.com/o/r', please prefix it with 'url:', e.g. "
		"'url:https://github.com/o/r'");
	refused("git:abc", NULL, NULL, SH_EINVAL, "Invalid reference annotation git");
	refused("dir:.", NULL, NULL, SH_EINVAL,
		"Entity 'component:default/Checkout-Service' is missing location");
	refused("dir:.", "bogus:x", NULL, SH_EINVAL, "Unable to resolve location type bogus");
	refused("dir:.", "nocolon", NULL, SH_EINVAL,
		"Unable to parse location ref 'nocolon', expected '<type>:<target>', e.g. "
		"'url:https://host/path'");
}
END_TEST

START_TEST(test_free_twice)
{
	struct td_location loc;
	char err[64];
	json_t *e = json_pack("{s:{s:s}}", "metadata", "name", "x");

	ck_assert_int_eq(td_ref_resolve(e, &loc, err, sizeof err), SH_ENOTFOUND);
	td_location_free(&loc);
	td_location_free(&loc);
	td_location_free(NULL);
	json_decref(e);
}
END_TEST

static void gh(const char *url, const char *api_base, const char *api, const char *owner,
	       const char *repo, const char *ref, const char *path)
{
	struct td_github_url g;
	char err[256];

	ck_assert_msg(td_github_url_parse(url, api_base, &g, err, sizeof err) == 0, "%s: %s", url, err);
	ck_assert_str_eq(g.api, api);
	ck_assert_str_eq(g.owner, owner);
	ck_assert_str_eq(g.repo, repo);
	ck_assert_str_eq(g.ref, ref);
	ck_assert_str_eq(g.path, path);
	td_github_url_clear(&g);
}

START_TEST(test_github_url)
{
	gh("https://github.com/oracle-org/checkout-service/tree/main/docs", NULL,
	   "https://api.github.com", "oracle-org", "checkout-service", "main", "docs");
	gh("https://GitHub.com/o/r.git/blob/v1.2/", NULL, "https://api.github.com", "o", "r", "v1.2", "");
	gh("https://ghe.example.com/o/r/tree/main/a/b/", NULL, "https://ghe.example.com/api/v3", "o",
	   "r", "main", "a/b");
	gh("http://127.0.0.1:8080/o/r/tree/main/my%20docs", NULL, "http://127.0.0.1:8080/api/v3", "o",
	   "r", "main", "my docs");
	gh("https://github.com/o/r.git", NULL, "https://api.github.com", "o", "r", "", "");
	gh("https://github.com/o/r/", NULL, "https://api.github.com", "o", "r", "", "");
	gh("https://github.com/o/r/tree/main/./x//y/../z?plain=1", "http://127.0.0.1:9/api/", "http://127.0.0.1:9/api",
	   "o", "r", "main", "x/z");
}
END_TEST

START_TEST(test_github_url_refused)
{
	const char *bad[] = {
		"https://github.com/o",                      /* no repository */
		"https://github.com/o/r/commits/main",
		"https://github.com/o/r/tree",               /* no ref */
		"https://github.com/o%2Fx/r/tree/main",
		"https://github.com/o/r/tree/main/a%2e%2e/b",
		"https://github.com/o/r/tree/main/a%5cb",
		"https://github.com/o/r/tree/main/a%00b",
		"https://github.com/o/r/tree/main/a%0ab",
		"https://github.com/o/r!/tree/main",
		"https://github.com/o/..git/tree/main",
		"ftp://github.com/o/r/tree/main",
		"https://user@github.com/o/r/tree/main",
		"not a url",
	};
	struct td_github_url g;
	char err[256];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(td_github_url_parse(bad[i], NULL, &g, err, sizeof err) == SH_EINVAL, "%s",
			      bad[i]);
		ck_assert_ptr_null(g.owner);
		ck_assert(strstr(err, "not a GitHub repository tree URL") != NULL);
	}
}
END_TEST

START_TEST(test_tree_paths)
{
	ck_assert(td_tree_path_ok("index.md"));
	ck_assert(td_tree_path_ok("a/b/c.png"));
	ck_assert(td_tree_path_ok(".pages"));
	ck_assert(td_tree_path_ok("a/..b/c"));
	ck_assert(!td_tree_path_ok(""));
	ck_assert(!td_tree_path_ok(NULL));
	ck_assert(!td_tree_path_ok("/etc/passwd"));
	ck_assert(!td_tree_path_ok("../x"));
	ck_assert(!td_tree_path_ok("a/../../x"));
	ck_assert(!td_tree_path_ok("a/./b"));
	ck_assert(!td_tree_path_ok("a//b"));
	ck_assert(!td_tree_path_ok("a/"));
	ck_assert(!td_tree_path_ok("..\\x"));
	ck_assert(!td_tree_path_ok("a\nb"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("techdocs_ref");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_url_as_is);
	tcase_add_test(tc, test_dir_against_url);
	tcase_add_test(tc, test_dir_against_file);
	tcase_add_test(tc, test_dir_outside_parent);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_free_twice);
	tcase_add_test(tc, test_github_url);
	tcase_add_test(tc, test_github_url_refused);
	tcase_add_test(tc, test_tree_paths);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
