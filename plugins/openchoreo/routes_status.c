/*
 * GET /api/openchoreo/v1/status (issue 14 deliverable 4): the last full
 * sync as any process recorded it, and the event queue's counters.
 *
 *   {"lastSync": null | {"startedAt", "durationMs", "outcome", "error",
 *                        "counts", "mutation", "lastSuccessAt"},
 *    "events": {"received", "applied", "pending", "shed"}}
 */
#include <stdio.h>

#include <stagehand/stagehand.h>

#include "sync.h"

int oc_route_status(struct sh_req *req, void *state)
{
	long received = 0, applied = 0, pending = 0, shed = 0;
	json_t *last = oc_db_sync_status(req);
	PGconn *conn;

	(void)state;
	if (!last)
		return sh_db_fail(req);
	conn = sh_db_conn(req);
	if (!conn || oc_events_counts(conn, &received, &applied, &pending, &shed) != 0) {
		json_decref(last);
		return sh_db_fail(req);
	}
	return sh_reply_json(req, 200,
			     json_pack("{s:o,s:{s:I,s:I,s:I,s:I}}", "lastSync", last, "events",
				       "received", (json_int_t)received, "applied",
				       (json_int_t)applied, "pending", (json_int_t)pending, "shed",
				       (json_int_t)shed));
}
