/*
 * One Markdown page to HTML with cmark-gfm, shaped as mkdocs renders it for
 * techdocs: GitHub's extensions, raw HTML omitted (cmark's safe mode also
 * drops javascript: and similar URLs), heading ids and permalinks as the
 * toc extension writes them, links re-based for directory URLs,
 * admonitions; and, from the same walk, the page's toc and search text.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/errors.h>

#include "builder.h"
#include "md_int.h"

static const char *const extensions[] = {"table", "strikethrough", "autolink", "tasklist",
					 "tagfilter"};

/* Safe (cmark-gfm's default: raw HTML and dangerous URLs left out), with
 * footnotes, which techdocs-core's extension set has too. */
#define MD_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES)

/* The state of the walk over one document. */
struct walk {
	struct td_page *page;
	cmark_node **hnodes;         /* the headings given ids, in order */
	struct sh_buf text;          /* the page's text */
	struct sh_buf sect;          /* the current section's text */
	struct sh_buf head;          /* the current heading's text */
	cmark_node *in_head;
	int in_image;
};

void td_page_free(struct td_page *page)
{
	for (size_t i = 0; i < page->nheads; i++) {
		free(page->heads[i].id);
		free(page->heads[i].title);
		free(page->heads[i].text);
	}
	free(page->heads);
	free(page->src);
	free(page->url);
	free(page->title);
	free(page->html);
	free(page->text);
	memset(page, 0, sizeof(*page));
}

/* Invalid UTF-8 and NUL bytes become '?', so every string made from the
 * page is valid JSON text. */
static char *utf8_repair(const char *s, size_t n)
{
	char *out = sh_xmalloc(n + 1);
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3
				  : c >= 0xf0 && c < 0xf5 ? 4 : 0;
		bool ok = k > 0 && i + k <= n;
		for (size_t j = 1; ok && j < k; j++)
			ok = ((unsigned char)s[i + j] & 0xc0) == 0x80;
		if (ok && k == 3)
			ok = !(c == 0xe0 && (unsigned char)s[i + 1] < 0xa0) &&
			     !(c == 0xed && (unsigned char)s[i + 1] >= 0xa0);
		if (ok && k == 4)
			ok = !(c == 0xf0 && (unsigned char)s[i + 1] < 0x90) &&
			     !(c == 0xf4 && (unsigned char)s[i + 1] >= 0x90);
		ok = ok && c != 0;
		if (!ok)
			k = 1;
		for (size_t j = 0; j < k; j++)
			out[i + j] = ok ? s[i + j] : '?';
		i += k;
	}
	out[n] = '\0';
	return out;
}

char *td_md_utf8(char *s)
{
	char *fixed = utf8_repair(s, strlen(s));

	free(s);
	return fixed;
}

/* Whitespace runs to one space, trimmed (mkdocs' search does the same). */
static char *collapse(const char *s)
{
	struct sh_buf b;
	bool space = false;

	sh_buf_init(&b, strlen(s) + 1);
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			sh_buf_addc(&b, ' ');
		space = false;
		sh_buf_addc(&b, *s);
	}
	return sh_buf_take(&b, NULL);
}

static void piece(struct sh_buf *b, const char *s)
{
	if (b->len)
		sh_buf_addc(b, ' ');
	sh_buf_addstr(b, s);
}

/* The text of the section that ends here goes to the heading before it. */
static void end_section(struct walk *w)
{
	if (w->page->nheads > 0) {
		struct td_heading *h = &w->page->heads[w->page->nheads - 1];
		h->text = collapse(sh_buf_str(&w->sect));
	}
	sh_buf_reset(&w->sect);
}

static void enter_heading(struct walk *w, cmark_node *n)
{
	struct td_heading *h;

	if (w->in_head || w->page->nheads == TD_MAX_HEADINGS)
		return;
	end_section(w);
	h = &w->page->heads[w->page->nheads];
	memset(h, 0, sizeof(*h));
	h->level = cmark_node_get_heading_level(n);
	w->hnodes[w->page->nheads++] = n;
	w->in_head = n;
	sh_buf_reset(&w->head);
}

static void exit_heading(struct walk *w, cmark_node *n)
{
	if (w->in_head != n)
		return;
	w->page->heads[w->page->nheads - 1].title = collapse(sh_buf_str(&w->head));
	piece(&w->text, "\xc2\xb6");
	w->in_head = NULL;
}

static void leaf_text(struct walk *w, const char *lit)
{
	if (!lit || w->in_image)
		return;
	if (w->in_head) {
		sh_buf_addstr(&w->head, lit);
	} else {
		piece(&w->sect, lit);
	}
	piece(&w->text, lit);
}

static void rewrite_url(struct walk *w, cmark_node *n)
{
	const char *u = cmark_node_get_url(n);
	char *r = u ? td_md_rewrite_link(u, w->page->src, w->page->url) : NULL;

	if (r)
		cmark_node_set_url(n, r);
	free(r);
}

static void visit(struct walk *w, cmark_event_type ev, cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);
	bool enter = ev == CMARK_EVENT_ENTER;

	if (t == CMARK_NODE_HEADING)
		enter ? enter_heading(w, n) : exit_heading(w, n);
	else if (t == CMARK_NODE_IMAGE)
		w->in_image += enter ? 1 : -1;
	if (!enter)
		return;
	if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE)
		rewrite_url(w, n);
	else if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK)
		leaf_text(w, cmark_node_get_literal(n));
	else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
		leaf_text(w, " ");
	else if (t == CMARK_NODE_CUSTOM_BLOCK && cmark_node_get_user_data(n))
		leaf_text(w, cmark_node_get_user_data(n));
}

static void walk_doc(struct walk *w, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		visit(w, ev, cmark_iter_get_node(it));
	cmark_iter_free(it);
	end_section(w);
	w->page->text = collapse(sh_buf_str(&w->text));
}

/* "<hN id=..>inner<a class=headerlink ..>&para;</a></hN>" in place of node i. */
static void heading_html(struct td_page *p, size_t i, cmark_node *n, cmark_llist *exts,
			 struct td_ids *ids)
{
	struct td_heading *h = &p->heads[i];
	char *html = cmark_render_html(n, MD_OPTIONS, exts);
	char *open = strchr(html, '>'), *close = strrchr(html, '<');
	cmark_node *blk = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	char *out;

	h->id = td_ids_unique(ids, td_slugify(h->title));
	if (!open || !close || close < open)
		open = close = html;
	out = sh_xasprintf("<h%d id=\"%s\">%.*s<a class=\"headerlink\" href=\"#%s\" "
			   "title=\"Permanent link\">&para;</a></h%d>",
			   h->level, h->id, (int)(close - open - (open < close)), open + 1, h->id,
			   h->level);
	cmark_node_set_on_enter(blk, out);
	cmark_node_set_on_exit(blk, "");
	if (cmark_node_replace(n, blk))
		cmark_node_free(n);
	else
		cmark_node_free(blk);
	free(out);
	free(html);
}

/* mkdocs' title of a page without one: "Home", else the file's (or for an
 * index page its directory's) name, '-' and '_' as spaces, capitalised when
 * all lower case. */
static char *title_from_name(const char *src)
{
	const char *slash;
	char *url = td_page_url(src), *t;
	size_t n;
	bool lower = true;

	if (!*url) {
		free(url);
		return sh_xstrdup("Home");
	}
	url[strlen(url) - 1] = '\0';
	slash = strrchr(url, '/');
	t = sh_xstrdup(slash ? slash + 1 : url);
	free(url);
	n = strlen(t);
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '-' || t[i] == '_')
			t[i] = ' ';
		lower = lower && !isupper((unsigned char)t[i]);
	}
	if (lower)
		t[0] = (char)toupper((unsigned char)t[0]);
	return t;
}

static cmark_node *parse(cmark_parser *p, const char *md, size_t len)
{
	size_t n;
	char *fixed = utf8_repair(md, len);
	char *text = td_md_admonitions_pre(fixed, len, &n);
	cmark_node *doc;

	cmark_gfm_core_extensions_ensure_registered();
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(extensions[i]));
	cmark_parser_feed(p, text, n);
	doc = cmark_parser_finish(p);
	td_md_admonitions_group(doc);
	free(text);
	free(fixed);
	return doc;
}

static void first_h1(struct td_page *page)
{
	for (size_t i = 0; i < page->nheads; i++)
		if (page->heads[i].level == 1) {
			page->has_h1 = true;
			if (!page->title && *page->heads[i].title)
				page->title = sh_xstrdup(page->heads[i].title);
		}
	if (!page->title)
		page->title = title_from_name(page->src);
}

int td_markdown_render(const char *md, size_t len, const char *src, struct td_page *page)
{
	cmark_parser *p = cmark_parser_new(MD_OPTIONS);
	cmark_node *doc;
	struct walk w = {.page = page};
	struct td_ids *ids;
	int rc = 0;

	memset(page, 0, sizeof(*page));
	page->src = sh_xstrdup(src);
	page->url = td_page_url(src);
	page->heads = sh_xcalloc(TD_MAX_HEADINGS, sizeof(*page->heads));
	w.hnodes = sh_xcalloc(TD_MAX_HEADINGS, sizeof(*w.hnodes));
	sh_buf_init(&w.text, TD_PAGE_MAX_HTML);
	sh_buf_init(&w.sect, TD_PAGE_MAX_HTML);
	sh_buf_init(&w.head, TD_PAGE_MAX_HTML);
	doc = parse(p, md, len);
	walk_doc(&w, doc);
	ids = td_ids_new(page->nheads);
	for (size_t i = 0; i < page->nheads; i++)
		heading_html(page, i, w.hnodes[i], cmark_parser_get_syntax_extensions(p), ids);
	td_ids_free(ids);
	first_h1(page);
	page->html = cmark_render_html(doc, MD_OPTIONS, cmark_parser_get_syntax_extensions(p));
	if (strlen(page->html) > TD_PAGE_MAX_HTML)
		rc = SH_ETOOBIG;
	td_md_admonitions_free(doc);
	cmark_node_free(doc);
	cmark_parser_free(p);
	sh_buf_free(&w.text), sh_buf_free(&w.sect), sh_buf_free(&w.head);
	free(w.hnodes);
	return rc;
}
