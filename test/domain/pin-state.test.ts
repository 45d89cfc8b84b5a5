import { describe, expect, it } from 'vitest';
import { logonLimits, NO_PIN, pinStatusAt } from '../../src/domain/pin-state.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';

const now = new Date('2026-11-27T10:00:00Z');
const later = new Date('2026-11-27T10:30:00Z');

describe('pinStatusAt (Get-CsClientPinInfo)', () => {
  it('a new user has no PIN and is not locked', () => {
    expect(pinStatusAt(NO_PIN, now)).toMatchObject({ isPinSet: false, isLockedOut: false, isExpired: false });
  });

  it.each([
    [{ adminLocked: true }, 'admin'],
    [{ failureLocked: true }, 'too-many-failures'],
    [{ temporaryLockUntil: later }, 'temporary'],
    [{ adminLocked: true, temporaryLockUntil: later }, 'admin'],
  ])('%o is locked: %s', (change, reason) => {
    const status = pinStatusAt({ ...NO_PIN, isPinSet: true, ...change }, now);
    expect(status.isLockedOut).toBe(true);
    expect(status.lockReason).toBe(reason);
  });

  it('a temporary lock ends on time and says until when', () => {
    const state = { ...NO_PIN, isPinSet: true, temporaryLockUntil: later };
    expect(pinStatusAt(state, now).lockedUntil).toEqual(later);
    expect(pinStatusAt(state, later).isLockedOut).toBe(false);
  });

  it('reports expiry', () => {
    const state = { ...NO_PIN, isPinSet: true, expiresAt: later };
    expect(pinStatusAt(state, now).isExpired).toBe(false);
    expect(pinStatusAt(state, later).isExpired).toBe(true);
  });
});

describe('logonLimits', () => {
  it.each([
    [4, 10, 100],
    [5, 25, 1000],
    [6, 25, 5000],
    [12, 25, 5000],
  ])('length %i → local %i, global %i', (length, local, global) => {
    expect(logonLimits(GLOBAL_DEFAULTS, length)).toEqual({ local, global });
  });

  it('MaximumLogonAttempts replaces the local limit only', () => {
    expect(logonLimits({ ...GLOBAL_DEFAULTS, maximumLogonAttempts: 3 }, 5)).toEqual({ local: 3, global: 1000 });
  });
});

describe('NO_PIN and lock reasons', () => {
  it('a user without a record has no PIN, no locks, no failures', () => {
    expect(NO_PIN).toEqual({ isPinSet: false, adminLocked: false, failureLocked: false, localFailures: 0, globalFailures: 0 });
    expect(Object.isFrozen(NO_PIN)).toBe(true);
  });

  it('only a temporary lock says until when', () => {
    const state = { ...NO_PIN, isPinSet: true, adminLocked: true, temporaryLockUntil: later };
    expect(pinStatusAt(state, now)).toMatchObject({ lockReason: 'admin', lockedUntil: undefined });
    expect(pinStatusAt({ ...NO_PIN, isPinSet: true, temporaryLockUntil: now }, now)).toMatchObject({ isLockedOut: false, lockReason: undefined, lockedUntil: undefined });
  });

  it('carries the change and expiry times through', () => {
    const changed = new Date('2026-11-01T10:00:00Z');
    expect(pinStatusAt({ ...NO_PIN, isPinSet: true, lastChangedAt: changed, expiresAt: later }, now)).toEqual({
      isPinSet: true,
      isLockedOut: false,
      lockReason: undefined,
      lockedUntil: undefined,
      lastPinChangeTime: changed,
      pinExpirationTime: later,
      isExpired: false,
    });
  });
});

