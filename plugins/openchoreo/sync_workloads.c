/*
 * Step 7d of a full sync (spec §1.2): the first workload of each component
 * of one project, `workloads?component=<c>`, one request each.  They are
 * most of a large world's requests, so up to [openchoreo] workload_fetches
 * go at once (1: one at a time in list order, as upstream); the results
 * keep the components' order, and the failure reported is the first
 * component's that failed, so a run reads the same whatever the timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "sync.h"

/* One project's batch; calls read run and components only. */
struct batch {
	const struct oc_run *run;
	const char *ns;
	const json_t *components;
	json_t **workloads;         /* per component: a new reference or NULL */
	int *rcs;                   /* per component: 0 or its failure */
	char (*errs)[512];          /* per component: why it failed */
};

/* items[0] of the answer to GET <path>?<query>, or none. */
static int take_first(json_t *body, const char *path, const char *query, json_t **workload,
		      char *err, size_t errlen)
{
	json_t *items = json_object_get(body, "items");

	if (!json_is_array(items)) {
		snprintf(err, errlen, "GET %s?%s: an answer without an items array", path, query);
		return SH_EINVAL;
	}
	if (json_array_size(items) > 0)
		*workload = json_incref(json_array_get(items, 0));
	return 0;
}

/* GET workloads?component=<c> once (no paging); its first item or none. */
static int first_workload(const struct oc_run *run, const char *ns, const json_t *component,
			  json_t **workload, char *err, size_t errlen)
{
	const char *segs[] = { "namespaces", ns, "workloads", NULL };
	char *path = oc_path(segs), *enc = oc_encode(oc_name_of(component)), *query = NULL;
	struct oc_state api = run->api;
	json_t *body = NULL;
	int rc = SH_ETOOBIG;

	*workload = NULL;
	if (!path || !enc)
		snprintf(err, errlen, "workloads of %s/%s: name too long", ns, oc_name_of(component));
	else {
		query = sh_xasprintf("component=%s", enc);
		rc = oc_call_budget(run, &api, path, err, errlen);
	}
	if (rc == 0 && (rc = oc_get(&api, path, query, &body, err, errlen)) > 0)
		rc = SH_ENOTFOUND;
	if (rc == 0)
		rc = take_first(body, path, query, workload, err, errlen);
	json_decref(body);
	free(path), free(enc), free(query);
	return rc;
}

static int fetch_one(void *arg, size_t i)
{
	struct batch *b = arg;

	b->rcs[i] = first_workload(b->run, b->ns, json_array_get(b->components, i),
				   &b->workloads[i], b->errs[i], sizeof b->errs[i]);
	return b->rcs[i];
}

int oc_walk_workloads(struct oc_run *run, const char *ns, const json_t *components,
		      json_t **workloads)
{
	size_t n = json_array_size(components);
	struct batch b = { .run = run, .ns = ns, .components = components, .workloads = workloads };
	int rc = 0;

	if (n == 0)
		return 0;
	b.rcs = sh_xcalloc(n, sizeof *b.rcs);
	b.errs = sh_xcalloc(n, sizeof *b.errs);
	oc_parallel(n, run->fetches, fetch_one, &b);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = b.rcs[i]) != 0)
			snprintf(run->err, sizeof run->err, "%s", b.errs[i]);
	}
	free(b.rcs);
	free(b.errs);
	return rc;
}
