/*
 * The jenkins plugin (issue 16 item 1; spec platform-apis §3): the
 * community Jenkins backend's routes under /api/jenkins, answering what
 * @backstage-community/plugin-jenkins expects.  plugin.c holds the
 * descriptor, keys and route table; entity.c finds the entity's Jenkins
 * instance and jobs through the catalog's SQL interface; client.c calls
 * Jenkins and maps its failures; routes_*.c are the handlers.  The domain
 * files (jobs.c, augment.c) are pure and unit-tested without a host.
 */
#ifndef JENKINS_JENKINS_H
#define JENKINS_JENKINS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct sh_buf;
struct sh_host;
struct sh_req;

#define JK_ANNOTATION "jenkins.io/job-full-name"
#define JK_LEGACY_ANNOTATION "jenkins.io/github-folder"
#define JK_MAX_JOBS 32               /* job names one annotation may list */
#define JK_MAX_NAME 1024             /* bytes of one job name or instance name */

/* Jenkins' tree of one project (the plugin's jobTreeSpec). */
#define JK_JOB_TREE "actions[*],lastBuild[number,url,fullDisplayName,displayName,building," \
	"result,timestamp,duration,actions[*[*[*[*]]]]],jobs{0,1},url,name,fullName," \
	"displayName,fullDisplayName,inQueue"
/* Jenkins' tree of a job's build list (jobBuildsTreeSpec). */
#define JK_BUILDS_TREE "name,description,url,fullName,displayName,fullDisplayName,inQueue,builds[*]"

/* ---- jobs.c: names, annotations, URLs ---------------------------------- */

/* What an entity's annotation names: one instance and its jobs. */
struct jk_target {
	char instance[64];           /* "default" unless "<instance>:" prefixed */
	size_t n_jobs;
	char *jobs[JK_MAX_JOBS];     /* malloc'd job full names, '/'-separated */
};

/*
 * Parses the annotation value: a comma-separated list of "job/path" or
 * "<instance>:job/path", blanks around items ignored; every item must name
 * the same instance.  Returns 0, or SH_EINVAL with the reason in why (an
 * empty list, mixed instances, a bad instance name, too many items).
 * Free with jk_target_free in every case.
 */
int jk_target_parse(const char *value, struct jk_target *t, char *why, size_t whylen);
void jk_target_free(struct jk_target *t);

/*
 * Appends Jenkins' path of a job full name: "job/<s1>/job/<s2>..." with
 * each '/'-separated segment percent-encoded as encodeURIComponent does.
 * Returns 0, SH_EINVAL for an empty, "." or ".." segment (a name such as
 * "../../script" never leaves the job tree), or SH_ETOOBIG.
 */
int jk_job_path(struct sh_buf *b, const char *name);

/* Whether `name` is one of the target's jobs or a job inside one
 * (segment-wise: "a/b" covers "a/b/main", not "a/bc"). */
bool jk_target_covers(const struct jk_target *t, const char *name);

/* Appends the query value as URLSearchParams encodes it ('*' kept). */
int jk_query_value(struct sh_buf *b, const char *value);

/* Whether s is a build number (1 to 10 decimal digits). */
bool jk_build_number(const char *s);

/*
 * The reason in a Jenkins (Jetty) error page: its <title> without the
 * "Error NNN " prefix, printable ASCII only, at most len - 1 bytes.  An
 * empty string when the page has none.
 */
void jk_html_reason(const char *html, char *out, size_t len);

/* ---- augment.c: the shapes the frontend reads (spec §3.4) -------------- */

/* The SCM details of a job's actions (ObjectMetadataAction url and
 * displayName, ContributorMetadataAction author), or NULL (new ref). */
json_t *jk_job_scm(const json_t *job);
/* Adds status, source and tests to a build, in place; scm may be NULL. */
void jk_augment_build(json_t *build, const json_t *scm);
/* Adds status and augments lastBuild of a project, in place. */
void jk_augment_project(json_t *project);

/* ---- plugin state and the host parts ----------------------------------- */

struct jenkins {
	struct sh_host *host;
	long timeout_ms;             /* each Jenkins call */
	size_t max_bytes;            /* cap on each Jenkins answer */
};

/* One configured instance: [jenkins] ("default") or [jenkins.<name>]. */
struct jk_instance {
	const char *name;
	const char *base_url;        /* without trailing '/'; arena copy */
	const char *username;
	const char *api_key;         /* never logged */
	long project_count_limit;
};

/*
 * entity.c: the entity of the route's :namespace/:kind/:name through
 * catalog.entity_by_ref_v1, its target and instance.  Returns 0, or the
 * status already replied (404 for no entity or no annotation, 500 for a
 * bad annotation or an instance that is not configured).
 */
int jk_entity_target(struct sh_req *req, const struct jenkins *jk, struct jk_target *t,
		     struct jk_instance *inst);

/*
 * client.c: GET <base>/<path> with Basic auth and referer.  With `json`
 * the body is parsed into *json; else *text gets it (arena).  Returns 0,
 * JK_MISSING when Jenkins answered 404 and `quiet_404` (nothing replied),
 * or the status already replied for every failure: 404 (Jenkins 404),
 * 502 (401/403 with Jenkins' reason, other statuses, malformed JSON, an
 * answer over the cap, unreachable), 504 (timeout).
 */
#define JK_MISSING 1
struct jk_call {
	const char *method;          /* NULL: GET */
	const char *path;            /* after the base URL, with its query */
	bool quiet_404;
	json_t **json;
	const char **text;
};
int jk_call(struct sh_req *req, const struct jenkins *jk, const struct jk_instance *inst,
	    const struct jk_call *call);

/* routes_projects.c, routes_job.c */
int jk_route_projects(struct sh_req *req, void *state);
int jk_route_job(struct sh_req *req, void *state);
int jk_route_build(struct sh_req *req, void *state);
int jk_route_rebuild(struct sh_req *req, void *state);
int jk_route_console(struct sh_req *req, void *state);

#endif
