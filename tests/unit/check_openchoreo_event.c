/*
 * plugins/openchoreo/event.c: which forwarder payloads are queued and
 * which ignored (spec openchoreo-provider.md §4.1), the coalescing key's
 * parts (kind row, namespace as sent), the content type, the secret
 * compare, the refs a 404 removes (§4.2) and the retry backoff.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/openchoreo/events.h"
#include "unit.h"

static json_t *load(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

	ck_assert_ptr_nonnull(v);
	return v;
}

/* 0 or -1 as oc_event_parse says, for a payload given as JSON text. */
static int parse(const char *text, struct oc_event *ev)
{
	const char *why = NULL;
	json_t *v = load(text);
	int rc = oc_event_parse(v, ev, &why);

	if (rc != 0)
		ck_assert_ptr_nonnull(why);
	json_decref(v);
	return rc;
}

/* The forwarder's bodies of shared/fixtures/upstream/openchoreo/event.*.json. */
START_TEST(test_fixture_events)
{
	const char *bodies[] = {
		"{\"kind\":\"Component\",\"name\":\"checkout-service\",\"namespace\":\"oracle\","
		"\"action\":\"created\"}",
		"{\"kind\":\"Component\",\"name\":\"fraud-detector\",\"namespace\":\"oracle\","
		"\"action\":\"deleted\"}",
		"{\"kind\":\"Project\",\"name\":\"checkout\",\"namespace\":\"oracle\","
		"\"action\":\"updated\"}",
		"{\"kind\":\"Namespace\",\"name\":\"oracle\",\"namespace\":\"\",\"action\":\"updated\"}",
		"{\"kind\":\"ClusterComponentType\",\"name\":\"service\",\"namespace\":\"\","
		"\"action\":\"created\"}",
	};
	const enum oc_kind kinds[] = { OC_COMPONENT, OC_COMPONENT, OC_PROJECT, OC_NAMESPACE,
				       OC_CLUSTERCOMPONENTTYPE };
	struct oc_event ev;

	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		ck_assert_int_eq(parse(bodies[i], &ev), 0);
		ck_assert_int_eq(ev.kind->kind, kinds[i]);
	}
}
END_TEST

START_TEST(test_accepted)
{
	struct oc_event ev;
	json_t *v = load("{\"kind\":\"Component\",\"name\":\"checkout-service\","
			 "\"namespace\":\"oracle\",\"action\":\"updated\"}");
	const char *why;

	ck_assert_int_eq(oc_event_parse(v, &ev, &why), 0);
	ck_assert_int_eq(ev.kind->kind, OC_COMPONENT);
	ck_assert_str_eq(ev.ns, "oracle");
	ck_assert_str_eq(ev.name, "checkout-service");
	ck_assert_str_eq(ev.action, "updated");
	json_decref(v);
	/* Kinds are matched in any case, as upstream lower-cases them. */
	ck_assert_int_eq(parse("{\"kind\":\"CLUSTERTRAIT\",\"name\":\"t\",\"namespace\":\"\","
			       "\"action\":\"deleted\"}", &ev), 0);
	ck_assert_int_eq(ev.kind->kind, OC_CLUSTERTRAIT);
	ck_assert_int_eq(parse("{\"kind\":\"DataPlane\",\"name\":\"d\",\"namespace\":\"n\","
			       "\"action\":\"x\"}", &ev), 0);
	ck_assert_int_eq(ev.kind->kind, OC_DATAPLANE);
}
END_TEST

/* The namespace an accepted payload queues under (malloc'd), or NULL. */
static char *ns_of(const char *text)
{
	struct oc_event ev;
	const char *why;
	json_t *v = load(text);
	char *ns = oc_event_parse(v, &ev, &why) == 0 ? strdup(ev.ns) : NULL;

	json_decref(v);
	return ns;
}

/* The namespace as the coalescing key uses it: "" stays "" (§6 item 18),
 * absent or null is "default" (§4.1 step 5), another type is ignored. */
START_TEST(test_namespace)
{
	const char *cases[][2] = {
		{ "{\"kind\":\"Project\",\"name\":\"p\",\"action\":\"created\"}", "default" },
		{ "{\"kind\":\"Project\",\"name\":\"p\",\"namespace\":null,\"action\":\"x\"}",
		  "default" },
		{ "{\"kind\":\"Project\",\"name\":\"p\",\"namespace\":\"\",\"action\":\"x\"}", "" },
		{ "{\"kind\":\"Project\",\"name\":\"p\",\"namespace\":\"ns1\",\"action\":\"x\"}",
		  "ns1" },
		{ "{\"kind\":\"Project\",\"name\":\"p\",\"namespace\":7,\"action\":\"x\"}", NULL },
	};
	char *ns;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ns = ns_of(cases[i][0]);
		if (cases[i][1])
			ck_assert_str_eq(ns, cases[i][1]);
		else
			ck_assert_ptr_null(ns);
		free(ns);
	}
}
END_TEST

START_TEST(test_ignored)
{
	struct oc_event ev;
	const char *ignored[] = {
		"[]", "\"component\"", "42", "null",
		"{\"name\":\"x\",\"action\":\"created\"}",
		"{\"kind\":\"\",\"name\":\"x\",\"action\":\"created\"}",
		"{\"kind\":\"Component\",\"action\":\"created\"}",
		"{\"kind\":\"Component\",\"name\":\"\",\"action\":\"created\"}",
		"{\"kind\":\"Component\",\"name\":\"x\"}",
		"{\"kind\":\"Component\",\"name\":\"x\",\"action\":\"\"}",
		"{\"kind\":5,\"name\":\"x\",\"action\":\"created\"}",
		"{\"kind\":\"Component\",\"name\":[\"x\"],\"action\":\"created\"}",
		/* Not Kubernetes names: a 404 for them would remove the entity
		 * whose ref matches in another case, or another path. */
		"{\"kind\":\"Component\",\"name\":\"Checkout-Service\",\"namespace\":\"oracle\","
		"\"action\":\"deleted\"}",
		"{\"kind\":\"Component\",\"name\":\"x\",\"namespace\":\"Oracle\",\"action\":\"d\"}",
		"{\"kind\":\"Namespace\",\"name\":\"oc/\",\"action\":\"deleted\"}",
		"{\"kind\":\"Component\",\"name\":\"a:b\",\"action\":\"deleted\"}",
		"{\"kind\":\"Component\",\"name\":\"-a\",\"action\":\"deleted\"}",
		"{\"kind\":\"Component\",\"name\":\"a.\",\"action\":\"deleted\"}",
		/* No row in oc_kinds: upstream has no subscriber for it. */
		"{\"kind\":\"ReleaseBinding\",\"name\":\"x\",\"action\":\"created\"}",
	};

	for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++)
		ck_assert_msg(parse(ignored[i], &ev) == -1, "not ignored: %s", ignored[i]);
}
END_TEST

START_TEST(test_name_cap)
{
	struct oc_event ev;
	char name[OC_EVENT_MAX_NAME + 2];
	json_t *v;
	const char *why;

	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	v = json_pack("{s:s,s:s,s:s}", "kind", "Component", "name", name, "action", "created");
	ck_assert_int_eq(oc_event_parse(v, &ev, &why), -1);
	json_decref(v);
	name[OC_EVENT_MAX_NAME] = '\0';
	v = json_pack("{s:s,s:s,s:s}", "kind", "Component", "name", name, "action", "created");
	ck_assert_int_eq(oc_event_parse(v, &ev, &why), 0);
	json_decref(v);
}
END_TEST

START_TEST(test_content_type)
{
	ck_assert(oc_event_is_json("application/json"));
	ck_assert(oc_event_is_json("Application/JSON; charset=utf-8"));
	ck_assert(oc_event_is_json("application/json;charset=utf-8"));
	ck_assert(!oc_event_is_json(NULL));
	ck_assert(!oc_event_is_json(""));
	ck_assert(!oc_event_is_json("text/plain"));
	ck_assert(!oc_event_is_json("application/jsonp"));
	ck_assert(!oc_event_is_json("application/x-www-form-urlencoded"));
}
END_TEST

START_TEST(test_secret)
{
	ck_assert(oc_event_secret_ok("s3cret", "s3cret"));
	ck_assert(!oc_event_secret_ok("s3cret", "s3creT"));
	ck_assert(!oc_event_secret_ok("s3cret", "s3cre"));
	ck_assert(!oc_event_secret_ok("s3cret", "s3crets"));
	ck_assert(!oc_event_secret_ok("s3cret", ""));
	ck_assert(!oc_event_secret_ok("s3cret", NULL));
	ck_assert(!oc_event_secret_ok("", ""));
}
END_TEST

/* The refs of §4.2's 404 column, as JSON text. */
static char *gone(const char *kind, const char *ns, const char *name)
{
	json_t *a = json_array();
	char *text;

	oc_event_gone_refs(oc_kind_by_event(kind), ns, name, a);
	text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return text;
}

START_TEST(test_gone_refs)
{
	struct {
		const char *kind, *ns, *name, *want;
	} cases[] = {
		{ "namespace", "", "oracle", "[\"domain:default/oracle\"]" },
		{ "project", "oracle", "checkout", "[\"system:oracle/checkout\"]" },
		{ "component", "oracle", "fraud-detector", "[\"component:oracle/fraud-detector\"]" },
		{ "dataplane", "oracle", "dp", "[\"dataplane:oracle/dp\"]" },
		{ "trait", "oracle", "t", "[\"traittype:oracle/t\"]" },
		{ "componenttype", "oracle", "service",
		  "[\"componenttype:oracle/service\",\"template:oracle/template-service\"]" },
		{ "resourcetype", "oracle", "db",
		  "[\"resourcetype:oracle/db\",\"template:oracle/template-resource-db\"]" },
		{ "projecttype", "oracle", "p",
		  "[\"projecttype:oracle/p\",\"template:oracle/template-project-p\"]" },
		{ "clustercomponenttype", "", "service",
		  "[\"clustercomponenttype:openchoreo-cluster/service\","
		  "\"template:openchoreo-cluster/template-service\"]" },
		{ "clustertrait", "", "t", "[\"clustertraittype:openchoreo-cluster/t\"]" },
		{ "clusterdataplane", "", "d", "[\"clusterdataplane:openchoreo-cluster/d\"]" },
		{ "observabilityalertsnotificationchannel", "oracle", "c",
		  "[\"observabilityalertsnotificationchannel:oracle/c\"]" },
		{ "workload", "oracle", "w", "[]" },
	};
	char *text;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		text = gone(cases[i].kind, cases[i].ns, cases[i].name);
		ck_assert_str_eq(text, cases[i].want);
		free(text);
	}
}
END_TEST

START_TEST(test_backoff)
{
	ck_assert_int_eq(oc_event_backoff_ms(1), 250);
	ck_assert_int_eq(oc_event_backoff_ms(2), 500);
	ck_assert_int_eq(oc_event_backoff_ms(5), 4000);
	ck_assert_int_eq(oc_event_backoff_ms(9), 60000);
	ck_assert_int_eq(oc_event_backoff_ms(100), 60000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("openchoreo_event");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_fixture_events);
	tcase_add_test(tc, test_accepted);
	tcase_add_test(tc, test_namespace);
	tcase_add_test(tc, test_ignored);
	tcase_add_test(tc, test_name_cap);
	tcase_add_test(tc, test_content_type);
	tcase_add_test(tc, test_secret);
	tcase_add_test(tc, test_gone_refs);
	tcase_add_test(tc, test_backoff);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
