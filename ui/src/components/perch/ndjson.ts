/*
 * Reading an NDJSON body as it arrives: each complete line is parsed and
 * handed over at once, so a caller can render every delta the moment its
 * line lands.  A line longer than MAX_LINE is an error (the buffer is
 * capped); a last line without '\n' is still parsed at the end.
 */
export const MAX_LINE = 1024 * 1024;

export type LineHandler = (value: unknown) => void;

function takeLines(buffer: string, onLine: LineHandler): string {
  let rest = buffer;
  let nl = rest.indexOf('\n');
  while (nl >= 0) {
    const line = rest.slice(0, nl).trim();
    rest = rest.slice(nl + 1);
    if (line) onLine(parseLine(line));
    nl = rest.indexOf('\n');
  }
  if (rest.length > MAX_LINE) {
    throw new Error(`The answer has a line over ${MAX_LINE} bytes`);
  }
  return rest;
}

export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`The answer has a line that is not JSON: ${line.slice(0, 80)}`);
  }
}

/* Resolves when the body ends; rejects on a read error or a bad line. */
export async function readNdjson(
  body: ReadableStream<Uint8Array>,
  onLine: LineHandler,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer = takeLines(buffer + decoder.decode(value, { stream: true }), onLine);
    }
    buffer = takeLines(buffer + decoder.decode() + '\n', onLine);
  } finally {
    reader.releaseLock();
  }
}
