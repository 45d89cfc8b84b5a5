// Small builders for Adaptive Card 1.5 JSON, and the card verbs PinDesk answers to. Every button is
// built as an Action.Execute (Teams Universal Actions) whose fallback is an Action.Submit with the
// same data; for every channel but Teams it is sent as that Action.Submit (for-channel.ts). One
// handler serves both. Card data is only a verb and an opaque id.

export type CardElement = Record<string, unknown>;
export interface AdaptiveCard extends CardElement {
  type: 'AdaptiveCard';
  version: '1.5';
}

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Typed aliases for the verbs (the Teams SDK's invoke-name pattern). */
export const Verbs = {
  reveal: 'pin.reveal',
  hide: 'pin.hide',
  choose: 'user.choose',
  unlockAndSet: 'pin.unlock-and-set',
  act: 'user.act',
  approve: 'request.approve',
  deny: 'request.deny',
  cancel: 'request.cancel',
} as const;
export type Verb = (typeof Verbs)[keyof typeof Verbs];

import { LIST_ACTIONS, type ListAction } from '../domain/commands.js';

export type { ListAction } from '../domain/commands.js';

export interface CardData {
  verb: Verb;
  ref: string;
  choice?: number;
  act?: ListAction;
  /** A denial's reason, from the card's input. */
  note?: string;
}

export function card(body: CardElement[], actions: CardElement[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

export function button(title: string, data: CardData, style?: 'positive' | 'destructive'): CardElement {
  const shared = { title, data, ...(style ? { style } : {}) };
  return { type: 'Action.Execute', verb: data.verb, ...shared, fallback: { type: 'Action.Submit', ...shared } };
}

export function openUrl(title: string, url: string): CardElement {
  return { type: 'Action.OpenUrl', title, url };
}

export function heading(text: string): CardElement {
  return { type: 'TextBlock', text, size: 'Medium', weight: 'Bolder', wrap: true };
}

export function text(value: string, options: CardElement = {}): CardElement {
  return { type: 'TextBlock', text: value, wrap: true, ...options };
}

/** Options of a TextRun (no `text`): weight, color, isSubtle, size, italic... */
export type RunOptions = CardElement;

/**
 * Text shown exactly as given, never as Markdown: a RichTextBlock of TextRuns (Adaptive Cards 1.2+;
 * Teams and Web Chat render it). TextBlocks and FactSet values render Markdown, so text a user typed
 * (a request's reason, a denial's note) must never go into one: `[Approve](https://…)` would be a link.
 */
export function plainText(runs: Array<string | { text: string; options?: RunOptions }>, options: CardElement = {}): CardElement {
  return {
    type: 'RichTextBlock',
    inlines: runs.map((run) => (typeof run === 'string' ? { type: 'TextRun', text: run } : { type: 'TextRun', text: run.text, ...run.options })),
    ...options,
  };
}

export function facts(pairs: Array<[string, string | undefined]>): CardElement {
  return {
    type: 'FactSet',
    facts: pairs.filter((pair): pair is [string, string] => pair[1] !== undefined).map(([title, value]) => ({ title, value })),
  };
}

/** The PowerShell line an SfB admin would run for the same thing (never with the PIN). */
export function powershell(line: string): CardElement {
  return {
    type: 'Container',
    spacing: 'Medium',
    items: [
      text('PowerShell equivalent', { isSubtle: true, size: 'Small', spacing: 'None' }),
      text(line, { fontType: 'Monospace', size: 'Small', spacing: 'None' }),
    ],
  };
}

export function actionSet(actions: CardElement[]): CardElement {
  return { type: 'ActionSet', actions };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `27 Nov 2026 10:42 UTC`: unambiguous for admins in any locale (and far cheaper than Intl). */
export function formatTime(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  const month = MONTHS[date.getUTCMonth()];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCDate()} ${month} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** Parses what a click sent back (Execute's action.data or Submit's value); anything else is ignored. */
export function readCardData(value: unknown): CardData | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { verb, ref, choice, act, note } = value as Record<string, unknown>;
  if (typeof verb !== 'string' || !Object.values(Verbs).includes(verb as Verb)) return undefined;
  if (typeof ref !== 'string' || !/^[\w-]{10,64}$/.test(ref)) return undefined;
  if (choice !== undefined && (typeof choice !== 'number' || !Number.isInteger(choice) || choice < 0 || choice > 100)) return undefined;
  if (act !== undefined && !LIST_ACTIONS.includes(act as ListAction)) return undefined;
  if (verb === Verbs.act && (act === undefined || choice === undefined)) return undefined;
  const cleanNote = typeof note === 'string' && note.trim() ? note.slice(0, 200) : undefined;
  return { verb: verb as Verb, ref, ...(choice !== undefined ? { choice } : {}), ...(act !== undefined ? { act: act as ListAction } : {}), ...(cleanNote ? { note: cleanNote } : {}) };
}
