/* fuzz-sources: plugins/openchoreo/event.c plugins/openchoreo/kinds.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target for what the OpenChoreo events ingress accepts
 * (plugins/openchoreo/event.c): the input as a Content-Type header, as a
 * shared secret against itself and a fixed one, and as a JSON payload;
 * an accepted payload must give a known kind, Kubernetes names, and refs
 * of exactly the form kind:ns/name when its resource is gone.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *   tests/fuzz/fuzz_openchoreo_event.c plugins/openchoreo/event.c \
 *   plugins/openchoreo/kinds.c $(pkg-config --cflags --libs jansson) \
 *   -o /tmp/fuzz_openchoreo_event
 * /tmp/fuzz_openchoreo_event -max_total_time=60 tests/fuzz/corpus/openchoreo_event
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/openchoreo/events.h"

static void check_refs(const struct oc_event *ev)
{
	json_t *refs = json_array(), *r;
	size_t i;

	oc_event_gone_refs(ev->kind, ev->ns, ev->name, refs);
	json_array_foreach(refs, i, r) {
		const char *s = json_string_value(r), *colon = s ? strchr(s, ':') : NULL;

		/* kind:ns/name, one of each separator, a name after the '/'. */
		if (!colon || strchr(colon + 1, ':') || !strchr(colon, '/') ||
		    strchr(s, '/') != strrchr(s, '/') || !strrchr(s, '/')[1])
			abort();
	}
	if (ev->kind->entity_kind && json_array_size(refs) == 0)
		abort();
	json_decref(refs);
}

static void payload(const char *text, size_t size)
{
	json_t *v = json_loadb(text, size, JSON_DECODE_ANY, NULL);
	struct oc_event ev;
	const char *why = NULL;

	if (!v)
		return;
	if (oc_event_parse(v, &ev, &why) == 0) {
		if (!ev.kind || !ev.name[0] || !ev.action[0] || strlen(ev.name) > OC_EVENT_MAX_NAME ||
		    strlen(ev.ns) > OC_EVENT_MAX_NAME || oc_kind_by_event(ev.kind->event) != ev.kind)
			abort();
		check_refs(&ev);
	} else if (!why) {
		abort();
	}
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	(void)oc_event_is_json(text);
	if (strlen(text) > 0 && !oc_event_secret_ok(text, text))
		abort();
	if (oc_event_secret_ok("s3cret", text) != (strcmp(text, "s3cret") == 0))
		abort();
	payload(text, size);
	free(text);
	return 0;
}
