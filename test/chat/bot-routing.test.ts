// The chat surface's routing: which activity reaches which desk call, with which Turn, and how the
// answer goes back (a new message, an update of the posted card, or an invoke response). The bot
// runs on botbuilder's own TestAdapter and TurnContext, so activities pass through botbuilder as
// they do in production; the desk is a recording fake with canned answers, so only routing is
// under test here (what the desk does is specified in test/desk and test/e2e).
import { TestAdapter, TurnContext, type Activity, type CloudAdapter, type ConversationAccount, type ConversationParameters, type InvokeResponse, type ResourceResponse } from 'botbuilder';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { CARD_CONTENT_TYPE, Verbs, type Verb } from '../../src/cards/elements.js';
import { pinUnlockedCard } from '../../src/cards/pin-action-cards.js';
import { pinSetCardFor } from '../../src/cards/pin-set-card.js';
import { approvalCard, requesterCard } from '../../src/cards/request-cards.js';
import { pickerDoneCard } from '../../src/cards/user-list-cards.js';
import { Invokes, PinDeskBot } from '../../src/chat/bot.js';
import { PrivateDelivery } from '../../src/chat/conversation.js';
import { cardMessage, textMessage } from '../../src/chat/render.js';
import type { RequestMessenger } from '../../src/chat/request-messenger.js';
import { CardLocations } from '../../src/desk/card-locations.js';
import type { Desk, Turn } from '../../src/desk/desk.js';
import type { DeskResult, IssuedPin, RequestView, RevealView } from '../../src/desk/results.js';
import { CardExpiredError, SelfApprovalError } from '../../src/domain/errors.js';
import type { PinRequest } from '../../src/domain/pin-request.js';
import type { UserSummary } from '../../src/domain/user.js';
import type { CardAudience, ConversationStore, DeliveryState, PostedCard } from '../../src/ports/store.js';
import { BackgroundWork } from '../../src/chat/background.js';

// ---- fixtures -------------------------------------------------------------------------------------

const BOT = { id: '28:pindesk-bot', name: 'PinDesk' };
const SERVICE_URL = 'https://smba.example.test/emea/';
const REVEAL_REF = 'rv_0123456789abcdef';
const CONTINUATION_REF = 'ct_0123456789abcdef';
const LIST_REF = 'ls_0123456789abcdef';
const REQUEST_ID = 'rq_0123456789abcdef';
const INVALID_BUTTON = 'That button is not valid any more. Send the command again.';

const KEN: UserSummary = {
  id: 'user-ken',
  displayName: 'Ken Myer',
  userPrincipalName: 'ken.myer@contoso.com',
  sipAddress: 'sip:ken.myer@contoso.com',
  lineUri: 'tel:+14255550100',
  site: 'Redmond',
  mail: 'ken.myer@contoso.com',
};

function revealView(ref: string, show: boolean): RevealView {
  return {
    details: {
      target: KEN,
      policyIdentity: 'Global',
      changedAt: '2026-11-27T10:00:00.000Z',
      generated: true,
      unlockedFirst: false,
      addresseeName: 'Pilar Ackerman',
      permission: 'pin.set',
    },
    revealRef: ref,
    expiresAt: new Date('2026-11-27T10:15:00Z'),
    ...(show ? { pin: '48213' } : {}),
    expired: false,
  };
}

function requestView(state: PinRequest['state'], decisionNote?: string): RequestView {
  const decided = state !== 'pending';
  return {
    request: {
      id: REQUEST_ID,
      kind: 'reset',
      requesterId: 'user-anne',
      requesterName: 'Anne Wallace',
      requesterUpn: 'anne.wallace@contoso.com',
      reason: 'new phone',
      state,
      createdAt: new Date('2026-11-27T09:00:00Z'),
      expiresAt: new Date('2026-11-28T09:00:00Z'),
      ...(decided ? { decidedAt: new Date('2026-11-27T10:05:00Z'), decidedById: 'user-pilar', decidedByName: 'Pilar Ackerman' } : {}),
      ...(decisionNote ? { decisionNote } : {}),
    },
    pinLocked: false,
  };
}

const ISSUED: IssuedPin = {
  details: { ...revealView('rv_issued_000000', false).details, permission: 'request.own', addresseeName: 'Anne Wallace' },
  revealRef: 'rv_issued_000000',
  revealExpiresAt: new Date('2026-11-27T10:20:00Z'),
  auditReason: 'generated',
};

// ---- the recording desk ---------------------------------------------------------------------------

/** The desk methods the chat surface calls. */
type DeskApi = Pick<Desk, 'handleText' | 'choose' | 'actOnListed' | 'unlockAndSet' | 'reveal' | 'decideRequest' | 'cancelRequest'>;
interface DeskCall {
  method: keyof DeskApi;
  turn: Turn;
  args: unknown[];
}

function recordingDesk() {
  const calls: DeskCall[] = [];
  const state: { failure?: Error | undefined; text: DeskResult; privateChats: Array<Promise<unknown>>; openPrivateChat: boolean } = {
    text: { kind: 'search-deleted', name: 'old' },
    privateChats: [],
    openPrivateChat: false,
  };
  const record = (method: keyof DeskApi, turn: Turn, ...args: unknown[]) => {
    calls.push({ method, turn, args });
    const { failure } = state;
    state.failure = undefined;
    if (failure) throw failure;
  };
  const api = {
    async handleText(turn, text) {
      record('handleText', turn, text);
      // As set-pin does: the private chat is reached during the turn, before anything changes.
      if (state.openPrivateChat) state.privateChats.push(turn.privateChat!().catch((error: unknown) => error));
      return state.text;
    },
    async choose(turn, ref, choice) {
      record('choose', turn, ref, choice);
      return { kind: 'pin-unlocked', target: KEN, wasLocked: true };
    },
    async unlockAndSet(turn, ref) {
      record('unlockAndSet', turn, ref);
      return { kind: 'pin-unlocked', target: KEN, wasLocked: true };
    },
    async actOnListed(turn, ref, choice, action) {
      record('actOnListed', turn, ref, choice, action);
      return { kind: 'pin-locked', target: KEN, wasLocked: false };
    },
    async reveal(turn, ref, show) {
      record('reveal', turn, ref, show);
      return revealView(ref, show);
    },
    async decideRequest(turn, requestId, decision, note) {
      record('decideRequest', turn, requestId, decision, note);
      return decision === 'approve'
        ? { kind: 'request-updated', view: requestView('approved'), change: 'approved', pin: ISSUED }
        : { kind: 'request-updated', view: requestView('denied', note), change: 'denied' };
    },
    async cancelRequest(turn, requestId) {
      record('cancelRequest', turn, requestId);
      return { kind: 'request-updated', view: requestView('cancelled'), change: 'cancelled' };
    },
  } satisfies DeskApi;
  return {
    api,
    calls,
    /** The next desk call throws this. */
    failNext(error: Error) {
      state.failure = error;
    },
    answerText(result: DeskResult) {
      state.text = result;
    },
    /** handleText opens the caller's private chat, as a PIN-setting command does. */
    openPrivateChats() {
      state.openPrivateChat = true;
    },
    privateChats: state.privateChats,
  };
}

// ---- the rest of the bot's dependencies --------------------------------------------------------------

/** botbuilder's TestAdapter, recording what the bot sends and updates. */
class RecordingAdapter extends TestAdapter {
  readonly sent: Array<Partial<Activity>> = [];
  readonly updated: Array<Partial<Activity>> = [];

  override async sendActivities(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    this.sent.push(...activities);
    return super.sendActivities(context, activities);
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    this.updated.push(activity);
    return super.updateActivity(context, activity);
  }
}

/** Where cards were posted: the real CardLocations on an in-memory store of just what it uses. */
function memoryCardStore() {
  const reveals = new Map<string, PostedCard>();
  const continuations = new Map<string, PostedCard>();
  const requests: Array<{ requestId: string; audience: CardAudience; card: PostedCard }> = [];
  return {
    reveals: {
      get: async (id: string) => (reveals.has(id) ? { id, card: reveals.get(id) } : undefined),
      attachCard: async (id: string, card: PostedCard) => void reveals.set(id, card),
    },
    continuations: {
      get: async (id: string) => (continuations.has(id) ? { id, card: continuations.get(id) } : undefined),
      attachCard: async (id: string, card: PostedCard) => void continuations.set(id, card),
    },
    requests: {
      addCard: async (requestId: string, audience: CardAudience, card: PostedCard) => void requests.push({ requestId, audience, card }),
      cards: async (requestId: string) => requests.filter((r) => r.requestId === requestId).map(({ audience, card }) => ({ audience, card })),
    },
  };
}

function setup() {
  const adapter = new RecordingAdapter();
  const desk = recordingDesk();
  const cards = new CardLocations(memoryCardStore() as unknown as ConstructorParameters<typeof CardLocations>[0]);

  const personal: Array<{ userId: string; channelId: string; conversationId: string | undefined }> = [];
  const conversations = {
    savePersonal: async (userId, channelId, reference) => {
      personal.push({ userId, channelId, conversationId: (reference as { conversation?: { id?: string } }).conversation?.id });
    },
    personal: async () => undefined,
    allPersonal: async () => [],
  } satisfies ConversationStore;

  // Teams opens the caller's 1:1 chat through the CloudAdapter; here it is a new conversation on the test adapter.
  const opened: ConversationParameters[] = [];
  const cloud = {
    createConversationAsync: async (_appId, channelId, serviceUrl, _audience, parameters, logic) => {
      opened.push(parameters);
      const created: Partial<Activity> = {
        type: 'event',
        name: 'CreateConversation',
        channelId,
        serviceUrl,
        from: parameters.members?.[0],
        recipient: parameters.bot,
        conversation: { id: 'a:private-1', conversationType: 'personal', isGroup: false, name: '' },
      };
      await logic(new TurnContext(adapter, created));
    },
  } satisfies Pick<CloudAdapter, 'createConversationAsync'>;

  const settled: Array<{ view: RequestView; change: string; pin: IssuedPin | undefined }> = [];
  const announced: RequestView[] = [];
  const requests = {
    announce: async (view) => {
      announced.push(view);
      return 1;
    },
    settle: async (view, change, pin) => void settled.push({ view, change, pin }),
  } satisfies Pick<RequestMessenger, 'announce' | 'settle'>;

  // The outbox courier: records which PIN cards it was asked to post now, and answers as told.
  const courier = {
    tried: [] as string[],
    answer: 'delivered' as DeliveryState,
    async deliverNow(pin: { deliveryId?: string | undefined }): Promise<DeliveryState> {
      courier.tried.push(pin.deliveryId ?? '');
      return courier.answer;
    },
    resent: [] as string[],
    async postHere(_context: TurnContext, card: { revealRef: string }): Promise<void> {
      courier.resent.push(card.revealRef);
    },
  };
  const background = new BackgroundWork(pino({ level: 'silent' }));

  const bot = new PinDeskBot({
    desk: desk.api as Desk,
    cards,
    courier,
    background,
    delivery: new PrivateDelivery(cloud as unknown as CloudAdapter, 'app-id', conversations, 'https://teams.microsoft.com/l/app/6f3a1c52-8d3e-4d4b-9f0e-2a7c1e5b9d10'),
    requests: requests as unknown as RequestMessenger,
    callers: { trustedChannels: new Set(['emulator']) },
    log: pino({ level: 'silent' }),
  });
  return { adapter, bot, desk, cards, personal, opened, settled, announced, courier, background };
}

// ---- conversations and activities -------------------------------------------------------------------

type ChannelId = 'msteams' | 'emulator';
type ConversationType = 'personal' | 'channel' | 'groupChat';

interface Where {
  channelId: ChannelId;
  /** Undefined: no conversationType (as the Emulator and Web Chat send), `isGroup` decides. */
  type: ConversationType | undefined;
  isGroup?: boolean;
}

const PILAR_TEAMS = { id: '29:pilar', name: 'Pilar Ackerman', aadObjectId: 'aad-pilar' };
const PILAR_EMULATOR = { id: 'pilar', name: 'pilar' };

function conversationOf(where: Where): Partial<Activity> {
  const { channelId, type } = where;
  const id = `${channelId}:${type ?? 'untyped'}:${where.isGroup ? 'group' : 'single'}`;
  const isGroup = where.isGroup ?? (type !== undefined && type !== 'personal');
  return {
    channelId,
    serviceUrl: SERVICE_URL,
    from: channelId === 'msteams' ? PILAR_TEAMS : PILAR_EMULATOR,
    recipient: BOT,
    // Without a type, conversationType is absent (botbuilder's type says it is always there).
    conversation: { id, isGroup, name: '', ...(type ? { conversationType: type } : {}), ...(channelId === 'msteams' ? { tenantId: 'tenant-1' } : {}) } as ConversationAccount,
    ...(channelId === 'msteams' ? { channelData: { tenant: { id: 'tenant-1' } } } : {}),
  };
}

const TEAMS_PERSONAL: Where = { channelId: 'msteams', type: 'personal' };
const TEAMS_CHANNEL: Where = { channelId: 'msteams', type: 'channel' };
const EMULATOR: Where = { channelId: 'emulator', type: undefined };

let sequence = 0;

function message(where: Where, fields: Partial<Activity>): Partial<Activity> {
  return { ...conversationOf(where), type: 'message', id: `in-${++sequence}`, ...fields };
}

/** Teams' Action.Execute click. */
function execute(where: Where, verb: unknown, data: unknown): Partial<Activity> {
  return {
    ...conversationOf(where),
    type: 'invoke',
    name: Invokes.cardAction,
    id: `in-${++sequence}`,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** The Action.Submit fallback (Emulator, Web Chat): a message carrying the data and no text. */
function submit(where: Where, data: unknown): Partial<Activity> {
  return message(where, { value: data });
}

/** What a sent or updated activity says and where, without botbuilder's bookkeeping (ids, timestamps). */
function shape(activity: Partial<Activity>) {
  const { type, text, textFormat, summary, attachments, value, conversation } = activity;
  return Object.fromEntries(
    Object.entries({ type, conversation: conversation?.id, text, textFormat, summary, attachments, value }).filter(([, v]) => v !== undefined),
  );
}

const expectedMessage = (conversationId: string, activity: Partial<Activity>) => ({ ...shape(activity), conversation: conversationId });

interface TurnOutcome {
  sent: Array<Record<string, unknown>>;
  updated: Array<Record<string, unknown> & { id?: string }>;
  invoke: InvokeResponse | undefined;
  invokeResponses: number;
  calls: DeskCall[];
}

type Setup = ReturnType<typeof setup>;

/** Runs one activity through botbuilder and the bot; returns what came out of the turn. */
async function drive(s: Setup, activity: Partial<Activity>): Promise<TurnOutcome> {
  const sentBefore = s.adapter.sent.length;
  const updatedBefore = s.adapter.updated.length;
  const callsBefore = s.desk.calls.length;
  await s.adapter.processActivity(activity, (context) => s.bot.run(context));
  // What the turn left running (a request's redraws) belongs to the turn's outcome too.
  await s.background.idle();
  const sent = s.adapter.sent.slice(sentBefore);
  const invokes = sent.filter((a) => a.type === 'invokeResponse');
  return {
    sent: sent.filter((a) => a.type !== 'invokeResponse').map(shape),
    updated: s.adapter.updated.slice(updatedBefore).map((a) => ({ ...shape(a), id: a.id })),
    invoke: invokes[0]?.value as InvokeResponse | undefined,
    invokeResponses: invokes.length,
    calls: s.desk.calls.slice(callsBefore),
  };
}

/** The Turn the bot should build, without the caller (checked separately). */
function expectedTurn(activity: Partial<Activity>, flags: { shared: boolean; privateReply: boolean; canReachPrivately: boolean }) {
  return {
    requestId: activity.id,
    ...flags,
    conversation: { id: activity.conversation!.id, channelId: activity.channelId, reference: TurnContext.getConversationReference(activity) },
  };
}

function withoutCaller(turn: Turn) {
  const { caller, privateChat, ...rest } = turn;
  void caller;
  // Every turn can reach the caller privately (checked in its own test below).
  expect(typeof privateChat).toBe('function');
  return rest;
}

const invokeCard = (card: unknown): InvokeResponse => ({ status: 200, body: { statusCode: 200, type: CARD_CONTENT_TYPE, value: card } });
const invokeMessage = (text: string): InvokeResponse => ({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } });

// ---- the spec -----------------------------------------------------------------------------------------

describe('chat routing: plain messages reach desk.handleText', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  // [where, shared, privateReply, canReachPrivately]
  const places: Array<[string, Where, boolean, boolean, boolean]> = [
    ['a Teams 1:1 chat', { channelId: 'msteams', type: 'personal' }, false, true, true],
    ['a Teams channel', { channelId: 'msteams', type: 'channel' }, true, false, true],
    ['a Teams group chat', { channelId: 'msteams', type: 'groupChat' }, true, false, true],
    ['an Emulator 1:1 chat', { channelId: 'emulator', type: 'personal' }, false, true, true],
    ['an Emulator channel', { channelId: 'emulator', type: 'channel' }, true, false, false],
    ['an Emulator group chat', { channelId: 'emulator', type: 'groupChat' }, true, false, false],
    ['a Teams channel whose conversation says isGroup: false (the type decides)', { channelId: 'msteams', type: 'channel', isGroup: false }, true, false, true],
    ['an Emulator conversation without a type', { channelId: 'emulator', type: undefined }, false, true, true],
    ['an Emulator group without a type (isGroup)', { channelId: 'emulator', type: undefined, isGroup: true }, true, false, false],
  ];

  for (const [name, where, shared, privateReply, canReachPrivately] of places) {
    it(`in ${name}: the text, and a Turn with shared=${shared} privateReply=${privateReply} canReachPrivately=${canReachPrivately}`, async () => {
      const activity = message(where, { text: 'delete search old' });
      const out = await drive(s, activity);
      expect(out.calls.map((c) => [c.method, ...c.args])).toEqual([['handleText', 'delete search old']]);
      expect(withoutCaller(out.calls[0]!.turn)).toEqual(expectedTurn(activity, { shared, privateReply, canReachPrivately }));
      // The answer goes back into the same conversation.
      expect(out.sent).toEqual([expectedMessage(activity.conversation!.id, textMessage('Deleted saved search **old**.'))]);
      expect(out.updated).toEqual([]);
      expect(out.invokeResponses).toBe(0);
      // Only a 1:1 conversation is remembered as the way to reach the caller privately.
      expect(s.personal).toEqual(shared ? [] : [{ userId: activity.from!.id, channelId: where.channelId, conversationId: activity.conversation!.id }]);
    });
  }

  it('the caller is who the channel vouches for: Teams by the sender (no roster here, so its AAD object id, and never its display name), other channels by from.id, trusted only where configured', async () => {
    const teams = await drive(s, message(TEAMS_PERSONAL, { text: 'whoami' }));
    expect(teams.calls[0]!.turn.caller).toEqual({ appearsAs: 'aad-pilar', trusted: true, account: { objectId: 'aad-pilar' }, rosterLookup: 'failed' });
    const emulator = await drive(s, message(EMULATOR, { text: 'whoami' }));
    expect(emulator.calls[0]!.turn.caller).toMatchObject({ appearsAs: 'pilar', trusted: true, account: { samAccountName: 'pilar' } });
    const untrusted = await drive(s, message({ channelId: 'webchat' as ChannelId, type: 'personal' }, { text: 'whoami' }));
    expect(untrusted.calls[0]!.turn.caller).toMatchObject({ appearsAs: 'pilar', trusted: false });
  });

  it('the @mention of the bot is stripped; other mentions keep the name; Teams HTML entities are decoded', async () => {
    const mention = (name: string, id: string) => ({ type: 'mention', text: `<at>${name}</at>`, mentioned: { id, name } });
    const out = await drive(
      s,
      message(TEAMS_CHANNEL, {
        text: '<at>PinDesk</at> unlock pin <at>Ken Myer</at> &amp; more',
        entities: [mention('PinDesk', BOT.id), mention('Ken Myer', '29:ken')],
      }),
    );
    expect(out.calls.map((c) => [c.method, ...c.args])).toEqual([['handleText', 'unlock pin Ken Myer & more']]);
  });

  it('a message with both text and a value is a typed command, not a card click', async () => {
    const out = await drive(s, message(EMULATOR, { text: 'help', value: { verb: Verbs.reveal, ref: REVEAL_REF } }));
    expect(out.calls.map((c) => [c.method, ...c.args])).toEqual([['handleText', 'help']]);
  });

  it('a message with neither text nor value reaches handleText with empty text (the desk answers with help)', async () => {
    const out = await drive(s, message(EMULATOR, {}));
    expect(out.calls.map((c) => [c.method, ...c.args])).toEqual([['handleText', '']]);
  });

  it('a desk refusal becomes a text message in the same conversation', async () => {
    s.desk.failNext(new CardExpiredError('choice'));
    const activity = message(TEAMS_CHANNEL, { text: 'set pin ken' });
    const out = await drive(s, activity);
    expect(out.sent).toEqual([expectedMessage(activity.conversation!.id, textMessage('That choice has expired or was already made. Send the command again.'))]);
  });

  it('a PIN set: its card is tried at once from the outbox; the turn is told the truth about it', async () => {
    const pinSet: DeskResult = { kind: 'pin-set', details: revealView(REVEAL_REF, false).details, revealRef: REVEAL_REF, revealExpiresAt: new Date('2026-11-27T10:15:00Z'), deliveryId: 'delivery-1', elsewhere: false };
    s.desk.answerText(pinSet);
    const inPersonal = message(TEAMS_PERSONAL, { text: 'set pin ken' });
    // Delivered in this 1:1 chat: the card is the answer.
    expect((await drive(s, inPersonal)).sent).toEqual([]);
    expect(s.courier.tried).toEqual(['delivery-1']);
    // Not delivered yet: the PIN is set all the same, and the answer says so.
    s.courier.answer = 'pending';
    expect((await drive(s, inPersonal)).sent).toEqual([
      expectedMessage(inPersonal.conversation!.id, textMessage("PIN set for Ken Myer; I couldn't post the card yet and will keep trying — type `my pins` to get it now.")),
    ]);

    s.desk.answerText({ ...pinSet, elsewhere: true });
    const inChannel = message(TEAMS_CHANNEL, { text: 'set pin ken' });
    expect((await drive(s, inChannel)).sent).toEqual([
      expectedMessage(inChannel.conversation!.id, textMessage("PIN set for Ken Myer; I couldn't post the card to our 1:1 chat yet and will keep trying — type `my pins` there to get it now.")),
    ]);
    s.courier.answer = 'delivered';
    expect((await drive(s, inChannel)).sent).toEqual([expectedMessage(inChannel.conversation!.id, textMessage('PIN set for Ken Myer. I sent the details to you in our 1:1 chat.'))]);
  });

  it("the caller's 1:1 chat is reached before anything changes: this one, one Teams opens from a channel, or a refusal", async () => {
    s.desk.openPrivateChats();
    const privateChatOf = async (activity: Partial<Activity>) => {
      await drive(s, activity);
      const outcome = await s.desk.privateChats.at(-1);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    };
    const inPersonal = message(TEAMS_PERSONAL, { text: 'set pin ken' });
    expect(await privateChatOf(inPersonal)).toEqual({ channelId: 'msteams', reference: TurnContext.getConversationReference(inPersonal), elsewhere: false });
    expect(s.opened).toEqual([]);

    const fromChannel = await privateChatOf(message(TEAMS_CHANNEL, { text: 'set pin ken' }));
    expect(fromChannel).toMatchObject({ channelId: 'msteams', reference: { conversation: { id: 'a:private-1' } }, elsewhere: true });
    expect(s.opened).toHaveLength(1);
    expect(s.opened[0]).toMatchObject({ isGroup: false, bot: BOT, members: [PILAR_TEAMS], tenantId: 'tenant-1' });
    expect(s.personal.at(-1)).toMatchObject({ userId: PILAR_TEAMS.id, channelId: 'msteams', conversationId: 'a:private-1' });

    await expect(privateChatOf(message({ channelId: 'emulator', type: 'groupChat' }, { text: 'set pin ken' }))).rejects.toMatchObject({ code: 'no-private-chat', reason: 'shared' });
  });
});

/** One row per verb: the card data a button carries, and the desk call it must become. */
interface Click {
  verb: Verb;
  data: Record<string, unknown>;
  call: [keyof DeskApi, ...unknown[]];
}

const CLICKS: Click[] = [
  { verb: Verbs.reveal, data: { ref: REVEAL_REF }, call: ['reveal', REVEAL_REF, true] },
  { verb: Verbs.hide, data: { ref: REVEAL_REF }, call: ['reveal', REVEAL_REF, false] },
  { verb: Verbs.choose, data: { ref: CONTINUATION_REF, choice: 2 }, call: ['choose', CONTINUATION_REF, 2] },
  { verb: Verbs.unlockAndSet, data: { ref: CONTINUATION_REF }, call: ['unlockAndSet', CONTINUATION_REF] },
  { verb: Verbs.approve, data: { ref: REQUEST_ID }, call: ['decideRequest', REQUEST_ID, 'approve', undefined] },
  { verb: Verbs.deny, data: { ref: REQUEST_ID, note: 'ask the helpdesk' }, call: ['decideRequest', REQUEST_ID, 'deny', 'ask the helpdesk'] },
  { verb: Verbs.cancel, data: { ref: REQUEST_ID }, call: ['cancelRequest', REQUEST_ID] },
  { verb: Verbs.act, data: { ref: LIST_REF, choice: 1, act: 'lock-pin' }, call: ['actOnListed', LIST_REF, 1, 'lock-pin'] },
];

it('the click table covers every verb', () => {
  expect(CLICKS.map((c) => c.verb).sort()).toEqual(Object.values(Verbs).sort());
});

/** Card data as an attacker could send it: the real fields plus some that must never be believed. */
const TAMPERED = { pin: '11111', userId: 'user-admin', target: 'sip:ceo@contoso.com', requesterId: 'user-anne', addresseeId: 'user-eve', show: true };

describe('chat routing: Action.Submit (a message with a value and no text)', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  for (const click of CLICKS) {
    it(`${click.verb} → desk.${click.call[0]} with the card's opaque ref only (and a Turn like a message's)`, async () => {
      const activity = submit(TEAMS_CHANNEL, { ...TAMPERED, verb: click.verb, ...click.data });
      const out = await drive(s, activity);
      expect(out.calls.map((c) => [c.method, ...c.args])).toEqual([click.call]);
      expect(withoutCaller(out.calls[0]!.turn)).toEqual(expectedTurn(activity, { shared: true, privateReply: false, canReachPrivately: true }));
      expect(JSON.stringify(out.calls)).not.toMatch(/11111|user-admin|ceo@|user-eve/);
      expect(out.invokeResponses).toBe(0);
    });
  }

  for (const verb of [Verbs.reveal, Verbs.hide]) {
    it(`${verb}: the posted card is updated in place when its location is known`, async () => {
      const where = EMULATOR;
      const activity = submit(where, { verb, ref: REVEAL_REF });
      await s.cards.posted('reveal', REVEAL_REF, { conversation: TurnContext.getConversationReference(activity), activityId: 'card-7' });
      const out = await drive(s, activity);
      const card = pinSetCardFor(revealView(REVEAL_REF, verb === Verbs.reveal));
      expect(out.updated).toEqual([{ ...expectedMessage(activity.conversation!.id, cardMessage(card)), id: 'card-7' }]);
      expect(out.sent).toEqual([]);
      expect(JSON.stringify(out.updated)).toContain(verb === Verbs.reveal ? '48213' : 'PIN hidden');
    });

    it(`${verb}: a new message when the card's location is unknown, or is another conversation`, async () => {
      const activity = submit(EMULATOR, { verb, ref: REVEAL_REF });
      const card = pinSetCardFor(revealView(REVEAL_REF, verb === Verbs.reveal));
      const unknown = await drive(s, activity);
      expect(unknown.updated).toEqual([]);
      expect(unknown.sent).toEqual([expectedMessage(activity.conversation!.id, cardMessage(card))]);

      await s.cards.posted('reveal', REVEAL_REF, { conversation: { conversation: { id: 'elsewhere' } }, activityId: 'card-8' });
      const elsewhere = await drive(s, submit(EMULATOR, { verb, ref: REVEAL_REF }));
      expect(elsewhere.updated).toEqual([]);
      expect(elsewhere.sent).toEqual([expectedMessage(activity.conversation!.id, cardMessage(card))]);
    });
  }

  for (const verb of [Verbs.choose, Verbs.unlockAndSet]) {
    it(`${verb}: the result is a new message, and the picker is replaced in place when its location is known (never re-sent)`, async () => {
      const data = { verb, ref: CONTINUATION_REF, ...(verb === Verbs.choose ? { choice: 0 } : {}) };
      const result = cardMessage(pinUnlockedCard(KEN, true), 'PIN unlocked for Ken Myer');
      const activity = submit(EMULATOR, data);
      const unknown = await drive(s, activity);
      expect(unknown.sent).toEqual([expectedMessage(activity.conversation!.id, result)]);
      expect(unknown.updated).toEqual([]);

      await s.cards.posted('continuation', CONTINUATION_REF, { conversation: TurnContext.getConversationReference(activity), activityId: 'picker-3' });
      const known = await drive(s, submit(EMULATOR, data));
      expect(known.sent).toEqual([expectedMessage(activity.conversation!.id, result)]);
      expect(known.updated).toEqual([
        { ...expectedMessage(activity.conversation!.id, cardMessage(pickerDoneCard('Done for Ken Myer: the result is below.'))), id: 'picker-3' },
      ]);
    });
  }

  const decisions: Array<[Verb, Record<string, unknown>, string, string]> = [
    [Verbs.approve, {}, 'approved', 'Request from Anne Wallace: Approved by Pilar Ackerman at 27 Nov 2026 10:05 UTC.'],
    [Verbs.deny, { note: 'ask the helpdesk' }, 'denied', 'Request from Anne Wallace: Denied by Pilar Ackerman at 27 Nov 2026 10:05 UTC: ask the helpdesk'],
    [Verbs.cancel, {}, 'cancelled', 'Request from Anne Wallace: Cancelled by the requester at 27 Nov 2026 10:05 UTC.'],
  ];
  for (const [verb, extra, change, line] of decisions) {
    it(`${verb}: every card of the request is settled, and a line says what happened where the button was pressed`, async () => {
      const activity = submit(TEAMS_CHANNEL, { verb, ref: REQUEST_ID, ...extra });
      const out = await drive(s, activity);
      expect(s.settled.map((x) => [x.view.request.id, x.change, x.pin?.revealRef])).toEqual([[REQUEST_ID, change, verb === Verbs.approve ? ISSUED.revealRef : undefined]]);
      expect(out.sent).toEqual([expectedMessage(activity.conversation!.id, textMessage(line))]);
      expect(out.updated).toEqual([]);
    });
  }

  it(`${Verbs.act}: the result is a new message and the find result stays as it is`, async () => {
    const activity = submit(EMULATOR, { verb: Verbs.act, ref: LIST_REF, choice: 1, act: 'lock-pin' });
    await s.cards.posted('continuation', LIST_REF, { conversation: TurnContext.getConversationReference(activity), activityId: 'list-1' });
    const out = await drive(s, activity);
    expect(out.sent.map((a) => a.summary)).toEqual(['PIN locked for Ken Myer']);
    expect(out.updated).toEqual([]);
  });

  it('a refusal is a text message, and nothing is updated', async () => {
    s.desk.failNext(new CardExpiredError('reveal'));
    const activity = submit(EMULATOR, { verb: Verbs.reveal, ref: REVEAL_REF });
    await s.cards.posted('reveal', REVEAL_REF, { conversation: TurnContext.getConversationReference(activity), activityId: 'card-9' });
    const out = await drive(s, activity);
    expect(out.sent).toEqual([expectedMessage(activity.conversation!.id, textMessage('This PIN can no longer be revealed. Set a new PIN if the user still needs one.'))]);
    expect(out.updated).toEqual([]);
  });
});

describe('chat routing: Action.Execute (invoke adaptiveCard/action)', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  for (const click of CLICKS) {
    it(`${click.verb} → desk.${click.call[0]} with the card's opaque ref only, and a private reply even in a channel`, async () => {
      const activity = execute(TEAMS_CHANNEL, click.verb, { ...TAMPERED, verb: click.verb, ...click.data });
      const out = await drive(s, activity);
      expect(out.calls.map((c) => [c.method, ...c.args])).toEqual([click.call]);
      expect(withoutCaller(out.calls[0]!.turn)).toEqual(expectedTurn(activity, { shared: true, privateReply: true, canReachPrivately: true }));
      expect(JSON.stringify(out.calls)).not.toMatch(/11111|user-admin|ceo@|user-eve/);
      expect(out.invokeResponses).toBe(1);
    });
  }

  for (const verb of [Verbs.reveal, Verbs.hide]) {
    it(`${verb}: the invoke response is the redrawn card (Teams replaces the clicked one for the clicker only); nothing is posted`, async () => {
      const activity = execute(TEAMS_PERSONAL, verb, { verb, ref: REVEAL_REF });
      await s.cards.posted('reveal', REVEAL_REF, { conversation: TurnContext.getConversationReference(activity), activityId: 'card-1' });
      const out = await drive(s, activity);
      expect(out.invoke).toEqual(invokeCard(pinSetCardFor(revealView(REVEAL_REF, verb === Verbs.reveal))));
      expect((out.invoke!.body as { type: string }).type).toBe('application/vnd.microsoft.card.adaptive');
      expect(out.sent).toEqual([]);
      expect(out.updated).toEqual([]);
    });
  }

  it('the verb may come on the action (Teams) or in the data; the action\'s wins', async () => {
    const inData = await drive(s, execute(TEAMS_PERSONAL, undefined, { verb: Verbs.reveal, ref: REVEAL_REF }));
    expect(inData.calls.map((c) => [c.method, ...c.args])).toEqual([['reveal', REVEAL_REF, true]]);
    const both = await drive(s, execute(TEAMS_PERSONAL, Verbs.hide, { verb: Verbs.reveal, ref: REVEAL_REF }));
    expect(both.calls.map((c) => [c.method, ...c.args])).toEqual([['reveal', REVEAL_REF, false]]);
  });

  for (const verb of [Verbs.choose, Verbs.unlockAndSet]) {
    it(`${verb}: the result is posted, the picker is replaced by a "choice made" card`, async () => {
      const activity = execute(TEAMS_PERSONAL, verb, { ref: CONTINUATION_REF, ...(verb === Verbs.choose ? { choice: 0 } : {}) });
      const out = await drive(s, activity);
      expect(out.sent.map((a) => [a.conversation, a.summary])).toEqual([[activity.conversation!.id, 'PIN unlocked for Ken Myer']]);
      expect(out.invoke).toEqual(invokeCard(pickerDoneCard('Done for Ken Myer: the result is below.')));
      expect(out.updated).toEqual([]);
    });
  }

  const decisions: Array<[Verb, Record<string, unknown>, string, (view: RequestView) => unknown]> = [
    [Verbs.approve, {}, 'approved', approvalCard],
    [Verbs.deny, { note: 'ask the helpdesk' }, 'denied', approvalCard],
    [Verbs.cancel, {}, 'cancelled', requesterCard],
  ];
  for (const [verb, extra, change, cardFor] of decisions) {
    it(`${verb}: every card of the request is settled; the invoke response is the redrawn card`, async () => {
      const out = await drive(s, execute(TEAMS_CHANNEL, verb, { ref: REQUEST_ID, ...extra }));
      expect(s.settled.map((x) => [x.view.request.id, x.change])).toEqual([[REQUEST_ID, change]]);
      const view = requestView(change as PinRequest['state'], extra.note as string | undefined);
      expect(out.invoke).toEqual(invokeCard(cardFor(view)));
      expect(out.sent).toEqual([]);
    });
  }

  it(`${Verbs.act}: the result is posted and the invoke answers with a message (the find result stays)`, async () => {
    const activity = execute(TEAMS_PERSONAL, Verbs.act, { ref: LIST_REF, choice: 1, act: 'lock-pin' });
    const out = await drive(s, activity);
    expect(out.sent.map((a) => [a.conversation, a.summary])).toEqual([[activity.conversation!.id, 'PIN locked for Ken Myer']]);
    expect(out.invoke).toEqual(invokeMessage('Done for Ken Myer.'));
  });

  it('a refusal is an invoke message (the card stays as it was), never a post in the conversation', async () => {
    s.desk.failNext(new CardExpiredError('reveal'));
    const revealed = await drive(s, execute(TEAMS_CHANNEL, Verbs.reveal, { ref: REVEAL_REF }));
    expect(revealed.invoke).toEqual(invokeMessage('This PIN can no longer be revealed. Set a new PIN if the user still needs one.'));
    expect(revealed.sent).toEqual([]);

    s.desk.failNext(new SelfApprovalError());
    const approved = await drive(s, execute(TEAMS_CHANNEL, Verbs.approve, { ref: REQUEST_ID }));
    expect(approved.invoke).toEqual(invokeMessage("You can't decide your own request: another approver has to. Nothing was changed."));
    expect(approved.sent).toEqual([]);
    expect(s.settled).toEqual([]);
  });

  const invalid: Array<[string, unknown, unknown]> = [
    ['an unknown verb', 'pin.exfiltrate', { ref: REVEAL_REF }],
    ['no verb at all', undefined, { ref: REVEAL_REF }],
    ['no data', Verbs.reveal, undefined],
    ['no ref', Verbs.reveal, { pin: '11111' }],
    ['a user.act without its choice', Verbs.act, { ref: LIST_REF, act: 'lock-pin' }],
  ];
  for (const [name, verb, data] of invalid) {
    it(`${name} → "That button is not valid any more", and no desk call`, async () => {
      const out = await drive(s, execute(TEAMS_PERSONAL, verb, data));
      expect(out.calls).toEqual([]);
      expect(out.invoke).toEqual(invokeMessage(INVALID_BUTTON));
      expect(out.sent).toEqual([]);
    });
  }

  it('an invoke with no action at all is not a valid button either', async () => {
    const activity = { ...execute(TEAMS_PERSONAL, Verbs.reveal, { ref: REVEAL_REF }), value: { trigger: 'manual' } };
    const out = await drive(s, activity);
    expect(out.calls).toEqual([]);
    expect(out.invoke).toEqual(invokeMessage(INVALID_BUTTON));
  });

  for (const name of ['composeExtension/query', 'task/fetch', 'adaptiveCard/actions', 'signin/verifyState']) {
    it(`another invoke (${name}) → 501, and no desk call`, async () => {
      const activity = { ...execute(TEAMS_PERSONAL, Verbs.reveal, { ref: REVEAL_REF }), name };
      const out = await drive(s, activity);
      expect(out.calls).toEqual([]);
      expect(out.invoke).toEqual({ status: 501 });
      expect(out.invokeResponses).toBe(1);
      expect(out.sent).toEqual([]);
    });
  }
});

describe('chat routing: card data is never trusted', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  const rejected: Array<[string, Record<string, unknown>]> = [
    ['an over-long ref (65 characters)', { verb: Verbs.reveal, ref: 'r'.repeat(65) }],
    ['a too-short ref', { verb: Verbs.reveal, ref: 'short' }],
    ['a ref with other characters', { verb: Verbs.reveal, ref: '../../reveals/0123456789' }],
    ['a ref that is not a string', { verb: Verbs.reveal, ref: { $gt: '' } }],
    ['a choice that is not a small whole number', { verb: Verbs.choose, ref: CONTINUATION_REF, choice: 1.5 }],
    ['a choice out of range', { verb: Verbs.choose, ref: CONTINUATION_REF, choice: 101 }],
    ['an unknown list action', { verb: Verbs.act, ref: LIST_REF, choice: 0, act: 'delete-user' }],
  ];
  for (const [name, value] of rejected) {
    it(`${name} is refused on both click paths, without a desk call`, async () => {
      const submitted = await drive(s, submit(EMULATOR, value));
      expect(submitted.calls).toEqual([]);
      expect(submitted.sent).toEqual([expectedMessage(conversationOf(EMULATOR).conversation!.id, textMessage(INVALID_BUTTON))]);

      const { verb, ...data } = value;
      const executed = await drive(s, execute(TEAMS_PERSONAL, verb, data));
      expect(executed.calls).toEqual([]);
      expect(executed.invoke).toEqual(invokeMessage(INVALID_BUTTON));
    });
  }

  it('a ref of exactly 64 characters is accepted (the limit is 64, not less)', async () => {
    const ref = 'r'.repeat(64);
    const out = await drive(s, submit(EMULATOR, { verb: Verbs.reveal, ref }));
    expect(out.calls.map((c) => [c.method, ...c.args])).toEqual([['reveal', ref, true]]);
  });

  it('a denial note is cut to 200 characters; a blank one is dropped', async () => {
    const long = await drive(s, submit(EMULATOR, { verb: Verbs.deny, ref: REQUEST_ID, note: 'n'.repeat(500) }));
    expect(long.calls.map((c) => [c.method, ...c.args])).toEqual([['decideRequest', REQUEST_ID, 'deny', 'n'.repeat(200)]]);
    const blank = await drive(s, submit(EMULATOR, { verb: Verbs.deny, ref: REQUEST_ID, note: '   ' }));
    expect(blank.calls.map((c) => [c.method, ...c.args])).toEqual([['decideRequest', REQUEST_ID, 'deny', undefined]]);
  });

  it('the Turn comes from the activity, never from the value (no caller, conversation or flags from card data)', async () => {
    const activity = submit(EMULATOR, {
      verb: Verbs.reveal,
      ref: REVEAL_REF,
      caller: { appearsAs: 'admin', trusted: true },
      shared: false,
      privateReply: true,
      conversation: { id: 'other' },
      requestId: 'forged',
    });
    const out = await drive(s, activity);
    const turn = out.calls[0]!.turn;
    expect(turn.caller.appearsAs).toBe('pilar');
    expect(withoutCaller(turn)).toEqual(expectedTurn(activity, { shared: false, privateReply: true, canReachPrivately: true }));
  });
});

describe('chat routing: conversationUpdate and other activities', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  const GREETING = "Hi, I'm PinDesk: I set, unlock and check dial-in conferencing PINs. Type `help` to see what you can do.";

  it('a member added → a greeting, once, however many were added', async () => {
    const update = { ...conversationOf(TEAMS_CHANNEL), type: 'conversationUpdate', id: 'cu-1', membersAdded: [{ id: '29:anne', name: 'Anne' }, { id: '29:ken', name: 'Ken' }, BOT] };
    const out = await drive(s, update);
    expect(out.sent).toEqual([expectedMessage(update.conversation!.id, textMessage(GREETING))]);
    expect(out.calls).toEqual([]);
  });

  it("the bot's own addition → nothing; no members added → nothing; a removal → nothing", async () => {
    for (const fields of [{ membersAdded: [BOT] }, {}, { membersRemoved: [{ id: '29:anne', name: 'Anne' }] }]) {
      const out = await drive(s, { ...conversationOf(TEAMS_PERSONAL), type: 'conversationUpdate', id: `cu-${++sequence}`, ...fields });
      expect(out.sent).toEqual([]);
      expect(out.calls).toEqual([]);
    }
  });

  it('other activity types (typing, reactions, events) reach no handler and get no answer', async () => {
    for (const type of ['typing', 'messageReaction', 'event', 'installationUpdate']) {
      const out = await drive(s, { ...conversationOf(TEAMS_PERSONAL), type, id: `x-${++sequence}`, value: { verb: Verbs.reveal, ref: REVEAL_REF } });
      expect([type, out.sent, out.invokeResponses, out.calls]).toEqual([type, [], 0, []]);
    }
  });
});
