/**
 * Why something failed, as a code a program can switch on.
 * - `invalid_settings`: a setting has the wrong type or value; the message names it;
 * - `invalid_input`: an argument to a method was wrong (empty text, too long, bad user);
 * - `storage`: the browser's storage failed (quota, private mode); Natter keeps going in memory;
 * - `transport`: the backend refused something or the link failed;
 * - `identity`: the backend refused the identity token the site passed (expired, forged, wrong audience, or
 *   none with an id); the message says what the site must fix. The customer goes on anonymously;
 * - `protocol`: the backend sent something Natter does not understand; it was ignored.
 */
export type NatterErrorCode = 'invalid_settings' | 'invalid_input' | 'storage' | 'transport' | 'protocol' | 'identity';

/**
 * The one error type Natter reports, through the `error` event and rejected promises. Its message always
 * says what to do next.
 *
 * @example
 * ```ts
 * natter.on('error', (error) => {
 *   if (error.code === 'storage') showBanner('Your browser is not saving this chat.');
 * });
 * ```
 */
export class NatterError extends Error {
  override readonly name = 'NatterError';
  constructor(
    readonly code: NatterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message.startsWith('Natter') ? message : `Natter: ${message}`, options);
  }
}
