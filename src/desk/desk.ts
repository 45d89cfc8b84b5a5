// The front door of every use case, for every surface (chat, the `pindesk` command line): identify
// the caller afresh, dispatch, and leave exactly one audit record whatever happens. What each
// action does lives in its own module; this file only routes.
import type { Command, ListAction } from '../domain/commands.js';
import type { Decision } from '../domain/pin-request.js';
import { can } from '../domain/roles.js';
import type { DirectoryUser } from '../domain/user.js';
import { audited } from './audit-trail.js';
import type { Caller } from './callers.js';
import { actOnListed, chooseUser, unlockAndSet } from './clicks/picked-user.js';
import { revealPin, takeLocalPin } from './clicks/reveal.js';
import { runCommand } from './commands/dispatch.js';
import { parseCommand } from './commands/registry.js';
import type { DeskServices } from './dependencies.js';
import { cancelRequest } from './requests/cancel-request.js';
import { decideRequest } from './requests/decide-request.js';
import { personalKey } from './requests/request-view.js';
import type { DeskResult, RevealView } from './results.js';
import type { Turn, UseCaseContext } from './turn.js';

export type { CallerKey } from './callers.js';
export type { Turn } from './turn.js';

export class Desk {
  constructor(private readonly services: DeskServices) {}

  /** A typed command. */
  handleText(turn: Turn, text: string): Promise<DeskResult> {
    return this.act(turn, 'command', (ctx) => {
      const command = parseCommand(text);
      ctx.scope.action = command.kind;
      return runCommand(this.services, ctx, command);
    });
  }

  /** A picker button: the original command on the chosen user. */
  choose(turn: Turn, ref: string, choice: number): Promise<DeskResult> {
    return this.act(turn, 'choose-user', (ctx) => chooseUser(this.services, ctx, ref, choice));
  }

  /** A button on a find result. */
  actOnListed(turn: Turn, ref: string, choice: number, action: ListAction): Promise<DeskResult> {
    return this.act(turn, action, (ctx) => actOnListed(this.services, ctx, ref, choice, action));
  }

  unlockAndSet(turn: Turn, ref: string): Promise<DeskResult> {
    return this.act(turn, 'unlock-and-set', (ctx) => unlockAndSet(this.services, ctx, ref));
  }

  /** Reveal (show = true) or hide a PIN set earlier. */
  reveal(turn: Turn, ref: string, show: boolean): Promise<RevealView> {
    return this.act(turn, show ? 'reveal' : 'hide', (ctx) => revealPin(this.services, ctx, ref, show));
  }

  /** Approve or Deny on an approval card. */
  decideRequest(turn: Turn, requestId: string, decision: Decision, note?: string): Promise<DeskResult> {
    return this.act(turn, `request-${decision}`, (ctx) => decideRequest(this.services, ctx, requestId, decision, note));
  }

  /** Cancel on the requester's card. */
  cancelRequest(turn: Turn, requestId: string): Promise<DeskResult> {
    return this.act(turn, 'request-cancel', (ctx) => cancelRequest(this.services, ctx, requestId));
  }

  /**
   * A command from the server's own command line (`pindesk`). Local use is trusted as the Skype
   * for Business Management Shell is: the local administrator acts as CsAdministrator.
   */
  runLocal(actor: string, command: Command): Promise<DeskResult> {
    const turn: Turn = { caller: { appearsAs: `local:${actor}`, trusted: true, account: {} }, requestId: `cli-${this.services.clock().getTime()}`, shared: false, privateReply: true, canReachPrivately: true };
    const user: DirectoryUser = { id: `local:${actor}`, dn: '', displayName: `local administrator ${actor}`, samAccountName: actor, userPrincipalName: `local:${actor}`, enabled: true };
    const caller: Caller = { user, grants: [{ role: 'CsAdministrator', via: 'local administrator' }], roles: new Set(['CsAdministrator']) };
    return audited({ audit: this.services.store.audit, clock: this.services.clock }, turn, command.kind, (scope) => runCommand(this.services, { turn, caller, scope }, command));
  }

  /** The PIN of a `runLocal` set-pin, once: the sealed copy is deleted as it is read. */
  takeLocalPin(actor: string, revealRef: string): Promise<string | undefined> {
    return takeLocalPin(this.services, `local:${actor}`, revealRef);
  }

  /** Identify → run → one audit record. */
  private act<T>(turn: Turn, action: string, body: (ctx: UseCaseContext) => Promise<T>): Promise<T> {
    return audited({ audit: this.services.store.audit, clock: this.services.clock }, turn, action, async (scope) => {
      const caller = await this.identify(turn);
      scope.actor = caller.user.userPrincipalName;
      return body({ turn, caller, scope });
    });
  }

  private async identify(turn: Turn): Promise<Caller> {
    const { callers, store, clock } = this.services;
    const caller = await callers.identify(turn.caller);
    // Approvers are reached in their 1:1 chat with PinDesk: remember where that is.
    if (!turn.shared && turn.conversation && can(caller.roles, 'request.decide')) {
      const { channelId, reference } = turn.conversation;
      await store.conversations.savePersonal(personalKey(caller.user.id), channelId, reference, clock());
    }
    return caller;
  }
}
