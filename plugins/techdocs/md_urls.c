/*
 * The URLs of a built site (use_directory_urls): a page's directory URL,
 * one URL relative to another as mkdocs' get_relative_url writes it, the
 * rewrite of a page's relative links (".md" targets become their page's
 * directory), and mkdocs' toc slugs for heading ids.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>

#include "builder.h"
#include "md_int.h"

#define MAX_SEGS 128

static bool is_index_name(const char *base, size_t n)
{
	return (n == 8 && strncmp(base, "index.md", 8) == 0) ||
	       (n == 9 && strncasecmp(base, "README.md", 9) == 0);
}

char *td_page_url(const char *src)
{
	const char *slash = strrchr(src, '/');
	const char *base = slash ? slash + 1 : src;
	size_t n = strlen(base), dir = (size_t)(base - src);
	size_t stem = n > 3 && strcmp(base + n - 3, ".md") == 0 ? n - 3 : n;

	if (is_index_name(base, n))
		return sh_xstrndup(src, dir);
	return sh_xasprintf("%.*s%.*s/", (int)dir, src, (int)stem, base);
}

/* Splits p at '/' into segs (no empty ones); returns the count, or -1 past MAX_SEGS. */
static int split(char *p, char **segs)
{
	int n = 0;

	for (char *s = strtok_r(p, "/", &p); s; s = strtok_r(NULL, "/", &p)) {
		if (n == MAX_SEGS)
			return -1;
		segs[n++] = s;
	}
	return n;
}

char *td_url_relative(const char *to, const char *from)
{
	char *t = sh_xstrdup(to), *f = sh_xstrdup(from);
	char *ts[MAX_SEGS], *fs[MAX_SEGS];
	int nt = split(t, ts), nf = split(f, fs), c = 0;
	bool dir = !*to || to[strlen(to) - 1] == '/';
	struct sh_buf b;

	sh_buf_init(&b, 1 << 20);
	if (nt < 0 || nf < 0) {
		free(t), free(f);
		return sh_xstrdup(to);
	}
	while (c < nf && c < nt - (dir ? 0 : 1) && strcmp(ts[c], fs[c]) == 0)
		c++;
	for (int i = c; i < nf; i++)
		sh_buf_addstr(&b, i > c ? "/.." : "..");
	for (int i = c; i < nt; i++) {
		if (b.len)
			sh_buf_addc(&b, '/');
		sh_buf_addstr(&b, ts[i]);
	}
	if (!b.len)
		sh_buf_addc(&b, '.');
	if (dir && *to)
		sh_buf_addc(&b, '/');
	free(t), free(f);
	return sh_buf_take(&b, NULL);
}

/* A URL that is not a relative path: a scheme, "//host", "/abs", "#frag". */
static bool is_absolute(const char *u)
{
	size_t i = 0;

	if (!*u || *u == '/' || *u == '#' || *u == '?')
		return true;
	while (isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.')
		i++;
	return i > 0 && u[i] == ':';
}

/* dir + rel with "." and ".." resolved; NULL when it climbs above the root. */
static char *resolve(const char *dir, const char *rel, size_t rlen)
{
	char *p = sh_xasprintf("%s%.*s", dir, (int)rlen, rel);
	char *segs[MAX_SEGS], *in = p, *s;
	int n = 0;
	bool trailing = rlen && rel[rlen - 1] == '/';
	struct sh_buf b;

	for (s = strtok_r(in, "/", &in); s; s = strtok_r(NULL, "/", &in)) {
		if (strcmp(s, ".") == 0)
			continue;
		if (strcmp(s, "..") == 0 ? n-- == 0 : n == MAX_SEGS) {
			free(p);
			return NULL;
		}
		if (strcmp(s, "..") != 0)
			segs[n++] = s;
	}
	sh_buf_init(&b, 1 << 20);
	for (int i = 0; i < n; i++)
		sh_buf_printf(&b, "%s%s", i ? "/" : "", segs[i]);
	if (trailing && n)
		sh_buf_addc(&b, '/');
	free(p);
	return sh_buf_take(&b, NULL);
}

char *td_md_rewrite_link(const char *url, const char *src, const char *page_url)
{
	size_t plen = strcspn(url, "?#");
	const char *slash = strrchr(src, '/');
	char *dir = sh_xstrndup(src, slash ? (size_t)(slash - src + 1) : 0);
	char *target, *rel, *out;

	if (is_absolute(url) || plen == 0 || !(target = resolve(dir, url, plen))) {
		free(dir);
		return NULL;
	}
	free(dir);
	if (plen > 3 && strncmp(url + plen - 3, ".md", 3) == 0) {
		char *page = td_page_url(target);
		rel = td_url_relative(page, page_url);
		free(page);
		if (rel[strlen(rel) - 1] != '/') {
			char *r = sh_xasprintf("%s/", rel);
			free(rel);
			rel = r;
		}
	} else {
		rel = td_url_relative(*target ? target : "", page_url);
	}
	/* "a:b/" would read as a scheme: keep it a path */
	out = sh_xasprintf("%s%s%s", memchr(rel, ':', strcspn(rel, "/")) ? "./" : "", rel, url + plen);
	free(rel);
	free(target);
	return out;
}

/* NFKD-then-ASCII of U+00C0..U+00FF: the base letter, or 0 (dropped). */
static const char latin1[] = "AAAAAA\0CEEEEIIII\0NOOOOO\0\0UUUUY\0\0"
			     "aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0y";

/* Keeps ASCII word characters, spaces and '-' (accented Latin-1 letters as their base). */
static void slug_filter(const char *text, struct sh_buf *b)
{
	const unsigned char *p = (const unsigned char *)text;

	for (; *p; p++) {
		int c = *p;
		if (c == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf)
			c = latin1[*++p - 0x80];
		else if (c >= 0x80)
			continue;
		if (c && (isalnum(c) || c == '_' || c == '-' || isspace(c)))
			sh_buf_addc(b, (char)tolower(c));
	}
}

char *td_slugify(const char *text)
{
	struct sh_buf f, b;
	const char *p, *end;

	sh_buf_init(&f, strlen(text) + 1);
	sh_buf_init(&b, strlen(text) + 1);
	slug_filter(text, &f);
	p = sh_buf_str(&f);
	end = p + f.len;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	while (p < end) {
		if (*p == '-' || isspace((unsigned char)*p)) {
			while (p < end && (*p == '-' || isspace((unsigned char)*p)))
				p++;
			sh_buf_addc(&b, '-');
		} else {
			sh_buf_addc(&b, *p++);
		}
	}
	sh_buf_free(&f);
	return sh_buf_take(&b, NULL);
}
