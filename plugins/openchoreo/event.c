/*
 * What the events ingress accepts and what a gone resource removes (spec
 * openchoreo-provider.md §4.1, §4.2): pure functions over the payload, so
 * the unit tests reach them without a host.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "events.h"

/* A string member that is present and non-empty, else NULL. */
static const char *nonempty(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

/* namespace: a string (even ""), or "default" when absent or null;
 * NULL for any other type. */
static const char *event_ns(const json_t *o)
{
	const json_t *v = json_object_get(o, "namespace");

	if (!v || json_is_null(v))
		return "default";
	return json_string_value(v);
}

/*
 * A Kubernetes object name (RFC 1123 subdomain: a-z 0-9 '-' '.', starting
 * and ending alphanumeric, at most 253).  Anything else cannot exist
 * upstream, so its re-fetch answers 404, and the catalog compares refs in
 * any case: "Checkout-Service" would remove checkout-service.
 */
static bool k8s_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > OC_EVENT_MAX_NAME || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' ||
		      s[i] == '.'))
			return false;
	return true;
}

int oc_event_parse(const json_t *payload, struct oc_event *ev, const char **why)
{
	const char *kind;

	memset(ev, 0, sizeof *ev);
	if (!json_is_object(payload))
		return *why = "payload is not an object", -1;
	kind = nonempty(payload, "kind");
	ev->name = nonempty(payload, "name");
	ev->action = nonempty(payload, "action");
	if (!kind || !ev->name || !ev->action)
		return *why = "kind, name or action missing or empty", -1;
	if (!(ev->ns = event_ns(payload)))
		return *why = "namespace is not a string", -1;
	if (!k8s_name(ev->name) || (*ev->ns && !k8s_name(ev->ns)))
		return *why = "name or namespace is not a Kubernetes name", -1;
	if (!(ev->kind = oc_kind_by_event(kind)))
		return *why = "kind not synced", -1;
	return 0;
}

bool oc_event_is_json(const char *ct)
{
	static const char want[] = "application/json";

	if (!ct || strncasecmp(ct, want, sizeof want - 1) != 0)
		return false;
	ct += sizeof want - 1;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

bool oc_event_secret_ok(const char *want, const char *got)
{
	size_t wl, gl, i;
	unsigned char diff;

	if (!want || !got)
		return false;
	wl = strlen(want);
	gl = strlen(got);
	diff = wl != gl;
	/* Every byte of `got` is read whatever matched before. */
	for (i = 0; i < gl; i++)
		diff |= (unsigned char)(got[i] ^ want[wl ? i % wl : 0]);
	return diff == 0 && wl > 0;
}

const char *oc_event_entity_ns(const struct oc_kind_info *k, const char *ns)
{
	if (k->kind == OC_NAMESPACE)
		return "default";
	return k->cluster ? OC_CLUSTER_NS : ns;
}

/* "<kind>:<ns>/<name>" as a new JSON string, kind lower-cased. */
static json_t *ref_new(const char *kind, const char *ns, const char *prefix, const char *name)
{
	char k[64];
	size_t i;

	for (i = 0; kind[i] && i < sizeof k - 1; i++)
		k[i] = (char)(kind[i] >= 'A' && kind[i] <= 'Z' ? kind[i] - 'A' + 'a' : kind[i]);
	k[i] = '\0';
	return json_sprintf("%s:%s/%s%s", k, ns, prefix, name);
}

void oc_event_gone_refs(const struct oc_kind_info *k, const char *ns, const char *name,
			json_t *removed)
{
	const char *ens = oc_event_entity_ns(k, ns);

	if (!k->entity_kind)
		return;
	json_array_append_new(removed, ref_new(k->entity_kind, ens, "", name));
	if (k->template_prefix)
		json_array_append_new(removed, ref_new("template", ens, k->template_prefix, name));
}

long oc_event_backoff_ms(int attempts)
{
	long ms = 250;

	while (--attempts > 0 && ms < 60000)
		ms *= 2;
	return ms < 60000 ? ms : 60000;
}
