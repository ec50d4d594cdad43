// The browser stage's steps, in order (run.mjs runs them).  Expected
// values come from the demo catalog (examples/catalog), the fixture catalog
// (tests/data/catalog: checkout-service) and the stand-ins' fixtures
// (tests/data/upstream/{jenkins,github,perch}); the stack's drop-in is
// tests/browser/stack.sh's.
import {
  check, config, guestPage, oauthFlow, providerCard, session, signedIn, standinRoute,
} from './portal.mjs';
import { perchStep } from './perch.mjs';

// The demo catalog's components, title and name.
const COMPONENTS = [
  ['Booking Web', 'booking-web'], ['Booking Service', 'booking-service'],
  ['Quote Service', 'quote-service'], ['Invoicing Service', 'invoicing-service'],
  ['Tracking Web', 'tracking-web'], ['Tracking Service', 'tracking-service'],
  ['AIS Ingest', 'ais-ingest'], ['Port Gateway', 'port-gateway'],
  ['Harbour Go kit', 'harbour-go-kit'], ['Design System', 'design-system'],
];
const APIS = [['Booking API', 'booking-api'], ['Tracking API', 'tracking-api']];
const either = ([title, name]) => new RegExp(`^(${title}|${name})$`);

// A row of the catalog table naming an entity (by title or name).
function entityLink(page, entry) {
  return page.getByRole('link', { name: either(entry) }).first();
}

// Opens a tab of an entity page.
async function openTab(page, name) {
  await page.getByRole('tab', { name }).click();
}

async function signInPage(t) {
  const ctx = await t.newContext();
  t.page = await ctx.newPage();
  await t.page.goto('/');
  const providers = await config(t.page, 'stagehand.signIn.providers');
  check(JSON.stringify(providers) === '["guest","openchoreo-auth","github"]',
    `stagehand.signIn.providers is ${JSON.stringify(providers)}`);
  await t.page.getByRole('button', { name: /^enter$/i }).waitFor();
  const buttons = t.page.getByRole('button', { name: /^(enter|sign in)$/i });
  await buttons.nth(providers.length - 1).waitFor();
  check(await buttons.count() === providers.length,
    `${await buttons.count()} sign-in buttons for ${providers.length} providers`);
  const outside = await t.page.evaluate(() =>
    fetch('https://example.com/', { mode: 'no-cors' }).then(() => 'reached', () => 'refused'));
  check(outside === 'refused', 'a request outside 127.0.0.1 was not refused');
}

async function signInGuest(t) {
  const ctx = await t.newContext();
  const page = await ctx.newPage();
  t.page = page;
  await page.goto('/');
  await page.getByRole('button', { name: /^enter$/i }).click();
  await signedIn(page);
  t.guest = page;
}

async function catalogList(t) {
  const page = (t.page = await guestPage(t));
  await page.goto('/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=all');
  for (const c of COMPONENTS) await entityLink(page, c).waitFor();
}

async function kindPicker(t) {
  const page = (t.page = await guestPage(t));
  await page.goto('/catalog?filters%5Bkind%5D=component&filters%5Buser%5D=all');
  await entityLink(page, COMPONENTS[0]).waitFor();
  await page.getByLabel(/^kind$/i).or(page.getByRole('combobox', { name: /kind/i })).first().click();
  await page.getByRole('option', { name: /^api$/i }).click();
  for (const a of APIS) await entityLink(page, a).waitFor();
  await entityLink(page, COMPONENTS[0]).waitFor({ state: 'detached' });
  check(/filters%5Bkind%5D=api|filters\[kind\]=api/i.test(page.url()), `url ${page.url()}`);
}

// The card (an <article>) whose heading matches `name`.
function card(page, name) {
  return page.getByRole('heading', { name }).first().locator('xpath=ancestor::article[1]');
}

async function aboutCard(t) {
  const page = (t.page = await guestPage(t));
  await page.goto('/catalog/default/component/booking-service');
  const about = card(page, /^about$/i);
  await about.getByText(/^owner$/i).waitFor();
  await about.locator('a[href$="/catalog/default/group/shipments-team"]').first().waitFor();
  await about.getByText(/^system$/i).waitFor();
  await about.locator('a[href$="/catalog/default/system/shipments"]').first().waitFor();
}

async function groupMembers(t) {
  const page = (t.page = await guestPage(t));
  await page.goto('/catalog/default/group/shipments-team');
  const members = card(page, /members \(2 of 2\)/i);
  await members.getByText('Bruno Costa').first().waitFor();
  await members.getByText('Chiara Rossi').first().waitFor();
}

async function idpSignIn(t) {
  const ctx = await t.newContext();
  const page = (t.page = await ctx.newPage());
  const before = await (await fetch(`${t.idp}/_status`)).json();
  await page.goto('/');
  const redirect = (await config(page, 'enableExperimentalRedirectFlow')) === true;
  t.note(`sign-in flow: ${redirect ? 'redirect' : 'popup'}`);
  const card = providerCard(page, 'OpenChoreo');
  await oauthFlow(page, card.getByRole('button', { name: /^sign in$/i }), redirect);
  await signedIn(page);
  const s = await session(page, 'openchoreo-auth');
  const ref = s.backstageIdentity?.identity?.userEntityRef;
  check(ref === 'user:default/alice@example.com', `signed in as ${ref}`);
  const after = await (await fetch(`${t.idp}/_status`)).json();
  check(after.authorize > before.authorize, 'the IdP saw no /authorize');
}

// The row of a table whose text includes `text`.
function row(page, text) {
  return page.getByRole('row').filter({ hasText: text }).first();
}

async function jenkinsTab(t) {
  const page = (t.page = await guestPage(t));
  await page.goto('/catalog/default/component/checkout-service');
  await openTab(page, /^ci\/cd$/i);
  const build = async (name, status) =>
    row(page, `oracle » checkout-service » ${name}`).getByText(status, { exact: true }).waitFor();
  await build('main', 'Completed');
  await build('PR-42', 'Failed');
  await build('feature/faster-cart', 'In progress');
}

// The GitHub stand-in as github.com: its consent takes whatever scopes the
// app asks for (the fixture lists "read:user repo"; ScmAuth adds
// read:org), and the first page of runs is the fixture's whatever the page
// size (recorded with per_page=6; plugin-github-actions 1.3 asks for 5).
async function githubWorld(github) {
  await standinRoute(github, { method: 'GET', path: '/login/oauth/authorize',
    fixture: 'github-oauth/oauth-authorize' });
  await standinRoute(github, { method: 'GET', path: '/repos/oracle-org/checkout-service/actions/runs',
    query: { page: '1' }, fixture: 'github/runs-page1' });
}

async function githubTab(t) {
  check(t.github, 'GITHUB_URL is not set');
  await githubWorld(t.github);
  const page = (t.page = await guestPage(t));
  await page.goto('/catalog/default/component/checkout-service');
  await openTab(page, /^github actions$/i);
  const redirect = (await config(page, 'enableExperimentalRedirectFlow')) === true;
  await oauthFlow(page, page.getByRole('button', { name: /^log ?in$/i }), redirect);
  await row(page, 'Speed up cart totals').waitFor();
  await row(page, 'Retry payment authorisation on 502').waitFor();
  await row(page, 'Cache cart totals per session').waitFor();
}

// The Docs tab renders the fixture site (tests/data/catalog/mkdocs.yml and
// docs/, built by the techdocs plugin on /sync) in the TechDocs reader
// (whose shadow DOM the locators pierce); its link to the second page works.
// The reader shows the page to a person: it keeps the page at opacity 0
// until the site's stylesheets load (locators alone pass an invisible page).
async function docsRevealed(page) {
  await page.waitForFunction(() => {
    const host = document.querySelector('[data-testid="techdocs-native-shadowroot"]');
    const html = host && host.shadowRoot && host.shadowRoot.querySelector('html');
    return !!html && getComputedStyle(html).opacity === '1';
  });
}

async function docsTab(t) {
  const page = (t.page = await guestPage(t));
  await page.goto('/catalog/default/component/checkout-service');
  await openTab(page, /^docs$/i);
  const doc = page.getByTestId('techdocs-native-shadowroot');
  await doc.getByText('The checkout service owns carts, orders and the checkout flow').waitFor();
  await doc.getByRole('heading', { name: 'Responsibilities' }).waitFor();
  await docsRevealed(page);
  await doc.getByRole('link', { name: 'on-call runbook' }).click();
  await doc.getByRole('heading', { name: 'On-call runbook' }).waitFor();
  await doc.getByRole('heading', { name: 'Checkout latency alert' }).waitFor();
  await docsRevealed(page);
  await doc.getByRole('heading', { name: 'On-call runbook' }).scrollIntoViewIfNeeded();
  check(/\/docs\/runbooks\/on-call\/?$/.test(new URL(page.url()).pathname), `url ${page.url()}`);
}

export const steps = [
  { name: 'the sign-in page', run: signInPage },
  { name: 'sign in as guest', run: signInGuest },
  { name: 'the catalog lists the demo components', run: catalogList },
  { name: 'the kind picker switches to APIs', run: kindPicker },
  { name: 'an About card shows owner and system', run: aboutCard },
  { name: 'a group page lists its members', run: groupMembers },
  { name: 'sign in through the OpenChoreo IdP', run: idpSignIn },
  { name: 'the CI/CD tab lists the Jenkins builds', run: jenkinsTab },
  { name: 'the GitHub Actions tab lists the runs', run: githubTab },
  { name: 'an Ask Perch answer appears word by word', run: perchStep },
  { name: 'the Docs tab renders the docs and links', run: docsTab, techdocs: true },
];
