/*
 * Small helpers shared by the catalog's files (domain library and plugin
 * alike): the uid check, the field-framed text that processing and
 * stitching hash, and that hash.  Allocation goes through the host's
 * aborting sh_x* family (<stagehand/alloc.h>).
 */
#ifndef CATALOG_UTIL_H
#define CATALOG_UTIL_H

#include <stddef.h>

#include <openssl/evp.h>

/* A uid as the database prints it: lower-case 8-4-4-4-12 hex digits.
 * Stored uids are never anything else, so other spellings name nothing. */
int catalog_is_uuid(const char *s);

/* The caps of the buffers a processing or stitch batch fills (text[]
 * parameters, COPY data): PostgreSQL takes no value longer than 1 GiB - 1
 * (MaxAllocSize), so a longer one could only fail on the server. */
#define CATALOG_BATCH_MAX ((size_t)1024 * 1024 * 1024 - 1)

/*
 * The SHA-1 of a series of fields as 40 lower-case hex digits: the hashes
 * that tell processing and stitching whether anything changed.  Each field
 * is fed as "<length>:<bytes>" (NULL as ""), so that one series cannot be
 * mistaken for another ("ab","c" is not "a","bc"); the fields go straight
 * into the digest, no copy of them is made.
 *
 *	struct catalog_hash h;
 *	catalog_hash_start(&h);
 *	catalog_hash_field(&h, a);
 *	catalog_hash_field(&h, b);
 *	catalog_hash_end(&h, hex);
 */
struct catalog_hash {
	EVP_MD_CTX *md;
};
void catalog_hash_start(struct catalog_hash *h);
void catalog_hash_field(struct catalog_hash *h, const char *s);
/* Writes the digest and a NUL into hex and frees the context. */
void catalog_hash_end(struct catalog_hash *h, char hex[41]);

/* The SHA-1 of len bytes as 40 lower-case hex digits and a NUL. */
void catalog_sha1_hex(const void *buf, size_t len, char hex[41]);

#endif
