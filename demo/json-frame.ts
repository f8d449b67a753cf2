/** Reading one WebSocket message as JSON, shared by the visitor and agent sockets. */
import type { RawData } from 'ws';

export type JsonFrame = { ok: true; value: unknown } | { ok: false; message: string };

export function readJsonFrame(data: RawData, isBinary: boolean): JsonFrame {
  if (isBinary) return { ok: false, message: 'Frames must be WebSocket text frames holding one JSON object; got a binary frame.' };
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unparseable';
    return { ok: false, message: `Frames must be one JSON object each; this one is not valid JSON (${reason}).` };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The same bounds as an `id` in wire.ts, for echoing a client id from a frame that failed validation. */
export function isWireId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 128;
}

/** The `type` of a frame that failed validation, for error messages. */
export function frameTypeOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.type === 'string' ? value.type.slice(0, 40) : undefined;
}
