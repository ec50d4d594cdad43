/*
 * RFC 3986 reference resolution (§5.2: split, merge, remove_dot_segments,
 * recompose) and the strict http(s) split that the reading allow-list
 * matches on.  Strict on purpose: a URL whose host or path libcurl and a
 * server could read differently from us is refused, never guessed at.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include <stagehand/url.h>

/* One component of a URI reference: a slice of the input. */
struct part {
	const char *s;
	size_t n;
	int has;
};

struct uri {
	struct part scheme, authority, path, query, fragment;
};

static int scheme_ok(const char *s, size_t n)
{
	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* RFC 3986 appendix B: ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))? */
static void split(const char *s, struct uri *u)
{
	size_t n = strcspn(s, ":/?#");

	memset(u, 0, sizeof(*u));
	if (s[n] == ':' && scheme_ok(s, n)) {
		u->scheme = (struct part){ s, n, 1 };
		s += n + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		n = strcspn(s + 2, "/?#");
		u->authority = (struct part){ s + 2, n, 1 };
		s += 2 + n;
	}
	n = strcspn(s, "?#");
	u->path = (struct part){ s, n, 1 };
	s += n;
	if (*s == '?') {
		n = strcspn(s + 1, "#");
		u->query = (struct part){ s + 1, n, 1 };
		s += 1 + n;
	}
	if (*s == '#')
		u->fragment = (struct part){ s + 1, strlen(s + 1), 1 };
}

/* RFC 3986 §5.2.4, in place on a NUL-terminated path. */
static void remove_dot_segments(char *in)
{
	char *out = in, *r = in;

	while (*r) {
		if (strncmp(r, "../", 3) == 0)
			r += 3;
		else if (strncmp(r, "./", 2) == 0)
			r += 2;
		else if (strncmp(r, "/./", 3) == 0)
			r += 2;
		else if (strcmp(r, "/.") == 0)
			r[1] = '\0';
		else if (strncmp(r, "/../", 4) == 0 || strcmp(r, "/..") == 0) {
			/* Both leave "/" as the head of the input. */
			if (r[3] == '/') {
				r += 3;
			} else {
				r += 2;
				*r = '/';
			}
			while (out > in && *--out != '/')
				;
		} else if (strcmp(r, ".") == 0 || strcmp(r, "..") == 0)
			break;
		else {
			size_t n = strcspn(r + 1, "/") + 1;

			memmove(out, r, n);
			out += n;
			r += n;
		}
	}
	*out = '\0';
}

/* A path with its dot segments removed (malloc'd). */
static char *no_dots(const char *s, size_t n)
{
	char *p = sh_xstrndup(s, n);

	remove_dot_segments(p);
	return p;
}

/* The merged path of §5.2.3, dot segments removed (malloc'd). */
static char *merge(const struct uri *b, const struct part *rp)
{
	int keep = (int)b->path.n;
	char *p;

	while (keep > 0 && b->path.s[keep - 1] != '/')
		keep--;

	if (b->authority.has && b->path.n == 0)
		p = sh_xasprintf("/%.*s", (int)rp->n, rp->s);
	else
		p = sh_xasprintf("%.*s%.*s", keep, b->path.s, (int)rp->n, rp->s);
	remove_dot_segments(p);
	return p;
}

/* §5.3 recomposition. */
static char *recompose(const struct uri *t, const char *path)
{
	return sh_xasprintf("%.*s:%s%.*s%s%s%.*s%s%.*s",
			   (int)t->scheme.n, t->scheme.s, t->authority.has ? "//" : "",
			   (int)t->authority.n, t->authority.s ? t->authority.s : "", path,
			   t->query.has ? "?" : "", (int)t->query.n, t->query.s ? t->query.s : "",
			   t->fragment.has ? "#" : "", (int)t->fragment.n,
			   t->fragment.s ? t->fragment.s : "");
}

char *sh_url_resolve(const char *base, const char *ref)
{
	struct uri b, r, t;
	char *path, *res;

	split(base, &b);
	split(ref, &r);
	if (!r.scheme.has && !b.scheme.has)
		return NULL;
	t = r;
	if (r.scheme.has || r.authority.has) {
		path = no_dots(r.path.s, r.path.n);
	} else if (r.path.n == 0) {
		path = sh_xstrndup(b.path.s, b.path.n);
		if (!r.query.has)
			t.query = b.query;
	} else if (r.path.s[0] == '/') {
		path = no_dots(r.path.s, r.path.n);
	} else {
		path = merge(&b, &r.path);
	}
	if (!r.scheme.has) {
		t.scheme = b.scheme;
		if (!r.authority.has)
			t.authority = b.authority;
	}
	res = recompose(&t, path);
	free(path);
	return res;
}

void sh_url_http_clear(struct sh_url_http *u)
{
	free(u->scheme);
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

/* Bytes that libcurl, a server and we could each read differently:
 * controls, spaces, non-ASCII, '\\' and encoded '.', '/', '\\'. */
static int chars_ok(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || c == '\\')
			return 0;
		if (c == '%' && s[1] && s[2] &&
		    ((s[1] == '2' && strchr("eEfF", s[2])) || (s[1] == '5' && strchr("cC", s[2]))))
			return 0;
	}
	return 1;
}

int sh_url_host_ok(const char *h, size_t n)
{
	if (n >= 2 && h[0] == '[') {
		if (h[n - 1] != ']')
			return 0;
		for (size_t i = 1; i + 1 < n; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != ':' && h[i] != '.')
				return 0;
		return n > 2;
	}
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-' && h[i] != '_')
			return 0;
	return n > 0;
}

/* Digits only, 1-65535; an empty port is the default (WHATWG). */
static int port_parse(const char *s, size_t n, unsigned def, unsigned *port)
{
	unsigned long v = 0;

	if (n == 0) {
		*port = def;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || (v = v * 10 + (unsigned)(s[i] - '0')) > 65535)
			return SH_EINVAL;
	}
	if (v == 0)
		return SH_EINVAL;
	*port = (unsigned)v;
	return 0;
}

/* The path as libcurl sends it (RFC 3986 dot segments removed), runs of
 * '/' then collapsed as Backstage's path.posix.normalize does. */
static char *check_path(const struct part *p)
{
	char *s = sh_xstrndup(p->s, p->n), *w = s;

	remove_dot_segments(s);
	for (const char *r = s; *r; r++)
		if (*r != '/' || w == s || w[-1] != '/')
			*w++ = *r;
	*w = '\0';
	if (s[0] != '/') {
		free(s);
		s = sh_xstrdup("/");
	}
	return s;
}

int sh_url_http_parse(const char *url, struct sh_url_http *out)
{
	struct uri u;
	const char *a, *c;
	size_t n, hn, skip;
	unsigned def;

	memset(out, 0, sizeof(*out));
	if (!chars_ok(url))
		return SH_EINVAL;
	split(url, &u);
	a = u.authority.s;
	n = u.authority.n;
	if (!u.scheme.has || !u.authority.has || memchr(a, '@', n))
		return SH_EINVAL;
	if (u.scheme.n == 4 && strncasecmp(u.scheme.s, "http", 4) == 0)
		def = 80;
	else if (u.scheme.n == 5 && strncasecmp(u.scheme.s, "https", 5) == 0)
		def = 443;
	else
		return SH_EINVAL;
	c = memchr(a, a[0] == '[' ? ']' : ':', n);
	hn = c == NULL ? n : (size_t)(c - a) + (a[0] == '[');
	skip = hn < n;  /* the ':' before a port */
	if (!sh_url_host_ok(a, hn) || (skip && a[hn] != ':') ||
	    port_parse(a + hn + skip, n - hn - skip, def, &out->port) != 0)
		return SH_EINVAL;
	out->default_port = out->port == def;
	out->scheme = sh_xstrdup(def == 80 ? "http" : "https");
	out->host = sh_xstrndup(a, hn);
	for (char *h = out->host; *h; h++)
		*h = (char)tolower((unsigned char)*h);
	out->path = check_path(&u.path);
	return 0;
}
