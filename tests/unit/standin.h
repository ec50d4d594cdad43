/*
 * The C side of tests/stubs/standin.py for unit suites: start it on a free
 * port for the whole suite, add run-time routes and misbehaviour, read what
 * it recorded.  standin_main runs a Check suite around it, with the [http]
 * defaults of these suites (1500 ms, 64 KiB) and the IdP's token endpoint
 * at the stand-in.  Every helper asserts on failure.
 */
#ifndef STAGEHAND_TEST_STANDIN_H
#define STAGEHAND_TEST_STANDIN_H

#include <check.h>
#include <stdbool.h>

#include <jansson.h>

#include "host.h"

/* The host of the suite (conf with [http] and [identity]). */
extern struct sh_host standin_host;

/* Starts the stand-in, runs tests as suite `name` (fork mode; before each
 * test the stand-in, the ETag cache and the service token are reset) and
 * stops it; returns main's exit status (77: no python3). */
int standin_main(const char *name, const TTest *const *tests, size_t n);

/* http://127.0.0.1:PORT */
const char *standin_base(void);
/* The stand-in's URL of path: a ring of 16 buffers, enough for one test. */
char *standin_url(const char *path);
/* Forgets routes, misbehaviour and the record. */
void standin_reset(void);
/* Adds a run-time route / a misbehaviour (spec stolen). */
void standin_route(json_t *spec);
void standin_misbehave(json_t *rule);
/* The n-th entry to path (borrowed) in a /__standin/requests array, or NULL. */
json_t *standin_entry(json_t *all, const char *path, int n);
/* The headers (new reference) of the n-th recorded request to path, or NULL. */
json_t *standin_recorded(const char *path, int n);
/* How many requests to path it recorded. */
int standin_count(const char *path);
/* Header name (lower case) of the n-th request to path, or NULL; a static copy. */
const char *standin_sent(const char *path, int n, const char *name);

#endif
