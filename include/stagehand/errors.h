/*
 * Error codes shared by every host service.  Functions that can fail return
 * 0 or one of these (negative); pointer-returning functions return NULL.
 */
#ifndef STAGEHAND_ERRORS_H
#define STAGEHAND_ERRORS_H

#define SH_OK         0
#define SH_EINVAL    -1   /* bad argument or bad input */
#define SH_ENOTFOUND -2   /* no such thing */
#define SH_EIO       -3   /* I/O failed (file, socket, client gone) */
#define SH_ETIMEDOUT -4   /* a deadline passed */
#define SH_ETOOBIG   -5   /* over a size cap */
#define SH_EDB       -6   /* database error (SQL or connection) */
#define SH_EUNAVAIL  -7   /* a dependency is unreachable */
#define SH_EDENIED   -8   /* not allowed (allow-list, permission) */
#define SH_ESTATE    -9   /* called at the wrong time (e.g. route after init) */

/* A static lower-case description of an SH_E* code. */
const char *sh_strerror(int code);

#endif
