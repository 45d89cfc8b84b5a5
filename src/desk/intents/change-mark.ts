// What tells whether a remote PIN change happened: the server's own record of the user's last PIN
// change (Get-CsClientPinInfo's LastPinChangeTime), read just before the call and again after.
import type { PinRecordState } from '../../domain/pin-state.js';

/**
 * The mark compared before and after a remote change. "Differs from before", not "later than the
 * intent": LastPinChangeTime comes from the server's clock, which is not ours (skewed, another time
 * zone, coarser), so comparing it with our time could call a set that happened "not set" or the
 * reverse. A second value read from the same server can only differ if the PIN changed there.
 * (If someone else changed the PIN on the server in between, that reads as ours: the PIN we
 * deliver may then be outdated, never a PIN that was never set.)
 */
export function changeMark(state: PinRecordState): string {
  return `${state.isPinSet ? 'set' : 'unset'}:${state.lastChangedAt ? state.lastChangedAt.toISOString() : 'never'}`;
}
