/*
 * Entity validation, spec §9.3 steps 1, 3 and 4: the envelope check, the
 * policies (entity schema, default namespace, root fields, field formats)
 * and the built-in kinds' spec schemas, with Backstage's error texts.
 * Pure functions over jansson values: no host services.
 */
#ifndef CATALOG_VALIDATE_H
#define CATALOG_VALIDATE_H

#include <stddef.h>
#include <jansson.h>

/*
 * Error messages, each malloc'd.  Backstage stops at the first failure of a
 * step, so every function below adds at most one message.  All of them are
 * InputErrors in Backstage's terms: a status item shows
 * "InputError: <message>" (§7.5).  Messages embed the cause the way
 * @backstage/errors does: "<message>; caused by <Name>: <cause>".
 */
struct catalog_validate_errors {
	char **msgs;
	size_t n;
};

void catalog_validate_errors_free(struct catalog_validate_errors *errs);

/*
 * Step 1: apiVersion, kind and metadata.name present, strings, non-empty.
 * "Entity envelope failed validation before processing; caused by
 * TypeError: <root> must have required property 'kind' - missingProperty: kind".
 * Returns 0 or SH_EINVAL (one message appended).
 */
int catalog_validate_envelope(const json_t *entity, struct catalog_validate_errors *errs);

/* Set metadata.namespace to "default" when it is absent (the policy of step 3). */
void catalog_validate_default_namespace(json_t *entity);

/*
 * Step 3, in Backstage's order: entity JSON schema, default namespace
 * (applied to `entity`), only apiVersion/kind/metadata/spec at the root,
 * field formats.  "Policy check failed for component:default/x; caused by
 * Error: ...".  Needs a valid envelope.  Returns 0 or SH_EINVAL.
 */
int catalog_validate_policies(json_t *entity, struct catalog_validate_errors *errs);

/*
 * Step 4: the spec schema of the built-in kind (Component, API, System,
 * Domain, Resource, Group, User, Location; Template at
 * scaffolder.backstage.io/v1beta3).  A kind/apiVersion pair nobody knows
 * gives "No processor recognized the entity <ref> as valid, possibly
 * caused by a foreign kind or apiVersion".  Returns 0 or SH_EINVAL.
 */
int catalog_validate_kind(const json_t *entity, struct catalog_validate_errors *errs);

/* Steps 1, 3 and 4 in a row, stopping at the first failure. */
int catalog_validate_entity(json_t *entity, struct catalog_validate_errors *errs);

/*
 * Another processor's validateEntityKind: 1 when it accepts the entity
 * (valid envelope), 0 when it does not know it.  It cannot reject.
 */
typedef int (*catalog_kind_accept_fn)(const json_t *entity);

/*
 * catalog_validate_entity with the kinds `extra` accepts (NULL: none) known
 * beside the built-in ones, as a plugin's processors make them known to
 * Backstage: step 4 passes when a built-in schema or `extra` accepts.
 */
int catalog_validate_entity_also(json_t *entity, catalog_kind_accept_fn extra,
				 struct catalog_validate_errors *errs);

/*
 * The entity ref as Backstage prints it in these messages:
 * "kind:namespace/name", lower-cased, namespace "default" when absent.
 * Needs a valid envelope.  Returns a malloc'd string.
 */
char *catalog_validate_entity_ref(const json_t *entity);

#endif
