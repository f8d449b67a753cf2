/**
 * The reference backend's own texts per language (the bot's are in bot.ts): the languages the widget
 * speaks, chosen by a conversation's `locale` (its primary subtag), English for any other.
 * @module
 */

export const LANGUAGES = ['en', 'de', 'nl', 'fr', 'es', 'ar'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** The language of a BCP-47 tag (`de-CH` → `de`), English when the backend does not speak it. */
export function langOf(locale: string | undefined): Lang {
  const primary = (locale ?? '').toLowerCase().split(/[-_]/)[0] as Lang;
  return LANGUAGES.includes(primary) ? primary : 'en';
}

/** The away message when the operator set none for a language. */
export const DEFAULT_AWAY_MESSAGES: Record<Lang, string> = {
  en: "We're away right now. Leave a message and we'll reply here — or leave your email and we'll let you know.",
  de: 'Wir sind gerade nicht da. Hinterlassen Sie eine Nachricht, wir antworten hier – oder Ihre E-Mail-Adresse, dann sagen wir Bescheid.',
  nl: 'We zijn er nu niet. Laat een bericht achter en we antwoorden hier – of laat uw e-mailadres achter, dan laten we het u weten.',
  fr: 'Nous sommes absents pour le moment. Laissez un message, nous répondrons ici – ou laissez votre e-mail et nous vous préviendrons.',
  es: 'Ahora mismo no estamos. Deje un mensaje y le responderemos aquí, o deje su correo y le avisaremos.',
  ar: 'لسنا متواجدين الآن. اترك رسالة وسنرد عليك هنا، أو اترك بريدك الإلكتروني وسنُعلمك.',
};

/**
 * The away message for a conversation's `locale`: the operator's for that language (`awayMessages.de`,
 * env `AWAY_MESSAGE_DE`), else the operator's one for every language (`awayMessage`, env `AWAY_MESSAGE`),
 * else the built-in one in that language. At most 500 characters.
 */
export function awayMessageFor(options: { awayMessage?: string | undefined; awayMessages?: Partial<Record<string, string>> | undefined }, locale: string | undefined): string {
  const lang = langOf(locale);
  return (options.awayMessages?.[lang] ?? options.awayMessage ?? DEFAULT_AWAY_MESSAGES[lang]).slice(0, 500);
}
