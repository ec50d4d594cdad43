/*
 * markdown.c's helpers in md_urls.c and md_admonition.c (not used outside
 * the page renderer).
 */
#ifndef TECHDOCS_MD_INT_H
#define TECHDOCS_MD_INT_H

#include <stddef.h>

#include <cmark-gfm.h>

/*
 * The href of a relative link url in the page src (docs-relative) whose
 * directory URL is page_url: ".md" targets become their page's directory
 * URL, other paths are re-based to the page's directory, both relative to
 * page_url; the query and fragment are kept.  NULL when url is absolute,
 * only a fragment, or climbs above the docs root (left as written).
 */
char *td_md_rewrite_link(const char *url, const char *src, const char *page_url);

/*
 * The heading ids of one page: td_ids_unique takes a slug and returns it,
 * or the first free one of mkdocs' chain ("x_1", "x_2", ...), recorded as
 * taken (malloc'd; the slug is taken in either case).  At most nheads calls.
 */
struct td_ids;
struct td_ids *td_ids_new(size_t nheads);
char *td_ids_unique(struct td_ids *ids, char *id);
void td_ids_free(struct td_ids *ids);

/* s with invalid UTF-8 and NUL bytes as '?' (takes s; malloc'd). */
char *td_md_utf8(char *s);

/*
 * mkdocs' admonitions ("!!! note \"Title\"" and a 4-space indented body;
 * "??? note" and "???+ note" as pymdownx.details' <details>) before cmark
 * parses the text: each becomes a marker paragraph, its body
 * dedented, and a closing marker.  Returns the new text (malloc'd, *outlen
 * its length).  td_md_admonitions_group then turns each marked run of the
 * parsed document into a <div class="admonition ..."> (or <details>) block whose title
 * is cmark_node_get_user_data of the block (a malloc'd string the caller
 * frees with td_md_admonitions_free).
 */
char *td_md_admonitions_pre(const char *md, size_t len, size_t *outlen);
void td_md_admonitions_group(cmark_node *doc);
void td_md_admonitions_free(cmark_node *doc);

#endif
