/**
 * The name of every text of the widget, in `en.ts`'s order: enough to check a site's `strings` setting. The
 * script tag's first stage checks the settings before any language is loaded, and the names are a third of
 * the English texts' size. `test/unit/ui/i18n.test.ts` holds this list to `en.ts`: add a key to both.
 * @module
 */
export const STRING_KEYS =
  'launcherOpen unreadOne unread launcherClose title online away connecting reconnecting messages you agent bot system sending sent waiting failed retry unreadable slowDown storageProblem composerLabel composerPlaceholder send charactersLeftOne charactersLeft charactersOverOne charactersOver greeting replyTime queued queuePosition queueWait live startLive leaveQueue endLive handoff typing rateTitle starsOne stars rateComment rateThanks awayMessage emailLabel emailSave emailInvalid emailSaved joined ended handoffLive handoffMessaging rated newMessage keepAsk keepYes keepNo attach fileEmpty fileTooBig fileType fileCount cancel'.split(
    ' ',
  );
