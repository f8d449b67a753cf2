/**
 * The name of every text of the widget, in `en.ts`'s order: enough to check a site's `strings` setting. The
 * script tag's first stage checks the settings before any language is loaded, and the names are a third of
 * the English texts' size. `test/unit/ui/i18n.test.ts` holds this list to `en.ts`: add a key to both. Each
 * counted text (`…_other`) also takes the plural categories English lacks (`_zero`, `_two`, `_few`, `_many`),
 * so that a site can word them for Arabic or Polish.
 * @module
 */
export const STRING_KEYS =
  'launcherOpen unread_one unread_other launcherClose title online away connecting reconnecting messages you agent bot system sending sent waiting failed retry unreadable slowDown storageProblem composerLabel composerPlaceholder send charactersLeft_one charactersLeft_other charactersOver_one charactersOver_other greeting replyTime queued queuePosition queueWait live startLive leaveQueue endLive handoff typing rateTitle stars_one stars_other rateComment rateThanks awayMessage emailLabel emailSave emailInvalid emailSaved joined ended handoffLive handoffMessaging rated newMessage keepAsk keepYes keepNo'.split(' ')
    .flatMap((key) => (key.endsWith('_other') ? [key, ...['zero', 'two', 'few', 'many'].map((category) => key.slice(0, -5) + category)] : key));
