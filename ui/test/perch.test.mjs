// Tests of the Ask Perch panel's logic (src/components/perch/): the NDJSON
// reader, the chat call against a local HTTP server that streams its
// answer, its error messages, and the scope of an entity.  Run with
// `npm test` (node's test runner; esbuild, which @backstage/cli brings,
// turns the TypeScript sources into one module first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-test-'));
await build({
  stdin: {
    contents: `export * from './chat'; export * from './ndjson'; export * from './scopeOf';`,
    resolveDir: path.join(here, '../src/components/perch'),
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  outfile: path.join(out, 'perch.mjs'),
  logLevel: 'error',
});
const perch = await import(pathToFileURL(path.join(out, 'perch.mjs')).href);
fs.rmSync(out, { recursive: true, force: true });

// A ReadableStream of the given byte chunks.
const streamOf = (chunks) =>
  new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(typeof x === 'string' ? new TextEncoder().encode(x) : x);
      c.close();
    },
  });

async function collect(chunks) {
  const got = [];
  await perch.readNdjson(streamOf(chunks), (v) => got.push(v));
  return got;
}

test('lines split across reads, a multi-byte character cut in two, a last line without newline', async () => {
  const euro = new TextEncoder().encode('{"content":"€"}\n');
  const got = await collect([
    '{"type":"message_chunk","con',
    'tent":"a"}\n\n{"type":"done"',
    '}\n',
    euro.slice(0, 13),
    euro.slice(13),
    '{"type":"x"}',
  ]);
  assert.deepEqual(got, [
    { type: 'message_chunk', content: 'a' },
    { type: 'done' },
    { content: '€' },
    { type: 'x' },
  ]);
});

test('a line that is not JSON and a line over the cap are errors', async () => {
  await assert.rejects(collect(['{"a":1}\nnot json\n']), /not JSON: not json/);
  const big = 'x'.repeat(perch.MAX_LINE + 1);
  await assert.rejects(collect([big]), /line over/);
});

// A server whose answer is one line, then (only after `release`) the rest.
function startServer(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${server.address().port}/api/perch` })),
  );
}

// A client that waits for the whole body never releases the server: the
// timeout fails it.
test('each delta is handed over as it arrives, with the request the agent expects', { timeout: 10000 }, async () => {
  let release;
  const released = new Promise((r) => (release = r));
  let seen;
  const { server, base } = await startServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      seen = { url: req.url, headers: req.headers, body: JSON.parse(body) };
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"type":"tool_call","tool":"t","activeForm":"Looking"}\n{"type":"message_chunk","content":"What "}\n');
      await released; // the client must have rendered the first delta by now
      res.end('{"type":"message_chunk","content":"happened"}\n{"type":"done","message":"What happened"}\n');
    });
  });
  const events = [];
  try {
    await perch.streamChat({
      baseUrl: base,
      token: 'idp-token',
      messages: [{ role: 'user', content: 'Why?' }],
      scope: { namespace: 'oracle', component: 'checkout-service' },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'message_chunk' && e.content === 'What ') release();
      },
    });
  } finally {
    server.close();
  }
  assert.deepEqual(events.map((e) => e.type), ['tool_call', 'message_chunk', 'message_chunk', 'done']);
  assert.equal(seen.url, '/api/perch/api/v1alpha1/portal-assistant/chat');
  assert.equal(seen.headers.authorization, 'Bearer idp-token');
  assert.equal(seen.headers.accept, 'application/x-ndjson');
  assert.deepEqual(seen.body, {
    messages: [{ role: 'user', content: 'Why?' }],
    scope: { namespace: 'oracle', component: 'checkout-service' },
  });
});

test('no token, no Authorization; at most 50 messages go out', async () => {
  let seen;
  const { server, base } = await startServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen = { headers: req.headers, body: JSON.parse(body) };
      res.end('{"type":"done","message":""}\n');
    });
  });
  const messages = Array.from({ length: 60 }, (_, i) => ({ role: 'user', content: `q${i}` }));
  try {
    await perch.streamChat({ baseUrl: base, messages, scope: {}, onEvent: () => {} });
  } finally {
    server.close();
  }
  assert.equal(seen.headers.authorization, undefined);
  assert.equal(seen.body.messages.length, 50);
  assert.equal(seen.body.messages[49].content, 'q59');
});

test('error answers read as the agent words them', async () => {
  const answers = [
    [401, { detail: { error: 'MISSING_TOKEN', message: 'Authorization header required' } }, 'The assistant answered 401: Authorization header required'],
    [502, { error: 'BAD_GATEWAY', message: 'Failed to reach portal-assistant', request_id: 'r' }, 'The assistant answered 502: Failed to reach portal-assistant'],
    [413, { error: { name: 'PayloadTooLargeError', message: 'request entity too large' } }, 'The assistant answered 413: request entity too large'],
    [503, 'plain text', 'The assistant answered 503: Service Unavailable'],
  ];
  for (const [status, body, want] of answers) {
    const { server, base } = await startServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      });
    });
    try {
      await assert.rejects(
        perch.streamChat({ baseUrl: base, messages: [], scope: {}, onEvent: () => {} }),
        (e) => e.message === want || assert.fail(`${status}: ${e.message}`),
      );
    } finally {
      server.close();
    }
  }
  await assert.rejects(
    perch.streamChat({ baseUrl: 'http://127.0.0.1:1/api/perch', messages: [], scope: {}, onEvent: () => {} }),
    /^Error: Could not reach the assistant/,
  );
});

test('an entity scope prefers the openchoreo.io annotations', () => {
  const component = {
    kind: 'Component',
    metadata: { name: 'checkout-service', namespace: 'default', annotations: { 'openchoreo.io/namespace': 'oracle', 'openchoreo.io/project': 'checkout' } },
    spec: { system: 'shop' },
  };
  assert.deepEqual(perch.scopeOf(component), { namespace: 'oracle', project: 'checkout', component: 'checkout-service' });
  const api = { kind: 'API', metadata: { name: 'orders', namespace: 'default' }, spec: { system: 'shop' } };
  assert.deepEqual(perch.scopeOf(api), { namespace: 'default', project: 'shop' });
  assert.deepEqual(perch.scopeOf({ kind: 'Group', metadata: { name: 'g' } }), {});
});
