/*
 * A full sync's clock and budget (sync.h): every API call of a run first
 * asks oc_call_budget whether the run may go on (shutdown, sync_timeout)
 * and gets what is left of the run as its timeout.  Shared by the walk and
 * the workload fetchers, which call it from their own threads.
 */
#include <stdio.h>
#include <time.h>

#include <stagehand/stagehand.h>

#include "sync.h"

double oc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *oc_name_of(const json_t *item)
{
	const char *n = json_string_value(json_object_get(json_object_get(item, "metadata"), "name"));

	return n ? n : "";
}

/* Before each call: shutdown and the run's deadline; the call gets what is
 * left of the run, at most its configured bound.  Reads run only. */
int oc_call_budget(const struct oc_run *run, struct oc_state *api, const char *what, char *err,
		   size_t errlen)
{
	double left = run->deadline - oc_now();

	if (sh_task_stopping(run->api.host)) {
		snprintf(err, errlen, "%s: not started, shutting down", what);
		return SH_ESTATE;
	}
	if (left < 0.001) {
		snprintf(err, errlen, "%s: not started, sync_timeout passed", what);
		return SH_ETIMEDOUT;
	}
	api->http_timeout_ms = run->call_timeout_ms;
	if (left * 1000 < (double)api->http_timeout_ms)
		api->http_timeout_ms = (long)(left * 1000) + 1;
	return 0;
}

int oc_walk_budget(struct oc_run *run, const char *what)
{
	return oc_call_budget(run, &run->api, what, run->err, sizeof run->err);
}
