/*
 * The catalog rules (spec §9.3, Backstage's catalog.rules and
 * catalog.locations[].rules): which kinds (optionally of one spec.type) an
 * entity may have given the origin location of the entity that emitted it.
 * Parsed from [catalog] allow, rule and location values; pure functions.
 */
#ifndef CATALOG_RULES_H
#define CATALOG_RULES_H

#include <stddef.h>

#include <jansson.h>

struct catalog_rules;

struct catalog_rules *catalog_rules_new(void);
void catalog_rules_free(struct catalog_rules *r);

/* A rule for every location allowing these kinds (the [catalog] allow
 * list); n == 0 adds nothing. */
void catalog_rules_add_kinds(struct catalog_rules *r, const char *const *kinds, size_t n);

/*
 * Parses one [catalog] rule value, words separated by blanks:
 *   allow=<item>[,<item>...]   required, repeatable; <item> is a kind or
 *                              <kind>:<spec.type>
 *   exact=<type>:<target>      a location the rule applies to
 *   pattern=<type>:<glob>      locations whose target matches the glob
 * Without exact= and pattern= the rule applies to every location.  Returns
 * 0, or SH_EINVAL with a malloc'd message naming the offending word in *err.
 */
int catalog_rules_add_rule(struct catalog_rules *r, const char *value, char **err);

/*
 * Parses the words after the target of a [catalog] location value
 * ("allow=User,Group"; repeatable; nothing else) into rules bound to the
 * location `type`:`target` (the target as resolved at start-up).  Returns 0,
 * or SH_EINVAL with a malloc'd message in *err.
 */
int catalog_rules_add_location(struct catalog_rules *r, const char *type, const char *target,
			       const char *words, char **err);

/* Whether `entity` may come from a location whose origin is `type`:`target`:
 * some rule whose matchers take the location (or that has none) allows its
 * kind (any case) and, when the rule says so, its spec.type (exactly). */
int catalog_rules_allowed(const struct catalog_rules *r, const json_t *entity, const char *type,
			  const char *target);

/* minimatch with nocase and dot: `*` any run of characters but '/', `?` one
 * such character, `[...]` a class (`!` or `^` negates, ranges), `**` as a
 * whole path segment any number of segments, `\` escapes. */
int catalog_rules_glob(const char *pattern, const char *s);

#endif
