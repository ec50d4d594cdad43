/*
 * plugins/techdocs/build.c (with build_fs.c, build_nav.c, site.c and
 * search.c): the fixture's source built and compared with the site real
 * mkdocs published from it (pages, nav entries and titles, heading ids,
 * metadata keys, search locations, copied files), a source without
 * mkdocs.yml or docs/, and every cap and hostile input (symlinks out,
 * huge files, too many files, deep trees, bad YAML, the time limit), each
 * failing with its reason and leaving no output behind.
 */
#define _GNU_SOURCE /* nftw, scandir */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/errors.h>

#include "../../plugins/techdocs/techdocs.h"
#include "unit.h"

#define FIXTURE "tests/data/upstream/techdocs"

static char tmp[256];
static struct sh_buf log_text;
static const struct td_limits lim = {100, 1 << 20, 4 << 20, 30};

static void setup(void)
{
	snprintf(tmp, sizeof tmp, "/tmp/check_techdocs_build.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	sh_buf_init(&log_text, 1 << 20);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void teardown(void)
{
	nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	sh_buf_free(&log_text);
}

static void collect_log(void *ud, const char *line)
{
	(void)ud;
	sh_buf_printf(&log_text, "%s\n", line);
}

static char *fixture(const char *rel)
{
	const char *top = getenv("top_srcdir");

	return sh_xasprintf("%s/" FIXTURE "/%s", top ? top : ".", rel);
}

static char *slurp(const char *dir, const char *rel)
{
	char *path = sh_xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(path, "rb");
	struct sh_buf b;
	char chunk[4096];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	sh_buf_init(&b, 8 << 20);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ck_assert_int_eq(sh_buf_add(&b, chunk, n), 0);
	fclose(f);
	free(path);
	return sh_buf_take(&b, NULL);
}

/* Writes dir/rel (parents made). */
static void put(const char *dir, const char *rel, const char *text, size_t len)
{
	char *path = sh_xasprintf("%s/%s", dir, rel);
	FILE *f;

	for (char *p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
	free(path);
}

static void puts_(const char *dir, const char *rel, const char *text)
{
	put(dir, rel, text, strlen(text));
}

static void link_(const char *target, const char *dir, const char *rel)
{
	char *path = sh_xasprintf("%s/%s", dir, rel);

	ck_assert_int_eq(symlink(target, path), 0);
	free(path);
}

static bool exists(const char *dir, const char *rel)
{
	char *path = sh_xasprintf("%s%s%s", dir, rel ? "/" : "", rel ? rel : "");
	struct stat st;
	bool ok = lstat(path, &st) == 0;

	free(path);
	return ok;
}

/* The files of a tree, sorted, one per line ("a/b.html\n..."). */
static void list_files(const char *dir, const char *rel, struct sh_buf *out)
{
	char *path = sh_xasprintf("%s/%s", dir, rel);
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char *sub = sh_xasprintf("%s%s%s", rel, *rel ? "/" : "", names[i]->d_name);
		struct stat st;
		char *full = sh_xasprintf("%s/%s", dir, sub);
		if (names[i]->d_name[0] != '.' && lstat(full, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				list_files(dir, sub, out);
			else
				sh_buf_printf(out, "%s\n", sub);
		}
		free(full);
		free(sub);
		free(names[i]);
	}
	free(names);
	free(path);
}

static char *build(const char *src, const char *name, const struct td_limits *l, int want,
		   char *err, size_t errlen)
{
	char *out = sh_xasprintf("%s/%s", tmp, name);
	int rc = td_build_site(src, out, "Default Site", l, collect_log, NULL, err, errlen);

	ck_assert_msg(rc == want, "rc %d (want %d): %s", rc, want, err);
	return out;
}

/*
 * The primary nav's links in order ("href|title" per line): from the nav up
 * to the secondary sidebar, every <a ... class="md-nav__link..."> and its text.
 */
static char *nav_links(const char *html)
{
	const char *p = strstr(html, "md-nav--primary"), *end = strstr(html, "md-sidebar--secondary");
	struct sh_buf b;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(end);
	sh_buf_init(&b, 1 << 20);
	while ((p = strstr(p, "<a ")) && p < end) {
		const char *close = strchr(p, '>'), *cls = strstr(p, "class=\"md-nav__link");
		const char *href = strstr(p, "href=\"");
		if (cls && cls < close && href && href < close) {
			const char *t = close + 1, *te = strstr(t, "</a>");
			char *text = sh_xstrndup(t, (size_t)(te - t)), *s = text, *e;
			while (*s == ' ' || *s == '\n')
				s++;
			for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\n'); e--)
				;
			sh_buf_printf(&b, "%.*s|%.*s\n", (int)strcspn(href + 6, "\""), href + 6,
				      (int)(e - s), s);
			free(text);
		}
		p = close;
	}
	return sh_buf_take(&b, NULL);
}

/* The ids of the article's headings, in order. */
static char *heading_ids(const char *html)
{
	const char *p = strstr(html, "md-content__inner");
	struct sh_buf b;

	sh_buf_init(&b, 1 << 20);
	while (p && (p = strstr(p, "<h")))
		if (p[2] >= '1' && p[2] <= '6' && strncmp(p + 3, " id=\"", 5) == 0) {
			sh_buf_printf(&b, "%.*s ", (int)strcspn(p + 8, "\""), p + 8);
			p += 8;
		} else {
			p += 2;
		}
	return sh_buf_take(&b, NULL);
}

static void same_page(const char *built, const char *published, const char *rel)
{
	char *a = slurp(built, rel), *b = slurp(published, rel);
	char *na = nav_links(a), *nb = nav_links(b), *ha = heading_ids(a), *hb = heading_ids(b);

	ck_assert_msg(strcmp(na, nb) == 0, "%s nav:\n%s\nwant:\n%s", rel, na, nb);
	ck_assert_msg(strcmp(ha, hb) == 0, "%s headings: %s want %s", rel, ha, hb);
	for (const char *cls = "md-header\0md-container\0md-main\0md-sidebar--primary\0"
			       "md-sidebar--secondary\0md-content\0md-content__inner md-typeset\0"
			       "md-footer\0md-nav\0";
	     *cls; cls += strlen(cls) + 1)
		ck_assert_msg(strstr(a, cls) != NULL, "%s has no %s", rel, cls);
	free(a), free(b), free(na), free(nb), free(ha), free(hb);
}

static json_t *load_json(const char *dir, const char *rel)
{
	char *text = slurp(dir, rel);
	json_t *v = json_loads(text, 0, NULL);

	ck_assert_msg(v != NULL, "%s/%s is not JSON", dir, rel);
	free(text);
	return v;
}

/* "location|title" of every search entry. */
static char *search_entries(const char *dir)
{
	json_t *idx = load_json(dir, "search/search_index.json"), *e;
	struct sh_buf b;
	size_t i;

	sh_buf_init(&b, 1 << 20);
	json_array_foreach(json_object_get(idx, "docs"), i, e)
		sh_buf_printf(&b, "%s|%s\n", json_string_value(json_object_get(e, "location")),
			      json_string_value(json_object_get(e, "title")));
	json_decref(idx);
	return sh_buf_take(&b, NULL);
}

/* The fixture's source, built here, against what mkdocs published from it. */
START_TEST(test_fixture_structure)
{
	char err[256], *src = fixture("source/checkout-service");
	char *pub = fixture("published/default/component/checkout-service");
	char *out = build(src, "site", &lim, 0, err, sizeof err);
	char *sa, *sb;
	json_t *ma, *mb, *ia, *ib;
	const char *key;
	json_t *v;

	for (const char *rel = "index.html\0runbooks/on-call/index.html\0" "404.html\0"
			       "images/checkout-flow.png\0search/search_index.json\0techdocs_metadata.json\0";
	     *rel; rel += strlen(rel) + 1) {
		ck_assert_msg(exists(pub, rel), "the fixture has no %s", rel);
		ck_assert_msg(exists(out, rel), "the build wrote no %s", rel);
	}
	same_page(out, pub, "index.html");
	same_page(out, pub, "runbooks/on-call/index.html");
	sa = slurp(out, "images/checkout-flow.png"), sb = slurp(pub, "images/checkout-flow.png");
	ck_assert_str_eq(sa, sb);
	free(sa), free(sb);
	sa = search_entries(out), sb = search_entries(pub);
	ck_assert_str_eq(sa, sb);
	free(sa), free(sb);
	ia = load_json(out, "search/search_index.json"), ib = load_json(pub, "search/search_index.json");
	ck_assert(json_equal(json_object_get(ia, "config"), json_object_get(ib, "config")));
	/* the page text as mkdocs extracts it, but for pymdownx's line numbers */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(ia, "docs"), 0),
							   "text")),
			 json_string_value(json_object_get(json_array_get(json_object_get(ib, "docs"), 0),
							   "text")));
	json_decref(ia), json_decref(ib);
	ma = load_json(out, "techdocs_metadata.json"), mb = load_json(pub, "techdocs_metadata.json");
	json_object_foreach(ma, key, v)
		ck_assert_msg(json_equal(v, json_object_get(mb, key)), "metadata %s differs", key);
	ck_assert_uint_eq(json_object_size(ma), 2);
	json_decref(ma), json_decref(mb);
	sa = slurp(out, "runbooks/on-call/index.html");
	ck_assert_ptr_nonnull(strstr(sa, "href=\"../../assets/stylesheets/main.5a9e0c1d.min.css\""));
	ck_assert_ptr_nonnull(strstr(sa, "<a href=\"../../\">Back to the overview</a>"));
	ck_assert_ptr_nonnull(strstr(sa, "md-footer__link--prev"));
	ck_assert_ptr_null(strstr(sa, "md-footer__link--next"));
	ck_assert_ptr_nonnull(strstr(sa, "id=\"__nav_2\" checked"));
	ck_assert_ptr_nonnull(
		strstr(sa, "href=\"https://github.com/oracle-org/checkout-service/edit/main/docs/runbooks/on-call.md\""));
	free(sa);
	sa = slurp(out, "assets/stylesheets/main.5a9e0c1d.min.css");
	ck_assert_ptr_nonnull(strstr(sa, ".md-typeset"));
	free(sa);
	ck_assert_ptr_nonnull(strstr(log_text.data, "site 'Checkout Service' built"));
	free(src), free(pub), free(out);
}
END_TEST

/* No mkdocs.yml: the default name, a nav made from the files (a section per directory). */
START_TEST(test_default_config)
{
	char err[256], *src = sh_xasprintf("%s/src", tmp), *out, *html, *nav;
	struct sh_buf files;

	puts_(src, "docs/index.md", "# Welcome\n");
	puts_(src, "docs/zeta.md", "# Zeta page\n");
	puts_(src, "docs/alpha.md", "no heading\n");
	puts_(src, "docs/how-to/index.md", "# How-tos\n");
	puts_(src, "docs/how-to/deploy.md", "# Deploying\n[home](../index.md)\n");
	puts_(src, "docs/.hidden.md", "# Hidden\n");
	puts_(src, "docs/.git/config", "x");
	puts_(src, "docs/img/a.svg", "<svg/>");
	out = build(src, "site", &lim, 0, err, sizeof err);
	sh_buf_init(&files, 1 << 20);
	list_files(out, "", &files);
	ck_assert_str_eq(files.data, "404.html\nalpha/index.html\nassets/stylesheets/main.5a9e0c1d.min.css\n"
				     "how-to/deploy/index.html\nhow-to/index.html\nimg/a.svg\nindex.html\n"
				     "search/search_index.json\ntechdocs_metadata.json\nzeta/index.html\n");
	html = slurp(out, "how-to/deploy/index.html");
	nav = nav_links(html);
	ck_assert_str_eq(nav, "../..|Welcome\n../../alpha/|Alpha\n../../zeta/|Zeta page\n"
			      "../|How-tos\n./|Deploying\n");
	free(nav);
	ck_assert_ptr_nonnull(strstr(html, "<label class=\"md-nav__link\" for=\"__nav_4\">How to"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"../../\">home</a>"));
	ck_assert_ptr_nonnull(strstr(html, "<title>Deploying - Default Site</title>"));
	free(html);
	json_t *m = load_json(out, "techdocs_metadata.json");
	ck_assert_str_eq(json_string_value(json_object_get(m, "site_name")), "Default Site");
	ck_assert_str_eq(json_string_value(json_object_get(m, "site_description")), "None");
	json_decref(m);
	ck_assert_ptr_nonnull(strstr(log_text.data, "no mkdocs.yml"));
	sh_buf_free(&files);
	free(src), free(out);
}
END_TEST

/* Builds src into tmp/name and looks for want in its index.html. */
static void index_has(const char *src, const char *name, const char *want)
{
	char err[256], *out = build(src, name, &lim, 0, err, sizeof err), *html = slurp(out, "index.html");

	ck_assert_msg(strstr(html, want) != NULL, "%s/index.html has no '%s'", name, want);
	free(html);
	free(out);
}

/* No docs/: the source's README.md is the index page. */
START_TEST(test_readme_fallback)
{
	char *src = sh_xasprintf("%s/src", tmp);

	puts_(src, "README.md", "# The Readme\n\nHello.\n");
	puts_(src, "mkdocs.yml", "site_name: R\n");
	index_has(src, "site", "<h1 id=\"the-readme\">The Readme");
	/* docs/README.md is the index when docs/index.md is absent, and loses to it otherwise */
	puts_(src, "docs/README.md", "# Docs readme\n");
	index_has(src, "site2", "Docs readme");
	puts_(src, "docs/index.md", "# Docs index\n");
	index_has(src, "site3", "Docs index");
	ck_assert_ptr_nonnull(strstr(log_text.data, "skipping README.md: another page has its URL"));
	free(src);
}
END_TEST

/* A failed build leaves nothing at out_dir and says why. */
static void fails(const char *src, const struct td_limits *l, int want, const char *why)
{
	char err[256] = "", *out = build(src, "failed", l, want, err, sizeof err);

	ck_assert_msg(strstr(err, why) != NULL, "'%s' does not say '%s'", err, why);
	ck_assert_msg(!exists(out, NULL), "%s left behind", out);
	free(out);
}

START_TEST(test_caps)
{
	char *src = sh_xasprintf("%s/src", tmp), *big = sh_xmalloc(5000);
	struct td_limits l = lim;

	memset(big, 'x', 5000);
	puts_(src, "docs/index.md", "# Home\n");
	for (int i = 0; i < 5; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "docs/p%d.md", i);
		put(src, rel, big, 1000);
	}
	l.max_files = 5;
	fails(src, &l, SH_ETOOBIG, "more than 5 files");
	l = lim, l.max_file_bytes = 999;
	fails(src, &l, SH_ETOOBIG, "larger than the 999-byte file limit");
	l = lim, l.max_total_bytes = 4000;
	fails(src, &l, SH_ETOOBIG, "larger than the 4000-byte limit");
	l = lim, l.timeout_s = 0;
	fails(src, &l, SH_ETIMEDOUT, "longer than 0 s");
	l = lim, l.max_files = 6, l.max_file_bytes = 1000, l.max_total_bytes = 5007;
	char err[256], *out = build(src, "exact", &l, 0, err, sizeof err);
	free(out);
	/* mkdocs.yml counts against the file size cap too */
	put(src, "mkdocs.yml", big, 2000);
	l = lim, l.max_file_bytes = 1500;
	fails(src, &l, SH_ETOOBIG, "mkdocs.yml is larger than");
	free(big);
	free(src);
}
END_TEST

START_TEST(test_deep_tree)
{
	char *src = sh_xasprintf("%s/src", tmp);
	struct sh_buf rel;

	sh_buf_init(&rel, 1 << 20);
	sh_buf_addstr(&rel, "docs");
	for (int i = 0; i < 40; i++)
		sh_buf_addstr(&rel, "/d");
	sh_buf_addstr(&rel, "/x.md");
	puts_(src, rel.data, "# deep\n");
	fails(src, &lim, SH_ETOOBIG, "nested deeper than 32 directories");
	sh_buf_free(&rel);
	free(src);
}
END_TEST

/* Symlinks: inside the source they are followed (files only); out of it never. */
START_TEST(test_symlinks_out)
{
	char err[256], *src = sh_xasprintf("%s/src", tmp), *secret = sh_xasprintf("%s/secret", tmp);
	char *path, *out, *index;
	struct sh_buf files;

	puts_(tmp, "secret/passwords.md", "# TOP SECRET\n");
	puts_(tmp, "secret/key.png", "KEY");
	puts_(src, "docs/index.md", "# Home\n");
	puts_(src, "shared.md", "# Shared inside\n");
	link_("../../secret/passwords.md", src, "docs/leak.md");
	link_(secret, src, "docs/key.png");
	link_("/etc/hostname", src, "docs/k2.png");
	link_(secret, src, "docs/dir");
	link_("../shared.md", src, "docs/shared.md");
	out = build(src, "site", &lim, 0, err, sizeof err);
	sh_buf_init(&files, 1 << 20);
	list_files(out, "", &files);
	ck_assert_ptr_null(strstr(files.data, "leak"));
	ck_assert_ptr_null(strstr(files.data, "key"));
	ck_assert_ptr_null(strstr(files.data, "k2"));
	ck_assert_ptr_null(strstr(files.data, "dir"));
	ck_assert_ptr_nonnull(strstr(files.data, "shared/index.html"));
	index = slurp(out, "search/search_index.json");
	ck_assert_ptr_null(strstr(index, "SECRET"));
	ck_assert_ptr_nonnull(strstr(index, "Shared inside"));
	ck_assert_ptr_nonnull(strstr(log_text.data, "skipping leak.md"));
	free(index);
	sh_buf_free(&files);
	free(out);
	/* mkdocs.yml or docs_dir leading out fails the build */
	link_("/etc/passwd", src, "mkdocs.yml");
	fails(src, &lim, SH_EDENIED, "mkdocs.yml leads out of the source");
	path = sh_xasprintf("%s/mkdocs.yml", src);
	unlink(path);
	free(path);
	puts_(src, "mkdocs.yml", "docs_dir: linked\n");
	link_(secret, src, "linked");
	fails(src, &lim, SH_EDENIED, "docs_dir 'linked' leads out of the source");
	free(secret);
	free(src);
}
END_TEST

/* FIFOs (and links to them) are skipped, never opened: a build cannot hang on one. */
START_TEST(test_special_files)
{
	char err[256], *src = sh_xasprintf("%s/src", tmp), *fifo = sh_xasprintf("%s/docs/pipe.md", src);
	char *out;
	struct sh_buf files;

	puts_(src, "docs/index.md", "# Home\n");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	link_("pipe.md", src, "docs/pipe-link.png");
	out = build(src, "site", &lim, 0, err, sizeof err);
	sh_buf_init(&files, 1 << 20);
	list_files(out, "", &files);
	ck_assert_ptr_null(strstr(files.data, "pipe"));
	sh_buf_free(&files);
	free(out), free(fifo), free(src);
}
END_TEST

START_TEST(test_bad_inputs)
{
	char err[256], *src = sh_xasprintf("%s/src", tmp), *out;
	struct sh_buf nav;

	puts_(src, "docs/index.md", "# Home\n");
	puts_(src, "mkdocs.yml", "site_name: [unclosed\n");
	fails(src, &lim, SH_EINVAL, "mkdocs.yml is not valid YAML");
	puts_(src, "mkdocs.yml", "docs_dir: ../..\n");
	fails(src, &lim, SH_EINVAL, "must not leave the source");
	sh_buf_init(&nav, 1 << 20);
	sh_buf_addstr(&nav, "nav:\n");
	for (int i = 0; i < 12; i++)
		sh_buf_printf(&nav, "%*s- S%d:\n", 2 * (2 * i + 1), "", i);
	sh_buf_printf(&nav, "%*s- index.md\n", 2 * 25, "");
	puts_(src, "mkdocs.yml", nav.data);
	fails(src, &lim, SH_EINVAL, "nested deeper than");
	sh_buf_free(&nav);
	puts_(src, "mkdocs.yml", "docs_dir: nowhere\n");
	fails(src, &lim, SH_EINVAL, "no Markdown pages");
	puts_(src, "mkdocs.yml", "docs_dir: docs/index.md\n");
	fails(src, &lim, SH_EINVAL, "is not a directory");
	puts_(src, "mkdocs.yml", "site_name: ok\n");
	fails("/nonexistent/source", &lim, SH_ENOTFOUND, "no source directory");
	/* an existing out_dir is refused and left alone */
	out = build(src, "site", &lim, 0, err, sizeof err);
	ck_assert_int_eq(td_build_site(src, out, "x", &lim, NULL, NULL, err, sizeof err), SH_EIO);
	ck_assert_ptr_nonnull(strstr(err, "cannot create the output directory"));
	ck_assert(exists(out, "index.html"));
	free(out);
	free(src);
}
END_TEST

/* A nav naming pages that do not exist, links and a page twice. */
START_TEST(test_nav_resolution)
{
	char err[256], *src = sh_xasprintf("%s/src", tmp), *out, *html, *nav;

	puts_(src, "docs/index.md", "# Home\n");
	puts_(src, "docs/b.md", "# Bee\n");
	puts_(src, "docs/orphan.md", "# Orphan\n");
	puts_(src, "mkdocs.yml", "nav:\n  - B first: b.md\n  - ./index.md\n  - Gone: missing.md\n"
				 "  - Evil: javascript:alert(1)\n  - Ext: https://example.com/\n  - Again: b.md\n");
	out = build(src, "site", &lim, 0, err, sizeof err);
	html = slurp(out, "index.html");
	nav = nav_links(html);
	ck_assert_str_eq(nav, "b/|B first\n.|Home\nhttps://example.com/|Ext\nb/|Again\n");
	ck_assert_ptr_null(strstr(html, "javascript:"));
	ck_assert_ptr_nonnull(strstr(html, "md-footer__link--prev"));
	ck_assert_ptr_null(strstr(html, "md-footer__link--next"));
	free(nav), free(html);
	html = slurp(out, "orphan/index.html");
	ck_assert_ptr_null(strstr(html, "md-footer__link"));
	free(html);
	html = slurp(out, "search/search_index.json");
	ck_assert_ptr_nonnull(strstr(html, "\"location\":\"b/\",\"text\":\"Bee \\u00B6\",\"title\":\"B first\""));
	free(html);
	free(out);
	free(src);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("techdocs_build");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_fixture_structure);
	tcase_add_test(tc, test_default_config);
	tcase_add_test(tc, test_readme_fallback);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_deep_tree);
	tcase_add_test(tc, test_symlinks_out);
	tcase_add_test(tc, test_special_files);
	tcase_add_test(tc, test_bad_inputs);
	tcase_add_test(tc, test_nav_resolution);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
