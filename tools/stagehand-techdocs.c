/*
 * stagehand-techdocs: the TechDocs command line for CI and operators.
 * `publish` copies a built site into [techdocs] publish_dir atomically
 * (what the `external` builder serves); `build` runs the plugin's own
 * builder on a docs source.  The configuration is read with the host's
 * loader (the ini, conf.d/ drop-ins, environment overrides), so the CLI
 * and stagehandd agree on publish_dir and the caps.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stagehand/stagehand.h>

#include "host.h"
#include "../plugins/techdocs/techdocs.h"

#define EXIT_FAILED 1 /* the publish or build failed */
#define EXIT_USAGE 2
#define EXIT_CONFIG 3 /* the configuration could not be read */

#define DEFAULT_PUBLISH_DIR "/var/lib/stagehand/files/techdocs"

struct opts {
	const char *config;      /* NULL: SH_CONFFILE, and its absence is no error */
	const char *publish_dir; /* --publish-dir, else [techdocs] publish_dir */
	const char *etag;
	const char *site_name;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: stagehand-techdocs [--config FILE] publish [--etag ETAG] [--publish-dir DIR]\n"
		"                          SITE_DIR NAMESPACE/KIND/NAME\n"
		"           copies the built site SITE_DIR (it must hold index.html) to\n"
		"           <publish_dir>/<namespace>/<kind>/<name>/ (lower case) beside the live\n"
		"           site, writes techdocs_metadata.json (the site's own keys plus\n"
		"           build_timestamp, files and ETAG when given), then swaps it in with\n"
		"           one rename: readers see the old site or the new one, never half;\n"
		"           symlinks in SITE_DIR are refused\n"
		"       stagehand-techdocs [--config FILE] build [--site-name NAME] SRC_DIR OUT_DIR\n"
		"           builds the docs source SRC_DIR (mkdocs.yml + Markdown) into OUT_DIR\n"
		"           (must not exist) with the [techdocs] caps; publish it afterwards\n"
		"       stagehand-techdocs --help | --version\n"
		"publish_dir: --publish-dir, else [techdocs] publish_dir, else %s\n"
		"default config: %s (and conf.d/*.ini beside it); when that file is absent the\n"
		"defaults apply, a --config FILE that cannot be read is an error\n"
		"exit status: 0 done, %d the publish or build failed (the reason on stderr),\n"
		"%d bad usage, %d the configuration could not be read\n",
		DEFAULT_PUBLISH_DIR, SH_CONFFILE, EXIT_FAILED, EXIT_USAGE, EXIT_CONFIG);
}

/* The configuration, or NULL with *status set (a missing default is no error). */
static struct sh_conf *load_config(const struct opts *o, int *status)
{
	const char *path = o->config ? o->config : SH_CONFFILE;
	struct sh_conf *c;
	struct stat st;
	char err[512];

	*status = 0;
	if (!o->config && stat(path, &st) != 0)
		return NULL;
	c = host_conf_load(path, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "stagehand-techdocs: %s\n", err);
		*status = EXIT_CONFIG;
	}
	return c;
}

static long conf_int(const struct sh_conf *c, const char *key, long def)
{
	return c ? sh_conf_int(c, "techdocs", key, def) : def;
}

/* NAMESPACE/KIND/NAME into parts (in the copy buf); false if not three. */
static bool split_triplet(char *buf, char **ns, char **kind, char **name)
{
	*ns = buf;
	*kind = strchr(*ns, '/');
	if (!*kind)
		return false;
	*(*kind)++ = '\0';
	*name = strchr(*kind, '/');
	if (!*name)
		return false;
	*(*name)++ = '\0';
	return **ns && **kind && **name && !strchr(*name, '/');
}

static int publish(const struct opts *o, const struct sh_conf *c, const char *site,
		   const char *triplet)
{
	const char *root = o->publish_dir ? o->publish_dir
			 : c && sh_conf_str(c, "techdocs", "publish_dir")
				 ? sh_conf_str(c, "techdocs", "publish_dir") : DEFAULT_PUBLISH_DIR;
	char *buf = sh_xstrdup(triplet), *ns, *kind, *name, *index, *dir, err[512];
	struct stat st;
	int rc = EXIT_FAILED;

	index = sh_xasprintf("%s/index.html", site);
	if (!split_triplet(buf, &ns, &kind, &name) || !(dir = td_site_dir(root, ns, kind, name))) {
		fprintf(stderr, "stagehand-techdocs: '%s' is not NAMESPACE/KIND/NAME\n", triplet);
		rc = EXIT_USAGE;
	} else if (stat(index, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "stagehand-techdocs: %s has no index.html: not a built site\n", site);
		free(dir);
	} else if (td_publish(root, ns, kind, name, site, o->etag, err, sizeof(err)) != 0) {
		fprintf(stderr, "stagehand-techdocs: publish failed: %s\n", err);
		free(dir);
	} else {
		printf("published %s to %s\n", site, dir);
		free(dir);
		rc = 0;
	}
	free(index);
	free(buf);
	return rc;
}

static void log_line(void *ud, const char *line)
{
	(void)ud;
	fprintf(stderr, "%s\n", line);
}

static int build(const struct opts *o, const struct sh_conf *c, const char *src, const char *out)
{
	struct td_limits lim = {
		.max_files = (unsigned)conf_int(c, "max_files", 5000),
		.max_file_bytes = (size_t)conf_int(c, "max_file_size", 10485760),
		.max_total_bytes = (size_t)conf_int(c, "max_total_size", 104857600),
		.timeout_s = (unsigned)conf_int(c, "build_timeout", 120),
	};
	const char *slash = strrchr(src, '/');
	const char *title = o->site_name ? o->site_name : slash && slash[1] ? slash + 1 : src;
	char err[512];

	if (td_build_site(src, out, title, &lim, log_line, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "stagehand-techdocs: build failed: %s\n", err);
		return EXIT_FAILED;
	}
	printf("built %s into %s\n", src, out);
	return 0;
}

/* Options before and after the command; -1 to go on, else an exit status. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "publish-dir", required_argument, NULL, 'd' },
		{ "etag", required_argument, NULL, 'e' },
		{ "site-name", required_argument, NULL, 's' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'd': o->publish_dir = optarg; break;
		case 'e': o->etag = optarg; break;
		case 's': o->site_name = optarg; break;
		case 'V': printf("stagehand-techdocs %s\n", SH_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sh_conf *c;
	const char *cmd;
	int status = parse_args(argc, argv, &o);

	if (status >= 0)
		return status;
	cmd = optind < argc ? argv[optind] : "";
	if (argc - optind != 3 || (strcmp(cmd, "publish") != 0 && strcmp(cmd, "build") != 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (((o.etag || o.publish_dir) && strcmp(cmd, "publish") != 0) ||
	    (o.site_name && strcmp(cmd, "build") != 0)) {
		fprintf(stderr, "stagehand-techdocs: --etag and --publish-dir go with publish, "
				"--site-name with build\n");
		return EXIT_USAGE;
	}
	host_log_init("techdocs-cli", SH_LOG_WARN);
	c = load_config(&o, &status);
	if (status)
		return status;
	if (strcmp(cmd, "publish") == 0)
		status = publish(&o, c, argv[optind + 1], argv[optind + 2]);
	else
		status = build(&o, c, argv[optind + 1], argv[optind + 2]);
	host_conf_free(c);
	return status;
}
