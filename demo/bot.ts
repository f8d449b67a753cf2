/**
 * Natter Bot: the reference backend's tiny built-in bot. Deterministic and stateless — the caller keeps
 * its state ({@link BotState}) in the conversation — and honest: every answer comes from the author
 * `{role: 'bot'}` and the greeting says plainly that it is an automated assistant, not a person.
 *
 * It answers in messaging only (never while the visitor waits in the queue or chats live):
 * - "talk to a person" (person, human, agent, Mensch, Mitarbeiter, medewerker, persoon, personne, persona,
 *   شخص…) → hand-off;
 * - shipping / returns / opening hours, in English, German, Dutch, French, Spanish or Arabic → a short answer
 *   with quick replies;
 * - the conversation's first visitor message while nobody is available → a greeting, once.
 * Anything else: silence, so it never gets in the way of the team. `BOT=off` switches it off.
 */
import type { WireAuthor } from '../src/protocol/wire.ts';
import { langOf, type Lang } from './texts.ts';

export const BOT_AUTHOR: WireAuthor = { role: 'bot', id: 'bot', name: 'Natter Bot' };

/** What the bot remembers per conversation (stored by the caller). */
export interface BotState {
  /** The greeting was given. It is given once per conversation. */
  greeted: boolean;
  /** The visitor was handed to the team's inbox: the bot stays quiet until an agent has replied. */
  quiet: boolean;
}

export const INITIAL_BOT_STATE: BotState = { greeted: false, quiet: false };

export interface BotInput {
  /** The visitor's message. */
  text: string;
  /** The conversation's locale (`de-CH`, `nl`, …): the language of answers when the message names none. */
  locale?: string | undefined;
  state: BotState;
  /** This is the first message the visitor wrote in the conversation. */
  firstVisitorMessage: boolean;
  /** An agent is available inside business hours right now. */
  someoneAvailable: boolean;
  /** The business hours in words, or `undefined` when always open. */
  hours?: string | undefined;
}

export interface BotReply {
  text: string;
  quickReplies?: string[];
}

export interface BotDecision {
  /** Items to post, in order. */
  replies: BotReply[];
  /** The visitor asked for a person: the caller hands off (to the live queue or the team's inbox). */
  handoff: boolean;
  /** The state to store afterwards. */
  state: BotState;
}

type Topic = 'shipping' | 'returns' | 'hours';

// (`\b` knows only Latin letters: the Arabic words stand outside it.)
const PERSON = /\b(person(?!al)|human|agent|mensch|mitarbeiter|medewerker|persoon|personne|humain|conseill|persona\b|humano)|شخص|موظف|إنسان|انسان/i;

const TOPICS: Record<Topic, Record<Lang, RegExp>> = {
  shipping: {
    en: /\b(ship|deliver|postage|tracking)/i,
    de: /(versand|versend|liefer|zustell|porto)/i,
    nl: /(verzend|verzond|bezorg|levering|levertijd)/i,
    fr: /(livraison|livrer|livré|expédi|colis)/i,
    es: /(envío|envio|entrega|enviar|seguimiento)/i,
    ar: /(شحن|توصيل)/,
  },
  returns: {
    en: /\b(return|refund|send (it|them) back|exchange)/i,
    de: /(rückgabe|rueckgabe|zurückgeben|zurücksenden|retoure|erstattung|umtausch)/i,
    nl: /(retour|terugsturen|terugbetal|ruilen|geld terug)/i,
    // Before Dutch: "retourner" is French, "retourneren" Dutch.
    fr: /(retourner\b|rembours|renvoy|échang|\b(un|le|mon) retour)/i,
    es: /(devoluci|devolver|reembolso)/i,
    ar: /(إرجاع|ارجاع|استرجاع|استرداد)/,
  },
  hours: {
    en: /\b(hours|opening|open\b|closed|when are you)/i,
    de: /(öffnungszeit|oeffnungszeit|geöffnet|geoeffnet|geschlossen|erreichbar)/i,
    nl: /(openingstijd|geopend|gesloten|bereikbaar)/i,
    fr: /(horaire|ouvert|fermé|heures d'ouverture)/i,
    es: /(horario|abierto|cerrado)/i,
    ar: /(ساعات العمل|مواعيد|مفتوح|مغلق)/,
  },
};

const LABELS: Record<Lang, Record<Topic | 'person', string>> = {
  en: { shipping: 'Shipping', returns: 'Returns', hours: 'Opening hours', person: 'Talk to a person' },
  de: { shipping: 'Versand', returns: 'Rückgabe', hours: 'Öffnungszeiten', person: 'Mit einem Menschen sprechen' },
  nl: { shipping: 'Verzending', returns: 'Retourneren', hours: 'Openingstijden', person: 'Met een medewerker praten' },
  fr: { shipping: 'Livraison', returns: 'Retours', hours: "Horaires d'ouverture", person: 'Parler à une personne' },
  es: { shipping: 'Envíos', returns: 'Devoluciones', hours: 'Horario', person: 'Hablar con una persona' },
  ar: { shipping: 'الشحن', returns: 'الإرجاع', hours: 'ساعات العمل', person: 'التحدث إلى شخص' },
};

const GREETING: Record<Lang, string> = {
  en: "Hi! I'm Natter Bot, an automated assistant — not a person. Nobody from the team is available right now, but a person will reply here as soon as possible. Meanwhile I can help with shipping, returns and opening hours.",
  de: 'Hallo! Ich bin Natter Bot, ein automatischer Assistent – kein Mensch. Gerade ist niemand vom Team erreichbar, aber ein Mensch antwortet hier so bald wie möglich. Bis dahin helfe ich bei Versand, Rückgabe und Öffnungszeiten.',
  nl: 'Hallo! Ik ben Natter Bot, een automatische assistent – geen mens. Er is nu niemand van het team beschikbaar, maar een medewerker antwoordt hier zo snel mogelijk. Intussen help ik met verzending, retourneren en openingstijden.',
  fr: "Bonjour ! Je suis Natter Bot, un assistant automatique – pas une personne. Personne de l'équipe n'est disponible pour le moment, mais une personne vous répondra ici dès que possible. En attendant, je peux vous aider pour la livraison, les retours et les horaires d'ouverture.",
  es: '¡Hola! Soy Natter Bot, un asistente automático, no una persona. Ahora mismo no hay nadie del equipo disponible, pero una persona le responderá aquí lo antes posible. Mientras tanto, puedo ayudarle con envíos, devoluciones y horarios.',
  ar: 'مرحبًا! أنا Natter Bot، مساعد آلي ولست شخصًا. لا يوجد أحد من الفريق متاح الآن، لكن سيرد عليك شخص هنا في أقرب وقت ممكن. في الأثناء يمكنني المساعدة في الشحن والإرجاع وساعات العمل.',
};

function answer(topic: Topic, lang: Lang, hours: string | undefined): string {
  switch (topic) {
    case 'shipping':
      return {
        en: 'Shipping: orders leave our warehouse within 1–2 working days and usually arrive 3–5 days later. You get a tracking link by email.',
        de: 'Versand: Bestellungen verlassen unser Lager innerhalb von 1–2 Werktagen und kommen meist 3–5 Tage später an. Den Sendungslink bekommst du per E-Mail.',
        nl: 'Verzending: bestellingen verlaten ons magazijn binnen 1–2 werkdagen en komen meestal 3–5 dagen later aan. Je krijgt een track-and-trace-link per e-mail.',
        fr: "Livraison : les commandes quittent notre entrepôt sous 1 à 2 jours ouvrés et arrivent en général 3 à 5 jours plus tard. Vous recevez un lien de suivi par e-mail.",
        es: 'Envíos: los pedidos salen de nuestro almacén en 1–2 días laborables y suelen llegar 3–5 días después. Recibirá un enlace de seguimiento por correo.',
        ar: 'الشحن: تغادر الطلبات مستودعنا خلال يوم إلى يومي عمل وتصل عادةً بعد 3 إلى 5 أيام. ستصلك رسالة بريد إلكتروني برابط التتبع.',
      }[lang];
    case 'returns':
      return {
        en: 'Returns: you can send items back within 30 days for a full refund. Ask a person here if you need a return label.',
        de: 'Rückgabe: Du kannst Artikel innerhalb von 30 Tagen zurücksenden und bekommst den vollen Betrag erstattet. Für ein Rücksendeetikett frag hier einen Menschen.',
        nl: 'Retourneren: je kunt artikelen binnen 30 dagen terugsturen en krijgt het volledige bedrag terug. Vraag hier een medewerker als je een retourlabel nodig hebt.',
        fr: "Retours : vous pouvez renvoyer vos articles sous 30 jours et être remboursé intégralement. Demandez ici à une personne si vous avez besoin d'une étiquette de retour.",
        es: 'Devoluciones: puede devolver los artículos en un plazo de 30 días y recibir el reembolso completo. Pida aquí a una persona una etiqueta de devolución si la necesita.',
        ar: 'الإرجاع: يمكنك إرجاع المنتجات خلال 30 يومًا واسترداد المبلغ كاملًا. اطلب من شخص هنا ملصق الإرجاع إذا احتجت إليه.',
      }[lang];
    case 'hours':
      if (hours === undefined) {
        return {
          en: 'Opening hours: write any time — the team replies here as soon as someone is available, and chats live whenever someone is online.',
          de: 'Öffnungszeiten: Schreib jederzeit – das Team antwortet hier, sobald jemand da ist, und chattet live, wenn jemand online ist.',
          nl: 'Openingstijden: schrijf wanneer je wilt – het team antwoordt hier zodra er iemand is, en chat live als er iemand online is.',
          fr: "Horaires : écrivez quand vous voulez – l'équipe répond ici dès que quelqu'un est là, et discute en direct quand quelqu'un est en ligne.",
          es: 'Horario: escriba cuando quiera; el equipo responde aquí en cuanto haya alguien, y chatea en directo cuando hay alguien en línea.',
          ar: 'ساعات العمل: اكتب في أي وقت – يرد الفريق هنا عندما يتوفر أحد، ويتحدث مباشرة عندما يكون أحد متصلًا.',
        }[lang];
      }
      if (hours === '') {
        return {
          en: 'Opening hours: there is no live chat at the moment. Leave a message and the team replies here.',
          de: 'Öffnungszeiten: Gerade gibt es keinen Live-Chat. Hinterlass eine Nachricht, das Team antwortet hier.',
          nl: 'Openingstijden: er is op dit moment geen livechat. Laat een bericht achter, het team antwoordt hier.',
          fr: "Horaires : il n'y a pas de chat en direct pour le moment. Laissez un message, l'équipe répondra ici.",
          es: 'Horario: ahora mismo no hay chat en directo. Deje un mensaje y el equipo le responderá aquí.',
          ar: 'ساعات العمل: لا توجد محادثة مباشرة حاليًا. اترك رسالة وسيرد الفريق هنا.',
        }[lang];
      }
      return {
        en: `Opening hours: ${hours}. Outside them, leave a message (or your email) and we'll reply here.`,
        de: `Öffnungszeiten: ${hours}. Außerhalb davon hinterlass eine Nachricht (oder deine E-Mail), wir antworten hier.`,
        nl: `Openingstijden: ${hours}. Daarbuiten kun je een bericht (of je e-mail) achterlaten, we antwoorden hier.`,
        fr: `Horaires : ${hours}. En dehors, laissez un message (ou votre e-mail) et nous répondrons ici.`,
        es: `Horario: ${hours}. Fuera de ese horario, deje un mensaje (o su correo) y le responderemos aquí.`,
        ar: `ساعات العمل: ${hours}. خارجها اترك رسالة (أو بريدك الإلكتروني) وسنرد هنا.`,
      }[lang];
  }
}

function quickReplies(lang: Lang, except: readonly Topic[]): string[] {
  const topics = (['shipping', 'returns', 'hours'] as const).filter((t) => !except.includes(t));
  // "Talk to a person" is the widget's own button after a bot's answer: a chip saying it too would be a second
  // way to the same place. Typed, it still hands over (PERSON).
  return topics.map((t) => LABELS[lang][t]);
}

/** What the bot does about one visitor message. Pure: same input, same decision. */
export function decide(input: BotInput): BotDecision {
  const silent: BotDecision = { replies: [], handoff: false, state: input.state };
  if (input.state.quiet) return silent;
  const text = input.text;
  if (PERSON.test(text)) return { replies: [], handoff: true, state: input.state };

  // The language of the first keyword found wins (English last: "Openingstijden" also starts
  // like English "opening"); otherwise the conversation's locale.
  const topics: Topic[] = [];
  let lang: Lang | undefined;
  for (const topic of ['shipping', 'returns', 'hours'] as const) {
    for (const candidate of ['de', 'fr', 'nl', 'es', 'ar', 'en'] as const) {
      if (TOPICS[topic][candidate].test(text)) {
        topics.push(topic);
        lang ??= candidate;
        break;
      }
    }
  }
  lang ??= langOf(input.locale);

  const replies: BotReply[] = [];
  let state = input.state;
  if (!state.greeted && input.firstVisitorMessage && !input.someoneAvailable) {
    state = { ...state, greeted: true };
    replies.push({ text: GREETING[lang], quickReplies: quickReplies(lang, []) });
  }
  if (topics.length > 0) {
    replies.push({ text: topics.map((t) => answer(t, lang, input.hours)).join('\n\n'), quickReplies: quickReplies(lang, topics) });
  }
  return { replies, handoff: false, state };
}
