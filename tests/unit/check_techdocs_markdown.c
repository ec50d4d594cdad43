/*
 * plugins/techdocs/markdown.c and its helpers (md_urls.c, md_admonition.c):
 * GitHub's extensions, raw HTML and unsafe URLs filtered, heading ids and
 * permalinks as mkdocs' toc writes them, links re-based for directory URLs,
 * admonitions, page titles, the toc and the search text, and the caps.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <stagehand/buf.h>
#include <stagehand/errors.h>

#include "../../plugins/techdocs/builder.h"
#include "unit.h"

static struct td_page page;

static const char *render(const char *md, const char *src)
{
	td_page_free(&page);
	ck_assert_int_eq(td_markdown_render(md, strlen(md), src, &page), 0);
	return page.html;
}

static void has(const char *html, const char *want)
{
	ck_assert_msg(strstr(html, want) != NULL, "no '%s' in:\n%s", want, html);
}

static void lacks(const char *html, const char *bad)
{
	ck_assert_msg(strstr(html, bad) == NULL, "'%s' in:\n%s", bad, html);
}

static void teardown(void)
{
	td_page_free(&page);
}

START_TEST(test_extensions)
{
	const char *h = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ www.example.com\n\n"
			       "- [ ] todo\n- [x] done\n\n```bash\nls -l\n```\n",
			       "index.md");

	has(h, "<table>");
	has(h, "<td>2</td>");
	has(h, "<del>gone</del>");
	has(h, "<a href=\"http://www.example.com\">www.example.com</a>");
	has(h, "<input type=\"checkbox\" disabled=\"\" /> todo");
	has(h, "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> done");
	has(h, "<pre><code class=\"language-bash\">ls -l\n</code></pre>");
	h = render("Claim[^1].\n\n[^1]: The source <script>x</script>.\n", "index.md");
	has(h, "<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\"");
	has(h, "<section class=\"footnotes\"");
	has(h, "<li id=\"fn-1\">");
	lacks(h, "<script");
}
END_TEST

START_TEST(test_raw_html_filtered)
{
	const char *h = render("<script>alert(1)</script>\n\nHi <b onclick=x>bold</b> <img src=x "
			       "onerror=alert(1)>\n\n[x](javascript:alert(1)) "
			       "![i](vbscript:msgbox) <iframe src=//evil></iframe>\n",
			       "index.md");

	lacks(h, "<script");
	lacks(h, "<b ");
	lacks(h, "onerror");
	lacks(h, "javascript:");
	lacks(h, "vbscript:");
	lacks(h, "<iframe");
	has(h, "raw HTML omitted");
	has(h, "<a href=\"\">x</a>");
}
END_TEST

START_TEST(test_headings)
{
	const char *h = render("# Hello, *World*!\n\n## Dup\n\n## Dup\n\n## Dup_1\n\n## ?!\n\n## ?!\n\n"
			       "### Caf\xc3\xa9 au `lait`\n",
			       "index.md");

	has(h, "<h1 id=\"hello-world\">Hello, <em>World</em>!<a class=\"headerlink\" "
	       "href=\"#hello-world\" title=\"Permanent link\">&para;</a></h1>");
	has(h, "<h2 id=\"dup\">");
	has(h, "<h2 id=\"dup_1\">");
	has(h, "<h2 id=\"dup_2\">Dup_1<a");
	has(h, "<h2 id=\"_1\">?!<a");
	has(h, "<h2 id=\"_2\">");
	has(h, "<h3 id=\"cafe-au-lait\">Caf\xc3\xa9 au <code>lait</code><a");
	ck_assert_uint_eq(page.nheads, 7);
	ck_assert_str_eq(page.heads[0].title, "Hello, World!");
	ck_assert_int_eq(page.heads[6].level, 3);
	ck_assert_str_eq(page.heads[6].title, "Caf\xc3\xa9 au lait");
	ck_assert(page.has_h1);
	ck_assert_str_eq(page.title, "Hello, World!");
}
END_TEST

START_TEST(test_slugify)
{
	const char *cases[][2] = {
		{"Hello World", "hello-world"},     {"  Trim  me  ", "trim-me"},
		{"a -- b", "a-b"},                 {"-lead and trail-", "-lead-and-trail-"},
		{"snake_case ok", "snake_case-ok"}, {"\xc3\x86" "sir \xc3\xbc" "ber", "sir-uber"},
		{"\xe2\x9c\x93 done", "done"},       {"100% (sure)", "100-sure"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = td_slugify(cases[i][0]);
		ck_assert_str_eq(s, cases[i][1]);
		free(s);
	}
}
END_TEST

START_TEST(test_urls)
{
	const char *pages[][2] = {{"index.md", ""},         {"README.md", ""},
				  {"a/index.md", "a/"},     {"a/readme.md", "a/"},
				  {"a/b.md", "a/b/"},       {"runbooks/on-call.md", "runbooks/on-call/"}};
	const char *rel[][3] = {
		{"", "", "."},
		{"runbooks/on-call/", "", "runbooks/on-call/"},
		{"", "runbooks/on-call/", "../.."},
		{"runbooks/on-call/", "runbooks/on-call/", "./"},
		{"runbooks/other/", "runbooks/on-call/", "../other/"},
		{"images/x.png", "runbooks/on-call/", "../../images/x.png"},
		{"images/x.png", "", "images/x.png"},
		{"a", "a/", "../a"},
	};

	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		char *u = td_page_url(pages[i][0]);
		ck_assert_str_eq(u, pages[i][1]);
		free(u);
	}
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		char *u = td_url_relative(rel[i][0], rel[i][1]);
		ck_assert_msg(strcmp(u, rel[i][2]) == 0, "%s from %s: %s", rel[i][0], rel[i][1], u);
		free(u);
	}
}
END_TEST

START_TEST(test_links)
{
	const char *h = render("[o](../index.md) [p](other.md#part) [i](../images/a.png) "
			       "[q](./deep/x.md?v=1) [w](https://example.com/a.md) [f](#here) "
			       "[abs](/root.md) [out](../../../x.md) [mail](mailto:a@b.c)\n\n"
			       "![pic](diagram.svg)\n",
			       "runbooks/on-call.md");

	has(h, "<a href=\"../../\">o</a>");
	has(h, "<a href=\"../other/#part\">p</a>");
	has(h, "<a href=\"../../images/a.png\">i</a>");
	has(h, "<a href=\"../deep/x/?v=1\">q</a>");
	has(h, "<a href=\"https://example.com/a.md\">w</a>");
	has(h, "<a href=\"#here\">f</a>");
	has(h, "<a href=\"/root.md\">abs</a>");
	has(h, "<a href=\"../../../x.md\">out</a>");
	has(h, "<a href=\"mailto:a@b.c\">mail</a>");
	has(h, "<img src=\"../diagram.svg\" alt=\"pic\" />");
	h = render("[n](runbooks/on-call.md) ![i](images/x.png) [s](index.md)", "index.md");
	has(h, "<a href=\"runbooks/on-call/\">n</a>");
	has(h, "<img src=\"images/x.png\"");
	has(h, "<a href=\"./\">s</a>");
	h = render("[s](x/../javascript:alert(1).md) [t](y/../http:evil.example/a.png)", "index.md");
	has(h, "<a href=\"./javascript:alert(1)/\">s</a>");
	has(h, "<a href=\"./http:evil.example/a.png\">t</a>");
	h = render("[up](../index.md) [side](b.md)", "a/index.md");
	has(h, "<a href=\"../\">up</a>");
	has(h, "<a href=\"b/\">side</a>");
}
END_TEST

START_TEST(test_admonitions)
{
	const char *h = render("!!! note\n    Body *one*\n\n    more\n\nAfter\n\n"
			       "!!! warning \"Mind the gap\"\n    ## Inside\n    !!! tip \"\"\n"
			       "        nested\n\n```\n!!! note\n    code\n```\n",
			       "index.md");

	has(h, "<div class=\"admonition note\">\n<p class=\"admonition-title\">Note</p>\n"
	       "<p>Body <em>one</em></p>\n<p>more</p>\n</div>\n<p>After</p>");
	has(h, "<div class=\"admonition warning\">\n<p class=\"admonition-title\">Mind the gap</p>");
	has(h, "<h2 id=\"inside\">Inside<a");
	has(h, "<div class=\"admonition tip\">\n<p>nested</p>\n</div>\n</div>");
	has(h, "<pre><code>!!! note\n    code\n</code></pre>");
	ck_assert_msg(strstr(page.text, "Note Body one more After Mind the gap") != NULL, "%s",
		      page.text);
	h = render("!!! danger \"<script>x</script>\"\n    b\n\n\x02" "Afake\n\n&#2;A6e6f7465:t:3c62"
		   "3e\n\n&#2;Z\n",
		   "index.md");
	has(h, "<p class=\"admonition-title\">&lt;script&gt;x&lt;/script&gt;</p>");
	lacks(h, "<script");
	lacks(h, "<b>");
	lacks(h, "\x02");
	h = render("??? note\n    closed\n\n???+ tip \"Open me\"\n    open\n\n??? \n", "index.md");
	has(h, "<details class=\"note\">\n<summary>Note</summary>\n<p>closed</p>\n</details>");
	has(h, "<details class=\"tip\" open=\"open\">\n<summary>Open me</summary>\n<p>open</p>\n"
	       "</details>");
	has(h, "<p>?" "?" "?</p>"); /* split: no trigraph */
}
END_TEST

/* Forged markers (an entity makes the \x02 byte) decode to escaped, valid text, whatever they hold. */
START_TEST(test_forged_markers)
{
	const char *forged[] = {"&#2;A", "&#2;Z", "&#2;Aa", "&#2;Ax", "&#2;Aaff:t:fffe", "&#2;Ao3c:t:",
				"&#2;Ad:n:", "&#2;A::t::", "&#2;Azz:t:zz"};
	json_t *v;

	for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
		char md[128];
		snprintf(md, sizeof md, "%s\n\nbody\n\n&#2;Z\n", forged[i]);
		render(md, "index.md");
		lacks(page.html, "<script");
		ck_assert_ptr_nonnull(v = json_string(page.text));
		json_decref(v);
	}
}
END_TEST

START_TEST(test_titles_and_text)
{
	render("Intro only\n", "index.md");
	ck_assert_str_eq(page.title, "Home");
	ck_assert(!page.has_h1);
	render("## Not a title\n", "guides/getting_started.md");
	ck_assert_str_eq(page.title, "Getting started");
	ck_assert_str_eq(page.url, "guides/getting_started/");
	render("x", "guides/Setup-Guide.md");
	ck_assert_str_eq(page.title, "Setup Guide");
	render("x", "guides/index.md");
	ck_assert_str_eq(page.title, "Guides");
	render("# Top\n\nIntro **bold**.\n\n## A\n\nText a\nline two\n\n## B\n\n![alt text](p.png) b\n",
	       "index.md");
	ck_assert_str_eq(page.text, "Top \xc2\xb6 Intro bold . A \xc2\xb6 Text a line two B \xc2\xb6 b");
	ck_assert_str_eq(page.heads[0].text, "Intro bold .");
	ck_assert_str_eq(page.heads[1].text, "Text a line two");
	ck_assert_str_eq(page.heads[2].text, "b");
}
END_TEST

/* Bytes that are not UTF-8 never reach the page's strings (the search index is JSON). */
START_TEST(test_bad_utf8)
{
	const char md[] = "# Bad \xff\xfe title\n\nText \xc3 and \xed\xa0\x80 and \xf4\x90\x80\x80.\n";
	json_t *v;

	ck_assert_int_eq(td_markdown_render(md, sizeof md - 1, "index.md", &page), 0);
	ck_assert_ptr_nonnull(v = json_string(page.text));
	json_decref(v);
	ck_assert_ptr_nonnull(v = json_string(page.heads[0].title));
	json_decref(v);
	ck_assert_ptr_nonnull(v = json_string(page.html));
	json_decref(v);
	td_page_free(&page);
	ck_assert_int_eq(td_markdown_render("a\0b", 3, "index.md", &page), 0);
	has(page.html, "a?b");
}
END_TEST

START_TEST(test_heading_cap)
{
	struct sh_buf b;

	sh_buf_init(&b, 1 << 20);
	for (int i = 0; i < TD_MAX_HEADINGS + 50; i++)
		sh_buf_printf(&b, "# h%d\n", i);
	ck_assert_int_eq(td_markdown_render(b.data, b.len, "index.md", &page), 0);
	ck_assert_uint_eq(page.nheads, TD_MAX_HEADINGS);
	has(page.html, "<h1 id=\"h1999\">");
	has(page.html, "<h1>h2000</h1>");
	sh_buf_free(&b);
}
END_TEST

/* 2,000 equal headings get x, x_1 ... x_1999 in linear time (a walk of
 * mkdocs' chain per heading took seconds). */
START_TEST(test_duplicate_ids)
{
	struct sh_buf b;

	sh_buf_init(&b, 1 << 20);
	for (int i = 0; i < TD_MAX_HEADINGS; i++)
		sh_buf_addstr(&b, i == 3 ? "## x_5\n" : "## x\n");
	ck_assert_int_eq(td_markdown_render(b.data, b.len, "index.md", &page), 0);
	ck_assert_str_eq(page.heads[0].id, "x");
	ck_assert_str_eq(page.heads[2].id, "x_2");
	ck_assert_str_eq(page.heads[3].id, "x_5");
	ck_assert_str_eq(page.heads[6].id, "x_6");
	ck_assert_str_eq(page.heads[TD_MAX_HEADINGS - 1].id, "x_1999");
	sh_buf_free(&b);
}
END_TEST

/* Admonitions nest TD_ADMONITION_MAX_DEPTH deep; deeper markers stay text. */
START_TEST(test_admonition_depth)
{
	struct sh_buf b;
	size_t n = 0;

	sh_buf_init(&b, 1 << 20);
	for (int i = 0; i < TD_ADMONITION_MAX_DEPTH + 4; i++)
		sh_buf_printf(&b, "%*s!!! note\n", 4 * i, "");
	sh_buf_printf(&b, "%*sbottom\n", 4 * (TD_ADMONITION_MAX_DEPTH + 4), "");
	ck_assert_int_eq(td_markdown_render(b.data, b.len, "index.md", &page), 0);
	for (const char *p = page.html; (p = strstr(p, "<div class=\"admonition note\">")); p++)
		n++;
	ck_assert_uint_eq(n, TD_ADMONITION_MAX_DEPTH);
	ck_assert_uint_eq(n, 8);
	has(page.html, "!!! note");
	sh_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("techdocs_markdown");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_extensions);
	tcase_add_test(tc, test_raw_html_filtered);
	tcase_add_test(tc, test_headings);
	tcase_add_test(tc, test_slugify);
	tcase_add_test(tc, test_urls);
	tcase_add_test(tc, test_links);
	tcase_add_test(tc, test_admonitions);
	tcase_add_test(tc, test_forged_markers);
	tcase_add_test(tc, test_titles_and_text);
	tcase_add_test(tc, test_bad_utf8);
	tcase_add_test(tc, test_heading_cap);
	tcase_add_test(tc, test_duplicate_ids);
	tcase_add_test(tc, test_admonition_depth);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
