// The portal in a real browser: headless chromium (Debian's) driven by
// playwright-core against the stack tests/browser/run brought up.  Each
// step prints "ok N - name" or "not ok N - name" (then its reason), and
// leaves a screenshot SHOTS_DIR/NN-name.png; the last line is "N passed,
// N failed".  Every request to a host other than 127.0.0.1 is refused.
// Waits are by locator (a step fails when what it waits for does not show
// within STEP_TIMEOUT_MS), never fixed sleeps.
//
// Environment: PORTAL_URL (https://127.0.0.1:PORT), SHOTS_DIR, IDP_URL (the
// IdP stand-in), CHROMIUM (/usr/bin/chromium), BROWSER_STEPS_TECHDOCS=1 to
// run the Docs tab step.  Arguments: run only the steps whose names contain
// one of them (the guest still signs in first when a step needs it).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { steps } from './steps.mjs';

const env = process.env;
const base = env.PORTAL_URL;
const shots = env.SHOTS_DIR || 'shots';
const timeout = Number(env.STEP_TIMEOUT_MS || 20000);
if (!base) {
  console.error('run.mjs: PORTAL_URL is not set (run tests/browser/run)');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const refused = new Set();

// Everything but 127.0.0.1 is refused, popups and redirects included.
async function guard(route) {
  const url = new URL(route.request().url());
  if (url.hostname === '127.0.0.1') return route.continue();
  refused.add(url.origin);
  return route.abort('blockedbyclient');
}

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
});

async function newContext() {
  const ctx = await browser.newContext({
    baseURL: base,
    ignoreHTTPSErrors: true,
    viewport: { width: 1440, height: 900 },
  });
  ctx.setDefaultTimeout(timeout);
  await ctx.route('**/*', guard);
  return ctx;
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const wanted = (name) =>
  process.argv.length <= 2 || process.argv.slice(2).some((w) => name.includes(w));

const t = {
  base, idp: env.IDP_URL, agent: env.AGENT_URL, github: env.GITHUB_URL,
  newContext, page: null, guest: null, notes: [],
  note(text) { this.notes.push(text); },
};
const list = steps.filter((s) => !s.techdocs || env.BROWSER_STEPS_TECHDOCS === '1');
let n = 0;
let passed = 0;
let failed = 0;
for (const step of list) {
  if (!wanted(step.name)) continue;
  n += 1;
  let error = null;
  try {
    await step.run(t);
  } catch (e) {
    error = e;
  }
  const file = join(shots, `${String(n).padStart(2, '0')}-${slug(step.name)}.png`);
  if (t.page && !t.page.isClosed()) {
    await t.page.screenshot({ path: file, fullPage: false }).catch(() => {});
  }
  if (error) {
    failed += 1;
    console.log(`not ok ${n} - ${step.name}`);
    const why = String(error.message || error).replace(/\x1b\[[0-9;]*m/g, '');
    console.log(`# ${why.split('\n').slice(0, 6).join('\n# ')}`);
  } else {
    passed += 1;
    console.log(`ok ${n} - ${step.name}`);
  }
  for (const text of t.notes.splice(0)) console.log(`# ${text}`);
}
if (refused.size) console.log(`# refused (not 127.0.0.1): ${[...refused].join(' ')}`);
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !n ? 1 : 0);
