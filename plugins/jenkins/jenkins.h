/*
 * The jenkins plugin (issue 16 item 1; spec platform-apis §3): the
 * community Jenkins backend's routes under /api/jenkins, answering what
 * @backstage-community/plugin-jenkins expects.  plugin.c holds the
 * descriptor, keys and route table; entity.c finds the entity's Jenkins
 * instance and jobs through the catalog's SQL interface; client.c calls
 * Jenkins and maps its failures; instances.c loads the configured
 * instances once at init; routes_*.c are the handlers.  The domain files
 * (jobs.c, augment.c, config.c) are pure and unit-tested without a host.
 */
#ifndef JENKINS_JENKINS_H
#define JENKINS_JENKINS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct sh_buf;
struct sh_conf;
struct sh_host;
struct sh_req;

#define JK_ANNOTATION "jenkins.io/job-full-name"
#define JK_LEGACY_ANNOTATION "jenkins.io/github-folder"
#define JK_OVERRIDE_ANNOTATION "jenkins.io/override-base-url"
#define JK_MAX_JOBS 32               /* job names one annotation may list */
#define JK_MAX_NAME 1024             /* bytes of one job name or instance name */
#define JK_MAX_REGEX 1024            /* bytes of allowed_base_url_override_regex */
#define JK_MAX_HEADERS 16            /* extra_request_headers of one instance */
#define JK_MAX_HEADER 8192           /* bytes of one extra_request_headers value */
#define JK_MAX_INSTANCES 64          /* [jenkins] and [jenkins.<name>] sections */

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

/* ---- config.c: override regex and extra headers ------------------------ */

/*
 * Compiles allowed_base_url_override_regex as a POSIX extended regex
 * (REG_EXTENDED | REG_NOSUB; regfree it).  JavaScript syntax that ERE
 * would read differently ("\d", "(?...)") is refused rather than
 * misread.  Returns 0, or SH_EINVAL with the reason in why.
 */
int jk_regex_compile(regex_t *re, const char *pattern, char *why, size_t whylen);
/* Whether the pattern is anchored at both ends ("^...$"): else it accepts
 * any URL that merely contains a match, as RegExp.test does upstream. */
bool jk_regex_anchored(const char *pattern);
/*
 * Whether `url` (a jenkins.io/override-base-url value) may replace the
 * instance's base_url: re is set, url is an http(s) URL that
 * sh_url_http_parse takes (no userinfo, no odd host), without '?' or '#',
 * and re matches somewhere in it, as upstream's new RegExp(x).test(url).
 */
bool jk_override_allowed(const regex_t *re, const char *url);
/*
 * Parses extra_request_headers: each value is one or more lines (a
 * "_file" gives several), each "Name: value" with a name of RFC 9110
 * token characters and a value without control characters (no CR/LF);
 * blanks around both trimmed, blank lines skipped.  Host, Content-Length,
 * Transfer-Encoding, Connection, Expect, Upgrade and TE are refused.
 * Fills out with malloc'd "Name: value" strings and returns their count,
 * or SH_EINVAL / SH_ETOOBIG (more than max, or a value over JK_MAX_HEADER)
 * with the reason in why; the reason never quotes a header value.
 */
int jk_headers_parse(const char *const *values, size_t n_values, char **out, size_t max,
		     char *why, size_t whylen);
void jk_headers_free(char **headers, size_t n);

/* ---- plugin state and the host parts ----------------------------------- */

struct jk_loaded;

struct jenkins {
	struct sh_host *host;
	long timeout_ms;             /* each Jenkins call */
	size_t max_bytes;            /* cap on each Jenkins answer */
	bool owner_rebuilds;         /* [features] auth and authz: jenkins.execute
				      * needs ownership (docs/jenkins.md) */
	struct jk_loaded *instances; /* instances.c */
	size_t n_instances;
};

/* One configured instance: [jenkins] ("default") or [jenkins.<name>]. */
struct jk_instance {
	const char *name;
	const char *base_url;        /* without trailing '/' */
	const char *username;
	const char *api_key;         /* never logged */
	long project_count_limit;
	const regex_t *override_re;  /* allowed_base_url_override_regex, or NULL */
	const char *const *headers;  /* extra_request_headers, "Name: value"; never logged */
	size_t n_headers;
};

/*
 * instances.c: every instance of the configuration, loaded in init: the
 * regexes compiled, the headers parsed.  Returns 0, or SH_EINVAL with a
 * message naming the section and key in err (start-up stops).
 */
int jk_instances_load(struct jenkins *jk, const struct sh_conf *conf, char *err, size_t errlen);
void jk_instances_free(struct jenkins *jk);
/* The instance named `name` ("default" for [jenkins]), or NULL. */
const struct jk_instance *jk_instance_find(const struct jenkins *jk, const char *name);

/*
 * entity.c: the entity of the route's :namespace/:kind/:name through
 * catalog.entity_by_ref_v1, its target and instance (its base_url replaced
 * by the entity's jenkins.io/override-base-url when jk_override_allowed).
 * With `owned`, whether the caller owns the entity: one of its ownership
 * refs is the target of an ownedBy relation (Backstage's isEntityOwner).
 * Returns 0, or the status already replied (404 for no entity or no
 * annotation, 500 for a bad annotation or an instance that is not
 * configured).
 */
int jk_entity_target(struct sh_req *req, const struct jenkins *jk, struct jk_target *t,
		     struct jk_instance *inst, bool *owned);

/*
 * client.c: GET <base>/<path> with Basic auth, referer and the instance's
 * extra headers (an extra Authorization replaces the Basic one, as
 * upstream's header spread does).  With `json`
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
