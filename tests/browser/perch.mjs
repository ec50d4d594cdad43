// The Ask Perch step: the stand-in agent (scripts/lib/agent.sh) is told to
// answer any chat with the recorded build-failure conversation, 300 ms
// between lines; the page records every render of the answer
// while it streams, and the step asserts at least two intermediate renders
// with growing text before the final one.
import { check, guestPage, standinRoute } from './portal.mjs';

const CHAT = '/api/v1alpha1/portal-assistant/chat';
const LAST = 're-run the build';         // only in its last chunk
const PAUSE_MS = 300;                     // between two lines of the answer

// In the page: every distinct text of the answer (the panel's last
// perch-answer element) as the DOM changes, into window.__perchRenders.
function record() {
  const renders = [];
  window.__perchRenders = renders;
  const snap = () => {
    const all = document.querySelectorAll('[data-testid="perch-answer"]');
    const text = all.length ? all[all.length - 1].innerText.trim() : '';
    if (text && text !== '…' && renders[renders.length - 1] !== text) renders.push(text);
  };
  new MutationObserver(snap).observe(document.body,
    { childList: true, subtree: true, characterData: true });
}

export async function perchStep(t) {
  check(t.agent, 'AGENT_URL is not set');
  await standinRoute(t.agent, { method: 'POST', path: CHAT, fixture: 'perch/chat-build-failure',
    ndjson_pause_ms: PAUSE_MS });
  const page = (t.page = await guestPage(t));
  await page.goto('/catalog/default/component/checkout-service');
  await page.getByTestId('perch-open').click();
  const input = page.getByTestId('perch-input');
  await input.fill('Why did the latest build of checkout-service fail?');
  await page.evaluate(record);
  await page.getByTestId('perch-send').click();
  const answer = page.getByTestId('perch-answer').last();
  await answer.getByText(LAST, { exact: false }).waitFor();
  await page.locator('[data-testid="perch-answer"][aria-busy="false"]').last().waitFor();
  const renders = await page.evaluate(() => window.__perchRenders);
  const before = renders.filter((s) => !s.includes(LAST));
  t.note(`perch: ${before.length} renders before the last chunk, ${renders.length} in all`);
  check(before.length >= 2, `${before.length} renders before the last chunk: ${JSON.stringify(before)}`);
  for (let i = 1; i < before.length; i++) {
    check(before[i].length > before[i - 1].length, `render ${i} did not grow`);
  }
}
