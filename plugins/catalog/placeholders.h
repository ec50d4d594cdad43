/*
 * Placeholders of catalog-info.yaml files (spec §9.2, Backstage's
 * PlaceholderProcessor): a value that is an object with the single key
 * $text, $json or $yaml and a string is replaced by the contents of the
 * file or URL it names, relative to the file the entity was read from.
 * Pure functions: the reading is the caller's callback.
 */
#ifndef CATALOG_PLACEHOLDERS_H
#define CATALOG_PLACEHOLDERS_H

#include <stddef.h>

#include <jansson.h>

/* What the placeholders of one file may read in all, and how many reads. */
#define CATALOG_PLACEHOLDER_MAX_BYTES (4u * 1024 * 1024)
#define CATALOG_PLACEHOLDER_MAX_READS 64u

/*
 * Reads `loc` ("file:<absolute path>" or "url:<URL>"): 0 with a malloc'd,
 * NUL-terminated *buf of *len bytes, or non-zero with a malloc'd
 * "<ErrorName>: <message>" in *why (as JavaScript prints an Error).
 */
typedef int (*catalog_placeholder_read_fn)(void *ctx, const char *loc, char **buf,
					   size_t *len, char **why);

/* One file's budget; start with the MAX_ values above. */
struct catalog_placeholders {
	catalog_placeholder_read_fn read;
	void *ctx;
	size_t bytes_left;
	unsigned reads_left;
};

/*
 * Replaces the placeholders of `entity` in place; `base_loc` is the
 * location ref of the file it came from ("file:/abs/x.yaml",
 * "url:https://..."). Objects with more than one key, an unknown $-key or a
 * non-string value are left alone, and what a placeholder brings in is not
 * searched for further placeholders (as in Backstage).  Returns 0, or
 * SH_EINVAL with Backstage's message in *err (malloc'd), e.g.
 * "Placeholder $text could not read location ./x.txt, NotFoundError: ...".
 */
int catalog_placeholders_resolve(struct catalog_placeholders *ph, json_t *entity,
				 const char *base_loc, char **err);

/*
 * The location a placeholder value (or a Location target) names relative
 * to `base_loc`: an absolute URL stands alone ("url:<value>"), under a url:
 * base a relative value is resolved by RFC 3986, under a file: base it is
 * joined to the file's directory.  Returns a malloc'd location ref, or NULL
 * when no URL can be formed.
 */
char *catalog_placeholder_target(const char *base_loc, const char *value);

/* Like node's path.join(dirname(base), rel) for an absolute base path, or
 * rel alone when it is absolute: "." segments dropped, ".." segments pop,
 * never above "/".  Returns a malloc'd path. */
char *catalog_path_resolve(const char *base, const char *rel);

#endif
