import type { Author } from '../core/types.ts';
import { format } from '../i18n/index.ts';
import { useUi } from './context.ts';

/**
 * "Alex is typing…" with three dots, below the conversation. It is its own polite live region, outside the
 * log, so it is said once but never read back as a message. The region stays in place while empty: a live
 * region must exist before its text changes for screen readers to notice.
 */
export function Typing({ author }: { author: Author | undefined }) {
  const { strings } = useUi();
  return (
    <div class="typing" aria-live="polite">
      {author && (
        <p data-testid="typing">
          <span class="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {format(strings.typing, { name: author.name ?? strings.agent })}
        </p>
      )}
    </div>
  );
}
