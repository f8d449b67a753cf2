/**
 * The limits' environment variables (docs/protocol.md, "Limits"): each one a whole number; unset keeps the
 * default. A bad value stops the server at start with a line naming the variable.
 */
import type { LimitOptions } from './limits.ts';

/** Variable → option, with the smallest value that makes sense. */
export const LIMIT_VARIABLES: Record<string, { option: keyof LimitOptions; min: number }> = {
  LIMIT_FRAMES_PER_SECOND: { option: 'framesPerSecond', min: 1 },
  LIMIT_FRAME_BURST: { option: 'frameBurst', min: 1 },
  LIMIT_REFUSED_FRAMES: { option: 'refusedFramesBeforeClose', min: 0 },
  LIMIT_MESSAGES_PER_MINUTE: { option: 'messagesPerMinute', min: 1 },
  LIMIT_ADDRESS_MESSAGES_PER_MINUTE: { option: 'addressMessagesPerMinute', min: 1 },
  LIMIT_HELLOS_PER_MINUTE: { option: 'hellosPerMinute', min: 1 },
  LIMIT_QUEUED_PER_ADDRESS: { option: 'queuedPerAddress', min: 1 },
  LIMIT_CONVERSATIONS_PER_HOUR: { option: 'conversationsPerHour', min: 1 },
  LIMIT_SEND_BUFFER_BYTES: { option: 'sendBufferBytes', min: 1024 },
  LIMIT_SLOW_READER_MS: { option: 'slowReaderMs', min: 100 },
};

export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<LimitOptions> {
  const limits: Partial<LimitOptions> = {};
  for (const [name, { option, min }] of Object.entries(LIMIT_VARIABLES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < min) {
      throw Object.assign(new Error(`${name} must be a whole number of at least ${min}, got "${value}".`), { code: 'NATTER_CONFIG' });
    }
    limits[option] = number;
  }
  return limits;
}
