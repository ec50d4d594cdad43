/*
 * Reading a hand-written Template (spec §2.18, §1.2): the URL a
 * (Cluster)ComponentType names in scaffolder.openchoreo.dev/
 * backstage-template-url, read only when an allow-list rule matches it
 * (upstream: Backstage's UrlReader behind backend.reading.allow).  Built
 * into the plugin, not the domain library: it needs the host's client.
 */
#include <stdio.h>

#include <stagehand/stagehand.h>

#include "templates.h"

const char *oc_template_url(const json_t *item)
{
	const json_t *ann = json_object_get(json_object_get(item, "metadata"), "annotations");
	const char *url = json_string_value(json_object_get(ann, OC_TEMPLATE_URL));

	return url && *url ? url : NULL;
}

/* GET url into resp; 0, or a negative SH_E* code with err set. */
static int read_url(const char *url, long timeout_ms, struct sh_http_response *resp,
		    char *err, size_t errlen)
{
	struct sh_http_request rq = {
		.url = url,
		.timeout_ms = timeout_ms,
		.max_bytes = SH_YAML_MAX_INPUT,
	};
	int rc = sh_http_do(&rq, resp);

	if (rc != 0) {
		snprintf(err, errlen, "could not read %s: %s", url,
			 resp->error[0] ? resp->error : sh_strerror(rc));
		return rc;
	}
	if (resp->status < 200 || resp->status > 299) {
		snprintf(err, errlen, "could not read %s: %ld", url, resp->status);
		return resp->status == 404 ? SH_ENOTFOUND : SH_EUNAVAIL;
	}
	return 0;
}

int oc_template_fetch(const struct sh_url_allow *allow, long timeout_ms, enum oc_kind kind,
		      const struct oc_ctx *ctx, const json_t *item, json_t **out, char *err,
		      size_t errlen)
{
	const char *url = oc_template_url(item);
	struct sh_http_response resp = { 0 };
	int rc;

	*out = NULL;
	if (!url) {
		snprintf(err, errlen, "no %s annotation", OC_TEMPLATE_URL);
		return SH_EINVAL;
	}
	if (!sh_url_allow_match(allow, url)) {
		snprintf(err, errlen, "reading %s is not allowed by [openchoreo] template_url_allow",
			 url);
		return SH_EDENIED;
	}
	rc = read_url(url, timeout_ms, &resp, err, errlen);
	if (rc == 0) {
		*out = oc_template_remote(kind, ctx, item, url, resp.body ? resp.body : "",
					  resp.body_len, err, errlen);
		rc = *out ? 0 : SH_EINVAL;
	}
	sh_http_response_free(&resp);
	return rc;
}
