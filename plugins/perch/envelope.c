/*
 * The forwarder's own bodies: gateway envelopes, the agent's error shape,
 * and the lines that close a stream it ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>

#include "envelope.h"

json_t *perch_bad_gateway(const char *rid)
{
	return json_pack("{s:s,s:s,s:s}", "error", "BAD_GATEWAY", "message",
			 "Failed to reach portal-assistant", "request_id", rid);
}

json_t *perch_gateway_timeout(long ms, const char *rid)
{
	char msg[80];

	snprintf(msg, sizeof msg, "Upstream did not respond within %ld ms", ms);
	return json_pack("{s:s,s:s,s:s}", "error", "GATEWAY_TIMEOUT", "message", msg,
			 "request_id", rid);
}

json_t *perch_agent_error(const char *code, const char *message)
{
	return json_pack("{s:{s:s,s:s}}", "detail", "error", code, "message", message);
}

const char *perch_token_message(const char *why, char *out, size_t n)
{
	static const struct {
		const char *host, *agent;
	} words[] = {
		{ "token expired", "Token has expired" },
		{ "wrong issuer", "Invalid token issuer" },
		{ "wrong audience", "Invalid token audience" },
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (why && strcmp(why, words[i].host) == 0) {
			snprintf(out, n, "%s", words[i].agent);
			return out;
		}
	snprintf(out, n, "Invalid token: %s", why && *why ? why : "rejected");
	return out;
}

char *perch_stream_end(const char *what, const char *rid, int mid_line)
{
	char *msg = sh_xasprintf("%s (request_id: %s).", what, rid);
	json_t *ev = json_pack("{s:s,s:s}", "type", "error", "message", msg);
	char *line = json_dumps(ev, JSON_COMPACT);
	char *out = sh_xasprintf("%s%s\n{\"type\":\"done\",\"message\":\"\"}\n",
				 mid_line ? "\n" : "", line);

	free(line);
	json_decref(ev);
	free(msg);
	return out;
}
