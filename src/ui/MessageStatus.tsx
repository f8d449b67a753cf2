import type { ConnectionState, Message } from '../core/types.ts';
import { useUi } from './context.ts';

interface Props {
  message: Message;
  connection: ConnectionState;
  /** Whether this is the visitor's latest message: only that one says "Sent", to keep the list calm. */
  latest: boolean;
}

/**
 * Where the visitor's message is on its way. The element stays in place while its text changes, so the
 * log's `aria-relevant="additions"` does not read every change aloud.
 */
export function MessageStatus({ message, connection, latest }: Props) {
  const { client, strings } = useUi();
  const { status } = message;
  const text =
    status === 'failed'
      ? strings.failed
      : status === 'sending'
        ? connection === 'open'
          ? strings.sending
          : strings.waiting
        : latest
          ? strings.sent
          : '';
  return (
    <>
      <span class={`status status--${status}`}>{text}</span>
      {status === 'failed' && (
        <button type="button" class="btn retry" data-testid="retry" onClick={() => client.retry(message.key)}>
          {strings.retry}
        </button>
      )}
    </>
  );
}
