/*
 * The generated scaffolder Templates (spec §2.18): oc_template's dispatch,
 * FormatTitle, and what every Template shares: its metadata and the
 * filling of a form skeleton (templates.h).  The three forms themselves
 * are in templates_{component,resource,project}.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>

#include "templates.h"

/* A skeleton string after expansion; names, titles and owners are short. */
#define TMPL_STR_MAX (64 * 1024)

char *oc_format_title(const char *name)
{
	size_t n = strlen(name);
	char *out = sh_xmalloc(n + 1);
	bool word_start = true;

	for (size_t i = 0; i <= n; i++) {
		char c = name[i];

		if (c == '-') {
			out[i] = ' ';
			word_start = true;
			continue;
		}
		out[i] = word_start && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		word_start = false;
	}
	return out;
}

bool oc_tmpl_truthy(const json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return false;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_number(v))
		return json_number_value(v) != 0;
	return true;
}

/* ---- filling a skeleton ------------------------------------------------ */

/* The value of the text placeholder at s ("@NS@..."), and its length. */
static const char *placeholder(const struct oc_tmpl *t, const char *s, size_t *len)
{
	const struct {
		const char *token;
		const char *value;
	} map[] = {
		{ "@NS@", t->form_ns }, { "@NAME@", t->name }, { "@TITLE@", t->title },
		{ "@KIND@", t->type_kind }, { "@WORKLOAD@", t->workload },
		{ "@OWNER@", t->owner },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		*len = strlen(map[i].token);
		if (map[i].value && strncmp(s, map[i].token, *len) == 0)
			return map[i].value;
	}
	return NULL;
}

/* s with its text placeholders expanded (malloc'd), or NULL over the cap. */
static char *expand(const struct oc_tmpl *t, const char *s)
{
	struct sh_buf b;
	int rc = 0;

	sh_buf_init(&b, TMPL_STR_MAX);
	while (*s && rc == 0) {
		size_t len;
		const char *value = *s == '@' ? placeholder(t, s, &len) : NULL;

		if (value) {
			rc = sh_buf_addstr(&b, value);
			s += len;
		} else {
			rc = sh_buf_addc(&b, *s++);
		}
	}
	if (rc != 0) {
		sh_buf_free(&b);
		return NULL;
	}
	return sh_buf_take(&b, NULL);
}

static struct oc_tmpl_slot *slot_of(const json_t *v, struct oc_tmpl_slot *slots, size_t n)
{
	if (!json_is_string(v))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(json_string_value(v), slots[i].key) == 0)
			return &slots[i];
	return NULL;
}

struct fill {
	const struct oc_tmpl *t;
	struct oc_tmpl_slot *slots;
	size_t nslots;
};

static int fill_value(const struct fill *f, json_t *v);

/* Each member of an object: a slot is put in place (or its key removed),
 * anything else is filled in turn.  Slot values are not walked: they are
 * the API's data, not the skeleton's. */
static int fill_object(const struct fill *f, json_t *obj)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(obj, tmp, key, v) {
		struct oc_tmpl_slot *slot = slot_of(v, f->slots, f->nslots);

		if (slot && slot->value) {
			json_object_set(obj, key, slot->value);
		} else if (slot) {
			json_object_del(obj, key);
		} else if (fill_value(f, v) != 0) {
			return -1;
		}
	}
	return 0;
}

static int fill_value(const struct fill *f, json_t *v)
{
	size_t i;
	json_t *e;

	if (json_is_object(v))
		return fill_object(f, v);
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if (fill_value(f, e) != 0)
				return -1;
		return 0;
	}
	if (json_is_string(v) && strchr(json_string_value(v), '@')) {
		char *s = expand(f->t, json_string_value(v));

		if (!s)
			return -1;
		json_string_set(v, s);
		free(s);
	}
	return 0;
}

/* The form's skeleton filled in, or NULL with err set. */
static json_t *fill_form(const char *skeleton, const struct oc_tmpl *t, struct oc_tmpl_slot *slots,
			 size_t nslots, char *err, size_t errlen)
{
	struct fill f = { t, slots, nslots };
	json_error_t jerr;
	json_t *spec = json_loads(skeleton, 0, &jerr);

	if (!spec) {
		snprintf(err, errlen, "template form does not parse: %s (column %d)", jerr.text,
			 jerr.column);
	} else if (fill_value(&f, spec) != 0) {
		snprintf(err, errlen, "template %s: a value is over %d bytes", t->name,
			 TMPL_STR_MAX);
		json_decref(spec);
		spec = NULL;
	}
	return spec;
}

/* ---- the entity -------------------------------------------------------- */

static void put(json_t *obj, const char *key, const char *value)
{
	json_object_set_new(obj, key, json_string(value));
}

/* annotations["openchoreo.io/<abbrev>-<what>"] = value */
static void put_own(json_t *a, const struct oc_tmpl_form *form, const char *what,
		    const char *value)
{
	char key[64];

	snprintf(key, sizeof key, "openchoreo.io/%s-%s", form->abbrev, what);
	put(a, key, value);
}

static json_t *annotations(const struct oc_tmpl *t, const struct oc_tmpl_form *form)
{
	json_t *a = json_object();

	put_own(a, form, "name", t->name);
	put_own(a, form, "generated", "true");
	if (form->kind_annotation)
		put_own(a, form, "kind", t->type_kind);
	if (t->workload)
		put(a, "openchoreo.io/workload-type", t->workload);
	if (t->display)
		put_own(a, form, "display-name", t->display);
	put(a, "backstage.io/managed-by-location", OC_LOCATION_KEY);
	put(a, "backstage.io/managed-by-origin-location", OC_LOCATION_KEY);
	return a;
}

static json_t *metadata(const struct oc_tmpl *t, const struct oc_tmpl_form *form)
{
	json_t *meta = json_object();

	json_object_set_new(meta, "name", json_sprintf("%s%s", t->prefix, t->name));
	put(meta, "namespace", t->entity_ns);
	put(meta, "title", t->title);
	if (t->description)
		put(meta, "description", t->description);
	else
		json_object_set_new(meta, "description",
				    json_sprintf("Create a %s %s", t->title, form->noun));
	json_object_set_new(meta, "annotations", annotations(t, form));
	return meta;
}

json_t *oc_tmpl_build(const struct oc_tmpl *t, const struct oc_tmpl_form *form,
		      struct oc_tmpl_slot *slots, size_t nslots, char *err, size_t errlen)
{
	json_t *spec = fill_form(form->skeleton, t, slots, nslots, err, errlen);
	json_t *entity;

	for (size_t i = 0; i < nslots; i++)
		json_decref(slots[i].value);
	if (!spec)
		return NULL;
	entity = json_object();
	put(entity, "apiVersion", "scaffolder.backstage.io/v1beta3");
	put(entity, "kind", "Template");
	json_object_set_new(entity, "metadata", metadata(t, form));
	json_object_set_new(entity, "spec", spec);
	return entity;
}

/* ---- oc_template ------------------------------------------------------- */

/* The annotation key of metadata.annotations when a non-empty string. */
static const char *annotation(const json_t *item, const char *key)
{
	const json_t *v = json_object_get(json_object_get(json_object_get(item, "metadata"),
							  "annotations"), key);
	const char *s = json_string_value(v);

	return s && *s ? s : NULL;
}

/*
 * Fills t from item for kind; *title gets what to free.  NULL, or why no
 * Template can be made.
 */
static const char *tmpl_init(struct oc_tmpl *t, enum oc_kind kind, const struct oc_ctx *ctx,
			     const json_t *item, char **title, char *err, size_t errlen)
{
	const struct oc_kind_info *info = kind < OC_KIND_COUNT ? &oc_kinds[kind] : NULL;
	const char *name = json_string_value(json_object_get(json_object_get(item, "metadata"),
							     "name"));

	*title = NULL;
	if (!info || !info->template_prefix) {
		snprintf(err, errlen, "kind %d has no template", (int)kind);
		return err;
	}
	if (!name || !*name || (!info->cluster && !ctx->ns)) {
		snprintf(err, errlen, "%s without %s", info->entity_kind,
			 name && *name ? "a namespace" : "metadata.name");
		return err;
	}
	*t = (struct oc_tmpl){ .kind = kind, .name = name, .owner = ctx->default_owner };
	t->prefix = info->template_prefix;
	t->entity_ns = info->cluster ? OC_CLUSTER_NS : ctx->ns;
	t->form_ns = info->cluster ? "" : ctx->ns;
	t->type_kind = info->entity_kind;
	t->display = annotation(item, "openchoreo.dev/display-name");
	t->description = annotation(item, "openchoreo.dev/description");
	if (!t->display)
		*title = oc_format_title(name);
	t->title = t->display ? t->display : *title;
	return NULL;
}

json_t *oc_template(enum oc_kind kind, const struct oc_ctx *ctx, const json_t *item,
		    const json_t *schema, char *err, size_t errlen)
{
	struct oc_tmpl t;
	char *title;
	json_t *out;

	if (tmpl_init(&t, kind, ctx, item, &title, err, errlen))
		return NULL;
	if (kind == OC_COMPONENTTYPE || kind == OC_CLUSTERCOMPONENTTYPE)
		out = oc_tmpl_component(&t, item, schema, err, errlen);
	else if (kind == OC_RESOURCETYPE || kind == OC_CLUSTERRESOURCETYPE)
		out = oc_tmpl_resource(&t, schema, err, errlen);
	else
		out = oc_tmpl_project(&t, item, err, errlen);
	free(title);
	return out;
}

json_t *oc_template_remote(enum oc_kind kind, const struct oc_ctx *ctx, const json_t *item,
			   const char *url, const char *body, size_t len, char *err,
			   size_t errlen)
{
	const json_t *wt = json_object_get(json_object_get(item, "spec"), "workloadType");
	struct oc_tmpl t;
	char *title;
	json_t *out;

	if (kind != OC_COMPONENTTYPE && kind != OC_CLUSTERCOMPONENTTYPE) {
		snprintf(err, errlen, "kind %d has no remote template", (int)kind);
		return NULL;
	}
	if (tmpl_init(&t, kind, ctx, item, &title, err, errlen))
		return NULL;
	t.workload = !wt || json_is_null(wt) ? "deployment" : json_string_value(wt);
	out = oc_tmpl_remote(&t, url, body, len, err, errlen);
	free(title);
	return out;
}
