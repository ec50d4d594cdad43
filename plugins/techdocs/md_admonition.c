/*
 * mkdocs' admonition extension and pymdownx.details, which techdocs-core
 * turns on ("!!! note", "??? note" or "???+ note" and an indented body),
 * on top of cmark-gfm, which has no such block: the
 * text is marked before parsing (the body dedented, so it parses as
 * ordinary Markdown) and the marked runs are grouped into custom blocks
 * after.  Markers are paragraphs of hex text after a \x02 byte (taken out
 * of the page's own lines); a forged one (&#2;) only makes an admonition,
 * escaped and balanced like any other.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>

#include "builder.h"
#include "md_int.h"

#define MARK '\x02'

struct pre {
	struct sh_buf out;
	int depth;
	char fence_ch;
	size_t fence_len;
};

static void add_hex(struct sh_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		sh_buf_addc(b, hex[(unsigned char)s[i] >> 4]);
		sh_buf_addc(b, hex[(unsigned char)s[i] & 15]);
	}
}

/* Columns of leading blanks (tabs to the next multiple of 4); *skip gets the
 * bytes that make up the first `cols` columns. */
static int indent_of(const char *l, size_t n, int cols, size_t *skip)
{
	int col = 0;
	size_t i = 0;

	*skip = 0;
	for (; i < n && (l[i] == ' ' || l[i] == '\t'); i++) {
		if (col < cols)
			*skip = i + 1;
		col = l[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
	}
	return i == n ? -1 : col;
}

/* The style of a marker line: 'a' "!!!" admonition, 'd' "???" details,
 * 'o' "???+" open details; 0 for any other line.  *i is past the prefix. */
static char marker_style(const char *l, size_t n, size_t *i)
{
	*i = 3;
	if (n >= 4 && strncmp(l, "!!!", 3) == 0)
		return 'a';
	if (n < 4 || strncmp(l, "???", 3) != 0)
		return 0;
	if (l[3] != '+')
		return 'd';
	*i = 4;
	return 'o';
}

/* "!!! type [type...] [\"title\"]": emits the opening marker, or returns false. */
static bool open_marker(struct pre *st, const char *l, size_t n)
{
	size_t i, c0, c1, t0 = 0, t1 = 0;
	bool titled = false;
	char style = marker_style(l, n, &i);

	if (!style)
		return false;
	while (i < n && l[i] == ' ')
		i++;
	c0 = i;
	while (i < n && (isalnum((unsigned char)l[i]) || strchr("_- ", l[i])))
		i++;
	c1 = i;
	while (c1 > c0 && l[c1 - 1] == ' ')
		c1--;
	if (c1 == c0)
		return false;
	if (i < n && l[i] == '"') {
		t0 = i + 1;
		t1 = n;
		while (t1 > t0 && l[t1 - 1] != '"')
			t1--;
		if (t1 == t0)
			return false;
		t1--, titled = true, i = n;
	}
	if (i != n)
		return false;
	sh_buf_printf(&st->out, "\n%cA%c", MARK, style);
	add_hex(&st->out, l + c0, c1 - c0);
	sh_buf_addstr(&st->out, titled ? ":t:" : ":n:");
	add_hex(&st->out, l + t0, t1 - t0);
	sh_buf_addstr(&st->out, "\n\n");
	st->depth++;
	return true;
}

static void close_one(struct pre *st)
{
	if (st->fence_len) {
		for (size_t i = 0; i < st->fence_len; i++)
			sh_buf_addc(&st->out, st->fence_ch);
		sh_buf_addc(&st->out, '\n');
	}
	st->fence_len = 0;
	sh_buf_printf(&st->out, "\n%cZ\n\n", MARK);
	st->depth--;
}

/* Tracks ``` and ~~~ fences, inside which "!!!" is text. */
static void track_fence(struct pre *st, const char *l, size_t n)
{
	size_t i = 0, k;

	while (i < n && i < 3 && l[i] == ' ')
		i++;
	if (i >= n || (l[i] != '`' && l[i] != '~'))
		return;
	for (k = i; k < n && l[k] == l[i]; k++)
		;
	if (k - i < 3)
		return;
	if (!st->fence_len) {
		st->fence_ch = l[i], st->fence_len = k - i;
		return;
	}
	if (l[i] != st->fence_ch || k - i < st->fence_len)
		return;
	while (k < n && isspace((unsigned char)l[k]))
		k++;
	if (k == n)
		st->fence_len = 0;
}

static void one_line(struct pre *st, const char *l, size_t n)
{
	size_t skip;
	int ind = indent_of(l, n, 4 * st->depth, &skip);

	if (ind < 0) {
		sh_buf_addc(&st->out, '\n');
		return;
	}
	while (st->depth > 0 && ind < 4 * st->depth)
		close_one(st);
	indent_of(l, n, 4 * st->depth, &skip);
	l += skip, n -= skip;
	if (!st->fence_len && st->depth < TD_ADMONITION_MAX_DEPTH && open_marker(st, l, n))
		return;
	track_fence(st, l, n);
	for (size_t i = 0; i < n; i++)
		sh_buf_addc(&st->out, l[i] == MARK ? ' ' : l[i]);
	sh_buf_addc(&st->out, '\n');
}

char *td_md_admonitions_pre(const char *md, size_t len, size_t *outlen)
{
	struct pre st = {.depth = 0};
	const char *p = md, *end = md + len;

	sh_buf_init(&st.out, 3 * len + 4096);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		one_line(&st, p, n && p[n - 1] == '\r' ? n - 1 : n);
		p += n + (nl != NULL);
	}
	while (st.depth > 0)
		close_one(&st);
	return sh_buf_take(&st.out, outlen);
}

/* The marker kind ('A' or 'Z') of a top-level paragraph, else 0. */
static char marker_of(cmark_node *n, const char **body)
{
	cmark_node *t = cmark_node_first_child(n);
	const char *lit;

	if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH || !t ||
	    cmark_node_get_type(t) != CMARK_NODE_TEXT || cmark_node_next(t))
		return 0;
	lit = cmark_node_get_literal(t);
	if (!lit || lit[0] != MARK || (lit[1] != 'A' && lit[1] != 'Z'))
		return 0;
	*body = lit + 2;
	return lit[1];
}

static char *unhex(const char *s, size_t n)
{
	char *out = sh_xmalloc(n / 2 + 1);
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		char pair[3] = {s[i], s[i + 1], 0};
		out[i / 2] = (char)strtol(pair, NULL, 16);
	}
	out[i / 2] = '\0';
	return out;
}

/* The opening and closing HTML of a block. */
static void block_html(cmark_node *blk, char style, const char *classes, const char *title)
{
	struct sh_buf b;

	sh_buf_init(&b, 1 << 20);
	sh_buf_addstr(&b, style == 'a' ? "<div class=\"admonition " : "<details class=\"");
	td_html_escape(&b, classes);
	sh_buf_addstr(&b, style == 'o' ? "\" open=\"open\">\n" : "\">\n");
	if (style != 'a') {
		sh_buf_addstr(&b, "<summary>");
		td_html_escape(&b, title);
		sh_buf_addstr(&b, "</summary>\n");
	} else if (*title) {
		sh_buf_addstr(&b, "<p class=\"admonition-title\">");
		td_html_escape(&b, title);
		sh_buf_addstr(&b, "</p>\n");
	}
	cmark_node_set_on_enter(blk, sh_buf_str(&b));
	cmark_node_set_on_exit(blk, style == 'a' ? "</div>" : "</details>");
	sh_buf_free(&b);
}

/* The block of an opening marker "<style><hex classes>:<t|n>:<hex title>"
 * (a forged one may be anything: what it decodes to is only escaped text). */
static cmark_node *open_block(const char *body)
{
	char style = *body && strchr("ado", *body) ? *body++ : 'a';
	const char *c1 = strchr(body, ':');
	bool ok = c1 && (c1[1] == 't' || c1[1] == 'n') && c1[2] == ':';
	bool titled = ok && c1[1] == 't';
	char *classes = td_md_utf8(unhex(body, ok ? (size_t)(c1 - body) : strlen(body)));
	char *title = titled ? td_md_utf8(unhex(c1 + 3, strlen(c1 + 3))) : sh_xstrdup(classes);
	cmark_node *blk = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);

	if (!titled) {
		title[strcspn(title, " ")] = '\0';
		title[0] = (char)toupper((unsigned char)title[0]);
	}
	block_html(blk, style, classes, title);
	cmark_node_set_user_data(blk, title);
	free(classes);
	return blk;
}

void td_md_admonitions_group(cmark_node *doc)
{
	cmark_node *stack[TD_ADMONITION_MAX_DEPTH + 1];
	int top = 0;
	const char *body;

	stack[0] = doc;
	for (cmark_node *n = cmark_node_first_child(doc), *next; n; n = next) {
		char kind = marker_of(n, &body);
		next = cmark_node_next(n);
		if (kind == 'A' && top < TD_ADMONITION_MAX_DEPTH) {
			cmark_node *blk = open_block(body);
			cmark_node_insert_before(n, blk);
			if (top > 0)
				cmark_node_append_child(stack[top], blk);
			stack[++top] = blk;
			cmark_node_free(n);
		} else if (kind == 'Z') {
			top -= top > 0;
			cmark_node_free(n);
		} else if (top > 0) {
			cmark_node_append_child(stack[top], n);
		}
	}
}

void td_md_admonitions_free(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_CUSTOM_BLOCK) {
			free(cmark_node_get_user_data(n));
			cmark_node_set_user_data(n, NULL);
		}
	}
	cmark_iter_free(it);
}
