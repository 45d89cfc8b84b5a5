// `set pin Ken Myer [730194]`: a generated PIN (or the one typed, checked against the user's
// policy), sealed for the caller and revealed only in private. A locked PIN is refused, with
// "Unlock and set" offered to a caller who may do both.
import { NoPrivateChatError, PinExposedError, PinLockedError } from '../../domain/errors.js';
import { identityParam, parseSetArguments } from '../../domain/grammar/arguments.js';
import { toAsciiDigits } from '../../domain/digits.js';
import { summarize, type DirectoryUser } from '../../domain/user.js';
import { mayActOn } from '../access.js';
import { recordOf } from '../audit-trail.js';
import type { CommandOf, TargetedEntry } from '../commands/command-entry.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult } from '../results.js';
import type { UseCaseContext } from '../turn.js';

export type SetPinCommand = CommandOf<'set-pin'>;

/** What "Unlock and set" remembers. */
export interface UnlockAndSetPayload {
  command: SetPinCommand;
  targetId: string;
}

export const setPinCommand: TargetedEntry<'set-pin'> = {
  kind: 'set-pin',
  permission: 'pin.set',
  target: { needsEnabledUser: true },
  help: [
    { usage: 'Set a new generated PIN (revealed privately)', example: 'set pin Ken Myer' },
    { usage: 'Set a PIN you choose (1:1 chat only)', example: 'set pin Ken Myer 730194' },
    { usage: 'The cmdlet form works too', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 730194' },
  ],
  syntax: {
    // Not `set pin policy ...` (a policy command).
    phrases: [{ pattern: /^(?:set|reset|change)[ -]?pin(?![ -]?polic)(?: for)?(?:\s+(.*))?$/i, build: (rest) => parseSetArguments(rest) }],
    cmdlets: [
      {
        name: 'Set-CsClientPin',
        parameters: ['Identity', 'Pin'],
        switches: ['IgnoreHistory'],
        example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 121989',
        build: (p) => {
          const pin = p.get('Pin');
          return {
            kind: 'set-pin',
            identity: identityParam(p, 'Set-CsClientPin -Identity "Ken Myer"'),
            pin: typeof pin === 'string' ? pin : undefined,
            ignoreHistory: p.get('IgnoreHistory') === true,
          };
        },
      },
    ],
    suggestFor: /^(set|reset|change|new)\b/i,
    example: 'set pin Ken Myer',
  },
  cli: [
    {
      name: 'set-pin',
      arguments: '<identity> [--pin <digits>] [--ignore-history]',
      summary: 'set a PIN (generated unless --pin); prints it here only',
      details: "Sets a PIN under the user's policy and prints it on this terminal only.",
      build: (args) => {
        const pin = args.options.pin;
        // Digits of any script read as 0–9, as in chat (domain/digits.ts).
        return { kind: 'set-pin', identity: args.identity(), pin: typeof pin === 'string' ? toAsciiDigits(pin.normalize('NFKC')) : undefined, ignoreHistory: Boolean(args.options['ignore-history']) };
      },
    },
  ],
  precheck: refuseWhereNotPrivate,
  run: (services, ctx, command, target) => setPinOn(services, ctx, command, target, false),
};

/** A PIN typed where others can read it is exposed already; setting it would make it live. */
export function refuseWhereNotPrivate(ctx: UseCaseContext, command: SetPinCommand): void {
  if (command.pin !== undefined && ctx.turn.shared) throw new PinExposedError();
  if (!ctx.turn.canReachPrivately) throw new NoPrivateChatError();
}

export async function setPinOn(
  services: Pick<DeskServices, 'issuer' | 'continuations' | 'clock'>,
  ctx: UseCaseContext,
  command: SetPinCommand,
  target: DirectoryUser,
  unlockFirst: boolean,
): Promise<DeskResult> {
  const { caller, scope, turn } = ctx;
  // The private chat first: if the card could not reach the caller, nothing may change.
  const chat = turn.privateChat ? await turn.privateChat() : undefined;
  const issued = await services.issuer.issue({
    target,
    addressee: caller.user,
    pin: command.pin,
    ignoreHistory: command.ignoreHistory,
    unlockFirst,
    permission: 'pin.set',
    audit: recordOf(scope, turn, services.clock()),
    onPending: (pending) => (scope.pending = pending),
    deliverTo: chat && { channelId: chat.channelId, reference: chat.reference },
  });
  if (issued === 'not-provided') throw new Error('set-pin has no precondition');
  if (issued === 'locked') {
    const offer = mayActOn(caller, 'pin.unlock', target)
      ? await services.continuations.save(caller, 'unlock-and-set', { command, targetId: target.id } satisfies UnlockAndSetPayload)
      : undefined;
    throw new PinLockedError(summarize(target), offer);
  }
  scope.reason = issued.auditReason;
  scope.recorded = true;
  return { kind: 'pin-set', details: issued.details, revealRef: issued.revealRef, revealExpiresAt: issued.revealExpiresAt, deliveryId: issued.deliveryId, claimed: issued.claimed, elsewhere: chat?.elsewhere ?? false };
}
