/*
 * One Ask Perch turn: POST the conversation and the page's scope to
 * <backend>/api/perch/api/v1alpha1/portal-assistant/chat and hand each
 * event of the NDJSON answer over as it arrives (docs/perch.md; spec
 * platform-apis.md section 5.2).  Errors are thrown with a message a person
 * can act on.
 */
import { readNdjson } from './ndjson';

export type ChatMessage = { role: 'user' | 'assistant'; content: string };

export type PerchScope = {
  namespace?: string;
  project?: string;
  component?: string;
};

export type PerchEvent =
  | { type: 'tool_call'; tool?: string; activeForm?: string }
  | { type: 'message_chunk'; content: string }
  | { type: 'done'; message?: string }
  | { type: 'error'; message?: string };

export type ChatRequest = {
  baseUrl: string; // <backend.baseUrl>/api/perch
  token?: string; // the IdP access token ("direct" mode), if any
  messages: ChatMessage[];
  scope: PerchScope;
  signal?: AbortSignal;
  onEvent: (event: PerchEvent) => void;
};

export const CHAT_PATH = '/api/v1alpha1/portal-assistant/chat';
export const WARMUP_PATH = '/api/v1alpha1/portal-assistant/warmup';
const MAX_MESSAGES = 50; // the agent takes 1..50

function headers(token?: string): Record<string, string> {
  const h: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/x-ndjson',
  };
  if (token) h.Authorization = `Bearer ${token}`;
  return h;
}

/* The agent's words for a failed call: detail.message, error, or the
 * status line, as OpenChoreo's panel shows them. */
export async function errorMessage(res: Response): Promise<string> {
  let body: any = undefined;
  try {
    body = await res.json();
  } catch {
    /* not JSON: the status line it is */
  }
  const words =
    body?.detail?.message ?? body?.message ?? body?.error?.message ?? body?.error;
  const text = typeof words === 'string' && words ? words : res.statusText;
  return `The assistant answered ${res.status}: ${text || 'no reason given'}`;
}

export async function streamChat(req: ChatRequest): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${req.baseUrl}${CHAT_PATH}`, {
      method: 'POST',
      headers: headers(req.token),
      credentials: 'include',
      body: JSON.stringify({
        messages: req.messages.slice(-MAX_MESSAGES),
        scope: req.scope,
      }),
      signal: req.signal,
    });
  } catch (e) {
    throw new Error(`Could not reach the assistant (${String(e)})`);
  }
  if (!res.ok) throw new Error(await errorMessage(res));
  if (!res.body) throw new Error('The assistant sent an empty answer');
  await readNdjson(res.body, v => req.onEvent(v as PerchEvent));
}

/* Lets the agent load the user's tools before the first question; best
 * effort, failures are ignored. */
export function warmup(baseUrl: string, token?: string): void {
  fetch(`${baseUrl}${WARMUP_PATH}`, {
    method: 'POST',
    headers: headers(token),
    credentials: 'include',
    body: '{}',
  }).catch(() => undefined);
}
