/*
 * The conversation state of the Ask Perch panel.  `ask` appends the
 * question and an empty answer, then grows the answer with each
 * message_chunk the moment it arrives; tool_call events set `activity`
 * (the agent's label, e.g. "Looking up workflow run"); an error event, a
 * failed call or a stream that ends without `done` set `error`.
 */
import { useCallback, useRef, useState } from 'react';
import {
  configApiRef,
  discoveryApiRef,
  useApi,
  useApiHolder,
} from '@backstage/core-plugin-api';
import { ChatMessage, PerchEvent, PerchScope, streamChat, warmup } from './chat';
import { idpAccessToken, oauthProviders } from '../../auth/providers';

export type PerchChat = {
  messages: ChatMessage[];
  busy: boolean;
  activity?: string;
  error?: string;
  ask: (question: string, scope: PerchScope) => void;
  warm: () => void;
  stop: () => void;
};

function appendToLast(msgs: ChatMessage[], text: string): ChatMessage[] {
  const last = msgs[msgs.length - 1];
  return [...msgs.slice(0, -1), { ...last, content: last.content + text }];
}

/* The IdP token when the user signed in through an OAuth2/OIDC provider. */
function useToken(): () => Promise<string | undefined> {
  const holder = useApiHolder();
  const config = useApi(configApiRef);
  return useCallback(() => {
    const ids = config.getOptionalStringArray('stagehand.signIn.providers') ?? [];
    const apis = oauthProviders
      .filter(p => ids.includes(p.id))
      .map(p => holder.get(p.apiRef));
    return idpAccessToken(apis);
  }, [holder, config]);
}

export function usePerchChat(): PerchChat {
  const discovery = useApi(discoveryApiRef);
  const token = useToken();
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [busy, setBusy] = useState(false);
  const [activity, setActivity] = useState<string>();
  const [error, setError] = useState<string>();
  const abort = useRef<AbortController>();

  const onEvent = useCallback((e: PerchEvent) => {
    if (e.type === 'message_chunk' && typeof e.content === 'string') {
      setActivity(undefined);
      setMessages(m => appendToLast(m, e.content));
    } else if (e.type === 'tool_call') {
      setActivity(e.activeForm || e.tool || 'Working');
    } else if (e.type === 'error') {
      setError(e.message || 'The assistant failed without a reason');
    } else if (e.type === 'done') {
      setActivity(undefined);
      setMessages(m => (m[m.length - 1].content || !e.message ? m : appendToLast(m, e.message)));
    }
  }, []);

  const ask = useCallback(
    (question: string, scope: PerchScope) => {
      const history = [...messages, { role: 'user' as const, content: question }];
      setMessages([...history, { role: 'assistant', content: '' }]);
      setError(undefined);
      setBusy(true);
      abort.current = new AbortController();
      let finished = false;
      const track = (e: PerchEvent) => {
        finished = finished || e.type === 'done';
        onEvent(e);
      };
      (async () => {
        const baseUrl = await discovery.getBaseUrl('perch');
        await streamChat({ baseUrl, token: await token(), messages: history, scope, signal: abort.current?.signal, onEvent: track });
        if (!finished) setError('The answer stopped before it was complete');
      })()
        .catch(e => {
          if (e?.name !== 'AbortError') setError(e instanceof Error ? e.message : String(e));
        })
        .finally(() => {
          setBusy(false);
          setActivity(undefined);
        });
    },
    [messages, discovery, token, onEvent],
  );

  const warm = useCallback(() => {
    (async () => warmup(await discovery.getBaseUrl('perch'), await token()))().catch(() => undefined);
  }, [discovery, token]);

  const stop = useCallback(() => abort.current?.abort(), []);
  return { messages, busy, activity, error, ask, warm, stop };
}
