/*
 * The request fixture of memreq.h: memio plus a gone() that reports the
 * hang-up a test sets, as the FastCGI io does when nginx closes.
 */
#include <check.h>
#include <string.h>

#include "memreq.h"

static int fake_gone(void *ctx)
{
	struct memreq *m = (struct memreq *)((char *)ctx - offsetof(struct memreq, io));

	m->gone_polls++;
	return m->hangup;
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
