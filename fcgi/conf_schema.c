/*
 * What the configuration may say: the host's own key tables, loading (files
 * through conf.c, then environment overrides and validation), typed
 * validation of every section against its table (host sections here, plugin
 * sections and flags from their descriptors), and secrets read from
 * "<key>_file".  Built on conf.c's storage (conf_int.h), never the reverse.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "conf_int.h"

#ifndef SH_PLUGINDIR
#define SH_PLUGINDIR "/usr/local/lib/stagehand/plugins"
#endif
#ifndef SH_SQLDIR
#define SH_SQLDIR "/usr/local/share/stagehand/sql"
#endif
#ifndef SH_UIDIR
#define SH_UIDIR "/usr/local/share/stagehand/ui"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define SECRET_MAX (64 * 1024)    /* bytes of a secret file */
#define PLUGIN_MAX 64             /* bytes of a plugin name */

static const struct sh_conf_key server_keys[] = {
	{ "plugin_dir", SH_CONF_PATH, SH_PLUGINDIR, 0, 0, NULL, NULL, 0, "where plugins are loaded from" },
	{ "sql_dir", SH_CONF_PATH, SH_SQLDIR, 0, 0, NULL, NULL, 0, "where migrations are read from" },
	{ "base_url", SH_CONF_URL, "https://127.0.0.1:8443", 0, 0, NULL, NULL, 0, "public URL of the portal" },
	{ "max_body_size", SH_CONF_INT, "1048576", 1024, 67108864, NULL, NULL, 0, "request body cap, bytes" },
	{ "json_max_depth", SH_CONF_INT, "64", 1, 1000, NULL, NULL, 0, "nesting cap of JSON bodies" },
	{ "backend_secret", SH_CONF_STR, NULL, 0, 0, NULL, "BACKEND_SECRET", SH_CONF_SECRET, "shared backend secret" },
	{ "shutdown_timeout", SH_CONF_INT, "10", 0, 300, NULL, NULL, 0, "seconds in-flight requests get on SIGTERM" },
	{ "task_threads", SH_CONF_INT, "16", 0, 16, NULL, NULL, 0, "background task threads, at most one per task" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

static const struct sh_conf_key pool_keys[] = {
	{ "socket", SH_CONF_PATH, NULL, 0, 0, NULL, NULL, SH_CONF_REQUIRED, "FastCGI unix socket" },
	{ "threads", SH_CONF_INT, "4", 1, 256, NULL, NULL, 0, "request threads" },
	{ "plugins", SH_CONF_LIST, "", 0, 0, NULL, NULL, 0, "plugins this pool hosts" },
	{ "socket_mode", SH_CONF_STR, "0666", 0, 0, NULL, NULL, 0, "octal mode of the socket" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

static const struct sh_conf_key database_keys[] = {
	{ "host", SH_CONF_STR, "/var/run/postgresql", 0, 0, NULL, "POSTGRES_HOST", 0, "server host or socket directory" },
	{ "port", SH_CONF_INT, "5432", 1, 65535, NULL, "POSTGRES_PORT", 0, "server port" },
	{ "name", SH_CONF_STR, "stagehand", 0, 0, NULL, "POSTGRES_DB", 0, "database name" },
	{ "user", SH_CONF_STR, "stagehand", 0, 0, NULL, "POSTGRES_USER", 0, "role" },
	{ "password", SH_CONF_STR, NULL, 0, 0, NULL, "POSTGRES_PASSWORD", SH_CONF_SECRET, "password" },
	{ "pool_size", SH_CONF_INT, "8", 1, 256, NULL, NULL, 0, "connections per process" },
	{ "sslmode", SH_CONF_ENUM, "prefer", 0, 0, "disable allow prefer require verify-ca verify-full",
	  "PGSSLMODE", 0, "libpq sslmode" },
	{ "statement_timeout_ms", SH_CONF_INT, "30000", 0, 3600000, NULL, NULL, 0, "per statement; 0: none" },
	{ "connect_timeout", SH_CONF_INT, "5", 1, 600, NULL, NULL, 0, "seconds per connection attempt" },
	{ "acquire_timeout_ms", SH_CONF_INT, "5000", 1, 600000, NULL, NULL, 0, "wait for a pooled connection" },
	{ "connect_wait", SH_CONF_INT, "30", 0, 3600, NULL, NULL, 0, "seconds start-up waits for the server" },
	{ "read_host", SH_CONF_STR, NULL, 0, 0, NULL, NULL, 0, "read replica for read-heavy routes" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

/*
 * The host-wide flags: auth enforcement and the flags the web UI reads.
 * Each plugin's own flag comes from its descriptor (host_conf_add_flag); a
 * plugin may declare one of these, and it stays one key.
 */
#define FLAG(name, def, env) { name, SH_CONF_BOOL, def, 0, 0, NULL, env, 0, "feature flag" }
static const struct sh_conf_key features_keys[] = {
	FLAG("auth", "true", "OPENCHOREO_FEATURES_AUTH_ENABLED"),
	FLAG("authz", "true", "OPENCHOREO_FEATURES_AUTHZ_ENABLED"),
	FLAG("auth_redirect_flow", "true", "OPENCHOREO_FEATURES_AUTH_REDIRECT_FLOW_ENABLED"),
	FLAG("workflows", "true", "OPENCHOREO_FEATURES_WORKFLOWS_ENABLED"),
	FLAG("observability", "true", "OPENCHOREO_FEATURES_OBSERVABILITY_ENABLED"),
	FLAG("assistant", "false", "OPENCHOREO_FEATURES_ASSISTANT_ENABLED"),
	FLAG("secret_management", "false", "OPENCHOREO_FEATURES_SECRET_MANAGEMENT_ENABLED"),
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};
#undef FLAG

static const struct sh_conf_key log_keys[] = {
	{ "level", SH_CONF_ENUM, "info", 0, 0, "debug info notice warn error", "LOG_LEVEL", 0, "lowest level logged" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

static const struct sh_conf_key http_keys[] = {
	{ "timeout_ms", SH_CONF_INT, "10000", 1, 3600000, NULL, NULL, 0, "whole upstream request" },
	{ "connect_timeout_ms", SH_CONF_INT, "3000", 1, 600000, NULL, NULL, 0, "upstream connect" },
	{ "max_body", SH_CONF_INT, "10485760", 1, 1073741824, NULL, NULL, 0, "upstream body cap, bytes" },
	{ "user_agent", SH_CONF_STR, "stagehand/" PACKAGE_VERSION, 0, 0, NULL, NULL, 0, "User-Agent header" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

/* The identity provider: service tokens it signs are accepted (JWKS), and
 * sh_service_token fetches client_credentials tokens from it. */
static const struct sh_conf_key identity_keys[] = {
	{ "metadata_url", SH_CONF_URL, NULL, 0, 0, NULL, "OPENCHOREO_AUTH_METADATA_URL", 0, "IdP discovery document (jwks_uri, issuer, token_endpoint)" },
	{ "jwks_url", SH_CONF_URL, NULL, 0, 0, NULL, NULL, 0, "IdP JWKS; overrides discovery" },
	{ "issuer", SH_CONF_STR, NULL, 0, 0, NULL, NULL, 0, "required iss of IdP tokens; default: discovered" },
	{ "audience", SH_CONF_LIST, "", 0, 0, NULL, NULL, 0, "accepted aud values of IdP tokens (any of); empty: not checked" },
	{ "clock_skew", SH_CONF_INT, "60", 0, 600, NULL, NULL, 0, "seconds of leeway on exp, nbf, iat" },
	{ "jwks_ttl", SH_CONF_INT, "3600", 10, 86400, NULL, NULL, 0, "seconds a fetched JWKS is used" },
	{ "jwks_min_refresh", SH_CONF_INT, "10", 1, 3600, NULL, NULL, 0, "minimum seconds between JWKS fetches on unknown kids" },
	{ "token_url", SH_CONF_URL, NULL, 0, 0, NULL, "OPENCHOREO_AUTH_TOKEN_URL", 0, "IdP token endpoint; overrides discovery" },
	{ "scope", SH_CONF_STR, NULL, 0, 0, NULL, "OPENCHOREO_AUTH_SCOPE", 0, "scope of service tokens" },
	{ "service_client_id", SH_CONF_STR, NULL, 0, 0, NULL, "OPENCHOREO_SERVICE_CLIENT_ID", 0, "client of service tokens" },
	{ "service_client_secret", SH_CONF_STR, NULL, 0, 0, NULL, "OPENCHOREO_SERVICE_CLIENT_SECRET", SH_CONF_SECRET, "its secret" },
	{ "client_id", SH_CONF_STR, NULL, 0, 0, NULL, "OPENCHOREO_AUTH_CLIENT_ID", 0, "sign-in client, used when service_client_id is unset" },
	{ "client_secret", SH_CONF_STR, NULL, 0, 0, NULL, "OPENCHOREO_AUTH_CLIENT_SECRET", SH_CONF_SECRET, "its secret" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

/* The web portal (fcgi/ui*.c, docs/ui.md): the build nginx serves and the
 * index.html the [ui] pool renders for it at start-up. */
static const struct sh_conf_key ui_keys[] = {
	{ "root", SH_CONF_PATH, SH_UIDIR, 0, 0, NULL, NULL, 0, "the frontend build (its index.html and assets)" },
	{ "render_dir", SH_CONF_PATH, "/run/stagehand/ui", 0, 0, NULL, NULL, 0, "where the rendered index.html and the link dist -> root go (nginx's root: render_dir/dist)" },
	{ "pool", SH_CONF_STR, "main", 0, 0, NULL, NULL, 0, "the pool that renders index.html" },
	{ "title", SH_CONF_STR, "Stagehand", 0, 0, NULL, NULL, 0, "the portal's title (app.title)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL }
};

/* The host's fixed sections, in the order --check-config prints them. */
static const struct {
	const char *name;
	const struct sh_conf_key *keys;
} host_sections[] = {
	{ "server", server_keys }, { "database", database_keys }, { "features", features_keys },
	{ "log", log_keys }, { "http", http_keys }, { "identity", identity_keys },
	{ "ui", ui_keys },
};
#define N_HOST_SECTIONS (sizeof(host_sections) / sizeof(host_sections[0]))

static const struct sh_conf_key *key_find(const struct sh_conf_key *keys, const char *name)
{
	for (; keys && keys->name; keys++)
		if (strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

static bool is_host_section(const char *name)
{
	for (size_t i = 0; i < N_HOST_SECTIONS; i++)
		if (strcmp(host_sections[i].name, name) == 0)
			return true;
	return strncmp(name, "pool.", 5) == 0;
}

/* ------------------------------------------------------------------ errors */

/* "file:line: key: reason", or "env VAR: section.key: reason". */
static int val_error(const struct conf_section *s, const struct conf_entry *e,
		     const struct conf_val *v, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int val_error(const struct conf_section *s, const struct conf_entry *e,
		     const struct conf_val *v, char *err, size_t errlen, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (v && v->env)
		conf_err(err, errlen, "env %s: %s.%s: %s", v->origin, s->name, e->key, why);
	else if (v && v->line)
		conf_err(err, errlen, "%s:%d: %s: %s", v->origin, v->line, e->key, why);
	else
		conf_err(err, errlen, "[%s] %s: %s", s->name, e->key, why);
	return SH_EINVAL;
}

static const char *section_file(const struct sh_conf *c, const struct conf_section *s)
{
	if (s->origin)
		return s->origin;
	return c->main_file ? c->main_file : "configuration";
}

/* ------------------------------------------------------------------ environment */

static int env_table(struct sh_conf *c, const char *section, const struct sh_conf_key *keys,
		     char *err, size_t errlen)
{
	for (; keys && keys->name; keys++) {
		const char *v = keys->env ? getenv(keys->env) : NULL;
		struct conf_entry *e;

		/* an empty variable is how charts say "not set" */
		if (!v || !*v)
			continue;
		if (strpbrk(v, "\r\n")) {
			conf_err(err, errlen, "env %s: %s.%s: contains a line break", keys->env,
				 section, keys->name);
			return SH_EINVAL;
		}
		e = conf_entry_get(conf_section_get(c, section, NULL, 0), keys->name);
		conf_entry_set(e, v, conf_origin(c, keys->env), 0, true);
	}
	return 0;
}

int host_conf_apply_env(struct sh_conf *c, char *err, size_t errlen)
{
	int rc;

	for (size_t i = 0; i < N_HOST_SECTIONS; i++)
		if ((rc = env_table(c, host_sections[i].name, host_sections[i].keys, err, errlen)) < 0)
			return rc;
	return 0;
}

struct sh_conf *host_conf_load(const char *path, char *err, size_t errlen)
{
	struct sh_conf *c = sh_xcalloc(1, sizeof(*c));

	if (conf_read_files(c, path, err, errlen) < 0 || host_conf_apply_env(c, err, errlen) < 0 ||
	    host_conf_validate_host(c, err, errlen) < 0) {
		host_conf_free(c);
		return NULL;
	}
	return c;
}

/* ------------------------------------------------------------------ typed checks */

static bool word_in(const char *words, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = words; p && *p;) {
		size_t len = strcspn(p, " ");

		if (len == n && n && strncmp(p, w, n) == 0)
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

static bool good_url(const char *s)
{
	size_t skip = strncmp(s, "https://", 8) == 0 ? 8 : strncmp(s, "http://", 7) == 0 ? 7 : 0;

	if (!skip || !s[skip] || s[skip] == '/')
		return false;
	for (; *s; s++)
		if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
			return false;
	return true;
}

/* NULL if text is a valid value of k, else the reason. */
static const char *check_type(const struct sh_conf_key *k, const char *text, char *why, size_t len)
{
	long l;
	bool b;
	int rc;

	switch (k->type) {
	case SH_CONF_INT:
		rc = conf_parse_long(text, &l);
		if (rc == SH_EINVAL)
			return "not an integer";
		if (rc < 0 || ((k->min || k->max) && (l < k->min || l > k->max))) {
			if (!k->min && !k->max)
				return "out of range";
			snprintf(why, len, "out of range %ld..%ld", k->min, k->max);
			return why;
		}
		return NULL;
	case SH_CONF_BOOL:
		return conf_parse_bool(text, &b) ? "not a boolean (true/false, yes/no, on/off, 1/0)" : NULL;
	case SH_CONF_ENUM:
		if (word_in(k->choices, text))
			return NULL;
		snprintf(why, len, "must be one of: %s", k->choices ? k->choices : "");
		return why;
	case SH_CONF_PATH:
		return *text ? (strlen(text) < 4096 ? NULL : "path too long") : "empty path";
	case SH_CONF_URL:
		return good_url(text) ? NULL : "not an http or https URL";
	default:
		return NULL;
	}
}

/* Checks every occurrence that counts and sets the entry's items. */
static int check_entry(const struct conf_section *s, const struct sh_conf_key *k,
		       struct conf_entry *e, char *err, size_t errlen)
{
	bool multi = k->flags & SH_CONF_MULTI;
	char why[256];

	for (size_t i = multi ? 0 : e->n - 1; i < e->n; i++) {
		const char *bad = check_type(k, e->vals[i].text, why, sizeof(why));

		if (bad && e->is_default)
			return val_error(s, e, NULL, err, errlen, "bad default: %s", bad);
		if (bad)
			return val_error(s, e, &e->vals[i], err, errlen, "%s", bad);
	}
	conf_entry_items(e, multi, k->type == SH_CONF_LIST);
	return 0;
}

/* ------------------------------------------------------------------ sections */

/* The secret key "<name>" of a table that "<key>" (= "<name>_file") reads. */
static const struct sh_conf_key *secret_of_file(const struct sh_conf_key *keys, const char *key)
{
	size_t n = strlen(key);

	if (n <= 5 || strcmp(key + n - 5, "_file") != 0)
		return NULL;
	for (; keys && keys->name; keys++)
		if ((keys->flags & SH_CONF_SECRET) && strlen(keys->name) == n - 5 &&
		    strncmp(keys->name, key, n - 5) == 0)
			return keys;
	return NULL;
}

/* Replaces "<key>_file = path" by the file's content, unless env set the key. */
static int read_secret(struct conf_section *s, const struct sh_conf_key *k,
		       char *err, size_t errlen)
{
	char fkey[CONF_MAX_NAME + 8], why[512], *buf = NULL;
	struct conf_entry *e = conf_entry_find(s, k->name), *f;
	const struct conf_val *fv, *ev = conf_entry_last(e);
	size_t len;

	snprintf(fkey, sizeof(fkey), "%s_file", k->name);
	f = conf_entry_find(s, fkey);
	if (!f || !(fv = conf_entry_last(f)) || (ev && ev->env))
		return 0;
	if (ev)
		return val_error(s, f, fv, err, errlen, "%s is also set", k->name);
	if (conf_read_file(fv->text, SECRET_MAX, &buf, &len, why, sizeof(why)) < 0)
		return val_error(s, f, fv, err, errlen, "%s", why);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		return val_error(s, f, fv, err, errlen, "\"%s\" contains a NUL byte", fv->text);
	}
	conf_entry_set(conf_entry_get(s, k->name), buf, fv->origin, fv->line, false);
	free(buf);
	return 0;
}

/* Fails on a key outside the table, unless `defer` leaves it for later
 * ([features]: plugin flags are declared after the host sections). */
static int check_known(const struct conf_section *s, const struct sh_conf_key *keys, bool defer,
		       char *err, size_t errlen)
{
	for (size_t i = 0; i < s->n; i++) {
		struct conf_entry *e = s->entries[i];

		if (defer || key_find(keys, e->key) || secret_of_file(keys, e->key))
			continue;
		return val_error(s, e, conf_entry_last(e), err, errlen, "unknown key in [%s]", s->name);
	}
	return 0;
}

/* Checks a set key, or fills in its default, or reports it missing. */
static int check_key(struct sh_conf *c, struct conf_section *s, const struct sh_conf_key *k,
		     char *err, size_t errlen)
{
	struct conf_entry *e = conf_entry_find(s, k->name);

	if (!e && k->def) {
		e = conf_entry_get(s, k->name);
		conf_entry_set(e, k->def, NULL, 0, false);
		e->is_default = true;
	}
	if (e)
		return check_entry(s, k, e, err, errlen);
	if (k->flags & SH_CONF_REQUIRED) {
		conf_err(err, errlen, "%s: [%s] %s: required", section_file(c, s), s->name, k->name);
		return SH_EINVAL;
	}
	return 0;
}

static int validate_section(struct sh_conf *c, struct conf_section *s,
			    const struct sh_conf_key *keys, bool defer, char *err, size_t errlen)
{
	int rc;

	if (s->validated)
		return 0;
	if ((rc = check_known(s, keys, defer, err, errlen)) < 0)
		return rc;
	for (const struct sh_conf_key *k = keys; k && k->name; k++)
		if ((k->flags & SH_CONF_SECRET) && (rc = read_secret(s, k, err, errlen)) < 0)
			return rc;
	for (const struct sh_conf_key *k = keys; k && k->name; k++)
		if ((rc = check_key(c, s, k, err, errlen)) < 0)
			return rc;
	s->keys = keys;
	s->claimed = s->validated = true;
	return 0;
}

/* ------------------------------------------------------------------ host sections */

static bool good_plugin_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");

	return n && !s[n] && n <= PLUGIN_MAX;
}

static int check_pool(struct sh_conf *c, struct conf_section *s, char *err, size_t errlen)
{
	const char *name = s->name + 5, *mode;
	const struct conf_entry *e;
	const struct conf_val *v;
	char *end;
	int rc;

	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(name)) {
		conf_err(err, errlen, "%s:%d: [%s]: bad pool name", section_file(c, s), s->line, s->name);
		return SH_EINVAL;
	}
	if ((rc = validate_section(c, s, pool_keys, false, err, errlen)) < 0)
		return rc;
	e = conf_entry_find(s, "socket");
	if (strlen((v = conf_entry_last(e))->text) > 107)
		return val_error(s, e, v, err, errlen, "path too long for a unix socket (max 107 bytes)");
	e = conf_entry_find(s, "socket_mode");
	mode = (v = conf_entry_last(e))->text;
	if (!*mode || strlen(mode) > 4 || strtol(mode, &end, 8) > 0777 || *end || *mode == '-' ||
	    *mode == '+')
		return val_error(s, e, v, err, errlen, "not an octal file mode");
	e = conf_entry_find(s, "plugins");
	for (size_t i = 0; i < e->n_items; i++) {
		if (!good_plugin_name(e->items[i]))
			return val_error(s, e, conf_entry_last(e), err, errlen,
					 "bad plugin name \"%s\"", e->items[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(e->items[i], e->items[j]) == 0)
				return val_error(s, e, conf_entry_last(e), err, errlen,
						 "\"%s\" listed twice", e->items[i]);
	}
	return 0;
}

int host_conf_validate_host(struct sh_conf *c, char *err, size_t errlen)
{
	int rc;

	for (size_t i = 0; i < c->n; i++)
		if (strncmp(c->secs[i]->name, "pool.", 5) == 0 &&
		    (rc = check_pool(c, c->secs[i], err, errlen)) < 0)
			return rc;
	for (size_t i = 0; i < N_HOST_SECTIONS; i++) {
		const char *name = host_sections[i].name;

		rc = validate_section(c, conf_section_get(c, name, NULL, 0), host_sections[i].keys,
				      strcmp(name, "features") == 0, err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------ plugin sections */

/* The plugin a section belongs to: "<plugin>" or "<plugin>.<instance>". */
static size_t plugin_part(const char *section)
{
	const char *dot = strchr(section, '.');

	return dot ? (size_t)(dot - section) : strlen(section);
}

/* [<plugin>.<instance>] sections (named instances, e.g. [jenkins.prod]):
 * the plugin's keys without their environment overrides. */
static int validate_named(struct sh_conf *c, const char *plugin, const struct sh_conf_key *keys,
			  char *err, size_t errlen)
{
	size_t n = strlen(plugin);
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		struct conf_section *s = c->secs[i];

		if (strncmp(s->name, plugin, n) != 0 || s->name[n] != '.' || !s->name[n + 1])
			continue;
		if ((rc = validate_section(c, s, keys, false, err, errlen)) < 0)
			return rc;
	}
	return 0;
}

int host_conf_validate_plugin(struct sh_conf *c, const struct sh_plugin_info *info,
			      char *err, size_t errlen)
{
	static const struct sh_conf_key none[] = { { NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL } };
	const struct sh_conf_key *keys = info->keys ? info->keys : none;
	int rc;

	if (!info->name || !good_plugin_name(info->name) || is_host_section(info->name)) {
		conf_err(err, errlen, "plugin \"%s\": name cannot be an ini section",
			 info->name ? info->name : "");
		return SH_EINVAL;
	}
	if ((rc = env_table(c, info->name, keys, err, errlen)) < 0)
		return rc;
	if ((rc = validate_section(c, conf_section_get(c, info->name, NULL, 0), keys, false, err,
				   errlen)) < 0)
		return rc;
	return validate_named(c, info->name, keys, err, errlen);
}

/* Whether some pool lists the plugin a section is named after. */
static bool pooled_plugin(const struct sh_conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_pools; i++) {
		const char *const *names;
		char sec[CONF_MAX_NAME + 8];
		size_t m;

		snprintf(sec, sizeof(sec), "pool.%s", c->pools[i]);
		m = sh_conf_multi(c, sec, "plugins", &names);
		for (size_t j = 0; j < m; j++)
			if (strcmp(names[j], name) == 0)
				return true;
	}
	return false;
}

/*
 * A section for a plugin that is installed but in no pool (switched off by
 * a drop-in, say) belongs to that plugin, not to a typo: taking a plugin out
 * of every pool must not make its settings fatal.
 */
static bool installed_plugin(const struct sh_conf *c, const char *name)
{
	const char *dir = sh_conf_str(c, "server", "plugin_dir");
	char path[4096];
	int n;

	for (const char *p = name; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
			return false;
	n = snprintf(path, sizeof(path), "%s/%s.so", dir ? dir : "", name);
	return dir && n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0;
}

/*
 * [features] keys no table declared: a key is accepted when a plugin
 * installed in plugin_dir declares it (the plugin is in another pool or in
 * none: switching it off must not make its flag fatal), else it is a typo.
 */
static int finish_features(struct sh_conf *c, char *err, size_t errlen)
{
	static const struct sh_conf_key installed = { "", SH_CONF_BOOL, NULL, 0, 0, NULL, NULL, 0, NULL };
	struct conf_section *s = conf_section_find(c, "features");
	const char *dir = sh_conf_str(c, "server", "plugin_dir");

	for (size_t i = 0; s && i < s->n; i++) {
		struct conf_entry *e = s->entries[i];

		if (e->declared || key_find(features_keys, e->key))
			continue;
		if (!dir || !host_plugin_flag_installed(dir, e->key))
			return val_error(s, e, conf_entry_last(e), err, errlen, "unknown key in [features]");
		if (check_entry(s, &installed, e, err, errlen) < 0)
			return SH_EINVAL;
		e->declared = true;
	}
	return 0;
}

int host_conf_finish(struct sh_conf *c, char *err, size_t errlen)
{
	if (finish_features(c, err, errlen) < 0)
		return SH_EINVAL;
	for (size_t i = 0; i < c->n; i++) {
		const struct conf_section *s = c->secs[i];
		char own[CONF_MAX_NAME + 8];

		snprintf(own, sizeof(own), "%.*s", (int)plugin_part(s->name), s->name);
		if (s->claimed || pooled_plugin(c, own) || installed_plugin(c, own))
			continue;
		if (s->line)
			conf_err(err, errlen, "%s:%d: [%s]: unknown section", s->origin, s->line, s->name);
		else
			conf_err(err, errlen, "%s: [%s]: unknown section", section_file(c, s), s->name);
		return SH_EINVAL;
	}
	return 0;
}


/* ------------------------------------------------------------------ plugin flags */

static bool good_flag_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");

	return n && !s[n] && n <= PLUGIN_MAX;
}

/* The [features] key of a descriptor: its flag name, or its name with '-' as '_'. */
static int flag_key(const struct sh_plugin_info *info, char *key, size_t keylen,
		    char *err, size_t errlen)
{
	const struct sh_plugin_flag *f = &info->flag;
	bool b;

	host_plugin_flag_name(info, key, keylen);
	if (!good_flag_name(key) || strlen(key) + 1 >= keylen) {
		conf_err(err, errlen, "plugin %s: flag: bad name \"%s\"", info->name, key);
		return SH_EINVAL;
	}
	if (f->def && conf_parse_bool(f->def, &b) < 0) {
		conf_err(err, errlen, "plugin %s: flag: bad default \"%s\"", info->name, f->def);
		return SH_EINVAL;
	}
	return 0;
}

int host_conf_add_flag(struct sh_conf *c, const struct sh_plugin_info *info, char *key,
		       size_t keylen, char *err, size_t errlen)
{
	struct sh_conf_key k[2] = { { 0 }, { 0 } };
	struct conf_section *s = conf_section_get(c, "features", NULL, 0);
	struct conf_entry *e;
	int rc;

	if ((rc = flag_key(info, key, keylen, err, errlen)) < 0)
		return rc;
	e = conf_entry_find(s, key);
	if ((e && e->declared) || key_find(features_keys, key))
		return 0;     /* one key: the first declaration's default wins */
	k[0] = (struct sh_conf_key){ .name = key, .type = SH_CONF_BOOL,
				     .def = info->flag.def ? info->flag.def : "false",
				     .env = info->flag.env, .help = "feature flag" };
	if ((rc = env_table(c, "features", k, err, errlen)) < 0 ||
	    (rc = check_key(c, s, &k[0], err, errlen)) < 0)
		return rc;
	conf_entry_find(s, key)->declared = true;
	return 0;
}
