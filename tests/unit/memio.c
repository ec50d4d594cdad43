/*
 * The in-memory host_io of memio.h: lets the request and reply suites drive
 * a request without FastCGI and compare the exact bytes written.
 */
#include <stdlib.h>
#include <string.h>

#include "memio.h"

void memio_init(struct memio *m)
{
	memset(m, 0, sizeof(*m));
	m->write_limit = -1;
}

void memio_param(struct memio *m, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < m->n_params; i++) {
		if (!strcmp(m->names[i], name)) {
			m->values[i] = value;
			return;
		}
	}
	if (m->n_params == MEMIO_MAX_PARAMS)
		abort();
	m->names[m->n_params] = name;
	m->values[m->n_params++] = value;
}

void memio_body(struct memio *m, const char *body, size_t len)
{
	m->body = body;
	m->body_len = len;
	m->body_pos = 0;
}

static const char *mem_param(void *ctx, const char *name)
{
	struct memio *m = ctx;
	size_t i;

	for (i = 0; i < m->n_params; i++)
		if (!strcmp(m->names[i], name))
			return m->values[i];
	return NULL;
}

static long mem_read(void *ctx, char *buf, size_t len)
{
	struct memio *m = ctx;
	size_t n = m->body_len - m->body_pos;

	if (n == 0)
		return m->read_error ? -1 : 0;
	if (n > len)
		n = len;
	if (m->read_chunk && n > m->read_chunk)
		n = m->read_chunk;
	memcpy(buf, m->body + m->body_pos, n);
	m->body_pos += n;
	return (long)n;
}

static int mem_write(void *ctx, const void *buf, size_t len)
{
	struct memio *m = ctx;

	if (m->write_limit >= 0 && m->out_len + len > (size_t)m->write_limit)
		return -1;
	if (m->out_len + len + 1 > m->out_cap) {
		m->out_cap = 2 * (m->out_len + len + 1);
		m->out = realloc(m->out, m->out_cap);
		if (!m->out)
			abort();
	}
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
	m->out[m->out_len] = '\0';
	return 0;
}

static int mem_flush(void *ctx)
{
	struct memio *m = ctx;

	if (m->write_limit >= 0 && m->out_len >= (size_t)m->write_limit)
		return -1;
	m->flushes++;
	return 0;
}

struct host_io memio_io(struct memio *m)
{
	struct host_io io = { mem_param, mem_read, mem_write, mem_flush, m, NULL };

	return io;
}

void memio_free(struct memio *m)
{
	free(m->out);
	m->out = NULL;
	m->out_len = m->out_cap = 0;
}
