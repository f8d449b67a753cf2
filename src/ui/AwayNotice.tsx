/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { emailSchema } from '../model/schemas.ts';
import { format } from '../i18n/index.ts';
import type { Ui } from './context.ts';
import { Linkified } from './Linkified.tsx';

const EMAIL_ID = 'natter-email';
const ERROR_ID = 'natter-email-error';

interface Props {
  ui: Ui;
  /** The team's away message, as the backend wrote it. */
  message: string | undefined;
  /** The address the visitor already left, if any. */
  email: string | undefined;
  /** The log already says the address was saved: the notice does not say it again. */
  saidInLog?: boolean;
  /** The address was saved. */
  onDone: () => void;
}

/**
 * While nobody is there: the team's away message, and a field to get the reply by email. The card is one
 * line until the visitor asks for the field (a disclosure button), so the messages keep the panel's room.
 * The address is checked here by the core's own rule, so a typo is explained in the visitor's language and
 * nothing is sent.
 */
export function AwayNotice({ ui: { client, strings }, message, email, saidInLog, onDone }: Props) {
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [asked, setAsked] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  // Asked for: the button gives way to the field, which takes the focus.
  useLayoutEffect(() => field.current?.focus(), [asked]);
  return (
    <div class="card away">
      {/* One line, cut short, until the form is asked for (screen readers hear it all). */}
      <p class={email || asked ? undefined : 'clip'}>
        <Linkified text={message ?? strings.awayMessage} />
      </p>
      {email ? (
        !saidInLog && <p data-testid="email-saved">{format(strings.emailSaved, { email })}</p>
      ) : !asked ? (
        <button type="button" class="btn" data-testid="email-ask" onClick={() => setAsked(true)}>
          {strings.emailLabel}
        </button>
      ) : (
        <form
          class="email"
          data-testid="email-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const valid = emailSchema.safeParse(value.trim()).success;
            setInvalid(!valid);
            // The client reports its own failures through its `error` event; the field says what to fix.
            if (valid) client.leaveEmail(value).then(onDone, () => setInvalid(true));
          }}
        >
          <label for={EMAIL_ID}>{strings.emailLabel}</label>
          <input
            id={EMAIL_ID}
            ref={field}
            type="email"
            autocomplete="email"
            value={value}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? ERROR_ID : undefined}
            onInput={(event) => {
              setValue(event.currentTarget.value);
              setInvalid(false);
            }}
          />
          <button type="submit" class="btn">
            {strings.emailSave}
          </button>
          {invalid && (
            <p id={ERROR_ID} class="error" role="alert" data-testid="email-error">
              {strings.emailInvalid}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
