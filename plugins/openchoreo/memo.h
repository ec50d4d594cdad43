/*
 * The full sync's memory of its steps (sync_memo.c uses it): in memory,
 * per process, capped in bytes.  A step of the walk (one kind's list in
 * one namespace, or one namespace's projects with their components and
 * workloads) is a pure function of the answers it reads: the same bytes
 * from the same URLs give the same entities.  So the memo keeps, per step,
 * every URL the step read with the SHA-256 of its 2xx body (its "tape"),
 * and the entity texts and counts it produced.  The next run asks those
 * URLs again; when every answer is byte for byte the same, the step's
 * entities are the remembered ones, without parsing or translating
 * anything.  Any difference and the step runs as if never seen.
 *
 * The memo never serves across a scope change (base URL, credentials,
 * anything else the translation reads): oc_memo_begin forgets everything
 * then.  Thread-safe; one mutex.
 */
#ifndef OPENCHOREO_MEMO_H
#define OPENCHOREO_MEMO_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define OC_DIGEST_HEX 65            /* 64 hex digits of a SHA-256 and the NUL */

/* The hex SHA-256 of len bytes at data into hex. */
void oc_digest_hex(const void *data, size_t len, char hex[OC_DIGEST_HEX]);

/* ---- the tape: the calls of one step, as they are made ------------------ */

struct oc_tape;

struct oc_tape *oc_tape_new(void);
void oc_tape_free(struct oc_tape *t);
/* Records that url answered 2xx with these body bytes.  Any thread. */
void oc_tape_record(struct oc_tape *t, const char *url, const char *body, size_t len);
/* The step read something not through oc_get (a remote Template): it is
 * not remembered.  Any thread; t may be NULL. */
void oc_tape_taint(struct oc_tape *t);

/* ---- the memo ------------------------------------------------------------ */

/* A remembered step: new references, released by oc_memo_step_drop. */
struct oc_memo_step {
	json_t *calls;              /* [[url, hex digest], ...] */
	json_t *texts;              /* the entities' JSON texts (strings), in order */
	json_t *counts;             /* {"<entity kind>": n} */
};

/*
 * Starts a run: with a scope other than the last run's, everything is
 * forgotten; cap_bytes bounds what is kept (0: nothing is).  Returns the
 * run's generation, for oc_memo_sweep.
 */
unsigned long oc_memo_begin(const char *scope, size_t cap_bytes);
/* The step remembered under key into *out (true), or false. */
bool oc_memo_get(const char *key, struct oc_memo_step *out);
void oc_memo_step_drop(struct oc_memo_step *s);
/*
 * Remembers a step under key (replacing what it had): the tape's calls,
 * texts and counts (references taken).  false when it is not kept: the
 * tape is tainted, or it would take the memo over its cap (the step then
 * runs in full next time, and the log says so once per run).
 */
bool oc_memo_put(const char *key, struct oc_tape *tape, json_t *texts, json_t *counts);
/* After a good walk: forgets the steps generation gen neither read nor
 * made (a namespace gone upstream). */
void oc_memo_sweep(unsigned long gen);
/* Bytes and steps kept (tests, the log). */
size_t oc_memo_bytes(void);
size_t oc_memo_steps(void);
/* Forgets everything (tests). */
void oc_memo_forget(void);

#endif
