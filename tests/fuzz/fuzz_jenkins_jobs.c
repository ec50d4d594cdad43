/* fuzz-sources: plugins/jenkins/jobs.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target of the jenkins plugin's names (plugins/jenkins/jobs.c):
 * the input's first line is a jenkins.io/job-full-name annotation, the rest
 * the route's :jobFullName as it arrives ('%2F'-encoded; decoded here as
 * the host does).  An accepted annotation names 1 to JK_MAX_JOBS non-empty
 * jobs of one well-formed instance, each covering itself and its children;
 * a covered name is one of the jobs or below one, segment-wise; a job path
 * built is "job/<s1>/job/<s2>..." whose segments decode back to the name's
 * and are never empty, "." or "..", so a route never leaves the job tree.
 * Run with tests/fuzz/run.sh jenkins_jobs.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/buf.h>
#include <stagehand/codec.h>
#include <stagehand/errors.h>

#include "../../plugins/jenkins/jenkins.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_target(const struct jk_target *t)
{
	size_t n = strlen(t->instance);

	if (t->n_jobs == 0 || t->n_jobs > JK_MAX_JOBS || n == 0 || n >= sizeof(t->instance))
		abort();
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t->instance[i]) && !strchr("-_", t->instance[i]))
			abort();
	for (size_t i = 0; i < t->n_jobs; i++) {
		const char *j = t->jobs[i];
		size_t l = strlen(j);
		char *child = malloc(l + 3);

		if (l == 0 || l >= JK_MAX_NAME || strchr(j, ',') || isspace((unsigned char)j[l - 1]))
			abort();
		memcpy(child, j, l);
		memcpy(child + l, "/x", 3);
		if (!jk_target_covers(t, j) || !jk_target_covers(t, child))
			abort();
		free(child);
	}
}

/* Covered: some job is the name or a '/'-bounded prefix of it. */
static void check_covers(const struct jk_target *t, const char *name)
{
	bool any = false;

	for (size_t i = 0; i < t->n_jobs && !any; i++) {
		size_t l = strlen(t->jobs[i]);

		any = strncmp(name, t->jobs[i], l) == 0 && (!name[l] || name[l] == '/');
	}
	if (jk_target_covers(t, name) != any)
		abort();
}

/* The path's "job/<enc>" pairs decode back to the name, segment by segment. */
static void check_path(const char *name)
{
	struct sh_buf b;
	char *path, *save = NULL, *dec, *back;
	size_t blen = 0, cap = strlen(name) + 2;

	sh_buf_init(&b, 1 << 16);
	if (jk_job_path(&b, name) != 0) {
		sh_buf_free(&b);
		return;
	}
	path = strdup(sh_buf_str(&b));
	sh_buf_free(&b);
	back = calloc(1, cap);
	for (char *w = strtok_r(path, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
		char *enc = strtok_r(NULL, "/", &save);

		if (strcmp(w, "job") != 0 || !enc)
			abort();
		dec = malloc(strlen(enc) + 1);
		if (sh_pct_decode(dec, enc, strlen(enc), false) < 0 || !dec[0] ||
		    !strcmp(dec, ".") || !strcmp(dec, "..") || strchr(dec, '/') ||
		    blen + strlen(dec) + 2 > cap)
			abort();
		blen += (size_t)snprintf(back + blen, cap - blen, "%s%s", blen ? "/" : "", dec);
		free(dec);
	}
	if (strcmp(back, name) != 0)
		abort();
	free(back);
	free(path);
}

static void check_misc(const char *s)
{
	struct sh_buf b;
	char reason[64];
	size_t n = strspn(s, "0123456789");

	if (jk_build_number(s) != (n > 0 && n <= 10 && !s[n]))
		abort();
	sh_buf_init(&b, 1 << 16);
	if (jk_query_value(&b, s) == 0 &&
	    strspn(sh_buf_str(&b), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789*-._+%") != strlen(sh_buf_str(&b)))
		abort();
	sh_buf_free(&b);
	jk_html_reason(s, reason, sizeof reason);
	for (const char *r = reason; *r; r++)
		if (*r < 0x20 || *r >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nl, *rest, *name = malloc(size + 1), why[128] = "";
	struct jk_target t;

	memcpy(s, data, size);
	s[size] = '\0';
	nl = strchr(s, '\n');
	rest = nl ? nl + 1 : s + strlen(s);
	if (nl)
		*nl = '\0';
	if (jk_target_parse(s, &t, why, sizeof why) == 0)
		check_target(&t);
	else if (!why[0])
		abort();
	if (sh_pct_decode(name, rest, strlen(rest), false) >= 0) {
		check_covers(&t, name);
		check_path(name);
	}
	jk_target_free(&t);
	check_misc(rest);
	free(name);
	free(s);
	return 0;
}
