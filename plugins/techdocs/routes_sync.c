/*
 * GET /sync/:namespace/:kind/:name: Server-Sent Events of a docs build
 * (spec §2.2).  `log` frames carry build-log lines (and a reminder every
 * 10 s while building), `finish` {"updated":bool} or `error` "<reason>"
 * end the stream.  builder = external, or an entity checked less than
 * [techdocs] recheck seconds ago: finish {"updated":false} at once.  A
 * caller that goes stops reading; the build goes on (sync.c).
 */
#include <time.h>

#include <stagehand/stagehand.h>

#include "plugin.h"

#define POLL_MS 1000
#define REMINDER_S 10
#define REMINDER "The docs building process is taking a little bit longer to process this " \
	"entity. Please bear with us."

static int send_log(struct sh_req *req, const char *line)
{
	json_t *s = json_string(line);
	int rc;

	if (!s)
		s = json_string("(a log line that is not UTF-8)");
	rc = sh_sse_json(req, "log", s);

	json_decref(s);
	return rc;
}

static int finish(struct sh_req *req, bool updated)
{
	json_t *data = json_pack("{s:b}", "updated", updated);

	sh_sse_json(req, "finish", data);
	json_decref(data);
	return 200;
}

static int fail(struct sh_req *req, const char *why)
{
	json_t *data = json_string(why);

	if (!data)
		data = json_string("the build failed");
	sh_sse_json(req, "error", data);
	json_decref(data);
	return 200;
}

/* Relays the job's lines until it ends or the caller goes. */
static int follow(struct sh_req *req, struct td_job *job)
{
	time_t reminded = time(NULL);
	size_t seen = 0, n;
	const char **lines, *error;
	bool done = false, updated;

	for (;;) {
		lines = td_job_poll(req, job, &seen, POLL_MS, &n, &done, &updated, &error);
		for (size_t i = 0; i < n; i++)
			if (send_log(req, lines[i]) < 0)
				return 200;
		if (done)
			return error ? fail(req, error) : finish(req, updated);
		if (time(NULL) - reminded >= REMINDER_S) {
			reminded = time(NULL);
			if (send_log(req, REMINDER) < 0)
				return 200;
		}
		if (sh_req_client_gone(req))
			return 200;
	}
}

int td_route_sync(struct sh_req *req, void *state)
{
	struct techdocs *td = state;
	struct td_triplet t;
	struct td_job *job;
	const char *uid;
	json_t *entity;
	int rc;

	td_triplet_of(req, &t);
	rc = td_entity_load(td, req, &t, &entity);
	if (rc < 0 && rc != SH_ENOTFOUND)
		return td_entity_fail(req, rc);
	uid = json_string_value(json_object_get(json_object_get(entity, "metadata"), "uid"));
	if (!uid || !*uid) {
		json_decref(entity);
		return sh_fail(req, 404, "NotFoundError", "Entity metadata UID missing");
	}
	uid = sh_strdup(req, uid);
	sh_sse_begin(req);
	if (!td->local || td_sync_fresh(td, uid)) {
		json_decref(entity);
		return finish(req, false);
	}
	job = td_sync_join(td, entity, &t, uid);
	json_decref(entity);
	rc = follow(req, job);
	td_job_release(td, job);
	return rc;
}
