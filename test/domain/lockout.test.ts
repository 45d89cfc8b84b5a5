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
