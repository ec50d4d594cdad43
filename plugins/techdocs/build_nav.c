/*
 * The site's nav: mkdocs.yml's, resolved against the rendered pages (a nav
 * title becomes its page's title), or, without one, made from the files as
 * mkdocs does (a section per directory); then the pages reordered so the
 * nav's come first, in nav order, for previous/next and the search index.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>

#include "build_int.h"

static long find_page(const struct td_page *pages, size_t n, const char *path)
{
	while (strncmp(path, "./", 2) == 0)
		path += 2;
	for (size_t i = 0; i < n; i++)
		if (strcmp(pages[i].src, path) == 0)
			return (long)i;
	return -1;
}

static void resolve(struct td_nav *nav, struct td_page *pages, size_t n, bool *titled)
{
	for (size_t i = 0; i < nav->nkids; i++) {
		struct td_nav *e = &nav->kids[i];
		if (e->page && e->page_idx < 0)
			e->page_idx = find_page(pages, n, e->page);
		if (e->page_idx >= 0 && e->title && !titled[e->page_idx]) {
			free(pages[e->page_idx].title);
			pages[e->page_idx].title = sh_xstrdup(e->title);
			titled[e->page_idx] = true;
		}
		resolve(e, pages, n, titled);
	}
}

/* The nav's pages in order, each once: map[old] = new position. */
static void number(const struct td_nav *nav, long *map, size_t *next)
{
	for (size_t i = 0; i < nav->nkids; i++) {
		const struct td_nav *e = &nav->kids[i];
		if (e->page_idx >= 0 && map[e->page_idx] < 0)
			map[e->page_idx] = (long)(*next)++;
		number(e, map, next);
	}
}

static void remap(struct td_nav *nav, const long *map)
{
	for (size_t i = 0; i < nav->nkids; i++) {
		if (nav->kids[i].page_idx >= 0)
			nav->kids[i].page_idx = map[nav->kids[i].page_idx];
		remap(&nav->kids[i], map);
	}
}

static struct td_nav *append(struct td_nav *parent)
{
	struct td_nav *e;

	/* doubling at powers of two: a directory of thousands of pages stays linear */
	if ((parent->nkids & (parent->nkids - 1)) == 0)
		parent->kids = sh_xrealloc(parent->kids,
					   (parent->nkids ? 2 * parent->nkids : 1) * sizeof(*parent->kids));
	e = &parent->kids[parent->nkids++];
	memset(e, 0, sizeof(*e));
	e->page_idx = -1;
	return e;
}

/* mkdocs' dirname_to_title: '-' and '_' as spaces, capitalised when all lower case. */
static char *dir_title(const char *name, size_t n)
{
	char *t = sh_xstrndup(name, n);
	bool lower = true;

	for (char *p = t; *p; p++) {
		if (*p == '-' || *p == '_')
			*p = ' ';
		lower = lower && !isupper((unsigned char)*p);
	}
	if (lower)
		t[0] = (char)toupper((unsigned char)t[0]);
	return t;
}

static struct td_nav *section(struct td_nav *parent, const char *name, size_t n)
{
	char *title = dir_title(name, n);
	struct td_nav *e;

	for (size_t i = 0; i < parent->nkids; i++) {
		e = &parent->kids[i];
		if (!e->page && !e->link && strcmp(e->title, title) == 0) {
			free(title);
			return e;
		}
	}
	e = append(parent);
	e->title = title;
	return e;
}

static void auto_nav(struct td_nav *root, const struct td_page *pages, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct td_nav *parent = root;
		const char *p = pages[i].src, *slash;
		int depth = 1;
		for (; (slash = strchr(p, '/')); p = slash + 1)
			if (depth++ < TD_NAV_MAX_DEPTH)
				parent = section(parent, p, (size_t)(slash - p));
		struct td_nav *e = append(parent);
		e->page = sh_xstrdup(pages[i].src);
		e->page_idx = (long)i;
	}
}

void td_nav_resolve(struct td_config *cfg, struct td_page *pages, size_t npages, size_t *nnav)
{
	bool *titled = sh_xcalloc(npages + 1, sizeof(*titled));
	long *map = sh_xcalloc(npages + 1, sizeof(*map));
	struct td_page *copy = sh_xcalloc(npages + 1, sizeof(*copy));
	size_t next = 0;

	if (!cfg->has_nav)
		auto_nav(&cfg->nav, pages, npages);
	resolve(&cfg->nav, pages, npages, titled);
	for (size_t i = 0; i < npages; i++)
		map[i] = -1;
	number(&cfg->nav, map, &next);
	*nnav = next;
	for (size_t i = 0; i < npages; i++)
		if (map[i] < 0)
			map[i] = (long)next++;
	for (size_t i = 0; i < npages; i++)
		copy[map[i]] = pages[i];
	memcpy(pages, copy, npages * sizeof(*pages));
	remap(&cfg->nav, map);
	free(copy);
	free(map);
	free(titled);
}
