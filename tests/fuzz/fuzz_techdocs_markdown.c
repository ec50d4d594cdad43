/* fuzz-sources: plugins/techdocs/mkdocs.c plugins/techdocs/markdown.c plugins/techdocs/md_urls.c plugins/techdocs/md_admonition.c plugins/techdocs/md_ids.c plugins/techdocs/site.c plugins/techdocs/site_nav.c plugins/techdocs/search.c plugins/techdocs/build_nav.c fcgi/yaml.c fcgi/alloc.c fcgi/buf.c */
/* fuzz-libs: yaml-0.1 jansson libcmark-gfm */
/*
 * libFuzzer target of the techdocs builder's Markdown-and-nav path: the
 * input is an mkdocs.yml, a line "%%%", and a Markdown page (all Markdown
 * without that line).  An accepted mkdocs.yml has a site name, a docs_dir
 * that stays inside the source, a nav within its depth and entry caps; a
 * rendered page has at most TD_MAX_HEADINGS headings with unique ids of
 * [a-z0-9_-] that the HTML carries, no raw HTML through (no "<script", no
 * "javascript:" href or src), valid UTF-8 text; the page's document and the
 * 404 page have balanced nav, ul and li tags, and the search index is JSON.
 * Run with tests/fuzz/run.sh techdocs_markdown.
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <stagehand/buf.h>
#include <stagehand/errors.h>

#include "../../plugins/techdocs/build_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static int nav_depth(const struct td_nav *n, size_t *entries)
{
	int d = 0;

	for (size_t i = 0; i < n->nkids; i++) {
		int k = nav_depth(&n->kids[i], entries) + 1;
		d = k > d ? k : d;
		(*entries)++;
	}
	return d;
}

/* A ".." segment anywhere in a '/'-separated path. */
static int climbs(const char *p)
{
	for (; p; p = strchr(p, '/'), p = p ? p + 1 : NULL)
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			return 1;
	return 0;
}

static void check_config(const struct td_config *c)
{
	size_t entries = 0;

	if (!c->site_name || !c->docs_dir || !*c->docs_dir || c->docs_dir[0] == '/' ||
	    climbs(c->docs_dir))
		abort();
	if (nav_depth(&c->nav, &entries) > TD_NAV_MAX_DEPTH || entries > TD_NAV_MAX_ENTRIES)
		abort();
}

static void no_unsafe(const char *html)
{
	char *low = strdup(html);

	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strstr(low, "<script") || strstr(low, "href=\"javascript:") ||
	    strstr(low, "src=\"javascript:") || strstr(low, "<iframe"))
		abort();
	free(low);
}

static void check_page(const struct td_page *p)
{
	json_t *v = json_string(p->text);

	if (!v || p->nheads > TD_MAX_HEADINGS)
		abort();
	json_decref(v);
	for (size_t i = 0; i < p->nheads; i++) {
		char *attr;
		if (!*p->heads[i].id || !(v = json_string(p->heads[i].title)))
			abort();
		json_decref(v);
		for (const char *c = p->heads[i].id; *c; c++)
			if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_' || *c == '-'))
				abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->heads[i].id, p->heads[j].id) == 0)
				abort();
		attr = malloc(strlen(p->heads[i].id) + 8);
		snprintf(attr, strlen(p->heads[i].id) + 8, " id=\"%s\"", p->heads[i].id);
		if (!strstr(p->html, attr))
			abort();
		free(attr);
	}
	no_unsafe(p->html);
}

static void balanced(const char *doc)
{
	if (count(doc, "<nav") != count(doc, "</nav>") || count(doc, "<ul") != count(doc, "</ul>") ||
	    count(doc, "<li>") + count(doc, "<li ") != count(doc, "</li>") ||
	    count(doc, "<article") != 1)
		abort();
}

/* The page as the site's only page, under the nav's first page name when it has one. */
static void check_site(struct td_config *cfg, struct td_page *page)
{
	struct td_site site = {cfg, page, 1, 0, "assets/stylesheets/stagehand.css"};
	struct sh_buf doc;
	char *index;
	json_t *v;

	td_nav_resolve(cfg, page, 1, &site.nnav);
	sh_buf_init(&doc, 4 * TD_PAGE_MAX_HTML);
	if (td_site_page(&site, 0, &doc) == 0) {
		balanced(doc.data);
		no_unsafe(doc.data);
	}
	sh_buf_reset(&doc);
	if (td_site_404(&site, &doc) == 0)
		balanced(doc.data);
	sh_buf_free(&doc);
	index = td_search_index(page, 1);
	if (!(v = json_loads(index, 0, NULL)))
		abort();
	json_decref(v);
	free(index);
}

static const char *first_page(const struct td_nav *n)
{
	for (size_t i = 0; i < n->nkids; i++) {
		const char *p = n->kids[i].page ? n->kids[i].page : first_page(&n->kids[i]);
		if (p && strlen(p) > 3 && strcmp(p + strlen(p) - 3, ".md") == 0 && !strstr(p, "..") &&
		    p[0] != '/')
			return p;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *sep = memmem(in, size, "\n%%%\n", 5);
	size_t ylen = sep ? (size_t)(sep - in) : 0;
	const char *md = sep ? sep + 5 : in;
	size_t mdlen = size - (size_t)(md - in);
	struct td_config cfg;
	struct td_page page;
	char err[256];
	const char *src;

	if (td_mkdocs_parse(in, ylen, "Fuzz", &cfg, err, sizeof err) != 0) {
		td_config_free(&cfg);
		td_mkdocs_default(&cfg, "Fuzz");
	}
	check_config(&cfg);
	src = first_page(&cfg.nav);
	if (td_markdown_render(md, mdlen, src ? src : "guide/page.md", &page) == 0) {
		check_page(&page);
		check_site(&cfg, &page);
	}
	td_page_free(&page);
	td_config_free(&cfg);
	return 0;
}
