/*
 * The builder's parts (td-builder): what build.c, the unit tests and the
 * fuzz target share of mkdocs.c (the config), markdown.c (one page),
 * site.c (the page HTML) and search.c (the search index).  All pure: no
 * host, no request; every string is malloc'd and freed by the _free
 * function of its struct.  techdocs.h's td_build_site ties them together.
 */
#ifndef TECHDOCS_BUILDER_H
#define TECHDOCS_BUILDER_H

#include <stdbool.h>
#include <stddef.h>

#include <stagehand/buf.h>

#define TD_NAV_MAX_DEPTH 10        /* nav sections inside sections */
#define TD_NAV_MAX_ENTRIES 5000    /* nav entries in all */
#define TD_PAGE_MAX_HTML (32u << 20) /* one page's HTML */
#define TD_MAX_HEADINGS 2000       /* headings of one page (toc and search) */
#define TD_ADMONITION_MAX_DEPTH 8  /* admonitions inside admonitions */

/* ---- mkdocs.c: mkdocs.yml ------------------------------------------------- */

/*
 * One nav entry: a page ("Title: page.md" or a bare "page.md"), a link
 * ("Title: https://...") or a section ("Title: [entries]").  title is NULL
 * for a bare page (the page's own title is used).  page is the
 * docs-relative path as written (NULL for sections and links); page_idx is
 * -1 until the build finds the page (td_site's pages[] index).
 */
struct td_nav {
	char *title;
	char *page;
	char *link;
	long page_idx;
	struct td_nav *kids;
	size_t nkids;
};

/*
 * What the build uses of mkdocs.yml; every other key is ignored, as
 * techdocs' allow-list drops it.  site_description is NULL when absent;
 * repo_url and edit_uri NULL when absent (edit_uri gets mkdocs' default
 * for GitHub and GitLab repo URLs).  nav.kids are the top-level entries;
 * has_nav is false when mkdocs.yml has no nav (the build then makes one
 * from the files, as mkdocs does).
 */
struct td_config {
	char *site_name;
	char *site_description;
	char *docs_dir;
	char *repo_url;
	char *edit_uri;
	struct td_nav nav;
	bool has_nav;
};

/*
 * Reads mkdocs.yml's len bytes.  site_name defaults to default_site_name
 * (when the file has none), docs_dir to "docs" (a docs_dir that is
 * absolute or climbs out with ".." is an error).  Returns 0 or SH_EINVAL
 * with the reason in err (bad YAML, a root that is not a mapping, a nav
 * that is not a list of pages and sections, deeper than TD_NAV_MAX_DEPTH
 * or longer than TD_NAV_MAX_ENTRIES).  Free cfg with td_config_free in
 * every case.
 */
int td_mkdocs_parse(const char *buf, size_t len, const char *default_site_name,
		    struct td_config *cfg, char *err, size_t errlen);
/* The config of a source without mkdocs.yml. */
void td_mkdocs_default(struct td_config *cfg, const char *default_site_name);
void td_config_free(struct td_config *cfg);
void td_nav_free(struct td_nav *nav);

/* ---- markdown.c: one page ------------------------------------------------- */

/* A heading of a page: its toc entry and its search section. */
struct td_heading {
	int level;                   /* 1..6 */
	char *id;                    /* unique in the page, as mkdocs' toc slugifies */
	char *title;                 /* its plain text */
	char *text;                  /* the section's plain text, up to the next heading */
};

/*
 * One rendered page.  src is its docs-relative source path
 * ("runbooks/on-call.md"), url its directory URL ("runbooks/on-call/",
 * "" for the index), title the nav's title, else its first h1, else
 * "Home" for the index, else one made from the file name.
 */
struct td_page {
	char *src;
	char *url;
	char *title;
	char *html;                  /* the article's HTML */
	char *text;                  /* the whole page's plain text (search) */
	struct td_heading *heads;
	size_t nheads;
	bool has_h1;
};

/*
 * Renders len bytes of Markdown as the page src (cmark-gfm: tables,
 * strikethrough, autolinks, task lists, tag filter, footnotes; raw HTML omitted,
 * unsafe URLs dropped; admonitions "!!! note" as mkdocs' admonition
 * extension, "??? note" as pymdownx.details), with heading ids and
 * permalinks, and relative links to
 * .md files rewritten to the target page's directory URL relative to
 * this page (other relative links re-based the same way).  Fills page
 * (src, url, html, text, heads; title from the first h1 or the file
 * name).  Returns 0, or SH_ETOOBIG when the HTML is over
 * TD_PAGE_MAX_HTML.  Free with td_page_free in every case.
 */
int td_markdown_render(const char *md, size_t len, const char *src, struct td_page *page);
void td_page_free(struct td_page *page);

/* "a/b.md" -> "a/b/", "a/index.md" and "a/README.md" -> "a/", "index.md" -> "" (malloc'd). */
char *td_page_url(const char *src);
/*
 * The URL of the site-relative URL `to` as seen from the page at `from`
 * (both as td_page_url gives them; "" is the site root), as mkdocs'
 * get_relative_url writes it: "" -> "runbooks/on-call/" is
 * "runbooks/on-call/", "runbooks/on-call/" -> "" is "../..", a page to
 * itself "./" ("." at the root).  malloc'd.
 */
char *td_url_relative(const char *to, const char *from);
/* The slug mkdocs' toc makes of a heading's text (malloc'd, maybe ""). */
char *td_slugify(const char *text);

/* ---- site.c: the page HTML ------------------------------------------------ */

/*
 * What every page of a site shares: the config with its nav (page_idx
 * resolved), the pages, the nav's pages first in nav order (pages[0..nnav)
 * give previous/next), and the site-relative path of our stylesheet.
 */
struct td_site {
	const struct td_config *cfg;
	struct td_page *pages;
	size_t npages;
	size_t nnav;
	const char *stylesheet;
};

/*
 * Appends the whole HTML document of pages[idx]: mkdocs-material's
 * skeleton (.md-header, .md-container > .md-main with the nav in
 * .md-sidebar--primary and the page toc in .md-sidebar--secondary,
 * .md-content > article.md-content__inner.md-typeset, .md-footer with
 * previous/next), every link relative.  Returns 0 or SH_ETOOBIG.
 */
int td_site_page(const struct td_site *site, size_t idx, struct sh_buf *out);
/* The 404 page (absolute links from the site root, as mkdocs writes it). */
int td_site_404(const struct td_site *site, struct sh_buf *out);
/* Appends s HTML-escaped (& < > " '). */
int td_html_escape(struct sh_buf *out, const char *s);

/* ---- search.c: search/search_index.json ----------------------------------- */

/*
 * The search index as mkdocs' search plugin writes it: {"config": {...},
 * "docs": [{"location", "text", "title"}]}, one entry per page and one
 * per heading ("<url>#<id>").  Returns the JSON (malloc'd).
 */
char *td_search_index(const struct td_page *pages, size_t npages);

#endif
