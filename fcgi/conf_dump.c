/*
 * The effective configuration as ini text for --check-config: every section
 * in a stable order, defaults included, secrets replaced by <redacted>, so
 * the output can be read back as a configuration file.
 */
#include <stdio.h>
#include <string.h>

#include "host.h"
#include "conf_int.h"

/* Sections no table claimed belong to plugins of other pools: guess secrets by name. */
static bool looks_secret(const char *key)
{
	static const char *const words[] = { "password", "secret", "token", "key", "credential" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(key, words[i]))
			return true;
	return false;
}

/* A value needs quotes when the reader would otherwise trim or cut it. */
static bool needs_quotes(const char *v)
{
	size_t n = strlen(v);

	if (n && (v[0] == ' ' || v[0] == '\t' || v[0] == '"' || v[n - 1] == ' ' || v[n - 1] == '\t'))
		return true;
	for (size_t i = 1; i < n; i++)
		if ((v[i] == ';' || v[i] == '#') && (v[i - 1] == ' ' || v[i - 1] == '\t'))
			return true;
	return false;
}

static void put_value(FILE *out, const char *key, const char *v, bool redact)
{
	if (redact) {
		fprintf(out, "%s = <redacted>\n", key);
		return;
	}
	if (!needs_quotes(v)) {
		fprintf(out, "%s = %s\n", key, v);
		return;
	}
	fprintf(out, "%s = \"", key);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputs("\"\n", out);
}

static void put_entry(FILE *out, const struct conf_entry *e, bool multi, bool redact)
{
	for (size_t i = multi ? 0 : e->n - 1; i < e->n; i++)
		put_value(out, e->key, e->vals[i].text, redact);
}

static bool in_table(const struct sh_conf_key *keys, const char *key)
{
	for (; keys && keys->name; keys++)
		if (strcmp(keys->name, key) == 0)
			return true;
	return false;
}

static void dump_section(const struct conf_section *s, FILE *out)
{
	fprintf(out, "\n[%s]\n", s->name);
	if (!s->keys) {
		fputs("; not checked by this pool\n", out);
		for (size_t i = 0; i < s->n; i++)
			put_entry(out, s->entries[i], true, looks_secret(s->entries[i]->key));
		return;
	}
	for (const struct sh_conf_key *k = s->keys; k->name; k++) {
		const struct conf_entry *e = conf_entry_find(s, k->name);

		if (e && e->n)
			put_entry(out, e, k->flags & SH_CONF_MULTI, k->flags & SH_CONF_SECRET);
		else
			fprintf(out, "; %s =\n", k->name);
	}
	/* plugin feature flags and "<secret>_file" paths are not table keys */
	for (size_t i = 0; i < s->n; i++) {
		const struct conf_entry *e = s->entries[i];
		size_t n = strlen(e->key);

		if (!in_table(s->keys, e->key) && e->n &&
		    !(n > 5 && strcmp(e->key + n - 5, "_file") == 0))
			put_entry(out, e, false, false);
	}
}

static void dump_named(const struct sh_conf *c, const char *name, FILE *out)
{
	const struct conf_section *s = conf_section_find(c, name);

	if (s)
		dump_section(s, out);
}

void host_conf_dump(const struct sh_conf *c, FILE *out)
{
	static const char *const last[] = { "database", "features", "log", "http" };
	char name[CONF_MAX_NAME + 8];

	if (!c)
		return;
	fputs("; effective configuration (secrets redacted)\n", out);
	dump_named(c, "server", out);
	for (size_t i = 0; i < c->n_pools; i++) {
		snprintf(name, sizeof(name), "pool.%s", c->pools[i]);
		dump_named(c, name, out);
	}
	for (size_t i = 0; i < sizeof(last) / sizeof(last[0]); i++)
		dump_named(c, last[i], out);
	for (size_t i = 0; i < c->n; i++) {
		const char *n = c->secs[i]->name;

		if (strcmp(n, "server") && strncmp(n, "pool.", 5) && strcmp(n, "database") &&
		    strcmp(n, "features") && strcmp(n, "log") && strcmp(n, "http"))
			dump_section(c->secs[i], out);
	}
}
