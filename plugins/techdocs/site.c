/*
 * The HTML document of a page: mkdocs-material's skeleton, which the
 * TechDocs reader works on (.md-header, .md-container > .md-main with the
 * two sidebars, .md-content > article.md-content__inner.md-typeset,
 * .md-footer), with relative links only (the reader re-bases them), our own
 * small stylesheet instead of the theme's, and no scripts.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "site_int.h"

void td_put(struct td_out *o, const char *s)
{
	if (!o->rc && sh_buf_addstr(o->out, s) != 0)
		o->rc = SH_ETOOBIG;
}

void td_putf(struct td_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (!o->rc && sh_buf_vprintf(o->out, fmt, ap) != 0)
		o->rc = SH_ETOOBIG;
	va_end(ap);
}

int td_html_escape(struct sh_buf *out, const char *s)
{
	int rc = 0;

	for (const char *p = s; *p && !rc; p++) {
		switch (*p) {
		case '&': rc = sh_buf_addstr(out, "&amp;"); break;
		case '<': rc = sh_buf_addstr(out, "&lt;"); break;
		case '>': rc = sh_buf_addstr(out, "&gt;"); break;
		case '"': rc = sh_buf_addstr(out, "&quot;"); break;
		case '\'': rc = sh_buf_addstr(out, "&#39;"); break;
		default: rc = sh_buf_addc(out, *p);
		}
	}
	return rc;
}

void td_put_esc(struct td_out *o, const char *s)
{
	if (!o->rc && td_html_escape(o->out, s) != 0)
		o->rc = SH_ETOOBIG;
}

char *td_href(const struct td_out *o, const char *url)
{
	if (!o->page)
		return sh_xasprintf("/%s", *url ? url : ".");
	return td_url_relative(url, o->page->url);
}

/* "../../" for a page two directories down ("/" on the 404 page). */
static char *asset_prefix(const struct td_out *o)
{
	struct sh_buf b;

	if (!o->page)
		return sh_xstrdup("/");
	sh_buf_init(&b, 1 << 20);
	for (const char *p = o->page->url; *p; p++)
		if (*p == '/')
			sh_buf_addstr(&b, "../");
	return sh_buf_take(&b, NULL);
}

static bool web_url(const char *u)
{
	return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0);
}

/* mkdocs' repo_name: the forge's name, else the host. */
static char *repo_name(const char *url)
{
	const char *h = strstr(url, "://") + 3;

	if (strstr(url, "github.com"))
		return sh_xstrdup("GitHub");
	if (strstr(url, "gitlab.com"))
		return sh_xstrdup("GitLab");
	if (strstr(url, "bitbucket.org"))
		return sh_xstrdup("Bitbucket");
	return sh_xstrndup(h, strcspn(h, "/:?#"));
}

static void head(struct td_out *o)
{
	const struct td_config *c = o->site->cfg;
	char *prefix = asset_prefix(o);

	td_put(o, "<!doctype html>\n<html lang=\"en\" class=\"no-js\">\n<head>\n<meta charset=\"utf-8\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n");
	if (c->site_description) {
		td_put(o, "<meta name=\"description\" content=\"");
		td_put_esc(o, c->site_description);
		td_put(o, "\">\n");
	}
	td_put(o, "<meta name=\"generator\" content=\"stagehand-techdocs\">\n<title>");
	if (o->page && *o->page->url) {
		td_put_esc(o, o->page->title);
		td_put(o, " - ");
	}
	td_put_esc(o, c->site_name);
	td_put(o, "</title>\n<link rel=\"stylesheet\" href=\"");
	td_put_esc(o, prefix);
	td_put_esc(o, o->site->stylesheet);
	td_put(o, "\">\n</head>\n<body dir=\"ltr\">\n"
		  "<input class=\"md-toggle\" data-md-toggle=\"drawer\" type=\"checkbox\" id=\"__drawer\" "
		  "autocomplete=\"off\">\n<input class=\"md-toggle\" data-md-toggle=\"search\" "
		  "type=\"checkbox\" id=\"__search\" autocomplete=\"off\">\n"
		  "<label class=\"md-overlay\" for=\"__drawer\"></label>\n");
	if (o->page && o->page->nheads)
		td_putf(o, "<div data-md-component=\"skip\"><a href=\"#%s\" class=\"md-skip\">"
			   "Skip to content</a></div>\n", o->page->heads[0].id);
	free(prefix);
}

static void source_link(struct td_out *o, const char *cls)
{
	const char *repo = o->site->cfg->repo_url;
	char *name;

	if (!web_url(repo))
		return;
	name = repo_name(repo);
	td_putf(o, "<div class=\"%s\"><a href=\"", cls);
	td_put_esc(o, repo);
	td_put(o, "\" title=\"Go to repository\" class=\"md-source\" data-md-component=\"source\">"
		  "<div class=\"md-source__repository\">");
	td_put_esc(o, name);
	td_put(o, "</div></a></div>\n");
	free(name);
}

static void header(struct td_out *o)
{
	const char *site = o->site->cfg->site_name;
	char *root = td_href(o, "");

	td_put(o, "<header class=\"md-header\" data-md-component=\"header\">\n<nav class=\"md-header__inner "
		  "md-grid\" aria-label=\"Header\">\n<a href=\"");
	td_put_esc(o, root);
	td_put(o, "\" title=\"");
	td_put_esc(o, site);
	td_put(o, "\" class=\"md-header__button md-logo\" data-md-component=\"logo\"></a>\n"
		  "<label class=\"md-header__button md-icon\" for=\"__drawer\"></label>\n"
		  "<div class=\"md-header__title\" data-md-component=\"header-title\">"
		  "<div class=\"md-header__ellipsis\">\n<div class=\"md-header__topic\">"
		  "<span class=\"md-ellipsis\">");
	td_put_esc(o, site);
	td_put(o, "</span></div>\n<div class=\"md-header__topic\" data-md-component=\"header-topic\">"
		  "<span class=\"md-ellipsis\">");
	td_put_esc(o, o->page ? o->page->title : site);
	td_put(o, "</span></div>\n</div></div>\n");
	source_link(o, "md-header__source");
	td_put(o, "</nav>\n</header>\n");
	free(root);
}

static void sidebars(struct td_out *o)
{
	td_put(o, "<div class=\"md-sidebar md-sidebar--primary\" data-md-component=\"sidebar\" "
		  "data-md-type=\"navigation\">\n<div class=\"md-sidebar__scrollwrap\">"
		  "<div class=\"md-sidebar__inner\">\n");
	td_nav_primary(o);
	td_put(o, "</div></div>\n</div>\n<div class=\"md-sidebar md-sidebar--secondary\" "
		  "data-md-component=\"sidebar\" data-md-type=\"toc\">\n<div class=\"md-sidebar__scrollwrap\">"
		  "<div class=\"md-sidebar__inner\">\n");
	td_nav_toc(o);
	td_put(o, "</div></div>\n</div>\n");
}

/* mkdocs' edit link: repo_url joined with edit_uri, then the page's source path. */
static void edit_link(struct td_out *o)
{
	const struct td_config *c = o->site->cfg;
	const char *e = c->edit_uri;
	char *url;

	if (!o->page || !e || !*e || (!web_url(e) && !web_url(c->repo_url)))
		return;
	while (*e == '/' && !web_url(e))
		e++;
	url = web_url(e) ? sh_xasprintf("%s%s%s", e, e[strlen(e) - 1] == '/' ? "" : "/", o->page->src)
			 : sh_xasprintf("%s%s%s%s%s", c->repo_url,
					c->repo_url[strlen(c->repo_url) - 1] == '/' ? "" : "/", e,
					*e && e[strlen(e) - 1] != '/' ? "/" : "", o->page->src);
	td_put(o, "<a href=\"");
	td_put_esc(o, url);
	td_put(o, "\" title=\"Edit this page\" class=\"md-content__button md-icon\"></a>\n");
	free(url);
}

static void footer_link(struct td_out *o, const struct td_page *to, bool next)
{
	char *href = td_href(o, to->url);

	td_put(o, "<a href=\"");
	td_put_esc(o, href);
	td_putf(o, "\" class=\"md-footer__link md-footer__link--%s\" rel=\"%s\">\n<div class=\"md-footer__title\">"
		   "<div class=\"md-ellipsis\"><span class=\"md-footer__direction\">%s</span>",
		next ? "next" : "prev", next ? "next" : "prev", next ? "Next" : "Previous");
	td_put_esc(o, to->title);
	td_put(o, "</div></div>\n</a>\n");
	free(href);
}

static void footer(struct td_out *o)
{
	const struct td_site *s = o->site;
	size_t i = o->page ? (size_t)(o->page - s->pages) : s->npages;

	td_put(o, "<footer class=\"md-footer\">\n<nav class=\"md-footer__inner md-grid\" aria-label=\"Footer\">\n");
	if (i < s->nnav && i > 0)
		footer_link(o, &s->pages[i - 1], false);
	if (i + 1 < s->nnav)
		footer_link(o, &s->pages[i + 1], true);
	td_put(o, "</nav>\n<div class=\"md-footer-meta md-typeset\"><div class=\"md-footer-meta__inner "
		  "md-grid\"><div class=\"md-copyright\">Built by Stagehand</div></div></div>\n</footer>\n");
}

/* The nav entries from the top down to the page's first entry. */
static bool find_active(struct td_out *o, const struct td_nav *n, long idx, int depth)
{
	for (size_t i = 0; i < n->nkids; i++) {
		const struct td_nav *e = &n->kids[i];
		o->active[depth] = e;
		if ((e->page && e->page_idx == idx) ||
		    (depth < TD_NAV_MAX_DEPTH && find_active(o, e, idx, depth + 1)))
			return true;
	}
	o->active[depth] = NULL;
	return false;
}

static int document(struct td_out *o, const char *content)
{
	head(o);
	header(o);
	td_put(o, "<div class=\"md-container\" data-md-component=\"container\">\n<main class=\"md-main\" "
		  "data-md-component=\"main\">\n<div class=\"md-main__inner md-grid\">\n");
	sidebars(o);
	td_put(o, "<div class=\"md-content\" data-md-component=\"content\">\n<article "
		  "class=\"md-content__inner md-typeset\">\n");
	edit_link(o);
	td_put(o, content);
	td_put(o, "\n</article>\n</div>\n</div>\n</main>\n");
	footer(o);
	td_put(o, "</div>\n</body>\n</html>\n");
	return o->rc;
}

int td_site_page(const struct td_site *site, size_t idx, struct sh_buf *out)
{
	struct td_out o = {.site = site, .page = &site->pages[idx], .out = out};

	find_active(&o, &site->cfg->nav, (long)idx, 0);
	return document(&o, site->pages[idx].html);
}

int td_site_404(const struct td_site *site, struct sh_buf *out)
{
	struct td_out o = {.site = site, .out = out};

	return document(&o, "<h1>404 - Not found</h1>");
}
