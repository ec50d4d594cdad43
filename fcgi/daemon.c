/*
 * The daemon behind stagehandd (sh_daemon_main): arguments, configuration,
 * plugin loading, migrations, signals.  One process serves one pool;
 * everything it needs to know is in the ini file, its drop-ins and the
 * environment.  Start-up either completes or stops with one message naming
 * what is wrong; it never half-starts.  It lives in libstagehand because the
 * library exports only sh_* and the daemon needs the host_* calls.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "host.h"
#include "server.h"

#ifndef SH_CONFFILE
#define SH_CONFFILE "/etc/stagehand/stagehand.ini"
#endif
#ifndef SH_VERSION
#define SH_VERSION "0.0.0"
#endif

#define ERRLEN 1024

struct opts {
	const char *config;
	const char *pool;
	bool check;
	bool migrate;
	bool routes;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: stagehandd [--config FILE] [--pool NAME]      serve a pool\n"
		"       stagehandd [--config FILE] --check-config [--pool NAME]\n"
		"       stagehandd [--config FILE] --migrate\n"
		"       stagehandd [--config FILE] --routes [--pool NAME]\n"
		"           prints the pool's route table (default pool: main), one line a\n"
		"           route sorted by path then method: method, path, who may call it\n"
		"           (none/user/service/any/user-cookie), owner (plugin or host),\n"
		"           \"cached\" and query=KEYS (or query=(none)) where set; no\n"
		"           database needed\n"
		"       stagehandd --version\n"
		"default config: %s; conf.d/*.ini beside it is read after it\n", SH_CONFFILE);
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "pool", required_argument, NULL, 'p' },
		{ "check-config", no_argument, NULL, 'k' },
		{ "migrate", no_argument, NULL, 'm' },
		{ "routes", no_argument, NULL, 'r' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	o->config = SH_CONFFILE;
	while ((c = getopt_long(argc, argv, "c:p:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'p': o->pool = optarg; break;
		case 'k': o->check = true; break;
		case 'm': o->migrate = true; break;
		case 'r': o->routes = true; break;
		case 'V': printf("stagehandd %s (plugin ABI %d.%d)\n", SH_VERSION,
				 SH_ABI_MAJOR, SH_ABI_MINOR); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || o->check + o->migrate + o->routes > 1) {
		usage(stderr);
		return 2;
	}
	return -1;
}

static bool has_pool(const struct sh_conf *c, const char *name)
{
	const char *const *names;
	size_t n = host_conf_pools(c, &names);

	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Loads and validates the configuration, opens the plugins of the pool (of
 * every pool without --pool), keeps those whose flag is on. */
static int prepare(struct sh_host *h, const struct opts *o, char *err)
{
	enum sh_log_level level = SH_LOG_INFO;
	const char *const *pools;
	size_t n;

	h->conf = host_conf_load(o->config, err, ERRLEN);
	if (!h->conf)
		return SH_EINVAL;
	host_log_level_parse(sh_conf_str(h->conf, "log", "level"), &level);
	host_log_init(h->pool, level);
	if (o->pool && !has_pool(h->conf, o->pool)) {
		snprintf(err, ERRLEN, "%s: [pool.%s]: no such pool", o->config, o->pool);
		return SH_EINVAL;
	}
	n = host_conf_pools(h->conf, &pools);
	for (size_t i = 0; i < n; i++) {
		bool mine = o->pool ? strcmp(pools[i], o->pool) == 0 : true;

		if (mine && host_plugins_open_pool(h, pools[i], err, ERRLEN) != 0)
			return SH_EINVAL;
	}
	/* --check-config checks every key of every listed plugin, flag off too */
	for (size_t i = 0; i < h->n_plugins; i++)
		if ((o->check || h->plugins[i].enabled) &&
		    host_conf_validate_plugin(h->conf, h->plugins[i].info, err, ERRLEN) != 0)
			return SH_EINVAL;
	if (host_conf_finish(h->conf, err, ERRLEN) != 0 ||
	    host_plugins_check_claims(h, err, ERRLEN) != 0)
		return SH_EINVAL;
	/* the dump of --check-config still reads the key tables of the others */
	if (!o->check)
		host_plugins_keep_enabled(h);
	return 0;
}

/* --routes: the route table serving would build, without init or database. */
static int print_routes(struct sh_host *h, char *err)
{
	int rc;

	h->router = host_router_new();
	h->registering = true;
	rc = host_health_register(h);
	if (rc == 0)
		rc = host_plugins_tables(h, err, ERRLEN);
	if (rc == 0)
		rc = host_identity_cookie_register(h);
	h->registering = false;
	if (rc == 0)
		host_router_print(h->router, stdout);
	for (size_t i = 0; rc == 0 && i < h->n_plugins; i++)
		if (!h->plugins[i].info->routes)
			printf("# %s: no route table; routes it registers from init are not listed\n",
			       h->plugins[i].info->name);
	if (rc != 0 && !err[0])
		snprintf(err, ERRLEN, "route table: registration failed");
	host_router_free(h->router);
	h->router = NULL;
	return rc;
}

static int start(struct sh_host *h, struct server **srv, char *err)
{
	char section[128];
	const char *mode;

	h->auth_enabled = sh_conf_feature(h->conf, "auth");
	h->max_body = (size_t)sh_conf_int(h->conf, "server", "max_body_size", 1048576);
	h->json_depth = (int)sh_conf_int(h->conf, "server", "json_max_depth", 64);
	h->router = host_router_new();
	if (host_http_init(h->conf) != 0) {
		snprintf(err, ERRLEN, "http client: initialisation failed");
		return SH_EINVAL;
	}
	if (host_db_init(h, err, ERRLEN) != 0 || host_migrate(h, err, ERRLEN) != 0)
		return SH_EINVAL;
	h->registering = true;
	if (host_health_register(h) != 0) {
		snprintf(err, ERRLEN, "health routes: registration failed");
		return SH_EINVAL;
	}
	if (host_plugins_init(h, err, ERRLEN) != 0)
		return SH_EINVAL;
	if (host_identity_cookie_register(h) != 0) {
		snprintf(err, ERRLEN, "cookie routes: registration failed");
		return SH_EINVAL;
	}
	h->registering = false;
	if (host_ui_render(h, err, ERRLEN) != 0)
		return SH_EIO;
	snprintf(section, sizeof section, "pool.%s", h->pool);
	mode = sh_conf_str(h->conf, section, "socket_mode");
	*srv = server_open(h, sh_conf_str(h->conf, section, "socket"),
			   (unsigned)strtoul(mode ? mode : "0666", NULL, 8),
			   (int)sh_conf_int(h->conf, section, "threads", 4), err, ERRLEN);
	if (!*srv || host_tasks_start(h) != 0 || host_caches_start(h) != 0 ||
	    server_start(*srv, err, ERRLEN) != 0) {
		if (!err[0])
			snprintf(err, ERRLEN, "task or cache threads: could not start");
		return SH_EIO;
	}
	atomic_store(&h->phase, HOST_READY);
	return 0;
}

/* Waits for SIGTERM or SIGINT; other signals of the set are logged and ignored. */
static void wait_for_stop(const sigset_t *set)
{
	for (;;) {
		int sig = 0;

		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGTERM || sig == SIGINT) {
			sh_log(SH_LOG_NOTICE, "signal %d: stopping", sig);
			return;
		}
		sh_log(SH_LOG_NOTICE, "signal %d ignored: restart the pool to reload", sig);
	}
}

static int stop(struct sh_host *h, struct server *srv)
{
	char kv[96];
	int rc = 0;

	atomic_store(&h->phase, HOST_STOPPING);
	atomic_store(&h->stopping, true);
	if (srv && server_stop(srv, (int)sh_conf_int(h->conf, "server", "shutdown_timeout", 10)) != 0) {
		/* A handler is stuck: leave it, skip fini, exit; systemd restarts us. */
		sh_log(SH_LOG_ERROR, "requests still running after the shutdown timeout");
		rc = 1;
	}
	host_tasks_stop(h);
	host_caches_stop(h);
	if (rc == 0)
		host_plugins_fini(h);
	server_close(srv);
	snprintf(kv, sizeof kv, "leased=%ld arenas=%ld", host_db_leased(h), host_arena_live());
	host_log_kv(SH_LOG_NOTICE, kv, "stopped");
	return rc;
}

static void cleanup(struct sh_host *h)
{
	host_tasks_free(h);
	host_caches_free(h);
	host_db_fini(h);
	host_http_fini();
	host_router_free(h->router);
	host_ui_free(h);
	free(h->plugins);
	host_conf_free(h->conf);
}

static int run_pool(struct sh_host *h)
{
	char err[ERRLEN] = "";
	struct server *srv = NULL;
	sigset_t set;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (start(h, &srv, err) != 0) {
		sh_log(SH_LOG_ERROR, "start-up failed: %s", err);
		fprintf(stderr, "stagehandd: %s\n", err);
		atomic_store(&h->stopping, true);
		host_tasks_stop(h);
		host_caches_stop(h);
		host_plugins_fini(h);
		server_close(srv);
		cleanup(h);
		return 1;
	}
	sh_log(SH_LOG_NOTICE, "ready: %zu plugin(s), auth %s", h->n_plugins,
	       h->auth_enabled ? "on" : "off");
	wait_for_stop(&set);
	rc = stop(h, srv);
	if (rc == 0)
		cleanup(h);
	return rc;
}

int sh_daemon_main(int argc, char **argv)
{
	struct sh_host h;
	struct opts o = { 0 };
	char err[ERRLEN] = "";
	int rc;

	memset(&h, 0, sizeof h);
	if ((rc = parse_args(argc, argv, &o)) >= 0)
		return rc;
	h.pool = o.pool ? o.pool : (o.check || o.migrate) ? "-" : "main";
	if (!o.check && !o.migrate && !o.pool)
		o.pool = h.pool;
	if (prepare(&h, &o, err) != 0) {
		fprintf(stderr, "stagehandd: %s\n", err);
		host_conf_free(h.conf);
		free(h.plugins);
		return 1;
	}
	if (o.check) {
		host_conf_dump(h.conf, stdout);
		rc = 0;
	} else if (o.routes) {
		rc = print_routes(&h, err) != 0;
		if (rc)
			fprintf(stderr, "stagehandd: %s\n", err);
	} else if (o.migrate) {
		rc = host_db_init(&h, err, ERRLEN) != 0 || host_migrate(&h, err, ERRLEN) != 0;
		if (rc)
			fprintf(stderr, "stagehandd: %s\n", err);
		host_db_fini(&h);
	} else {
		return run_pool(&h);
	}
	host_plugins_fini(&h);
	free(h.plugins);
	host_conf_free(h.conf);
	return rc;
}
