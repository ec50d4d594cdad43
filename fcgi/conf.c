/*
 * Configuration storage and the ini reader: one main file, then every *.ini
 * of conf.d/ beside it in name order, each entry remembering its file and
 * line so that validation can point at it.  After start-up the structure is
 * only read, so the getters need no lock.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "conf_int.h"

void conf_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *conf_origin(struct sh_conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_origins; i++)
		if (strcmp(c->origins[i], name) == 0)
			return c->origins[i];
	c->origins = sh_xrealloc(c->origins, (c->n_origins + 1) * sizeof(*c->origins));
	c->origins[c->n_origins] = sh_xstrdup(name);
	return c->origins[c->n_origins++];
}

struct conf_section *conf_section_find(const struct sh_conf *c, const char *name)
{
	if (!c || !name)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->secs[i]->name, name) == 0)
			return c->secs[i];
	return NULL;
}

struct conf_section *conf_section_get(struct sh_conf *c, const char *name,
				      const char *origin, int line)
{
	struct conf_section *s = conf_section_find(c, name);

	if (s) {
		if (!s->origin && origin) {
			s->origin = origin;
			s->line = line;
		}
		return s;
	}
	s = sh_xcalloc(1, sizeof(*s));
	s->name = sh_xstrdup(name);
	s->origin = origin;
	s->line = line;
	c->secs = sh_xrealloc(c->secs, (c->n + 1) * sizeof(*c->secs));
	c->secs[c->n++] = s;
	if (strncmp(name, "pool.", 5) == 0) {
		c->pools = sh_xrealloc(c->pools, (c->n_pools + 1) * sizeof(*c->pools));
		c->pools[c->n_pools++] = s->name + 5;
	}
	return s;
}

struct conf_entry *conf_entry_find(const struct conf_section *s, const char *key)
{
	if (!s || !key)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->entries[i]->key, key) == 0)
			return s->entries[i];
	return NULL;
}

struct conf_entry *conf_entry_get(struct conf_section *s, const char *key)
{
	struct conf_entry *e = conf_entry_find(s, key);

	if (e)
		return e;
	e = sh_xcalloc(1, sizeof(*e));
	e->key = sh_xstrdup(key);
	s->entries = sh_xrealloc(s->entries, (s->n + 1) * sizeof(*s->entries));
	s->entries[s->n++] = e;
	return e;
}

/* Until validation splits them, the items are the raw occurrences. */
static void entry_reset_items(struct conf_entry *e)
{
	free(e->words);
	e->words = NULL;
	e->items = sh_xrealloc(e->items, (e->n ? e->n : 1) * sizeof(*e->items));
	for (size_t i = 0; i < e->n; i++)
		e->items[i] = e->vals[i].text;
	e->n_items = e->n;
}

void conf_entry_add(struct conf_entry *e, const char *text, size_t len,
		    const char *origin, int line, bool env)
{
	struct conf_val *v;
	char *t = sh_xmalloc(len + 1);

	memcpy(t, text, len);
	t[len] = '\0';
	e->vals = sh_xrealloc(e->vals, (e->n + 1) * sizeof(*e->vals));
	v = &e->vals[e->n++];
	v->text = t;
	v->origin = origin;
	v->line = line;
	v->env = env;
	e->is_default = false;
	entry_reset_items(e);
}

void conf_entry_set(struct conf_entry *e, const char *text, const char *origin,
		    int line, bool env)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->vals[i].text);
	e->n = 0;
	conf_entry_add(e, text, strlen(text), origin, line, env);
}

const struct conf_val *conf_entry_last(const struct conf_entry *e)
{
	return e && e->n ? &e->vals[e->n - 1] : NULL;
}

static size_t count_words(const char *s)
{
	size_t n = 0;

	while (*s) {
		while (*s && isspace((unsigned char)*s))
			s++;
		if (*s)
			n++;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
	return n;
}

void conf_entry_items(struct conf_entry *e, bool all, bool split)
{
	size_t first = all || !e->n ? 0 : e->n - 1, total = 0, bytes = 0, k = 0;
	char *w;

	if (!split) {
		entry_reset_items(e);
		if (first) {
			e->items[0] = e->vals[first].text;
			e->n_items = 1;
		}
		return;
	}
	for (size_t i = first; i < e->n; i++) {
		total += count_words(e->vals[i].text);
		bytes += strlen(e->vals[i].text) + 1;
	}
	free(e->words);
	e->words = w = sh_xmalloc(bytes ? bytes : 1);
	e->items = sh_xrealloc(e->items, (total ? total : 1) * sizeof(*e->items));
	for (size_t i = first; i < e->n; i++) {
		for (const char *s = e->vals[i].text; *s;) {
			size_t len;

			while (*s && isspace((unsigned char)*s))
				s++;
			for (len = 0; s[len] && !isspace((unsigned char)s[len]); len++)
				;
			if (!len)
				break;
			memcpy(w, s, len);
			w[len] = '\0';
			e->items[k++] = w;
			w += len + 1;
			s += len;
		}
	}
	e->n_items = k;
}

int conf_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return SH_EINVAL;
}

int conf_parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (!*s || isspace((unsigned char)*s))
		return SH_EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end)
		return SH_EINVAL;
	if (errno == ERANGE)
		return SH_ETOOBIG;
	*out = v;
	return 0;
}

/* ------------------------------------------------------------------ files */

/* Reads fd to its end into a fresh buffer; more than cap bytes is SH_ETOOBIG. */
static int read_all(int fd, size_t cap, char **buf, size_t *len)
{
	char *b = sh_xmalloc(cap + 2);
	size_t got = 0;
	int rc, saved;

	for (;;) {
		ssize_t r = read(fd, b + got, cap + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (got += (size_t)r) > cap) {
			if (r == 0) {
				b[got] = '\0';
				*buf = b;
				*len = got;
				return 0;
			}
			rc = r < 0 ? SH_EIO : SH_ETOOBIG;
			saved = errno;
			free(b);
			errno = saved;
			return rc;
		}
	}
}

int conf_read_file(const char *path, size_t cap, char **buf, size_t *len,
		   char *why, size_t whylen)
{
	struct stat st;
	int fd, rc;

	/* stat first: opening a device or FIFO can block or have side effects */
	if (stat(path, &st) < 0) {
		conf_err(why, whylen, "could not open \"%s\": %s", path, strerror(errno));
		return SH_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		conf_err(why, whylen, "\"%s\" is not a regular file", path);
		return SH_EIO;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		conf_err(why, whylen, "could not open \"%s\": %s", path, strerror(errno));
		return SH_EIO;
	}
	rc = read_all(fd, cap, buf, len);
	if (rc == SH_EIO)
		conf_err(why, whylen, "could not read \"%s\": %s", path, strerror(errno));
	else if (rc == SH_ETOOBIG)
		conf_err(why, whylen, "\"%s\" is too large (max %zu bytes)", path, cap);
	close(fd);
	return rc;
}

/* ------------------------------------------------------------------ parser */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static char *trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static bool good_name(const char *s, bool dots)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-' &&
		    !(dots && s[n] == '.'))
			return false;
	return n > 0 && n <= CONF_MAX_NAME;
}

/* "[name]" with an optional inline comment after it. */
static const char *parse_header(char *p, char **name)
{
	char *close = strchr(p, ']'), *rest;

	if (!close)
		return "missing ']' in section header";
	*close = '\0';
	rest = close + 1;
	while (is_blank(*rest))
		rest++;
	if (*rest && *rest != ';' && *rest != '#')
		return "unexpected text after section header";
	*name = trim(p + 1);
	if (!good_name(*name, true))
		return "bad section name";
	return NULL;
}

/* The text after '=': quoted ("a \"b\"") or bare with " ;" / " #" comments. */
static const char *parse_value(char *v, char **out)
{
	char *w, *r;

	while (is_blank(*v))
		v++;
	if (*v != '"') {
		/* v[-1] exists: at least the '=' precedes the value */
		for (char *q = v; *q; q++)
			if ((*q == ';' || *q == '#') && is_blank(q[-1])) {
				*q = '\0';
				break;
			}
		*out = trim(v);
		return NULL;
	}
	for (w = v, r = v + 1; *r != '"'; *w++ = *r++) {
		if (!*r)
			return "unterminated quoted value";
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
	}
	*w = '\0';
	for (r++; is_blank(*r); r++)
		;
	if (*r && *r != ';' && *r != '#')
		return "unexpected text after quoted value";
	*out = v;
	return NULL;
}

static const char *parse_line(struct sh_conf *c, struct conf_section **cur, char *p,
			      const char *origin, int lineno)
{
	char *eq, *key, *val, *name;
	const char *why;
	struct conf_entry *e;

	p = trim(p);
	if (!*p || *p == ';' || *p == '#')
		return NULL;
	if (*p == '[') {
		if ((why = parse_header(p, &name)))
			return why;
		*cur = conf_section_get(c, name, origin, lineno);
		return NULL;
	}
	if (!(eq = strchr(p, '=')))
		return "expected \"key = value\"";
	*eq = '\0';
	key = trim(p);
	if (!good_name(key, false))
		return "bad key name";
	if (!*cur)
		return "key outside any section";
	if ((why = parse_value(eq + 1, &val)))
		return why;
	e = conf_entry_get(*cur, key);
	conf_entry_add(e, val, strlen(val), origin, lineno, false);
	return NULL;
}

static int parse_into(struct sh_conf *c, const char *text, size_t len, const char *file,
		      char *err, size_t errlen)
{
	const char *origin = conf_origin(c, file);
	struct conf_section *cur = NULL;
	char *line = sh_xmalloc(CONF_MAX_LINE + 1);
	size_t pos = 0;
	int lineno = 0, rc = 0;

	if (!c->main_file)
		c->main_file = origin;
	if (len > CONF_MAX_FILE) {
		conf_err(err, errlen, "%s: file too large (max %d bytes)", file, CONF_MAX_FILE);
		rc = SH_ETOOBIG;
		goto out;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos), *why;
		size_t n = (nl ? (size_t)(nl - text) : len) - pos;

		lineno++;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n > CONF_MAX_LINE)
			why = "line too long (max 8192 bytes)";
		else if (memchr(text + pos, '\0', n))
			why = "line contains a NUL byte";
		else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			why = parse_line(c, &cur, line, origin, lineno);
		}
		if (why) {
			conf_err(err, errlen, "%s:%d: %s", file, lineno, why);
			rc = SH_EINVAL;
			goto out;
		}
		pos = nl ? (size_t)(nl - text) + 1 : len;
	}
out:
	free(line);
	return rc;
}

struct sh_conf *host_conf_parse(const char *text, size_t len, const char *filename,
				char *err, size_t errlen)
{
	struct sh_conf *c = sh_xcalloc(1, sizeof(*c));

	if (parse_into(c, text ? text : "", text ? len : 0, filename ? filename : "<text>",
		       err, errlen) < 0) {
		host_conf_free(c);
		return NULL;
	}
	return c;
}

/* ------------------------------------------------------------------ loading */

static int parse_file(struct sh_conf *c, const char *path, char *err, size_t errlen)
{
	char why[512], *buf = NULL;
	size_t len = 0;
	int rc = conf_read_file(path, CONF_MAX_FILE, &buf, &len, why, sizeof(why));

	if (rc == SH_ETOOBIG)
		conf_err(err, errlen, "%s: file too large (max %d bytes)", path, CONF_MAX_FILE);
	else if (rc < 0)
		conf_err(err, errlen, "%s", why);
	else
		rc = parse_into(c, buf, len, path, err, errlen);
	free(buf);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the *.ini files of dir, sorted; a missing dir is no error. */
static int list_dropins(const char *dir, char ***names, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*names = NULL;
	*n = 0;
	if (!d) {
		if (errno == ENOENT)
			return 0;
		conf_err(err, errlen, "%s: could not open directory: %s", dir, strerror(errno));
		return SH_EIO;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		*names = sh_xrealloc(*names, (*n + 1) * sizeof(**names));
		(*names)[(*n)++] = sh_xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

static int parse_dropins(struct sh_conf *c, const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[4096], file[4096], **names;
	size_t n;
	int rc, len;

	if (slash)
		len = snprintf(dir, sizeof(dir), "%.*s/conf.d", (int)(slash - path), path);
	else
		len = snprintf(dir, sizeof(dir), "conf.d");
	if (len < 0 || (size_t)len >= sizeof(dir)) {
		conf_err(err, errlen, "%s: path too long", path);
		return SH_EINVAL;
	}
	if ((rc = list_dropins(dir, &names, &n, err, errlen)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (rc == 0) {
			len = snprintf(file, sizeof(file), "%s/%s", dir, names[i]);
			if (len < 0 || (size_t)len >= sizeof(file)) {
				conf_err(err, errlen, "%s/%s: path too long", dir, names[i]);
				rc = SH_EINVAL;
			} else {
				rc = parse_file(c, file, err, errlen);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int conf_read_files(struct sh_conf *c, const char *path, char *err, size_t errlen)
{
	int rc = parse_file(c, path, err, errlen);

	return rc < 0 ? rc : parse_dropins(c, path, err, errlen);
}

static void entry_free(struct conf_entry *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->vals[i].text);
	free(e->vals);
	free(e->items);
	free(e->words);
	free(e->key);
	free(e);
}

void host_conf_free(struct sh_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		for (size_t j = 0; j < c->secs[i]->n; j++)
			entry_free(c->secs[i]->entries[j]);
		free(c->secs[i]->entries);
		free(c->secs[i]->name);
		free(c->secs[i]);
	}
	for (size_t i = 0; i < c->n_origins; i++)
		free(c->origins[i]);
	free(c->secs);
	free(c->origins);
	free(c->pools);
	free(c);
}

/* ------------------------------------------------------------------ getters */

static const struct conf_entry *lookup(const struct sh_conf *c, const char *section,
				       const char *key)
{
	return conf_entry_find(conf_section_find(c, section), key);
}

const char *sh_conf_str(const struct sh_conf *c, const char *section, const char *key)
{
	const struct conf_val *v = conf_entry_last(lookup(c, section, key));

	return v ? v->text : NULL;
}

long sh_conf_int(const struct sh_conf *c, const char *section, const char *key, long def)
{
	const char *s = sh_conf_str(c, section, key);
	long v;

	return s && conf_parse_long(s, &v) == 0 ? v : def;
}

bool sh_conf_bool(const struct sh_conf *c, const char *section, const char *key, bool def)
{
	const char *s = sh_conf_str(c, section, key);
	bool v;

	return s && conf_parse_bool(s, &v) == 0 ? v : def;
}

size_t sh_conf_multi(const struct sh_conf *c, const char *section, const char *key,
		     const char *const **values)
{
	const struct conf_entry *e = lookup(c, section, key);
	static const char *const none[1] = { NULL };

	if (!e || !e->n_items) {
		if (values)
			*values = none;
		return 0;
	}
	if (values)
		*values = e->items;
	return e->n_items;
}

size_t sh_conf_sections(const struct sh_conf *c, const char *prefix, const char **names,
			size_t max)
{
	size_t n = 0, len = strlen(prefix);

	for (size_t i = 0; c && i < c->n; i++) {
		const char *name = c->secs[i]->name;

		if (strncmp(name, prefix, len) != 0 || !name[len])
			continue;
		if (n < max)
			names[n] = name;
		n++;
	}
	return n;
}

bool sh_conf_feature(const struct sh_conf *c, const char *flag)
{
	return sh_conf_bool(c, "features", flag, false);
}

size_t host_conf_pools(const struct sh_conf *c, const char *const **names)
{
	static const char *const none[1] = { NULL };

	if (names)
		*names = c && c->n_pools ? c->pools : none;
	return c ? c->n_pools : 0;
}
