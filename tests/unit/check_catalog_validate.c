/*
 * Entity validation: the envelope check, the policies (schema, default
 * namespace, root fields, field formats) and every built-in kind's spec
 * schema, each with Backstage's exact message; plus the fixture catalog
 * (tests/data/catalog) validating clean.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/yaml.h>

#include "../../plugins/catalog/validate.h"
#include "testdata.h"
#include "unit.h"

#define ADR " To learn more about catalog file format, visit: https://github.com/" \
	"backstage/backstage/blob/master/docs/architecture-decisions/" \
	"adr002-default-catalog-file-format.md"
#define ENV "Entity envelope failed validation before processing; caused by TypeError: "
#define POL "Policy check failed for component:default/a; caused by Error: "
#define BKP "Processor BuiltinKindsEntityProcessor threw an error while validating the " \
	"entity "
#define NAME_EXPECT "expected a string that is sequences of [a-zA-Z0-9] separated by " \
	"any of [-_.], at most 63 characters in total"
#define SPEC_OK "'type':'service','lifecycle':'production','owner':'team'"
/* A Component with the given metadata members (after name) and spec. */
#define COMP(meta, spec) "{'apiVersion':'backstage.io/v1alpha1','kind':'Component'," \
	"'metadata':{'name':'a'" meta "},'spec':{" spec "}}"
#define COMP_NAMED "{'apiVersion':'backstage.io/v1alpha1','kind':'Component'," \
	"'metadata':{'name':'%s'},'spec':{" SPEC_OK "}}"
#define KIND(kind, spec) "{'apiVersion':'backstage.io/v1alpha1','kind':'" kind "'," \
	"'metadata':{'name':'a'},'spec':{" spec "}}"

/* JSON written with single quotes (C strings stay readable). */
static json_t *load(const char *text)
{
	char *s = strdup(text), *p;
	json_error_t err;
	json_t *j;

	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(s, 0, &err);
	ck_assert_msg(j != NULL, "bad test json %s: %s", text, err.text);
	free(s);
	return j;
}

/* Run the whole pipeline; NULL when valid, else the (single) message. */
static char *first_error(const char *text)
{
	struct catalog_validate_errors errs = { 0 };
	json_t *j = load(text);
	char *msg = NULL;
	int rc = catalog_validate_entity(j, &errs);

	ck_assert_int_eq(rc != 0, errs.n != 0);
	ck_assert_uint_le(errs.n, 1);
	if (errs.n)
		msg = strdup(errs.msgs[0]);
	catalog_validate_errors_free(&errs);
	json_decref(j);
	return msg;
}

struct vcase {
	const char *entity;
	const char *error;      /* NULL: valid */
};

static const struct vcase cases[] = {
	/* envelope (step 1) */
	{ "{'kind':'Component','metadata':{'name':'a'}}",
	  ENV "<root> must have required property 'apiVersion' - missingProperty: apiVersion" },
	{ "{'apiVersion':'backstage.io/v1alpha1','metadata':{'name':'a'}}",
	  ENV "<root> must have required property 'kind' - missingProperty: kind" },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component'}",
	  ENV "<root> must have required property 'metadata' - missingProperty: metadata" },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'','metadata':{'name':'a'}}",
	  ENV "/kind must NOT have fewer than 1 characters - limit: 1" },
	{ "{'apiVersion':5,'kind':'Component','metadata':{'name':'a'}}",
	  ENV "/apiVersion must be string - type: string" },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':[]}",
	  ENV "/metadata must be object - type: object" },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':{}}",
	  ENV "/metadata must have required property 'name' - missingProperty: name" },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':{'name':7}}",
	  ENV "/metadata/name must be string - type: string" },
	{ COMP(",'namespace':''", SPEC_OK),
	  ENV "/metadata/namespace must NOT have fewer than 1 characters - limit: 1" },
	/* entity schema (policy step) */
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':{'name':'a'},"
	  "'spec':{" SPEC_OK "},'foo':1}",
	  POL "Malformed envelope, <root> must NOT have additional properties" },
	{ COMP(",'title':''", SPEC_OK),
	  POL "Malformed envelope, /metadata/title must NOT have fewer than 1 characters" },
	{ COMP(",'description':5", SPEC_OK),
	  POL "Malformed envelope, /metadata/description must be string" },
	{ COMP(",'labels':{'a/b':5}", SPEC_OK),
	  POL "Malformed envelope, /metadata/labels/a~1b must be string" },
	{ COMP(",'annotations':[]", SPEC_OK),
	  POL "Malformed envelope, /metadata/annotations must be object" },
	{ COMP(",'tags':['']", SPEC_OK),
	  POL "Malformed envelope, /metadata/tags/0 must NOT have fewer than 1 characters" },
	{ COMP(",'tags':'java'", SPEC_OK), POL "Malformed envelope, /metadata/tags must be array" },
	{ COMP(",'links':[{'title':'x'}]", SPEC_OK),
	  POL "Malformed envelope, /metadata/links/0 must have required property 'url'" },
	{ COMP(",'links':[{'url':'https://x.io','icon':''}]", SPEC_OK),
	  POL "Malformed envelope, /metadata/links/0/icon must NOT have fewer than 1 characters" },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':{'name':'a'},"
	  "'spec':[]}", POL "Malformed envelope, /spec must be object" },
	/* only four root fields */
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':{'name':'a'},"
	  "'spec':{" SPEC_OK "},'status':{}}", POL "Unknown field status" },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':{'name':'a'},"
	  "'spec':{" SPEC_OK "},'relations':[]}", POL "Unknown field relations" },
	/* field formats */
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':"
	  "{'name':'bad_name_'},'spec':{" SPEC_OK "}}",
	  "Policy check failed for component:default/bad_name_; caused by Error: "
	  "\"metadata.name\" is not valid; " NAME_EXPECT " but found \"bad_name_\"." ADR },
	{ COMP(",'namespace':'Risk'", SPEC_OK),
	  "Policy check failed for component:risk/a; caused by Error: \"metadata.namespace\" is "
	  "not valid; expected a string that is sequences of [a-z0-9] separated by [-], at most "
	  "63 characters in total but found \"Risk\"." ADR },
	{ COMP(",'namespace':'a--b'", SPEC_OK), NULL },
	{ COMP(",'namespace':'-ab'", SPEC_OK),
	  "Policy check failed for component:-ab/a; caused by Error: \"metadata.namespace\" is "
	  "not valid; expected a string that is sequences of [a-z0-9] separated by [-], at most "
	  "63 characters in total but found \"-ab\"." ADR },
	{ "{'apiVersion':'backstage.io/v1alpha1/x','kind':'Component','metadata':{'name':'a'},"
	  "'spec':{" SPEC_OK "}}",
	  POL "\"apiVersion\" is not valid; expected a valid prefix and/or suffix but found "
	  "\"backstage.io/v1alpha1/x\"." ADR },
	{ "{'apiVersion':'v1-beta','kind':'Component','metadata':{'name':'a'},"
	  "'spec':{" SPEC_OK "}}",
	  POL "\"apiVersion\" is not valid; expected a valid prefix and/or suffix but found "
	  "\"v1-beta\"." ADR },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'1Comp','metadata':{'name':'a'}}",
	  "Policy check failed for 1comp:default/a; caused by Error: \"kind\" is not valid; "
	  "expected a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters "
	  "in total but found \"1Comp\"." ADR },
	{ COMP(",'labels':{'Example.com/tier':'x'}", SPEC_OK),
	  POL "\"labels.Example.com/tier\" is not valid; expected a valid prefix and/or suffix "
	  "but found \"Example.com/tier\"." ADR },
	{ COMP(",'labels':{'tier':'a b'}", SPEC_OK),
	  POL "\"labels.tier\" is not valid; " NAME_EXPECT " but found \"a b\"." ADR },
	{ COMP(",'labels':{'example.com/tier':'','x':'A.b-c_D'}", SPEC_OK), NULL },
	{ COMP(",'annotations':{'a/b/c':'x'}", SPEC_OK),
	  POL "\"annotations.a/b/c\" is not valid; expected a valid prefix and/or suffix but "
	  "found \"a/b/c\"." ADR },
	{ COMP(",'annotations':{'github.com/project-slug':'o/r',"
	       "'backstage.io/techdocs-ref':'dir:.','x':''}", SPEC_OK), NULL },
	{ COMP(",'tags':['java','Java']", SPEC_OK),
	  POL "\"tags.1\" is not valid; expected a string that is sequences of [a-z0-9+#] "
	  "separated by [-], at most 63 characters in total but found \"Java\"." ADR },
	{ COMP(",'tags':['a--b']", SPEC_OK),
	  POL "\"tags.0\" is not valid; expected a string that is sequences of [a-z0-9+#] "
	  "separated by [-], at most 63 characters in total but found \"a--b\"." ADR },
	{ COMP(",'tags':['c++','c#','a:b','web-app']", SPEC_OK), NULL },
	{ COMP(",'links':[{'url':'not a url'}]", SPEC_OK),
	  POL "\"links.0.url\" is not valid; expected a string that is a valid url but found "
	  "\"not a url\"." ADR },
	{ COMP(",'links':[{'url':'https://'}]", SPEC_OK),
	  POL "\"links.0.url\" is not valid; expected a string that is a valid url but found "
	  "\"https://\"." ADR },
	{ COMP(",'links':[{'url':'https://x.io','title':' \\t'}]", SPEC_OK),
	  POL "\"links.0.title\" is not valid; expected a non empty string but found \" \t\"."
	  ADR },
	{ COMP(",'links':[{'url':'https://x.io:8080/a b?q#f','title':'T','icon':'web'},"
	       "{'url':'mailto:a@b.c'},{'url':'file:///etc'}]", SPEC_OK), NULL },
	/* kinds (step 4) */
	{ KIND("Widget", ""), "No processor recognized the entity widget:default/a as valid, "
	  "possibly caused by a foreign kind or apiVersion" },
	{ KIND("component", SPEC_OK), "No processor recognized the entity component:default/a "
	  "as valid, possibly caused by a foreign kind or apiVersion" },
	{ "{'apiVersion':'backstage.io/v1','kind':'Component','metadata':{'name':'a'},"
	  "'spec':{}}", "No processor recognized the entity component:default/a as valid, "
	  "possibly caused by a foreign kind or apiVersion" },
	{ "{'apiVersion':'backstage.io/v1beta1','kind':'Component','metadata':{'name':'a'},"
	  "'spec':{" SPEC_OK "}}", NULL },
	{ "{'apiVersion':'backstage.io/v1alpha1','kind':'Component','metadata':{'name':'a'}}",
	  BKP "component:default/a; caused by TypeError: <root> must have required property "
	  "'spec' - missingProperty: spec" },
	{ KIND("Component", "'type':'service','lifecycle':'production'"),
	  BKP "component:default/a; caused by TypeError: /spec must have required property "
	  "'owner' - missingProperty: owner" },
	{ KIND("Component", "'type':'','lifecycle':'production','owner':'t'"),
	  BKP "component:default/a; caused by TypeError: /spec/type must NOT have fewer than 1 "
	  "characters - limit: 1" },
	{ KIND("Component", SPEC_OK ",'system':5"),
	  BKP "component:default/a; caused by TypeError: /spec/system must be string - type: "
	  "string" },
	{ KIND("Component", SPEC_OK ",'providesApis':'x'"),
	  BKP "component:default/a; caused by TypeError: /spec/providesApis must be array - "
	  "type: array" },
	{ KIND("Component", SPEC_OK ",'consumesApis':['a',1]"),
	  BKP "component:default/a; caused by TypeError: /spec/consumesApis/1 must be string - "
	  "type: string" },
	{ KIND("Component", SPEC_OK ",'dependsOn':['']"),
	  BKP "component:default/a; caused by TypeError: /spec/dependsOn/0 must NOT have fewer "
	  "than 1 characters - limit: 1" },
	{ KIND("Component", SPEC_OK ",'subcomponentOf':'b','dependencyOf':[1],'x':{}"), NULL },
	{ KIND("API", SPEC_OK), BKP "api:default/a; caused by TypeError: /spec must have "
	  "required property 'definition' - missingProperty: definition" },
	{ KIND("API", SPEC_OK ",'definition':'openapi: 3'"), NULL },
	{ KIND("System", "'domain':'d'"), BKP "system:default/a; caused by TypeError: /spec "
	  "must have required property 'owner' - missingProperty: owner" },
	{ KIND("System", "'owner':'t','domain':'d','type':'x'"), NULL },
	{ KIND("Domain", "'owner':'t','subdomainOf':''"), BKP "domain:default/a; caused by "
	  "TypeError: /spec/subdomainOf must NOT have fewer than 1 characters - limit: 1" },
	{ KIND("Resource", "'type':'db','owner':'t','dependsOn':[5]"), BKP "resource:default/a;"
	  " caused by TypeError: /spec/dependsOn/0 must be string - type: string" },
	{ KIND("Resource", "'type':'db','owner':'t','system':'s','dependencyOf':['c:x']"), NULL },
	{ KIND("Group", "'type':'team'"), BKP "group:default/a; caused by TypeError: /spec "
	  "must have required property 'children' - missingProperty: children" },
	{ KIND("Group", "'type':'team','children':[],'profile':{'email':''}"), BKP
	  "group:default/a; caused by TypeError: /spec/profile/email must NOT have fewer than 1 "
	  "characters - limit: 1" },
	{ KIND("Group", "'type':'team','children':[],'members':['x'],'parent':'p'"), NULL },
	{ KIND("User", "'profile':{}"), BKP "user:default/a; caused by TypeError: /spec must "
	  "have required property 'memberOf' - missingProperty: memberOf" },
	{ KIND("User", "'memberOf':[],'profile':[]"), BKP "user:default/a; caused by "
	  "TypeError: /spec/profile must be object - type: object" },
	{ KIND("User", "'memberOf':[]"), NULL },
	{ KIND("Location", ""), NULL },
	{ KIND("Location", "'targets':['./a.yaml'],'presence':'maybe'"), BKP
	  "location:default/a; caused by TypeError: /spec/presence must be equal to one of the "
	  "allowed values - allowedValues: required,optional" },
	{ KIND("Location", "'type':'url','target':'https://x/y.yaml','presence':'optional'"),
	  NULL },
	/* Template (scaffolder module) */
	{ KIND("Template", "'type':'service','steps':[]"), "No processor recognized the entity "
	  "template:default/a as valid, possibly caused by a foreign kind or apiVersion" },
	{ "{'apiVersion':'scaffolder.backstage.io/v1beta3','kind':'Template','metadata':"
	  "{'name':'a'},'spec':{'type':'service','parameters':[{'properties':{}}],"
	  "'steps':[{'id':'f','name':'Fetch','action':'fetch:plain','input':{},'if':true}],"
	  "'output':{'links':[{'url':'https://x','title':'X'}],'text':[{'title':'T',"
	  "'icon':'i','content':''}],'n':'s'},'owner':'t'}}",
	  NULL },
	/* output.text is a list of Markdown blobs, not a string (scaffolder-common). */
	{ "{'apiVersion':'scaffolder.backstage.io/v1beta3','kind':'Template','metadata':"
	  "{'name':'a'},'spec':{'type':'service','steps':[],'output':{'text':'t'}}}",
	  "Processor ScaffolderEntitiesProcessor threw an error while validating the entity "
	  "template:default/a; caused by TypeError: /spec/output/text must be array - type: "
	  "array" },
	{ "{'apiVersion':'scaffolder.backstage.io/v1beta3','kind':'Template','metadata':"
	  "{'name':'a'},'spec':{'type':'service','steps':[],'output':{'text':[{'title':''}]}}}",
	  "Processor ScaffolderEntitiesProcessor threw an error while validating the entity "
	  "template:default/a; caused by TypeError: /spec/output/text/0/title must NOT have "
	  "fewer than 1 characters - limit: 1" },
	{ "{'apiVersion':'scaffolder.backstage.io/v1beta3','kind':'Template','metadata':"
	  "{'name':'a'},'spec':{'type':'service','steps':[{'id':'f'}]}}",
	  "Processor ScaffolderEntitiesProcessor threw an error while validating the entity "
	  "template:default/a; caused by TypeError: /spec/steps/0 must have required property "
	  "'action' - missingProperty: action" },
	{ "{'apiVersion':'scaffolder.backstage.io/v1beta3','kind':'Template','metadata':"
	  "{'name':'a'},'spec':{'type':'service','steps':[{'action':'x','if':5}]}}",
	  "Processor ScaffolderEntitiesProcessor threw an error while validating the entity "
	  "template:default/a; caused by TypeError: /spec/steps/0/if must be string,boolean - "
	  "type: string,boolean" },
	{ "{'apiVersion':'scaffolder.backstage.io/v1beta3','kind':'Template','metadata':"
	  "{'name':'a'},'spec':{'type':'service','parameters':'x','steps':[]}}",
	  "Processor ScaffolderEntitiesProcessor threw an error while validating the entity "
	  "template:default/a; caused by TypeError: /spec/parameters must be object - type: "
	  "object" },
	{ "{'apiVersion':'scaffolder.backstage.io/v1beta3','kind':'Template','metadata':"
	  "{'name':'a'},'spec':{'type':'service','steps':[],'output':{'links':5,'n':1}}}",
	  "Processor ScaffolderEntitiesProcessor threw an error while validating the entity "
	  "template:default/a; caused by TypeError: /spec/output/n must be string - type: "
	  "string" },
};

START_TEST(test_case)
{
	const struct vcase *c = &cases[_i];
	char *got = first_error(c->entity);

	if (c->error == NULL)
		ck_assert_msg(got == NULL, "case %d: unexpected error %s", _i, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, c->error) == 0,
			      "case %d:\n got  %s\n want %s", _i, got ? got : "(valid)", c->error);
	free(got);
}
END_TEST

START_TEST(test_name_length)
{
	char name[65], text[256];
	char *got;

	memset(name, 'a', 63);
	name[63] = '\0';
	snprintf(text, sizeof(text), COMP_NAMED, name);
	got = first_error(text);
	ck_assert_ptr_null(got);
	name[63] = 'b';
	name[64] = '\0';
	snprintf(text, sizeof(text), COMP_NAMED, name);
	got = first_error(text);
	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_nonnull(strstr(got, "\"metadata.name\" is not valid; " NAME_EXPECT));
	free(got);
}
END_TEST

START_TEST(test_default_namespace)
{
	struct catalog_validate_errors errs = { 0 };
	json_t *j = load(COMP("", SPEC_OK)), *k = load(COMP(",'namespace':'risk'", SPEC_OK));

	ck_assert_int_eq(catalog_validate_entity(j, &errs), 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "metadata"),
							   "namespace")), "default");
	catalog_validate_default_namespace(k);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(k, "metadata"),
							   "namespace")), "risk");
	ck_assert_uint_eq(errs.n, 0);
	json_decref(j);
	json_decref(k);
}
END_TEST

START_TEST(test_steps_separately)
{
	struct catalog_validate_errors errs = { 0 };
	json_t *j = load("{'apiVersion':'backstage.io/v1alpha1','kind':'Component',"
			 "'metadata':{'name':'A','namespace':'x'},'spec':{}}");
	char *ref;

	ck_assert_int_eq(catalog_validate_envelope(j, &errs), 0);
	ck_assert_int_eq(catalog_validate_policies(j, &errs), 0);
	ck_assert_int_ne(catalog_validate_kind(j, &errs), 0);
	ck_assert_uint_eq(errs.n, 1);
	ref = catalog_validate_entity_ref(j);
	ck_assert_str_eq(ref, "component:x/a");
	free(ref);
	catalog_validate_errors_free(&errs);
	ck_assert_uint_eq(errs.n, 0);
	json_decref(j);
}
END_TEST

static const char *const fixtures[] = {
	"all.yaml", "apis.yaml", "components.yaml", "org.yaml", "system.yaml",
	"registered/catalog-info.yaml",
};

START_TEST(test_fixtures_validate)
{
	struct sh_yaml_result res;
	size_t len, i;
	char *buf = testdata_read(fixtures[_i], &len);

	ck_assert_int_eq(sh_yaml_parse(buf, len, "file:/fixtures", &res), 0);
	ck_assert_uint_gt(res.ndocs, 0);
	for (i = 0; i < res.ndocs; i++) {
		struct catalog_validate_errors errs = { 0 };

		ck_assert_int_eq(catalog_validate_entity(res.docs[i].entity, &errs), 0);
		ck_assert_msg(errs.n == 0, "%s doc %zu: %s", fixtures[_i], i,
			      errs.n ? errs.msgs[0] : "");
		ck_assert_ptr_nonnull(json_object_get(json_object_get(res.docs[i].entity,
								      "metadata"), "namespace"));
	}
	sh_yaml_result_free(&res);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_validate");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_case, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_name_length);
	tcase_add_test(tc, test_default_namespace);
	tcase_add_test(tc, test_steps_separately);
	tcase_add_loop_test(tc, test_fixtures_validate, 0,
			    (int)(sizeof(fixtures) / sizeof(fixtures[0])));
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
