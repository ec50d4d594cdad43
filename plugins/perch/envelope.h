/*
 * The bodies the forwarder writes itself: its 502/504 envelopes (spec
 * platform-apis §5.3), the agent's own error shape for what it refuses
 * before the agent sees the request (401 token, 503 stream cap), and the
 * NDJSON lines that close a stream cut short.  Pure; check_perch_envelope.
 */
#ifndef PERCH_ENVELOPE_H
#define PERCH_ENVELOPE_H

#include <jansson.h>

/* {"error":"BAD_GATEWAY","message":"Failed to reach portal-assistant",
 *  "request_id":rid} */
json_t *perch_bad_gateway(const char *rid);
/* {"error":"GATEWAY_TIMEOUT","message":"Upstream did not respond within
 *  <ms> ms","request_id":rid} */
json_t *perch_gateway_timeout(long ms, const char *rid);
/* The agent's HTTPException body {"detail":{"error":code,"message":msg}}. */
json_t *perch_agent_error(const char *code, const char *message);

/*
 * The agent's words for a token the host refused, from the host's reason
 * (idp.h: "token expired", "wrong issuer", "wrong audience", ...):
 * "Token has expired", "Invalid token issuer", "Invalid token audience",
 * else "Invalid token: <why>".  Written to out (size n); returns out.
 */
const char *perch_token_message(const char *why, char *out, size_t n);

/*
 * What closes a chat stream the forwarder ends (silence, time limit,
 * upstream lost), as the agent ends a failed turn: an "error" event whose
 * message carries the request id, then an empty "done":
 *   {"type":"error","message":"<what> (request_id: <rid>)."}\n
 *   {"type":"done","message":""}\n
 * `mid_line` puts a "\n" first, ending an upstream line cut short.
 * malloc'd.
 */
char *perch_stream_end(const char *what, const char *rid, int mid_line);

#endif
