import { describe, expect, it } from 'vitest';
import { OBSERVATION_WINDOW_MS, TEMPORARY_LOCK_MS, verifyAttempt } from '../../src/domain/lockout.js';
import { NO_PIN, type PinRecordState } from '../../src/domain/pin-state.js';

const t0 = new Date('2026-11-27T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const limits = { local: 3, global: 7 };
const set: PinRecordState = { ...NO_PIN, isPinSet: true, pinLength: 5 };

/** Applies attempts in order, returning each result. */
function run(state: PinRecordState, attempts: Array<[number, boolean]>): { results: string[]; state: PinRecordState } {
  let current = state;
  const results: string[] = [];
  for (const [ms, correct] of attempts) {
    const { result, counters } = verifyAttempt(current, { now: at(ms), correct, limits });
    results.push(result);
    if (counters) current = { ...current, ...counters };
  }
  return { results, state: current };
}

describe('the lockout model', () => {
  it('no PIN, locked, expired: answered without counting', () => {
    expect(verifyAttempt(NO_PIN, { now: t0, correct: false, limits }).result).toBe('not-set');
    expect(verifyAttempt({ ...set, adminLocked: true }, { now: t0, correct: true, limits })).toEqual({ result: 'locked' });
    expect(verifyAttempt({ ...set, expiresAt: t0 }, { now: t0, correct: true, limits })).toEqual({ result: 'expired' });
  });

  it('reaching the local limit inside the window locks for an hour, even the right PIN', () => {
    const { results, state } = run(set, [
      [0, false],
      [1000, false],
      [2000, false],
      [3000, true],
      [2000 + TEMPORARY_LOCK_MS - 1, true],
      [2000 + TEMPORARY_LOCK_MS, true],
    ]);
    expect(results).toEqual(['invalid', 'invalid', 'invalid', 'temporarily-locked', 'temporarily-locked', 'ok']);
    expect(state).toMatchObject({ localFailures: 0, globalFailures: 3 });
  });

  it('failures outside the 30-minute window start a new one', () => {
    const { results, state } = run(set, [
      [0, false],
      [1000, false],
      [OBSERVATION_WINDOW_MS, false],
      [OBSERVATION_WINDOW_MS + 1000, false],
    ]);
    expect(results).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
    expect(state).toMatchObject({ localFailures: 2, globalFailures: 4, temporaryLockUntil: undefined });
  });

  it('a success resets local failures, never global ones', () => {
    const { state } = run(set, [
      [0, false],
      [1000, false],
      [2000, true],
      [3000, false],
    ]);
    expect(state).toMatchObject({ localFailures: 1, globalFailures: 3 });
  });

  it('reaching the global limit locks until an administrator unlocks', () => {
    const hour = TEMPORARY_LOCK_MS;
    const { results, state } = run(set, [
      [0, false],
      [1, false],
      [2, false], // temporary lock
      [hour + 10, false],
      [hour + 11, false],
      [hour + 12, false], // temporary lock again
      [3 * hour, false], // 7th: global limit
      [10 * hour, true],
    ]);
    expect(results.at(-1)).toBe('locked');
    expect(state.failureLocked).toBe(true);
  });
});

describe('the lockout model, edge by edge', () => {
  it('the window is 30 minutes and a temporary lock one hour', () => {
    expect(OBSERVATION_WINDOW_MS).toBe(30 * 60_000);
    expect(TEMPORARY_LOCK_MS).toBe(60 * 60_000);
  });

  it('a PIN that expires later still works now', () => {
    expect(verifyAttempt({ ...set, expiresAt: at(1) }, { now: t0, correct: true, limits })).toEqual({ result: 'ok' });
    expect(verifyAttempt({ ...set, expiresAt: at(-1) }, { now: t0, correct: true, limits })).toEqual({ result: 'expired' });
  });

  it('a right PIN on clean counters writes nothing', () => {
    expect(verifyAttempt(set, { now: t0, correct: true, limits })).toEqual({ result: 'ok' });
  });

  it.each<[string, Partial<PinRecordState>]>([
    ['local failures', { localFailures: 2, windowStartedAt: at(-1000) }],
    ['an open window', { localFailures: 0, windowStartedAt: at(-1000) }],
    ['a temporary lock that ended', { temporaryLockUntil: at(-1) }],
  ])('a right PIN after %s resets them (global failures stay)', (_, counters) => {
    expect(verifyAttempt({ ...set, globalFailures: 4, ...counters }, { now: t0, correct: true, limits })).toEqual({
      result: 'ok',
      counters: { localFailures: 0, globalFailures: 4, windowStartedAt: undefined, temporaryLockUntil: undefined, failureLocked: false },
    });
  });

  it('a wrong PIN opens a window, counts into it, and locks exactly at the limits', () => {
    expect(verifyAttempt(set, { now: t0, correct: false, limits })).toEqual({
      result: 'invalid',
      counters: { localFailures: 1, globalFailures: 1, windowStartedAt: t0, temporaryLockUntil: undefined, failureLocked: false },
    });
    const open = { ...set, localFailures: 1, globalFailures: 5, windowStartedAt: t0 };
    expect(verifyAttempt(open, { now: at(OBSERVATION_WINDOW_MS - 1), correct: false, limits }).counters).toEqual({
      localFailures: 2,
      globalFailures: 6,
      windowStartedAt: t0,
      temporaryLockUntil: undefined,
      failureLocked: false,
    });
    expect(verifyAttempt({ ...open, localFailures: 2 }, { now: at(5), correct: false, limits }).counters).toEqual({
      localFailures: 0,
      globalFailures: 6,
      windowStartedAt: undefined,
      temporaryLockUntil: at(5 + TEMPORARY_LOCK_MS),
      failureLocked: false,
    });
    expect(verifyAttempt({ ...open, globalFailures: 6 }, { now: at(5), correct: false, limits }).counters).toMatchObject({ globalFailures: 7, failureLocked: true });
    expect(verifyAttempt({ ...open, globalFailures: 5 }, { now: at(5), correct: false, limits }).counters).toMatchObject({ globalFailures: 6, failureLocked: false });
  });

  it('locks are answered in order: admin or failures, then temporary, then expiry', () => {
    const attempt = { now: t0, correct: true, limits };
    expect(verifyAttempt({ ...set, failureLocked: true }, attempt)).toEqual({ result: 'locked' });
    expect(verifyAttempt({ ...set, temporaryLockUntil: at(1), expiresAt: at(-1) }, attempt)).toEqual({ result: 'temporarily-locked' });
    expect(verifyAttempt({ ...set, temporaryLockUntil: t0 }, attempt).result).toBe('ok');
    expect(verifyAttempt({ ...set, expiresAt: t0 }, { ...attempt, correct: false })).toEqual({ result: 'expired' });
  });
});

