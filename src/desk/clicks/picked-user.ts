// Buttons that name a user from an earlier answer: a picker choice (one use), a find result's
// action (many uses), and "Unlock and set". The card carries only an opaque id and an index; the
// user comes from the sealed continuation, and every check runs again now.
import type { ListAction, TargetedCommand } from '../../domain/commands.js';
import { BadChoiceError, NoUserMatchError } from '../../domain/errors.js';
import type { DirectoryUser } from '../../domain/user.js';
import { authorize, authorizeOn } from '../access.js';
import { runCommand } from '../commands/dispatch.js';
import type { DeskServices } from '../dependencies.js';
import { refuseWhereNotPrivate, setPinCommand, setPinOn, type UnlockAndSetPayload } from '../pins/set-pin.js';
import type { DeskResult } from '../results.js';
import type { UserListPayload } from '../search/find-user.js';
import type { ChoosePayload } from '../shared/targets.js';
import type { UseCaseContext } from '../turn.js';

/** A picker button: the original command, on the chosen user. */
export async function chooseUser(services: DeskServices, ctx: UseCaseContext, ref: string, choice: number): Promise<DeskResult> {
  // The choice is checked against the picker before the picker is used up (a tampered index is refused).
  const payload = await services.continuations.take<ChoosePayload>(ctx.caller, ref, 'choose-user', (p) => idAt(p.candidateIds, choice));
  const id = idAt(payload.candidateIds, choice);
  ctx.scope.action = payload.command.kind;
  return runCommand(services, ctx, payload.command, await userById(services, id));
}

/** A button on a find result: the action on that user, as if typed (a list serves many clicks). */
export async function actOnListed(services: DeskServices, ctx: UseCaseContext, ref: string, choice: number, action: ListAction): Promise<DeskResult> {
  const payload = await services.continuations.read<UserListPayload>(ctx.caller, ref, 'user-list');
  const target = await userById(services, idAt(payload.userIds, choice));
  const command: TargetedCommand = action === 'set-pin' ? { kind: 'set-pin', identity: target.userPrincipalName, ignoreHistory: false } : { kind: action, identity: target.userPrincipalName };
  return runCommand(services, ctx, command, target);
}

/** "Unlock and set": both permissions are checked again now, then one atomic change. */
export async function unlockAndSet(services: DeskServices, ctx: UseCaseContext, ref: string): Promise<DeskResult> {
  authorize(ctx.caller, 'pin.unlock');
  authorize(ctx.caller, 'pin.set');
  const payload = await services.continuations.take<UnlockAndSetPayload>(ctx.caller, ref, 'unlock-and-set');
  const target = await services.directory.getById(payload.targetId);
  if (!target) throw new NoUserMatchError('the user', []);
  authorizeOn(ctx.caller, 'pin.unlock', target);
  refuseWhereNotPrivate(ctx, payload.command);
  const rule = { permission: setPinCommand.permission, ...setPinCommand.target };
  return services.targets.withTarget(ctx, payload.command, rule, target, (user) => setPinOn(services, ctx, payload.command, user, true));
}

/** The id at a card's choice index; an index the card never offered is refused. */
function idAt(ids: readonly string[], choice: number): string {
  const id = Number.isInteger(choice) && choice >= 0 ? ids[choice] : undefined;
  if (id === undefined) throw new BadChoiceError();
  return id;
}

async function userById({ directory }: Pick<DeskServices, 'directory'>, id: string): Promise<DirectoryUser> {
  const user = await directory.getById(id);
  if (!user) throw new NoUserMatchError('the chosen user', []);
  return user;
}
