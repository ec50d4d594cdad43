/*
 * Unique heading ids as mkdocs' toc extension makes them ("x", then "x_1",
 * "x_2"; "x_1" taken gives "x_2"), in time linear in the headings: a hash
 * table of the ids taken, where each id also remembers the last suffix its
 * chain gave, so a page of 2,000 equal headings is not 2,000 walks of the
 * chain (the ids only grow, so the chain's earlier links stay taken).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>

#include "md_int.h"

struct td_id_slot {
	char *key;
	bool taken;                  /* the id of a heading */
	long last;                   /* the last suffix the chain from key gave (0: none) */
};

struct td_ids {
	struct td_id_slot *slots;
	size_t mask;
};

struct td_ids *td_ids_new(size_t nheads)
{
	struct td_ids *ids = sh_xcalloc(1, sizeof(*ids));
	size_t cap = 16;

	while (cap < 4 * nheads + 8)
		cap *= 2;
	ids->slots = sh_xcalloc(cap, sizeof(*ids->slots));
	ids->mask = cap - 1;
	return ids;
}

void td_ids_free(struct td_ids *ids)
{
	for (size_t i = 0; i <= ids->mask; i++)
		free(ids->slots[i].key);
	free(ids->slots);
	free(ids);
}

/* The slot of key, made when absent (FNV-1a, linear probing). */
static struct td_id_slot *slot(struct td_ids *ids, const char *key)
{
	size_t h = 14695981039346656037u;

	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	for (h &= ids->mask; ids->slots[h].key; h = (h + 1) & ids->mask)
		if (strcmp(ids->slots[h].key, key) == 0)
			return &ids->slots[h];
	ids->slots[h].key = sh_xstrdup(key);
	return &ids->slots[h];
}

/* mkdocs' chain: "x" -> base "x", from 1; "x_5" -> base "x", from 6. */
static size_t chain_base(const char *id, long *from)
{
	const char *us = strrchr(id, '_');
	char *end = NULL;
	long n = us && isdigit((unsigned char)us[1]) ? strtol(us + 1, &end, 10) : -1;

	if (n >= 0 && end && !*end && n < 100000000) {
		*from = n + 1;
		return (size_t)(us - id);
	}
	*from = 1;
	return strlen(id);
}

char *td_ids_unique(struct td_ids *ids, char *id)
{
	struct td_id_slot *s = slot(ids, id);
	long from, m;
	size_t base;
	char *cand = NULL;

	if (*id && !s->taken) {
		s->taken = true;
		return id;
	}
	base = chain_base(id, &from);
	for (m = s->last ? s->last + 1 : from;; m++) {
		free(cand);
		cand = sh_xasprintf("%.*s_%ld", (int)base, id, m);
		if (!slot(ids, cand)->taken)
			break;
	}
	slot(ids, id)->last = m;
	slot(ids, cand)->taken = true;
	free(id);
	return cand;
}
