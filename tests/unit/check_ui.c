/*
 * The portal's runtime config and index.html (fcgi/ui*.c): the page's text
 * (the build's config script replaced, the new one before </head>, '<'
 * escaped, the fallbacks without </head>), the merge's semantics, the
 * host's keys from the ini, sh_ui_config_merge's limits, and the render
 * on disk (the notice-only API install, the file, its mode, the link).
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <stagehand/ui.h>

#include "conf_helpers.h"
#include "host.h"
#include "unit.h"

#define SCRIPT "<script type=\"backstage.io/config\">"

/* host_ui_html of `html` with data {"k":value}; the caller frees. */
static char *render(const char *html, const char *value)
{
	json_t *data = json_pack("{s:s}", "k", value);
	size_t len = 0;
	char *out = host_ui_html(html, strlen(html), data, &len);

	json_decref(data);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

static void expect_page(const char *html, const char *want)
{
	char *out = render(html, "v");

	ck_assert_str_eq(out, want);
	free(out);
}

#define CFG SCRIPT "[{\"context\":\"stagehand\",\"data\":{\"k\":\"v\"}}]</script>"

START_TEST(test_html_before_head)
{
	expect_page("<html><head><title>t</title></head><body></body></html>",
		    "<html><head><title>t</title>" CFG "</head><body></body></html>");
	/* tags in any case */
	expect_page("<HTML><HEAD></HEAD><BODY>", "<HTML><HEAD>" CFG "</HEAD><BODY>");
}
END_TEST

START_TEST(test_html_replaces_build_config)
{
	/* the build's own config scripts go, wherever they are; other scripts stay */
	expect_page("<head><script type=\"backstage.io/config\">[{\"data\":{\"old\":1}}]</script>"
		    "<script src=\"/static/a.js\"></script></head>"
		    "<body><SCRIPT TYPE='backstage.io/config'>[]</SCRIPT>x</body>",
		    "<head><script src=\"/static/a.js\"></script>" CFG "</head><body>x</body>");
	/* an unterminated one is left as it is: nothing after it is cut */
	expect_page("<head></head><body><script type=\"backstage.io/config\">[",
		    "<head>" CFG "</head><body><script type=\"backstage.io/config\">[");
}
END_TEST

START_TEST(test_html_fallbacks)
{
	expect_page("<p>x</p><body>y</body>", "<p>x</p>" CFG "<body>y</body>");
	expect_page("<p>plain</p>", CFG "<p>plain</p>");
	expect_page("", CFG);
}
END_TEST

START_TEST(test_html_escapes)
{
	char *out = render("<head></head>", "</script><script>alert(1)</script><!--");

	ck_assert_ptr_null(strstr(out, "</script><script>"));
	ck_assert_ptr_null(strstr(out, "<!--"));
	ck_assert_ptr_nonnull(strstr(out, "\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"
					  "\\u003c!--"));
	/* exactly one closing tag, the rendered script's own, right before </head> */
	ck_assert_ptr_eq(strstr(out, "</script>"), out + strlen(out) - strlen("</script></head>"));
	free(out);
}
END_TEST

START_TEST(test_merge)
{
	json_t *dst = json_loads("{\"a\":{\"b\":1,\"c\":[1,2]},\"d\":\"x\",\"e\":{\"f\":1}}", 0, NULL);
	json_t *src = json_loads("{\"a\":{\"c\":[3],\"g\":true},\"d\":{\"h\":2},\"e\":5,\"n\":null}",
				 0, NULL);
	json_t *want = json_loads("{\"a\":{\"b\":1,\"c\":[3],\"g\":true},\"d\":{\"h\":2},\"e\":5,"
				  "\"n\":null}", 0, NULL);
	json_t *src_copy = json_deep_copy(src);

	host_ui_merge(dst, src);
	ck_assert(json_equal(dst, want));
	ck_assert(json_equal(src, src_copy));
	/* what dst took is a copy: changing it leaves src alone */
	json_object_set_new(json_object_get(dst, "d"), "z", json_true());
	ck_assert(json_equal(src, src_copy));
	json_decref(dst);
	json_decref(src);
	json_decref(want);
	json_decref(src_copy);
}
END_TEST

/* A host of pool `pool` over the ini `text`, as during a plugin's init. */
static void host_in_init(struct sh_host *h, struct host_plugin *p, const char *pool,
			 const char *text)
{
	memset(h, 0, sizeof *h);
	memset(p, 0, sizeof *p);
	clear_env();
	h->conf = valid(text);
	h->pool = pool;
	h->registering = true;
	h->loading = p;
}

static void host_done(struct sh_host *h)
{
	host_ui_free(h);
	host_conf_free(h->conf);
}

START_TEST(test_config_merge_limits)
{
	struct sh_host h;
	struct host_plugin p;
	json_t *want;

	host_in_init(&h, &p, "main", "[pool.main]\nsocket=/s\n");
	ck_assert_int_eq(sh_ui_config_merge(&h, json_pack("[i]", 1)), SH_EINVAL);
	ck_assert_int_eq(sh_ui_config_merge(&h, NULL), SH_EINVAL);
	ck_assert_int_eq(sh_ui_config_merge(NULL, json_object()), SH_EINVAL);
	ck_assert_int_eq(sh_ui_config_merge(&h, json_pack("{s:{s:s}}", "x", "y", "1")), 0);
	ck_assert_int_eq(sh_ui_config_merge(&h, json_pack("{s:{s:s}}", "x", "z", "2")), 0);
	want = json_pack("{s:{s:s,s:s}}", "x", "y", "1", "z", "2");
	ck_assert(json_equal(h.ui_config, want));
	json_decref(want);
	/* init is over */
	h.loading = NULL;
	h.registering = false;
	ck_assert_int_eq(sh_ui_config_merge(&h, json_pack("{s:i}", "late", 1)), SH_EINVAL);
	ck_assert_ptr_null(json_object_get(h.ui_config, "late"));
	host_done(&h);
}
END_TEST

START_TEST(test_config_merge_other_pool)
{
	struct sh_host h;
	struct host_plugin p;

	host_in_init(&h, &p, "stream", "[pool.main]\nsocket=/s\n[pool.stream]\nsocket=/t\n");
	ck_assert(!host_ui_renders(&h));
	ck_assert_int_eq(sh_ui_config_merge(&h, json_pack("{s:i}", "a", 1)), 0);
	ck_assert_ptr_null(h.ui_config);
	host_done(&h);
	host_in_init(&h, &p, "stream", "[pool.stream]\nsocket=/t\n[ui]\npool=stream\n");
	ck_assert(host_ui_renders(&h));
	host_done(&h);
}
END_TEST

START_TEST(test_config_host_keys)
{
	struct sh_host h;
	struct host_plugin p;
	json_t *data, *want;

	host_in_init(&h, &p, "main",
		     "[server]\nbase_url = https://portal.example.com/\n"
		     "[pool.main]\nsocket=/s\n"
		     "[features]\nauth_redirect_flow = false\nassistant = true\nworkflows = off\n");
	ck_assert_int_eq(sh_ui_config_merge(&h, json_pack("{s:{s:s},s:{s:b}}", "auth",
							  "environment", "production", "app",
							  "extra", 1)), 0);
	data = host_ui_config(&h);
	want = json_loads(
		"{\"app\":{\"baseUrl\":\"https://portal.example.com\",\"title\":\"Stagehand\","
		"\"extra\":true},"
		"\"backend\":{\"baseUrl\":\"https://portal.example.com\"},"
		"\"enableExperimentalRedirectFlow\":false,"
		"\"openchoreo\":{\"features\":{\"auth\":{\"enabled\":true},"
		"\"authz\":{\"enabled\":true},\"workflows\":{\"enabled\":false},"
		"\"observability\":{\"enabled\":true},\"assistant\":{\"enabled\":true},"
		"\"secretManagement\":{\"enabled\":false}}},"
		"\"auth\":{\"environment\":\"production\"}}", 0, NULL);
	ck_assert_msg(json_equal(data, want), "got %s", json_dumps(data, JSON_SORT_KEYS));
	json_decref(data);
	json_decref(want);
	host_done(&h);
}
END_TEST

/* Reads a whole small file into a static buffer. */
static const char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* An ini whose [ui] points at dir/build and dir/render. */
static char *ui_ini(const char *dir, const char *root)
{
	static char ini[1024];

	snprintf(ini, sizeof ini,
		 "[server]\nbase_url = https://p.example\n[pool.main]\nsocket=/s\n"
		 "[ui]\nroot = %s/%s\nrender_dir = %s/render\ntitle = My <Portal>\n", dir, root, dir);
	return ini;
}

START_TEST(test_render_without_build)
{
	struct sh_host h;
	struct host_plugin p;
	char dir[64], path[PATH_MAX];
	struct stat st;

	temp_dir(dir, sizeof dir);
	host_in_init(&h, &p, "main", ui_ini(dir, "build"));
	ck_assert_int_eq(host_ui_render(&h, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/render", dir);
	ck_assert_int_eq(stat(path, &st), -1);
	host_done(&h);
	rm_tree(dir);
}
END_TEST

/* dir/name/index.html: a build whose page has a config script of its own. */
static void make_build(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/%s/index.html", dir, name);
	write_file(path, "<html><head>" SCRIPT "[]</script></head><body></body></html>");
}

/* Renders dir/<root> into dir/render as pool main; the merge as a plugin's. */
static void render_ok(const char *dir, const char *root, json_t *fragment)
{
	struct sh_host h;
	struct host_plugin p;

	host_in_init(&h, &p, "main", ui_ini(dir, root));
	if (fragment)
		ck_assert_int_eq(sh_ui_config_merge(&h, fragment), 0);
	ck_assert_msg(host_ui_render(&h, err, sizeof err) == 0, "%s", err);
	host_done(&h);
}

/* Where dir/render/dist points. */
static const char *dist_of(const char *dir)
{
	static char link[PATH_MAX];
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof path, "%s/render/dist", dir);
	n = readlink(path, link, sizeof link - 1);
	ck_assert_int_gt(n, 0);
	link[n] = '\0';
	return link;
}

START_TEST(test_render_files)
{
	char dir[64], path[PATH_MAX];
	struct stat st;

	temp_dir(dir, sizeof dir);
	make_build(dir, "build1");
	umask(077);
	render_ok(dir, "build1", json_pack("{s:{s:s}}", "auth", "environment", "dev"));
	snprintf(path, sizeof path, "%s/render/index.html", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0644);
	ck_assert_str_eq(slurp(path),
			 "<html><head>" SCRIPT "[{\"context\":\"stagehand\",\"data\":{\"app\":"
			 "{\"baseUrl\":\"https://p.example\",\"title\":\"My \\u003cPortal>\"},"
			 "\"backend\":{\"baseUrl\":\"https://p.example\"},"
			 "\"enableExperimentalRedirectFlow\":true,\"openchoreo\":{\"features\":"
			 "{\"auth\":{\"enabled\":true},\"authz\":{\"enabled\":true},"
			 "\"workflows\":{\"enabled\":true},\"observability\":{\"enabled\":true},"
			 "\"assistant\":{\"enabled\":false},"
			 "\"secretManagement\":{\"enabled\":false}}},"
			 "\"auth\":{\"environment\":\"dev\"}}}]</script></head><body></body></html>");
	snprintf(path, sizeof path, "%s/render", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0755);
	rm_tree(dir);
}
END_TEST

START_TEST(test_render_swaps_the_link)
{
	char dir[64], want[PATH_MAX], path[PATH_MAX];

	temp_dir(dir, sizeof dir);
	make_build(dir, "build1");
	make_build(dir, "build2");
	render_ok(dir, "build1", json_pack("{s:{s:s}}", "auth", "environment", "dev"));
	/* dist -> the build, absolute; a start with another root swaps it */
	snprintf(want, sizeof want, "%s/build1", dir);
	ck_assert_str_eq(dist_of(dir), want);
	render_ok(dir, "build2", NULL);
	snprintf(want, sizeof want, "%s/build2", dir);
	ck_assert_str_eq(dist_of(dir), want);
	/* a new page too: nothing of the last start's plugins is left */
	snprintf(path, sizeof path, "%s/render/index.html", dir);
	ck_assert_ptr_null(strstr(slurp(path), "\"auth\":{\"environment\""));
	ck_assert_ptr_nonnull(strstr(slurp(path), "\"title\":\"My \\u003cPortal>\""));
	rm_tree(dir);
}
END_TEST

START_TEST(test_render_unwritable)
{
	struct sh_host h;
	struct host_plugin p;
	char dir[64], path[PATH_MAX], ini[1024];

	temp_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/index.html", dir);
	write_file(path, "<head></head>");
	/* render_dir's parent does not exist: a start-up error naming it */
	snprintf(ini, sizeof ini, "[pool.main]\nsocket=/s\n[ui]\nroot = %s\n"
		 "render_dir = %s/no/render\n", dir, dir);
	host_in_init(&h, &p, "main", ini);
	ck_assert_int_eq(host_ui_render(&h, err, sizeof err), SH_EIO);
	ck_assert_ptr_nonnull(strstr(err, "[ui] render_dir: could not create"));
	ck_assert_ptr_nonnull(strstr(err, "/no/render"));
	host_done(&h);
	/* another pool renders nothing at all */
	host_in_init(&h, &p, "other", ini);
	ck_assert_int_eq(host_ui_render(&h, err, sizeof err), 0);
	host_done(&h);
	rm_tree(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ui");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_html_before_head);
	tcase_add_test(tc, test_html_replaces_build_config);
	tcase_add_test(tc, test_html_fallbacks);
	tcase_add_test(tc, test_html_escapes);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_config_merge_limits);
	tcase_add_test(tc, test_config_merge_other_pool);
	tcase_add_test(tc, test_config_host_keys);
	tcase_add_test(tc, test_render_without_build);
	tcase_add_test(tc, test_render_files);
	tcase_add_test(tc, test_render_swaps_the_link);
	tcase_add_test(tc, test_render_unwritable);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
