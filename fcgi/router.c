/*
 * The route table: a trie over path segments whose nodes have literal
 * children, one ":param" child and one "*rest" child.  Matching walks it in
 * that order with backtracking, so a literal beats a parameter beats a rest,
 * and costs O(depth) for the usual table.  405 lists the methods of every
 * route whose pattern matches the path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

struct host_route {
	char *method;
	char *pattern;                          /* absolute, as registered */
	unsigned flags;                         /* SH_ROUTE_* of its spec */
	enum sh_auth auth;
	sh_handler_fn fn;
	void *state;
	const struct host_plugin *owner;
	const char *const *query;               /* accepted query keys, or NULL: any */
	unsigned long seq;                      /* registration order */
	size_t n_names;
	char *names[HOST_MAX_PARAMS];           /* :params and *rest in path order */
};

struct node;

struct literal {
	char *seg;
	struct node *node;
};

struct node {
	struct literal *lits;
	size_t n_lits;
	struct node *param;
	struct node *rest;                      /* terminal: matches what is left */
	struct host_route **routes;
	size_t n_routes;
};

struct host_router {
	struct node root;
	unsigned long seq;
	const struct host_route **all;          /* every route, in registration order */
	size_t n_all;
};

/* State of one match walk. */
struct walk {
	const char *method;
	char *const *segs;
	size_t nsegs;
	const char *vals[HOST_MAX_PARAMS];      /* values captured so far */
	size_t nvals;
	size_t rest_from;                       /* first segment of the rest, or nsegs+1 */
	const struct host_route *found;
	size_t found_rest;
	const struct host_route *seen[32];      /* path matched, method did not */
	size_t n_seen;
};

struct host_router *host_router_new(void)
{
	return sh_xcalloc(1, sizeof(struct host_router));
}

static void route_free(struct host_route *rt)
{
	size_t i;

	for (i = 0; i < rt->n_names; i++)
		free(rt->names[i]);
	free(rt->method);
	free(rt->pattern);
	free(rt);
}

static void node_clear(struct node *n)
{
	size_t i;

	for (i = 0; i < n->n_lits; i++) {
		node_clear(n->lits[i].node);
		free(n->lits[i].node);
		free(n->lits[i].seg);
	}
	free(n->lits);
	if (n->param) {
		node_clear(n->param);
		free(n->param);
	}
	if (n->rest) {
		node_clear(n->rest);
		free(n->rest);
	}
	for (i = 0; i < n->n_routes; i++)
		route_free(n->routes[i]);
	free(n->routes);
}

void host_router_free(struct host_router *r)
{
	if (!r)
		return;
	node_clear(&r->root);
	free(r->all);
	free(r);
}

static struct node *child_literal(struct node *n, const char *seg, size_t len)
{
	struct literal *l;
	size_t i;

	for (i = 0; i < n->n_lits; i++)
		if (strlen(n->lits[i].seg) == len && !memcmp(n->lits[i].seg, seg, len))
			return n->lits[i].node;
	n->lits = sh_xrealloc(n->lits, (n->n_lits + 1) * sizeof(*n->lits));
	l = &n->lits[n->n_lits++];
	l->seg = sh_xmalloc(len + 1);
	memcpy(l->seg, seg, len);
	l->seg[len] = '\0';
	l->node = sh_xcalloc(1, sizeof(struct node));
	return l->node;
}

static struct node *child_of(struct node **slot)
{
	if (!*slot)
		*slot = sh_xcalloc(1, sizeof(struct node));
	return *slot;
}

static bool valid_method(const char *m)
{
	if (!*m || strlen(m) > 16)
		return false;
	for (; *m; m++)
		if (*m < 'A' || *m > 'Z')
			return false;
	return true;
}

static bool valid_name(const char *s, size_t len, char *const *names, size_t n)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] == ':' || s[i] == '*')
			return false;
	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && !memcmp(names[i], s, len))
			return false;
	return true;
}

/*
 * Walks (creating) the trie along `pattern`, collecting parameter names into
 * rt.  Returns the terminal node or NULL for a bad pattern.
 */
static struct node *pattern_node(struct host_router *r, const char *pattern,
				 struct host_route *rt)
{
	struct node *n = &r->root;
	const char *p = pattern + 1, *end;
	size_t len;

	if (pattern[0] != '/')
		return NULL;
	if (*p == '\0')
		return n;
	for (;;) {
		end = p + strcspn(p, "/");
		len = (size_t)(end - p);
		if (len == 0)
			return NULL;
		if (*p == ':' || *p == '*') {
			if (rt->n_names == HOST_MAX_PARAMS ||
			    !valid_name(p + 1, len - 1, rt->names, rt->n_names))
				return NULL;
			rt->names[rt->n_names] = sh_xmalloc(len);
			memcpy(rt->names[rt->n_names], p + 1, len - 1);
			rt->names[rt->n_names++][len - 1] = '\0';
			if (*p == '*')
				return *end ? NULL : child_of(&n->rest);
			n = child_of(&n->param);
		} else {
			n = child_literal(n, p, len);
		}
		if (*end == '\0')
			return n;
		p = end + 1;
	}
}

int host_router_add(struct host_router *r, const char *method, const char *pattern,
		    enum sh_auth auth, sh_handler_fn fn, void *state,
		    const struct host_plugin *owner)
{
	return host_router_add_q(r, method, pattern, auth, fn, state, owner, NULL);
}

int host_router_add_q(struct host_router *r, const char *method, const char *pattern,
		      enum sh_auth auth, sh_handler_fn fn, void *state,
		      const struct host_plugin *owner, const char *const *query)
{
	struct sh_route_spec spec = { .method = method, .pattern = pattern, .auth = auth,
				      .fn = fn, .query = query };

	return host_router_add_spec(r, pattern, &spec, state, owner);
}

int host_router_add_spec(struct host_router *r, const char *pattern,
			 const struct sh_route_spec *spec, void *state,
			 const struct host_plugin *owner)
{
	const char *method = spec->method;
	struct host_route *rt;
	struct node *n;
	size_t i;

	if (!r || !method || !pattern || !spec->fn || !valid_method(method))
		return SH_EINVAL;
	rt = sh_xcalloc(1, sizeof(*rt));
	n = pattern_node(r, pattern, rt);
	if (!n) {
		route_free(rt);
		return SH_EINVAL;
	}
	for (i = 0; i < n->n_routes; i++) {
		if (!strcmp(n->routes[i]->method, method)) {
			route_free(rt);
			return SH_EINVAL;
		}
	}
	rt->method = sh_xstrdup(method);
	rt->pattern = sh_xstrdup(pattern);
	rt->flags = spec->flags;
	rt->auth = spec->auth;
	rt->fn = spec->fn;
	rt->state = state;
	rt->owner = owner;
	rt->query = spec->query;
	rt->seq = r->seq++;
	n->routes = sh_xrealloc(n->routes, (n->n_routes + 1) * sizeof(*n->routes));
	n->routes[n->n_routes++] = rt;
	r->all = sh_xrealloc(r->all, (r->n_all + 1) * sizeof(*r->all));
	r->all[r->n_all++] = rt;
	return 0;
}

size_t host_router_routes(const struct host_router *r, const struct host_route *const **out)
{
	*out = r->all;
	return r->n_all;
}

/* ------------------------------------------------------------ matching */

/* A node the path ends on: take the route for the method, or remember the others. */
static bool arrive(struct walk *w, const struct node *n)
{
	size_t i;

	for (i = 0; i < n->n_routes; i++) {
		if (!strcmp(n->routes[i]->method, w->method)) {
			w->found = n->routes[i];
			w->found_rest = w->rest_from;
			return true;
		}
	}
	for (i = 0; i < n->n_routes && w->n_seen < sizeof(w->seen) / sizeof(w->seen[0]); i++)
		w->seen[w->n_seen++] = n->routes[i];
	return false;
}

static bool walk(struct walk *w, const struct node *n, size_t i);

static bool walk_literal(struct walk *w, const struct node *n, size_t i)
{
	size_t k;

	if (i == w->nsegs)
		return false;
	for (k = 0; k < n->n_lits; k++)
		if (!strcmp(n->lits[k].seg, w->segs[i]))
			return walk(w, n->lits[k].node, i + 1);
	return false;
}

static bool walk_param(struct walk *w, const struct node *n, size_t i)
{
	if (!n->param || i == w->nsegs || w->segs[i][0] == '\0' || w->nvals == HOST_MAX_PARAMS)
		return false;
	w->vals[w->nvals++] = w->segs[i];
	if (walk(w, n->param, i + 1))
		return true;
	w->nvals--;
	return false;
}

static bool walk_rest(struct walk *w, const struct node *n, size_t i)
{
	if (!n->rest || w->nvals == HOST_MAX_PARAMS)
		return false;
	w->vals[w->nvals++] = NULL;     /* joined once the match is final */
	w->rest_from = i;
	if (arrive(w, n->rest))
		return true;
	w->rest_from = SIZE_MAX;
	w->nvals--;
	return false;
}

static bool walk(struct walk *w, const struct node *n, size_t i)
{
	if (i == w->nsegs && arrive(w, n))
		return true;
	return walk_literal(w, n, i) || walk_param(w, n, i) || walk_rest(w, n, i);
}

static const char *join_rest(struct host_arena *a, char *const *segs, size_t from, size_t to)
{
	size_t i, len = 0, off = 0;
	char *s;

	if (from >= to)
		return "";
	for (i = from; i < to; i++)
		len += strlen(segs[i]) + 1;
	s = host_arena_alloc(a, len);
	for (i = from; i < to; i++) {
		len = strlen(segs[i]);
		memcpy(s + off, segs[i], len);
		off += len;
		s[off++] = '/';
	}
	s[off - 1] = '\0';
	return s;
}

/* "GET, POST": the methods of the routes seen, in registration order, once each. */
static void fill_allow(struct walk *w, char *buf, size_t size)
{
	const struct host_route *t;
	size_t i, j, off = 0, len;

	for (i = 1; i < w->n_seen; i++)
		for (j = i; j > 0 && w->seen[j - 1]->seq > w->seen[j]->seq; j--) {
			t = w->seen[j];
			w->seen[j] = w->seen[j - 1];
			w->seen[j - 1] = t;
		}
	buf[0] = '\0';
	for (i = 0; i < w->n_seen; i++) {
		for (j = 0; j < i && strcmp(w->seen[j]->method, w->seen[i]->method); j++)
			;
		len = strlen(w->seen[i]->method);
		if (j < i || off + len + 3 > size)
			continue;
		if (off) {
			memcpy(buf + off, ", ", 2);
			off += 2;
		}
		memcpy(buf + off, w->seen[i]->method, len + 1);
		off += len;
	}
}

enum host_match_result host_router_match(const struct host_router *r, const char *method,
					 char *const *segs, size_t nsegs,
					 struct host_arena *arena, struct host_match *m)
{
	struct walk w = { .method = method, .segs = segs, .nsegs = nsegs, .rest_from = SIZE_MAX };
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!walk(&w, &r->root, 0)) {
		if (w.n_seen == 0)
			return HOST_MATCH_NOT_FOUND;
		fill_allow(&w, m->allow, sizeof(m->allow));
		return HOST_MATCH_BAD_METHOD;
	}
	m->route = w.found;
	m->n_params = w.found->n_names;
	for (i = 0; i < m->n_params; i++) {
		m->names[i] = w.found->names[i];
		m->values[i] = w.vals[i];
	}
	if (w.found_rest != SIZE_MAX)
		m->values[m->n_params - 1] = join_rest(arena, segs, w.found_rest, nsegs);
	return HOST_MATCH_OK;
}

sh_handler_fn host_route_fn(const struct host_route *rt)
{
	return rt->fn;
}

void *host_route_state(const struct host_route *rt)
{
	return rt->state;
}

enum sh_auth host_route_auth(const struct host_route *rt)
{
	return rt->auth;
}

const char *const *host_route_query(const struct host_route *rt)
{
	return rt->query;
}

const struct host_plugin *host_route_owner(const struct host_route *rt)
{
	return rt->owner;
}

const char *host_route_method(const struct host_route *rt)
{
	return rt->method;
}

const char *host_route_pattern(const struct host_route *rt)
{
	return rt->pattern;
}

unsigned host_route_flags(const struct host_route *rt)
{
	return rt->flags;
}
