/**
 * The name of every text of the widget, in `en.ts`'s order: enough to check a site's `strings` setting. The
 * script tag's first stage checks the settings before any language is loaded, and the names are a third of
 * the English texts' size. `test/unit/ui/i18n.test.ts` holds this list to `en.ts`: add a key to both. A counted
 * text (`unread*`) has a key for each of the six plural categories (`unread_zero` … `unread_other`), so
 * that a site can word them for Arabic or Polish too.
 * @module
 */
export const STRING_KEYS =
  'launcherOpen unread* launcherClose title online away connecting reconnecting messages you agent bot system sending sent waiting failed retry unreadable slowDown storageProblem composerLabel composerPlaceholder send charactersLeft* charactersOver* greeting replyTime queued queuePosition queueWait live startLive leaveQueue endLive handoff typing rateTitle stars* rateComment rateThanks awayMessage emailLabel emailSave emailInvalid emailSaved joined ended handoffLive handoffMessaging rated newMessage keepAsk keepYes keepNo attach fileEmpty fileTooBig fileType fileCount cancel'
    .split(' ')
    .flatMap((key) => (key.endsWith('*') ? ['zero', 'one', 'two', 'few', 'many', 'other'].map((category) => `${key.slice(0, -1)}_${category}`) : key));
