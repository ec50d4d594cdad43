/*
 * search/search_index.json as mkdocs' search plugin writes it (and the
 * TechDocs reader's search fetches): the plugin's config, then one entry
 * per page and one per heading with the section's text.
 */
#include <stdlib.h>

#include <jansson.h>

#include <stagehand/alloc.h>

#include "builder.h"

static json_t *str(const char *s)
{
	json_t *v = json_string(s ? s : "");

	return v ? v : json_string("");
}

static void add(json_t *docs, const char *location, const char *title, const char *text)
{
	json_t *e = json_object();

	json_object_set_new(e, "location", str(location));
	json_object_set_new(e, "text", str(text));
	json_object_set_new(e, "title", str(title));
	json_array_append_new(docs, e);
}

static json_t *config(void)
{
	json_t *c = json_object();

	json_object_set_new(c, "indexing", json_string("full"));
	json_object_set_new(c, "lang", json_pack("[s]", "en"));
	json_object_set_new(c, "min_search_length", json_integer(3));
	json_object_set_new(c, "prebuild_index", json_false());
	json_object_set_new(c, "separator", json_string("[\\s\\-]+"));
	return c;
}

char *td_search_index(const struct td_page *pages, size_t npages)
{
	json_t *root = json_object(), *docs = json_array();
	char *out;

	for (size_t i = 0; i < npages; i++) {
		const struct td_page *p = &pages[i];
		add(docs, p->url, p->title, p->text);
		for (size_t h = 0; h < p->nheads; h++) {
			char *loc = sh_xasprintf("%s#%s", p->url, p->heads[h].id);
			add(docs, loc, p->heads[h].title, p->heads[h].text);
			free(loc);
		}
	}
	json_object_set_new(root, "config", config());
	json_object_set_new(root, "docs", docs);
	out = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	json_decref(root);
	return out ? out : sh_xstrdup("{}");
}
