/*
 * One build of /sync (sync_int.h): resolve the entity's techdocs-ref,
 * prepare the source (an unchanged url: source, by the published site's
 * etag, is not fetched: not updated), build it into a work directory,
 * publish it atomically, empty /static's cache, then check the site's
 * index.html.  The parts are techdocs.h's; this is their order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <stagehand/stagehand.h>

#include "plugin.h"
#include "sync_int.h"

static const char *site_name(const json_t *entity)
{
	const json_t *meta = json_object_get(entity, "metadata");
	const char *title = json_string_value(json_object_get(meta, "title"));

	return title && *title ? title : json_string_value(json_object_get(meta, "name"));
}

/* The version of the source the published site was built from, or "". */
static void published_etag(struct td_job *job, char *etag, size_t len)
{
	char *path = td_site_file(job->td, job->ns, job->kind, job->name, TD_METADATA_FILE);
	json_t *meta = path ? json_load_file(path, 0, NULL) : NULL;
	const char *old = json_string_value(json_object_get(meta, "etag"));

	snprintf(etag, len, "%s", old ? old : "");
	json_decref(meta);
	free(path);
}

/* "Generated" is index.html at the site's root (Backstage polls it). */
static int check_index(struct td_job *job, char *err, size_t errlen)
{
	char *path = td_site_file(job->td, job->ns, job->kind, job->name, "index.html");
	struct stat st;
	int rc = path && stat(path, &st) == 0 && S_ISREG(st.st_mode) ? 0 : SH_ENOTFOUND;

	if (rc < 0)
		snprintf(err, errlen, "the published site has no index.html");
	free(path);
	return rc;
}

/* Builds src into work/site and publishes it. */
static int build_publish(struct td_job *job, const char *src, const char *work,
			 const char *etag, char *err, size_t errlen)
{
	struct techdocs *td = job->td;
	char *out = sh_xasprintf("%s/site", work);
	const char *title = site_name(job->entity);
	int rc;

	td_job_logf(job, "Building the docs of %s", job->ref);
	rc = td_build_site(src, out, title ? title : job->name, &td->lim, td_job_log, job, err,
			   errlen);
	if (rc == 0) {
		td_job_logf(job, "Publishing the docs of %s", job->ref);
		rc = td_publish(td->publish_dir, job->ns, job->kind, job->name, out, etag, err,
				errlen);
	}
	if (rc == 0 && td->cache)
		sh_cache_clear(td->cache);      /* /static's answers of the old site */
	if (rc == 0)
		rc = check_index(job, err, errlen);
	free(out);
	return rc;
}

int td_job_run(struct td_job *job, bool *updated, char *err, size_t errlen)
{
	struct techdocs *td = job->td;
	struct td_location loc = { { 0 }, NULL };
	char etag[256] = "", *work = NULL, *src = NULL;
	int rc = td_ref_resolve(job->entity, &loc, err, errlen);

	if (rc == 0 && !(work = td_work_dir_new())) {
		snprintf(err, errlen, "cannot make a work directory");
		rc = SH_EIO;
	}
	if (rc == 0) {
		td_job_logf(job, "Preparing the docs source of %s (%s %s)", job->ref, loc.type,
			 loc.target);
		published_etag(job, etag, sizeof(etag)); /* the same version: no src, not modified */
		rc = td_prepare(td->host, &loc, work, &td->lim, &src, etag, sizeof(etag), err,
				errlen);
	}
	*updated = rc == 0 && src != NULL;
	if (rc == 0 && !*updated)
		td_job_logf(job, "The docs of %s are up to date (etag %s)", job->ref, etag);
	if (rc == 0 && *updated)
		rc = build_publish(job, src, work, etag, err, errlen);
	td_location_free(&loc);
	free(src);
	if (work)
		td_work_dir_remove(work);
	free(work);
	return rc;
}
