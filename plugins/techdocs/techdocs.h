/*
 * The techdocs plugin (issue 17; spec platform-apis §2): TechDocs' routes
 * under /api/techdocs, a local builder that turns a docs-as-code source
 * (mkdocs.yml + Markdown) into a site shaped like mkdocs-material's, and the
 * local publisher's layout <publish_dir>/<ns>/<kind>/<name>/ (lower-cased)
 * that nginx serves with X-Accel-Redirect.
 *
 * Parts and owners (one file set each):
 *   plugin.c, routes_*.c, db_entity.c, sync.c   the plugin: routes, entity
 *                                               lookup, build scheduling
 *   mkdocs.c, markdown.c, site.c, search.c,     the builder (pure: no host;
 *   build.c                                     unit-tested, fuzzed)
 *   ref.c, prepare_dir.c, prepare_url.c,        techdocs-ref resolution,
 *   publish.c, tools/stagehand-techdocs.c       sources, atomic publishing,
 *                                               the CLI
 * Change a declaration here only by a small edit that keeps the others
 * compiling.
 */
#ifndef TECHDOCS_TECHDOCS_H
#define TECHDOCS_TECHDOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct sh_host;

#define TD_ANNOTATION "backstage.io/techdocs-ref"
#define TD_METADATA_FILE "techdocs_metadata.json"

/* Caps of one build ([techdocs] max_files, max_file_size, max_total_size,
 * build_timeout). */
struct td_limits {
	unsigned max_files;          /* files in the source tree read */
	size_t max_file_bytes;       /* one source file */
	size_t max_total_bytes;      /* the whole source tree */
	unsigned timeout_s;          /* wall clock of one build */
};

/* One build-log line (no newline), in order; the /sync stream's `log`. */
typedef void (*td_log_fn)(void *ud, const char *line);

/* ---- build.c and its parts: the builder (pure) ---------------------------- */

/*
 * Builds the site of the source directory src_dir into out_dir (created;
 * must not exist): reads mkdocs.yml / mkdocs.yaml (or the default: site_name
 * = default_site_name, docs_dir "docs"), renders every Markdown page of
 * docs_dir with cmark-gfm (tables, strikethrough, autolinks, task lists,
 * tag filter; raw HTML filtered) into <page>/index.html inside the md-*
 * containers the TechDocs reader expects, copies the other files of
 * docs_dir, writes search/search_index.json as mkdocs does and
 * techdocs_metadata.json with site_name and site_description.  The index
 * page is docs/index.md, else README.md (docs_dir, then src_dir).  Never
 * follows a symlink out of src_dir.  Returns 0, or a negative SH_E* code
 * with the reason in err (SH_ETOOBIG for a cap, SH_ETIMEDOUT for the time
 * limit, SH_EINVAL for a bad mkdocs.yml); out_dir is then removed.
 */
int td_build_site(const char *src_dir, const char *out_dir, const char *default_site_name,
		  const struct td_limits *lim, td_log_fn log, void *ud, char *err, size_t errlen);

/* ---- ref.c: backstage.io/techdocs-ref (spec §2.3) ------------------------- */

/* Where an entity's docs source is: locationMetadata of the entity route. */
struct td_location {
	char type[4];                /* "dir" or "url" */
	char *target;                /* malloc'd: a directory path or an absolute URL */
};

/*
 * Resolves the entity's techdocs-ref (its JSON as the catalog returns it):
 * "dir:<rel>" against backstage.io/source-location, else
 * backstage.io/managed-by-location ("file:<path>" → the directory beside
 * that file, type "dir"; "url:<u>" → <rel> resolved against u, type "url"),
 * "url:<abs>" as is.  Returns 0, SH_ENOTFOUND when the annotation is
 * absent, or SH_EINVAL with the reason in err ("Invalid reference
 * annotation ...").  Free with td_location_free in every case.
 */
int td_ref_resolve(const json_t *entity, struct td_location *loc, char *err, size_t errlen);
void td_location_free(struct td_location *loc);

/* ---- prepare_dir.c, prepare_url.c: the source on local disk --------------- */

/*
 * Makes the docs source of loc readable under a directory: for "dir" it is
 * loc->target itself (*src_dir set to a malloc'd copy, nothing copied);
 * for "url" (a GitHub repository tree URL) the files are fetched through
 * the host's HTTP client (allow-listed hosts, every cap of lim) into
 * work_dir, and *src_dir points inside it.  etag (may be NULL) receives
 * what identifies the source's version (the commit SHA) or "".  On entry
 * etag may hold the etag of the site published now (else ""): when the
 * source's version is that one, nothing is fetched and 0 comes back with
 * *src_dir NULL (Backstage's NotModified).  Returns 0 or a negative SH_E*
 * code with the reason in err.
 */
int td_prepare(struct sh_host *host, const struct td_location *loc, const char *work_dir,
	       const struct td_limits *lim, char **src_dir, char *etag, size_t etaglen,
	       char *err, size_t errlen);

/* ---- publish.c: the local publisher (spec §2.4) --------------------------- */

/*
 * The site directory of an entity: <root>/<ns>/<kind>/<name>, each part
 * lower-cased (malloc'd).  NULL when a part is empty, ".", "..", or holds
 * '/', '\\' or a NUL.
 */
char *td_site_dir(const char *root, const char *ns, const char *kind, const char *name);

/*
 * Publishes the built site in site_dir as the entity's site, atomically (a
 * reader sees the old site or the new one, never half of either): copies
 * it beside the target, writes techdocs_metadata.json there (what the build
 * wrote plus build_timestamp in ms, files, etag when not NULL/""), then
 * swaps it into place and removes the old one.  Rejects symlinks in
 * site_dir.  Returns 0 or a negative SH_E* code with the reason in err.
 */
int td_publish(const char *root, const char *ns, const char *kind, const char *name,
	       const char *site_dir, const char *etag, char *err, size_t errlen);

#endif
