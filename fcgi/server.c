/*
 * Serving: one unix listen socket shared by N worker threads, each looping
 * on FCGX_Accept_r without a mutex (Linux needs no accept serialisation, and
 * a mutex would let one kept-alive connection stall the pool), dispatching
 * through the router, and a bounded drain on stop.
 */
#define _GNU_SOURCE     /* POLLRDHUP */
#include <errno.h>
#include <fcgiapp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "req.h"
#include "server.h"

struct worker {
	struct server *srv;
	pthread_t tid;
	FCGX_Request rq;
	atomic_bool busy;
	bool started;
};

struct server {
	struct sh_host *h;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	ino_t ino;
	int n_workers;
	struct worker *workers;
	pthread_mutex_t lock;
	pthread_cond_t done;
	int running;              /* worker threads not yet finished */
};

/* ---------------------------------------------------------------- FastCGI io */

static const char *fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long fcgi_read(void *ctx, char *buf, size_t len)
{
	int n = FCGX_GetStr(buf, len > 1 << 30 ? 1 << 30 : (int)len, ((FCGX_Request *)ctx)->in);

	return n < 0 ? -1 : n;
}

static int fcgi_write(void *ctx, const void *buf, size_t len)
{
	FCGX_Stream *out = ((FCGX_Request *)ctx)->out;

	while (len > 0) {
		int chunk = len > 1 << 30 ? 1 << 30 : (int)len;

		if (FCGX_PutStr(buf, chunk, out) != chunk)
			return -1;
		buf = (const char *)buf + chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

static int fcgi_flush(void *ctx)
{
	return FCGX_FFlush(((FCGX_Request *)ctx)->out) == 0 ? 0 : -1;
}

/* nginx closes the FastCGI connection when the client aborts.  POLLRDHUP
 * says so even while unread request records still sit in the socket. */
static int fcgi_gone(void *ctx)
{
	struct pollfd p = { .fd = ((FCGX_Request *)ctx)->ipcFd, .events = POLLRDHUP };

	return p.fd >= 0 && poll(&p, 1, 0) == 1 &&
	       (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

/* ---------------------------------------------------------------- dispatch */

/* A route's accepted query keys: any other is a 400 InputError, as
 * Backstage's routers answer.  False when that reply was sent. */
static bool query_allowed(struct sh_req *req, const char *const *allowed)
{
	const char *k, *v;
	size_t j;

	for (size_t i = 0; allowed && i < sh_req_query_count(req); i++) {
		if (sh_req_query_at(req, i, &k, &v) != 0)
			continue;
		for (j = 0; allowed[j] && strcmp(allowed[j], k) != 0; j++)
			;
		if (!allowed[j]) {
			sh_fail(req, 400, "InputError", "Unknown query parameter '%s'", k);
			return false;
		}
	}
	return true;
}

static void dispatch(struct sh_req *req)
{
	struct sh_host *h = req->host;
	enum host_match_result r;
	int status;

	r = host_router_match(h->router, req->method, req->segs, req->n_segs,
			      req->arena, &req->match);
	if (r == HOST_MATCH_NOT_FOUND) {
		sh_fail(req, 404, "NotFoundError", "No route for %s %s", req->method, req->path);
		return;
	}
	if (r == HOST_MATCH_BAD_METHOD) {
		sh_reply_header(req, "Allow", req->match.allow);
		sh_fail(req, 405, "MethodNotAllowedError", "Method %s is not allowed on %s",
			req->method, req->path);
		return;
	}
	host_req_bind(req, &req->match);
	host_log_context(req->plugin ? req->plugin->info->name : NULL, req->request_id);
	if (host_identity_check(req, host_route_auth(req->match.route)) != 0)
		return;
	if (!query_allowed(req, host_route_query(req->match.route)))
		return;
	status = host_route_fn(req->match.route)(req, host_route_state(req->match.route));
	if (req->status == 0) {
		sh_log(SH_LOG_ERROR, "handler returned %d without replying", status);
		sh_fail(req, 500, "Error", "internal error");
	}
	host_cache_after(req);
}

void server_handle(struct sh_host *h, const struct host_io *io)
{
	struct sh_req req;

	memset(&req, 0, sizeof req);
	if (host_req_begin(&req, h, io) == 0)
		dispatch(&req);
	if (req.status >= 500)
		sh_log(SH_LOG_INFO, "%s %s -> %d", req.method ? req.method : "-",
		       req.path ? req.path : "-", req.status);
	else
		sh_log(SH_LOG_DEBUG, "%s %s -> %d", req.method ? req.method : "-",
		       req.path ? req.path : "-", req.status);
	host_req_finish(&req);
	host_log_context(NULL, NULL);
}

/* ---------------------------------------------------------------- workers */

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct server *s = w->srv;
	struct host_io io = { fcgi_param, fcgi_read, fcgi_write, fcgi_flush, &w->rq, fcgi_gone };

	while (!atomic_load(&s->h->stopping)) {
		if (FCGX_Accept_r(&w->rq) < 0) {
			if (atomic_load(&s->h->stopping))
				break;
			/* A failed accept (client reset mid-handshake): try again, gently. */
			usleep(1000);
			continue;
		}
		atomic_store(&w->busy, true);
		server_handle(s->h, &io);
		FCGX_Finish_r(&w->rq);
		atomic_store(&w->busy, false);
	}
	FCGX_Free(&w->rq, 1);
	pthread_mutex_lock(&s->lock);
	s->running--;
	pthread_cond_signal(&s->done);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---------------------------------------------------------------- socket */

/* Refuses a socket path another live process listens on; removes a stale one. */
static int clear_path(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (lstat(sa->sun_path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "socket %s: exists and is not a socket", sa->sun_path);
		return SH_EINVAL;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return SH_EIO;
	}
	rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "socket %s: another process is serving it", sa->sun_path);
		return SH_EINVAL;
	}
	unlink(sa->sun_path);
	return 0;
}

static int open_listener(struct server *s, const char *path, unsigned mode,
			 char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;

	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "socket %s: path longer than %zu bytes", path,
			 sizeof sa.sun_path - 1);
		return SH_EINVAL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (clear_path(&sa, err, errlen) != 0)
		return SH_EINVAL;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    chmod(path, mode) != 0 || listen(s->fd, 1024) != 0 || stat(path, &st) != 0) {
		snprintf(err, errlen, "socket %s: %s", path, strerror(errno));
		return SH_EIO;
	}
	memcpy(s->path, sa.sun_path, sizeof s->path);
	s->ino = st.st_ino;
	return 0;
}

struct server *server_open(struct sh_host *h, const char *path, unsigned mode,
			   int threads, char *err, size_t errlen)
{
	struct server *s = sh_xcalloc(1, sizeof *s);

	s->h = h;
	s->fd = -1;
	s->n_workers = threads;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->done, NULL);
	if (FCGX_Init() != 0) {
		snprintf(err, errlen, "FCGX_Init failed");
		server_close(s);
		return NULL;
	}
	if (open_listener(s, path, mode, err, errlen) != 0) {
		server_close(s);
		return NULL;
	}
	return s;
}

int server_start(struct server *s, char *err, size_t errlen)
{
	s->workers = sh_xcalloc((size_t)s->n_workers, sizeof *s->workers);
	for (int i = 0; i < s->n_workers; i++) {
		struct worker *w = &s->workers[i];
		int rc;

		w->srv = s;
		FCGX_InitRequest(&w->rq, s->fd, FCGI_FAIL_ACCEPT_ON_INTR);
		pthread_mutex_lock(&s->lock);
		s->running++;
		pthread_mutex_unlock(&s->lock);
		rc = pthread_create(&w->tid, NULL, worker_main, w);
		if (rc != 0) {
			pthread_mutex_lock(&s->lock);
			s->running--;
			pthread_mutex_unlock(&s->lock);
			snprintf(err, errlen, "worker thread: %s", strerror(rc));
			return SH_EIO;
		}
		w->started = true;
	}
	return 0;
}

int server_stop(struct server *s, int timeout_s)
{
	struct timespec deadline;
	int rc = 0;

	atomic_store(&s->h->stopping, true);
	FCGX_ShutdownPending();
	/* accept() in every idle worker returns EINVAL once the listener is shut down. */
	if (s->fd >= 0)
		shutdown(s->fd, SHUT_RDWR);
	/* Workers parked on a kept-alive connection are kicked off it; busy ones finish. */
	for (int i = 0; s->workers && i < s->n_workers; i++) {
		struct worker *w = &s->workers[i];

		if (w->started && !atomic_load(&w->busy) && w->rq.ipcFd >= 0)
			shutdown(w->rq.ipcFd, SHUT_RDWR);
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_s;
	pthread_mutex_lock(&s->lock);
	while (s->running > 0 && rc == 0)
		if (pthread_cond_timedwait(&s->done, &s->lock, &deadline) == ETIMEDOUT)
			rc = SH_ETIMEDOUT;
	pthread_mutex_unlock(&s->lock);
	if (rc != 0)
		return rc;
	for (int i = 0; s->workers && i < s->n_workers; i++)
		if (s->workers[i].started)
			pthread_join(s->workers[i].tid, NULL);
	return 0;
}

void server_close(struct server *s)
{
	struct stat st;

	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	/* Only our own socket: a successor may already have bound the same path. */
	if (s->path[0] && stat(s->path, &st) == 0 && st.st_ino == s->ino)
		unlink(s->path);
	free(s->workers);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->done);
	free(s);
}
