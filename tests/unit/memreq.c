/*
 * The request fixture of memreq.h: memio plus a gone() that reports the
 * hang-up a test sets, as the FastCGI io does when nginx closes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "memreq.h"

static int fake_gone(void *ctx)
{
	struct memreq *m = (struct memreq *)((char *)ctx - offsetof(struct memreq, io));

	m->gone_polls++;
	return m->hangup || (m->hangup_after > 0 && m->gone_polls >= m->hangup_after);
}

void memreq_begin(struct memreq *m, const char *uri)
{
	struct host_io hio;

	memset(m, 0, sizeof(*m));
	memio_init(&m->io);
	memio_param(&m->io, "REQUEST_METHOD", "GET");
	memio_param(&m->io, "REQUEST_URI", uri);
	hio = memio_io(&m->io);
	hio.gone = fake_gone;
	ck_assert_int_eq(host_req_begin(&m->req, &m->host, &hio), 0);
}

void memreq_end(struct memreq *m)
{
	host_req_finish(&m->req);
	memio_free(&m->io);
	ck_assert_int_eq(host_arena_live(), 0);
}

const char *memreq_body(const struct memreq *m)
{
	const char *end = m->io.out ? strstr(m->io.out, "\r\n\r\n") : NULL;

	return end ? end + 4 : "";
}

struct memreq fx;
static const char *fx_uri;

static void fx_setup(void)
{
	memreq_begin(&fx, fx_uri);
}

static void fx_teardown(void)
{
	memreq_end(&fx);
}

int memreq_main(const char *name, const char *uri, const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	fx_uri = uri;
	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	for (size_t i = 0; i < n; i++)
		_tcase_add_test(tc, tests[i], 0, 0, 0, 1);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
