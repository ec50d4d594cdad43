/*
 * What site.c (the page skeleton) and site_nav.c (the nav and the toc)
 * share while writing one page.
 */
#ifndef TECHDOCS_SITE_INT_H
#define TECHDOCS_SITE_INT_H

#include <stagehand/buf.h>

#include "builder.h"

struct td_out {
	const struct td_site *site;
	const struct td_page *page;          /* NULL for the 404 page */
	const struct td_nav *active[TD_NAV_MAX_DEPTH + 2]; /* entries down to the page */
	struct sh_buf *out;
	int rc;                              /* SH_ETOOBIG once any append failed */
};

void td_put(struct td_out *o, const char *s);
void td_putf(struct td_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void td_put_esc(struct td_out *o, const char *s);
/* The href of a site-relative URL from this page (absolute on the 404 page; malloc'd). */
char *td_href(const struct td_out *o, const char *url);

/* The primary nav (<nav class="md-nav md-nav--primary">, the page's toc in its item). */
void td_nav_primary(struct td_out *o);
/* The page's toc as <nav class="md-nav md-nav--secondary">. */
void td_nav_toc(struct td_out *o);

#endif
