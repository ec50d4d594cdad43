// Helpers of the browser steps: the portal's runtime config, signing in
// (guest; an OAuth provider through its popup or redirect flow), and the
// session a provider's refresh endpoint gives back.

// A value of the runtime config the host rendered into index.html, by its
// dotted path (runtime-config.md); undefined when absent.
export async function config(page, path) {
  const data = await page.evaluate(() => {
    const el = document.querySelector('script[type="backstage.io/config"]');
    if (!el) return null;
    const all = JSON.parse(el.textContent);
    return Object.assign({}, ...all.map((c) => c.data));
  });
  if (!data) throw new Error('index.html has no backstage.io/config script');
  return path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), data);
}

// The sign-in page's card of one provider (its title as the app shows it).
export function providerCard(page, title) {
  return page.getByRole('listitem')
    .filter({ has: page.getByText(title, { exact: true }) });
}

// Waits until the app is past its sign-in page (its sidebar is there).
export async function signedIn(page) {
  await page.locator('nav[aria-label="sidebar nav"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: /^(enter|sign in)$/i }).first()
    .waitFor({ state: 'detached' });
}

// Clicks `button` and lets the OAuth flow run: the popup opens, goes
// through the provider and closes, or (redirect flow) the page itself goes
// there through a chain of redirects and loads the app again.
export async function oauthFlow(page, button, redirect) {
  if (redirect) {
    const main = page.mainFrame();
    await Promise.all([page.waitForEvent('framenavigated', (f) => f === main), button.click()]);
    await page.waitForLoadState();
    return;
  }
  const [popup] = await Promise.all([page.context().waitForEvent('page'), button.click()]);
  if (!popup.isClosed()) await popup.waitForEvent('close');
}

// The session of provider `id` as its refresh endpoint answers it to the
// page (the refresh cookie the flow set); throws on anything but 200.
export async function session(page, id) {
  const r = await page.evaluate(async (pid) => {
    const res = await fetch(`/api/auth/${pid}/refresh?env=development`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
      credentials: 'include',
    });
    return { status: res.status, body: await res.text() };
  }, id);
  if (r.status !== 200) throw new Error(`${id}/refresh answered ${r.status}: ${r.body}`);
  return JSON.parse(r.body);
}

export function check(cond, what) {
  if (!cond) throw new Error(what);
}

// The guest's page, signed in once (the steps after the guest sign-in
// step share it; a step run alone signs in here first).
export async function guestPage(t) {
  if (t.guest) return t.guest;
  const ctx = await t.newContext();
  const page = await ctx.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: /^enter$/i }).click();
  await signedIn(page);
  t.guest = page;
  return page;
}

// Adds a run-time route to a stand-in (tests/stubs/README.md, control API).
export async function standinRoute(url, route) {
  const r = await fetch(`${url}/__standin/routes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(route),
  });
  check(r.status === 201, `the stand-in at ${url} refused the route: ${r.status}`);
}
