/*
 * GitHub-shaped error bodies (errors.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stagehand/alloc.h>

#include <stagehand/errors.h>

#include "errors.h"

json_t *gha_error(const char *message)
{
	return json_pack("{s:s, s:s}", "message", message, "documentation_url", GHA_DOCS);
}

static bool rate_limited(long status, const char *remaining)
{
	return (status == 403 || status == 429) && remaining && strcmp(remaining, "0") == 0;
}

/* "2025-12-30T13:00:00Z" for an epoch in text, or "the next reset". */
static void reset_time(const char *reset, char *out, size_t n)
{
	char *end;
	long long t = reset ? strtoll(reset, &end, 10) : 0;
	time_t tt;
	struct tm tm;

	if (!reset || !*reset || *end || t <= 0) {
		snprintf(out, n, "the next reset");
		return;
	}
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *message_of(long status, const char *theirs, const char *reset)
{
	char when[40];

	if (status == 401)
		return sh_xasprintf("GitHub rejected the token (%s): sign in to GitHub again", theirs);
	reset_time(reset, when, sizeof when);
	return sh_xasprintf("GitHub API rate limit exceeded for this token; it resets at %s (%s)",
			    when, theirs);
}

char *gha_clear_body(long status, const char *body, size_t len, const char *remaining,
		     const char *reset)
{
	json_t *j;
	const char *theirs;
	char *msg, *out;

	if (status != 401 && !rate_limited(status, remaining))
		return NULL;
	j = body ? json_loadb(body, len, 0, NULL) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_pack("{s:s}", "documentation_url", GHA_DOCS);
	}
	theirs = json_string_value(json_object_get(j, "message"));
	msg = message_of(status, theirs ? theirs : status == 401 ? "Bad credentials"
								 : "rate limited",
			 reset);
	json_object_set_new(j, "message", json_string(msg));
	free(msg);
	out = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!out)
		abort();
	return out;
}

const char *gha_log_cut_note(int rc)
{
	if (rc == SH_ETOOBIG)
		return "\n##[error]stagehand: the log download was cut short "
		       "(the log is larger than max_log)\n";
	if (rc == SH_ETIMEDOUT)
		return "\n##[error]stagehand: the log download was cut short "
		       "(it took longer than log_timeout)\n";
	return "\n##[error]stagehand: the log download was cut short "
	       "(the connection to GitHub's log storage was lost)\n";
}
