/*
 * The navigation of a page as mkdocs-material writes it: the primary nav
 * (sections as nested .md-nav with toggles, the current page's item
 * active and holding the page toc) and the secondary nav (the toc), the
 * markup the TechDocs reader restyles and rewrites.
 */
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>

#include "site_int.h"

#define TOC_OPEN "<nav class=\"md-nav md-nav--secondary\" aria-label=\"Table of contents\">\n" \
		 "<label class=\"md-nav__title\" for=\"__toc\"><span class=\"md-nav__icon md-icon\">" \
		 "</span>Table of contents</label>\n"

static bool is_active(const struct td_out *o, const struct td_nav *e)
{
	for (size_t i = 0; i < sizeof(o->active) / sizeof(o->active[0]) && o->active[i]; i++)
		if (o->active[i] == e)
			return true;
	return false;
}

static const char *entry_title(const struct td_out *o, const struct td_nav *e)
{
	if (e->title)
		return e->title;
	if (e->page_idx >= 0)
		return o->site->pages[e->page_idx].title;
	return e->page ? e->page : e->link ? e->link : "";
}

/* Headings heads[i..end) as nested lists: an item's children are the
 * deeper headings after it. */
static void toc_list(struct td_out *o, size_t i, size_t end, bool top)
{
	const struct td_heading *h = o->page->heads;

	td_putf(o, "<ul class=\"md-nav__list\"%s>\n",
		top ? " data-md-component=\"toc\" data-md-scrollfix" : "");
	while (i < end) {
		size_t j = i + 1;
		while (j < end && h[j].level > h[i].level)
			j++;
		td_putf(o, "<li class=\"md-nav__item\">\n<a href=\"#%s\" class=\"md-nav__link\">", h[i].id);
		td_put_esc(o, h[i].title);
		td_put(o, "</a>\n");
		if (j > i + 1) {
			td_put(o, "<nav class=\"md-nav\" aria-label=\"");
			td_put_esc(o, h[i].title);
			td_put(o, "\">\n");
			toc_list(o, i + 1, j, false);
			td_put(o, "</nav>\n");
		}
		td_put(o, "</li>\n");
		i = j;
	}
	td_put(o, "</ul>\n");
}

/* The toc's headings: the first h1's children when the page starts with
 * one (mkdocs-material's rule), else all of them. */
static void toc_range(const struct td_page *p, size_t *from, size_t *to)
{
	*from = 0, *to = p->nheads;
	if (p->nheads && p->heads[0].level == 1)
		for (*from = *to = 1; *to < p->nheads && p->heads[*to].level > 1; (*to)++)
			;
}

void td_nav_toc(struct td_out *o)
{
	size_t from, to;

	if (!o->page)
		return;
	toc_range(o->page, &from, &to);
	td_put(o, TOC_OPEN);
	if (from < to)
		toc_list(o, from, to, true);
	td_put(o, "</nav>\n");
}

static bool has_toc(const struct td_page *p)
{
	size_t from, to;

	toc_range(p, &from, &to);
	return from < to;
}

static void page_item(struct td_out *o, const struct td_nav *e)
{
	const struct td_page *p = e->page_idx >= 0 ? &o->site->pages[e->page_idx] : NULL;
	/* a nav page that is not in the site gets no href at all */
	char *href = p ? td_href(o, p->url) : e->link ? sh_xstrdup(e->link) : NULL;
	bool cur = p && p == o->page;

	td_putf(o, "<li class=\"md-nav__item%s\">\n", cur ? " md-nav__item--active" : "");
	if (cur && has_toc(p)) {
		td_put(o, "<input class=\"md-nav__toggle md-toggle\" data-md-toggle=\"toc\" "
			  "type=\"checkbox\" id=\"__toc\">\n<label class=\"md-nav__link "
			  "md-nav__link--active\" for=\"__toc\">");
		td_put_esc(o, entry_title(o, e));
		td_put(o, "<span class=\"md-nav__icon md-icon\"></span></label>\n");
	}
	td_put(o, "<a");
	if (href) {
		td_put(o, " href=\"");
		td_put_esc(o, href);
		td_put(o, "\"");
	}
	td_putf(o, " class=\"md-nav__link%s\">", cur ? " md-nav__link--active" : "");
	td_put_esc(o, entry_title(o, e));
	td_put(o, "</a>\n");
	if (cur && has_toc(p))
		td_nav_toc(o);
	td_put(o, "</li>\n");
	free(href);
}

static void nav_items(struct td_out *o, const struct td_nav *parent, const char *id, int level);

static void section_item(struct td_out *o, const struct td_nav *e, const char *id, int level)
{
	bool act = is_active(o, e);

	td_putf(o, "<li class=\"md-nav__item%s md-nav__item--nested\">\n",
		act ? " md-nav__item--active" : "");
	td_putf(o, "<input class=\"md-nav__toggle md-toggle\" data-md-toggle=\"%s\" type=\"checkbox\" "
		   "id=\"%s\"%s>\n<label class=\"md-nav__link\" for=\"%s\">",
		id, id, act ? " checked" : "", id);
	td_put_esc(o, entry_title(o, e));
	td_put(o, "<span class=\"md-nav__icon md-icon\"></span></label>\n<nav class=\"md-nav\" "
		  "aria-label=\"");
	td_put_esc(o, entry_title(o, e));
	td_putf(o, "\" data-md-level=\"%d\">\n<label class=\"md-nav__title\" for=\"%s\">"
		   "<span class=\"md-nav__icon md-icon\"></span>", level, id);
	td_put_esc(o, entry_title(o, e));
	td_put(o, "</label>\n");
	nav_items(o, e, id, level);
	td_put(o, "</nav>\n</li>\n");
}

static void nav_items(struct td_out *o, const struct td_nav *parent, const char *id, int level)
{
	td_put(o, "<ul class=\"md-nav__list\" data-md-scrollfix>\n");
	for (size_t i = 0; i < parent->nkids && !o->rc; i++) {
		const struct td_nav *e = &parent->kids[i];
		if (e->page || e->link) {
			page_item(o, e);
		} else {
			char *kid = sh_xasprintf("%s_%zu", id, i + 1);
			section_item(o, e, kid, level + 1);
			free(kid);
		}
	}
	td_put(o, "</ul>\n");
}

void td_nav_primary(struct td_out *o)
{
	const char *site = o->site->cfg->site_name;
	char *root = td_href(o, "");

	td_put(o, "<nav class=\"md-nav md-nav--primary\" aria-label=\"Navigation\" "
		  "data-md-level=\"0\">\n<label class=\"md-nav__title\" for=\"__drawer\">"
		  "<a href=\"");
	td_put_esc(o, root);
	td_put(o, "\" class=\"md-nav__button md-logo\" data-md-component=\"logo\" title=\"");
	td_put_esc(o, site);
	td_put(o, "\"></a>");
	td_put_esc(o, site);
	td_put(o, "</label>\n");
	nav_items(o, &o->site->cfg->nav, "__nav", 0);
	td_put(o, "</nav>\n");
	free(root);
}
