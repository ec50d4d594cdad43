"""The integration suite's helpers: the stack's environment (from
`scripts/dev env`, exported by ./run), HTTP through nginx, stack control via
scripts/dev, drop-ins, logs, psql, and a tiny test registry.  Python 3
standard library only."""

import contextlib
import http.client
import json
import os
import re
import ssl
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEV = os.path.join(REPO, "scripts", "dev")


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError("%s is not set: run this through tests/integration/run" % name)
    return value


VAR = env("SH_VAR")
HTTPS_PORT = int(env("SH_HTTPS_PORT"))
HTTP_PORT = int(env("SH_HTTP_PORT"))
CONF = env("SH_CONF", os.path.join(VAR, "etc", "stagehand.ini"))
CONF_D = os.path.join(os.path.dirname(CONF), "conf.d")
PREFIX = env("SH_PREFIX", os.path.join(VAR, "install"))
RUN = env("SH_RUN", os.path.join(VAR, "run"))
LOG = os.environ.get("SH_LOG", "")
if not os.path.isdir(LOG):
    LOG = os.path.join(VAR, "log")
STAGEHANDD = os.path.join(PREFIX, "sbin", "stagehandd")

# The dev stack's certificate is self-signed; the tests check behaviour, not
# the PKI, so the client does not verify it.
TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


# ---------------------------------------------------------------- registry

TESTS = []


def test(fn):
    """Registers fn; tests run in registration order."""
    TESTS.append((fn.__name__, fn))
    return fn


class Skip(Exception):
    """Raised by a test whose subject is not built yet, with the reason:
    main.py prints "skip NAME: reason" and counts it apart."""


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


# ---------------------------------------------------------------- HTTP

class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise AssertionError("body is not JSON (%s): %r" % (e, self.body[:300]))

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


def connection(scheme="https", timeout=20):
    if scheme == "https":
        return http.client.HTTPSConnection("127.0.0.1", HTTPS_PORT, context=TLS,
                                           timeout=timeout)
    return http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=timeout)


def request(method, path, headers=None, body=None, scheme="https", timeout=20):
    """Sends one request on a fresh connection; the path goes out raw."""
    conn = connection(scheme, timeout)
    try:
        t0 = time.monotonic()
        conn.request(method, path, body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.getheaders(), data, time.monotonic() - t0)
    finally:
        conn.close()


def get(path, token=None, **kw):
    headers = kw.pop("headers", {})
    if token:
        headers["Authorization"] = "Bearer " + token
    return request("GET", path, headers=headers, **kw)


def try_get(path, **kw):
    """Like get, but a refused or reset connection is status 0."""
    try:
        return get(path, **kw)
    except (OSError, http.client.HTTPException) as e:
        return Response(0, [], str(e).encode(), 0)


# ---------------------------------------------------------------- JSON

ANY, STRING = "{{any}}", "{{string}}"


def json_diff(want, got, where="$"):
    """Differences between an expected JSON value (with the placeholders
    {{any}} and {{string}}) and an actual one; [] when they match."""
    if want == ANY:
        return []
    if want == STRING:
        return [] if isinstance(got, str) else ["%s: want a string, got %r" % (where, got)]
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return ["%s: want an object, got %r" % (where, got)]
        out = ["%s: unexpected key %r" % (where, k) for k in got if k not in want]
        out += ["%s: missing key %r" % (where, k) for k in want if k not in got]
        for k in want:
            if k in got:
                out += json_diff(want[k], got[k], "%s.%s" % (where, k))
        return out
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return ["%s: want %r, got %r" % (where, want, got)]
        out = []
        for i, (w, g) in enumerate(zip(want, got)):
            out += json_diff(w, g, "%s[%d]" % (where, i))
        return out
    if type(want) is not type(got) or want != got:
        return ["%s: want %r, got %r" % (where, want, got)]
    return []


def check_json(resp, want):
    ctype = resp.header("Content-Type") or ""
    check(ctype.startswith("application/json"),
          "Content-Type %r is not JSON (status %d, body %r)" % (ctype, resp.status, resp.body[:200]))
    diff = json_diff(want, resp.json())
    check(not diff, "JSON differs: %s; body %r" % ("; ".join(diff), resp.body[:500]))


def error_body(status, name, message=STRING, method="GET", url=STRING):
    """The Backstage error shape (spec/catalog.md section 6)."""
    return {"error": {"name": name, "message": message},
            "request": {"method": method, "url": url},
            "response": {"statusCode": status}}


# ---------------------------------------------------------------- stack control

def dev(*args, timeout=180):
    """Runs scripts/dev; returns (rc, output).  Output also goes to the log."""
    try:
        p = subprocess.run([DEV] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        rc, out = p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        rc, out = -1, (e.output or b"").decode("utf-8", "replace") + "\n(timed out)"
    with open(os.path.join(LOG, "itest-dev.log"), "a") as f:
        f.write("$ scripts/dev %s -> %d\n%s\n" % (" ".join(args), rc, out))
    return rc, out


def dev_ok(*args, timeout=180):
    rc, out = dev(*args, timeout=timeout)
    check(rc == 0, "scripts/dev %s failed (%d): %s" % (" ".join(args), rc, out[-800:]))


def wait_for(fn, timeout, interval=0.2):
    """Polls fn until it returns a true value; returns that value or None."""
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() >= end:
            return v
        time.sleep(interval)


def wait_status(path, status, timeout=30, **kw):
    r = wait_for(lambda: (lambda x: x if x.status == status else None)(try_get(path, **kw)),
                 timeout)
    check(r is not None, "%s did not answer %d within %d s (last: %r)"
          % (path, status, timeout, try_get(path, **kw)))
    return r


def restart_main(path="/api/shtest/public"):
    dev_ok("pool", "restart", "main")
    wait_status(path, 200)


def pool_pid(pool="main"):
    with open(os.path.join(RUN, pool + ".pid")) as f:
        return int(f.read().strip())


def pid_gone(pid):
    """True once pid has exited (a zombie counts: it no longer serves)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@contextlib.contextmanager
def dropin(name, text):
    """A conf.d drop-in that exists only inside the with block."""
    path = os.path.join(CONF_D, name)
    with open(path, "w") as f:
        f.write(text)
    try:
        yield path
    finally:
        os.unlink(path)


@contextlib.contextmanager
def main_with(name, text):
    """Pool main restarted with the conf.d drop-in `name` for the block (a
    plugin turned on, say), then restarted without it; yields the log
    offset at the start.  The block's log must hold no sanitizer report."""
    offset = log_size()
    try:
        with dropin(name, text):
            restart_main()
            yield offset
    finally:
        restart_main()
        check_no_sanitizer_reports(log_since(offset))


def stagehandd(*args, timeout=60):
    """Runs stagehandd with the stack's config; returns (rc, stdout, stderr)."""
    p = subprocess.run([STAGEHANDD, "--config", CONF] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def _psql(args, script=None):
    p = subprocess.run(["psql", "-X", "-At", "-h", env("SH_PG_SOCK"), "-p", env("SH_PG_PORT"),
                        "-U", "stagehand", "-d", "stagehand"] + args,
                       input=script.encode("utf-8") if script is not None else None,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    check(p.returncode == 0, "psql failed: %s" % p.stderr.decode("utf-8", "replace"))
    return p.stdout.decode("utf-8", "replace")


def psql(sql):
    """One -c string: what its last statement printed."""
    return _psql(["-c", sql])


def psql_script(sql):
    """A script of statements (BEGIN ... ROLLBACK included), stopping at the
    first error: what each of its queries printed, one row per line."""
    return _psql(["-q", "-v", "ON_ERROR_STOP=1"], sql)


# ---------------------------------------------------------------- logs

def log_path(pool="main"):
    return os.path.join(LOG, pool + ".log")


def log_size(pool="main"):
    try:
        return os.path.getsize(log_path(pool))
    except FileNotFoundError:
        return 0


def log_since(offset, pool="main"):
    try:
        with open(log_path(pool), "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


SANITIZER = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|Sanitizer:DEADLYSIGNAL")


def check_no_sanitizer_reports(text):
    """A sanitizer build writes its reports to the pool's stderr (the log)."""
    m = SANITIZER.search(text)
    check(not m, "sanitizer report in the pool log: %r" % text[max(0, m.start() - 200):m.start() + 1500]
          if m else "")


STOPPED = re.compile(r'^.*msg="stopped".*$', re.M)


def check_stopped_clean(text):
    """The host's exit line: msg="stopped" with leased=0 arenas=0."""
    lines = [m.group(0) for m in STOPPED.finditer(text)]
    check(lines, "no msg=\"stopped\" line in the pool log: %r" % text[-1500:])
    last = lines[-1]
    check(re.search(r"\bleased=0\b", last) and re.search(r"\barenas=0\b", last),
          "the stop line does not report leased=0 arenas=0: %r" % last)
