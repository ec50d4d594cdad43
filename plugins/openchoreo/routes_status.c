/*
 * GET /api/openchoreo/v1/status (issue 14 deliverable 4): the last full
 * sync as any process recorded it, and the event queue's counters.
 *
 *   {"lastSync": null | {"startedAt", "durationMs", "outcome", "error",
 *                        "counts", "mutation", "lastSuccessAt"},
 *    "events": {"received", "applied", "pending", "shed", "coalesced",
 *               "failed", "dropped"}}   (events.h, struct oc_events_stats)
 */
#include <stdio.h>

#include <stagehand/stagehand.h>

#include "events.h"
#include "sync.h"

int oc_route_status(struct sh_req *req, void *state)
{
	struct oc_events_stats ev;
	json_t *last = oc_db_sync_status(req);
	PGconn *conn;

	(void)state;
	if (!last)
		return sh_db_fail(req);
	conn = sh_db_conn(req);
	if (!conn || oc_events_stats(conn, &ev) != 0) {
		json_decref(last);
		return sh_db_fail(req);
	}
	return sh_reply_json(req, 200,
			     json_pack("{s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I}}", "lastSync", last,
				       "events", "received", (json_int_t)ev.received, "applied",
				       (json_int_t)ev.applied, "pending", (json_int_t)ev.pending,
				       "shed", (json_int_t)ev.shed, "coalesced",
				       (json_int_t)ev.coalesced, "failed", (json_int_t)ev.failed,
				       "dropped", (json_int_t)ev.dropped));
}
