/*
 * Bodies in GitHub's error shape, {"message":...,"documentation_url":...}
 * (what Octokit reads), for what the plugin answers itself, and the clear
 * words put into GitHub's own 401 and rate-limit answers.  Pure;
 * unit-tested in check_github_actions_errors.
 */
#ifndef GHACTIONS_ERRORS_H
#define GHACTIONS_ERRORS_H

#include <stddef.h>

#include <jansson.h>

#define GHA_DOCS "https://docs.github.com/rest"

/* {"message":message,"documentation_url":GHA_DOCS} (new reference). */
json_t *gha_error(const char *message);

/*
 * GitHub's error answer with a message a person can act on, or NULL when
 * it stays as GitHub sent it:
 * - 401: "GitHub rejected the token (<GitHub's message>): sign in to
 *   GitHub again";
 * - 403 or 429 with x-ratelimit-remaining 0: "GitHub API rate limit
 *   exceeded for this token; it resets at <ISO 8601 UTC of reset> (<GitHub's
 *   message>)", "at the next reset" when reset is not a number.
 * Other members of GitHub's body are kept, in order; a body that is not a
 * JSON object becomes one.  The text is malloc'd.
 */
char *gha_clear_body(long status, const char *body, size_t len, const char *remaining,
		     const char *reset);

/*
 * The line that ends a text log whose download was cut short (rc from
 * sh_http_do), in the Actions log's own error marker so that the reader
 * shows it as an error:
 *   "\n##[error]stagehand: the log download was cut short (<why>)\n"
 * with <why> "the log is larger than max_log" (SH_ETOOBIG), "it took longer
 * than log_timeout" (SH_ETIMEDOUT), else "the connection to GitHub's log
 * storage was lost".  Static text.
 */
const char *gha_log_cut_note(int rc);

#endif
