/*
 * plugins/techdocs/prepare_url.c against the stand-in playing GitHub's
 * REST API: the ref's commit (its SHA is the etag), the recursive tree,
 * the blobs below the docs path written under work_dir (symlinks,
 * submodules and other directories left out), the token and media types
 * sent; the repository's URL alone read at its default branch; then
 * every refusal: a host not allowed, hostile tree entries
 * (nothing written), each cap, a truncated tree, GitHub's 404 and 401,
 * a missing directory and the time limit; and "not modified": the etag
 * published now equal to the commit's SHA asks for the commit only.
 */
#define _GNU_SOURCE
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stagehand/stagehand.h>

#include "../../plugins/techdocs/prepare.h"
#include "standin.h"

#define SHA "e3b1c4d9a7f2086c5b1e9d3a4f60c2b78d9e1a05"
#define URL "https://github.com/oracle-org/checkout-service/tree/main/svc"
#define REPO "/repos/oracle-org/checkout-service"
#define B_YML "1111111111111111111111111111111111111111"
#define B_IDX "2222222222222222222222222222222222222222"
#define B_PNG "3333333333333333333333333333333333333333"
#define B_OUT "4444444444444444444444444444444444444444"

static char scratch[] = "/tmp/check_td_prepare.XXXXXX"; /* made in main, removed there */
static char work[320];
static struct sh_url_allow *allow;
static struct td_github_conf gc;
static struct td_limits lim = { .max_files = 100, .max_file_bytes = 1024,
				.max_total_bytes = 4096, .timeout_s = 5 };

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static void setup(void)
{
	const char *rules[] = { "github.com" };
	char *why = NULL;

	snprintf(work, sizeof work, "%s/work.XXXXXX", scratch);
	ck_assert_ptr_nonnull(mkdtemp(work));
	ck_assert_int_eq(sh_url_allow_parse(rules, 1, &allow, &why), 0);
	gc = (struct td_github_conf){ .allow = allow, .api_base = standin_base(), .token = "ghp_t" };
}


static void route(const char *path, const char *body)
{
	standin_route(json_pack("{s:s,s:s,s:s}", "method", "GET", "path", path, "body_text", body));
}

static void commit_route(void)
{
	route(REPO "/commits/main", SHA "\n");
}

/* The tree (entries: a JSON array text) at the commit. */
static void tree_route(const char *entries, bool truncated)
{
	char *body = sh_xasprintf("{\"sha\":\"9999999999999999999999999999999999999999\","
				  "\"url\":\"https://api.github.com%s/git/trees/x\",\"tree\":%s,"
				  "\"truncated\":%s}", REPO, entries, truncated ? "true" : "false");

	route(REPO "/git/trees/" SHA, body);
	free(body);
}

static const char *entry(const char *path, const char *mode, const char *type, const char *sha,
			 int size)
{
	static char buf[16][512];
	static int n;
	char *e = buf[n++ % 16];

	snprintf(e, sizeof buf[0], "{\"path\":\"%s\",\"mode\":\"%s\",\"type\":\"%s\",\"sha\":\"%s\","
		 "\"size\":%d}", path, mode, type, sha, size);
	return e;
}

static void blob_route(const char *sha, const char *body)
{
	char *p = sh_xasprintf(REPO "/git/blobs/%s", sha);

	route(p, body);
	free(p);
}

/* The usual repository: svc/ holds the docs, other/ does not. */
static void repo_routes(void)
{
	char *entries = sh_xasprintf("[%s,%s,%s,%s,%s,%s,%s,%s,%s]",
		entry("README.md", "100644", "blob", B_OUT, 5),
		entry("other", "040000", "tree", B_OUT, 0),
		entry("other/x.md", "100644", "blob", B_OUT, 5),
		entry("svc", "040000", "tree", B_OUT, 0),
		entry("svc/mkdocs.yml", "100644", "blob", B_YML, 22),
		entry("svc/docs", "040000", "tree", B_OUT, 0),
		entry("svc/docs/index.md", "100644", "blob", B_IDX, 9),
		entry("svc/docs/link.md", "120000", "blob", B_OUT, 9),
		entry("svc/vendor", "160000", "commit", B_OUT, 0));

	commit_route();
	tree_route(entries, false);
	blob_route(B_YML, "site_name: Checkout\n");
	blob_route(B_IDX, "# Hello\n");
	free(entries);
}

static char *slurp(const char *rel)
{
	char *p = sh_xasprintf("%s/%s", work, rel), *buf = sh_xcalloc(1, 4096);
	FILE *f = fopen(p, "r");

	ck_assert_msg(f != NULL, "%s", p);
	ck_assert(fread(buf, 1, 4095, f) > 0);
	fclose(f);
	free(p);
	return buf;
}

static bool exists(const char *rel)
{
	char *p = sh_xasprintf("%s/%s", work, rel);
	struct stat st;
	bool r = lstat(p, &st) == 0;

	free(p);
	return r;
}

static int prepare(const char *url, char *err, size_t errlen, char *etag)
{
	char *src = NULL;
	int rc = td_prepare_github(&gc, url, work, &lim, &src, etag, 65, err, errlen);

	if (rc == 0) {
		char *want = sh_xasprintf("%s/source", work);

		ck_assert_str_eq(src, want);
		free(want);
	} else {
		ck_assert_ptr_null(src);
	}
	free(src);
	return rc;
}

START_TEST(test_fetch_docs)
{
	char err[256] = "", etag[65] = "x";
	char *text;

	setup();
	repo_routes();
	ck_assert_msg(prepare(URL, err, sizeof err, etag) == 0, "%s", err);
	ck_assert_str_eq(etag, SHA);
	text = slurp("source/mkdocs.yml");
	ck_assert_str_eq(text, "site_name: Checkout\n");
	free(text);
	text = slurp("source/docs/index.md");
	ck_assert_str_eq(text, "# Hello\n");
	free(text);
	ck_assert(!exists("source/docs/link.md"));
	ck_assert(!exists("source/vendor"));
	ck_assert(!exists("source/README.md"));
	ck_assert_int_eq(standin_count(REPO "/git/blobs/" B_OUT), 0);
	ck_assert_str_eq(standin_sent(REPO "/commits/main", 0, "accept"), "application/vnd.github.sha");
	ck_assert_str_eq(standin_sent(REPO "/git/trees/" SHA, 0, "accept"), "application/vnd.github+json");
	ck_assert_str_eq(standin_sent(REPO "/git/blobs/" B_IDX, 0, "accept"),
			 "application/vnd.github.raw+json");
	ck_assert_str_eq(standin_sent(REPO "/git/blobs/" B_IDX, 0, "authorization"), "Bearer ghp_t");
	ck_assert_str_eq(standin_sent(REPO "/git/blobs/" B_IDX, 0, "x-github-api-version"), "2022-11-28");
}
END_TEST

START_TEST(test_fetch_root_without_token)
{
	char err[256] = "", etag[65] = "";

	setup();
	repo_routes();
	gc.token = NULL;
	blob_route(B_OUT, "other\n");
	ck_assert_msg(prepare("https://github.com/oracle-org/checkout-service/tree/main", err,
			      sizeof err, etag) == 0, "%s", err);
	ck_assert(exists("source/README.md"));
	ck_assert(exists("source/other/x.md"));
	ck_assert(exists("source/svc/docs/index.md"));
	ck_assert_ptr_null(standin_sent(REPO "/commits/main", 0, "authorization"));
}
END_TEST

/* The repository's URL alone: its default branch, from GET /repos/o/r. */
START_TEST(test_default_branch)
{
	char err[256] = "", etag[65] = "";

	setup();
	repo_routes();
	blob_route(B_OUT, "other\n");
	route(REPO, "{\"full_name\":\"oracle-org/checkout-service\",\"default_branch\":\"main\"}");
	ck_assert_msg(prepare("https://github.com/oracle-org/checkout-service", err, sizeof err,
			      etag) == 0, "%s", err);
	ck_assert_str_eq(etag, SHA);
	ck_assert(exists("source/svc/docs/index.md"));
	ck_assert_str_eq(standin_sent(REPO, 0, "accept"), "application/vnd.github+json");
	standin_reset();
	route(REPO, "{\"full_name\":\"oracle-org/checkout-service\"}");
	ck_assert_int_eq(prepare("https://github.com/oracle-org/checkout-service", err, sizeof err,
				 etag), SH_EINVAL);
	ck_assert_str_eq(err, "github answered no default branch for oracle-org/checkout-service");
}
END_TEST

START_TEST(test_not_allowed)
{
	char err[256] = "", etag[65] = "";

	setup();
	ck_assert_int_eq(prepare("https://git.evil.example.com/o/r/tree/main", err, sizeof err, etag),
			 SH_EDENIED);
	ck_assert(strstr(err, "git.evil.example.com") != NULL);
	ck_assert_int_eq(standin_count(REPO "/commits/main"), 0);
	ck_assert_int_eq(prepare("https://github.com/o/r/commits/main", err, sizeof err, etag),
			 SH_EINVAL);
	ck_assert(strstr(err, "not a GitHub repository tree URL") != NULL);
}
END_TEST

/* A tree with one hostile entry: refused, nothing fetched or written. */
static void hostile(const char *path, const char *sha)
{
	char err[256] = "", etag[65] = "";
	char *entries = sh_xasprintf("[%s,%s]", entry("svc/docs/index.md", "100644", "blob", B_IDX, 9),
				     entry(path, "100644", "blob", sha, 4));

	standin_reset();
	commit_route();
	tree_route(entries, false);
	blob_route(B_IDX, "# Hello\n");
	ck_assert_int_eq(prepare("https://github.com/oracle-org/checkout-service/tree/main/svc/", err,
				 sizeof err, etag), SH_EINVAL);
	ck_assert_msg(strstr(err, "refused tree entry") != NULL, "%s", err);
	ck_assert(!exists("source"));
	ck_assert_int_eq(standin_count(REPO "/git/blobs/" B_IDX), 0);
	free(entries);
}

START_TEST(test_hostile_tree)
{
	setup();
	hostile("svc/../../../tmp/evil", B_OUT);
	hostile("svc/docs/../../x", B_OUT);
	hostile("svc//x", B_OUT);
	hostile("svc/a\\\\..\\\\b", B_OUT);
	hostile("svc/x", "../../../../etc/passwd");
	hostile("svc/x", "XYZ");
}
END_TEST

static void too_big(const char *entries, const char *want)
{
	char err[256] = "", etag[65] = "";

	standin_reset();
	commit_route();
	tree_route(entries, false);
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_ETOOBIG);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
}

START_TEST(test_caps)
{
	char *e = sh_xasprintf("[%s,%s,%s]", entry("svc", "040000", "tree", B_OUT, 0),
			       entry("svc/a.md", "100644", "blob", B_YML, 10),
			       entry("svc/b.md", "100644", "blob", B_IDX, 2000));
	char err[256] = "", etag[65] = "";

	setup();
	too_big(e, "b.md is larger than 1024 bytes");
	free(e);
	lim.max_files = 1;
	e = sh_xasprintf("[%s,%s,%s]", entry("svc", "040000", "tree", B_OUT, 0),
			 entry("svc/a.md", "100644", "blob", B_YML, 10),
			 entry("svc/b.md", "100644", "blob", B_IDX, 10));
	too_big(e, "the docs have more than 1 files");
	lim.max_files = 100;
	lim.max_total_bytes = 15;
	too_big(e, "the docs are larger than 15 bytes");
	lim.max_total_bytes = 4096;
	free(e);
	/* the tree says 10 bytes, the blob is larger than the cap */
	e = sh_xasprintf("[%s,%s]", entry("svc", "040000", "tree", B_OUT, 0),
			 entry("svc/a.md", "100644", "blob", B_YML, 10));
	standin_reset();
	commit_route();
	tree_route(e, false);
	{
		char *big = sh_xcalloc(1, 2000);

		memset(big, 'x', 1999);
		blob_route(B_YML, big);
		free(big);
	}
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_ETOOBIG);
	ck_assert_str_eq(err, "a.md is larger than 1024 bytes");
	/* GitHub cut the listing short */
	standin_reset();
	commit_route();
	tree_route(e, true);
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_ETOOBIG);
	ck_assert_str_eq(err, "the repository's tree is too large to list");
	free(e);
}
END_TEST

START_TEST(test_github_refusals)
{
	char err[256] = "", etag[65] = "";

	setup();
	standin_route(json_pack("{s:s,s:s,s:i,s:s}", "method", "GET", "path", REPO "/commits/main",
				"status", 404, "body_text", "{\"message\":\"Not Found\"}"));
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_ENOTFOUND);
	ck_assert_str_eq(err, "ref not found at oracle-org/checkout-service (github answered 404)");
	standin_reset();
	standin_route(json_pack("{s:s,s:s,s:i,s:s}", "method", "GET", "path", REPO "/commits/main",
				"status", 401, "body_text", "{\"message\":\"Bad credentials\"}"));
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_EDENIED);
	ck_assert_str_eq(err, "github refused to read oracle-org/checkout-service (401: Bad credentials)");
	standin_reset();
	standin_route(json_pack("{s:s,s:s,s:i,s:s}", "method", "GET", "path", REPO "/commits/main",
				"status", 403, "body_text",
				"{\"message\":\"API rate limit exceeded for 127.0.0.1.\"}"));
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_EDENIED);
	ck_assert_str_eq(err, "github refused to read oracle-org/checkout-service (403: API rate limit "
			      "exceeded for 127.0.0.1.)");
	standin_reset();
	standin_route(json_pack("{s:s,s:s,s:i,s:s}", "method", "GET", "path", REPO "/commits/main",
				"status", 502, "body_text", "<html>bad gateway</html>"));
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_EUNAVAIL);
	ck_assert_str_eq(err, "github answered 502 for ref");
	standin_reset();
	route(REPO "/commits/main", "<html>not a sha</html>");
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_EINVAL);
	standin_reset();
	repo_routes();
	ck_assert_int_eq(prepare("https://github.com/oracle-org/checkout-service/tree/main/nodocs", err,
				 sizeof err, etag), SH_ENOTFOUND);
	ck_assert_str_eq(err, "no directory nodocs in oracle-org/checkout-service at main");
}
END_TEST

START_TEST(test_not_modified)
{
	char err[256] = "", etag[65] = SHA, *src = (char *)"x";

	setup();
	repo_routes();
	ck_assert_int_eq(td_prepare_github(&gc, URL, work, &lim, &src, etag, sizeof etag, err,
					   sizeof err), 0);
	ck_assert_ptr_null(src);
	ck_assert_str_eq(etag, SHA);
	ck_assert_int_eq(standin_count(REPO "/commits/main"), 1);
	ck_assert_int_eq(standin_count(REPO "/git/trees/" SHA), 0);
	ck_assert(!exists("source"));
	/* another commit published: fetched as usual */
	snprintf(etag, sizeof etag, "%s", "0000000000000000000000000000000000000000");
	ck_assert_msg(prepare(URL, err, sizeof err, etag) == 0, "%s", err);
	ck_assert_str_eq(etag, SHA);
	ck_assert(exists("source/docs/index.md"));
}
END_TEST

START_TEST(test_time_limit)
{
	char err[256] = "", etag[65] = "";

	setup();
	repo_routes();
	lim.timeout_s = 1;
	standin_misbehave(json_pack("{s:s,s:s,s:f}", "mode", "delay", "path", REPO "/git/blobs/",
				    "seconds", 1.2));
	ck_assert_int_eq(prepare(URL, err, sizeof err, etag), SH_ETIMEDOUT);
	ck_assert_str_eq(err, "fetching the docs took longer than 1 s");
	lim.timeout_s = 5;
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_fetch_docs, test_fetch_root_without_token, test_default_branch, test_not_allowed,
		test_hostile_tree,
		test_caps, test_github_refusals, test_not_modified, test_time_limit,
	};
	int rc;

	if (!mkdtemp(scratch))
		return EXIT_FAILURE;
	rc = standin_main("techdocs_prepare_url", tests, sizeof tests / sizeof *tests);
	nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
