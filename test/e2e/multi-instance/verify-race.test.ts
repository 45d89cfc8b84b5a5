// 500 logon attempts at once, spread over two PinDesk processes on one PostgreSQL database: every
// wrong PIN counted exactly once, and the lock falls exactly at the limit — not one attempt early,
// not one late — whichever instance answered. (Each attempt reads the counters and writes them back
// in one transaction under the store-wide lock; a lost update would show as a count short.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText } from '../../support/harness.js';
import { demoUserId, startInstances, type Instances } from '../../support/multi-instance.js';
import { postgresAvailable } from '../../support/postgres.js';

const KEY = 'multi-instance-verify-key-0123456789';
const CALLS = 500;
const unlimited = '1000000/1m';

describe.runIf(postgresAvailable())(`${CALLS} verify calls at once over two instances (separate processes)`, () => {
  let m: Instances;
  const admin = async (text: string, expected: RegExp) => {
    const turn = await m.a.emulator('anne').say(text);
    expect(turn.sent.map((s) => s.activity.text ?? cardText(cardOf(s))).join('\n')).toMatch(expected);
  };
  beforeAll(async () => {
    m = await startInstances({ VERIFY_API_KEYS: KEY, VERIFY_ANSWERS: 'detailed', VERIFY_RATE_PER_KEY: unlimited, VERIFY_RATE_TOTAL: unlimited, VERIFY_RATE_PER_NUMBER: unlimited });
    await admin('Set-CsPinPolicy -MinPasswordLength 4', /MinPasswordLength/);
    // Ken Myer: a 4-digit PIN (global limit 100), the local limit out of the way.
    await admin('new pin policy Lenient min 4 attempts 999', /Lenient/);
    await admin('grant pin policy Lenient to Ken Myer', /Lenient/);
    await admin('set pin kmyer 7301', /PIN set for/);
    // Chris Cannon: a 5-digit PIN (global limit 1000), locked for an hour after 30 failures.
    await admin('new pin policy Thirty min 5 attempts 30', /Thirty/);
    await admin('grant pin policy Thirty to Chris Cannon', /Thirty/);
    await admin('set pin chris 48261', /PIN set for/);
  }, 120_000);
  afterAll(async () => m?.stop());

  /** CALLS wrong PINs for `line`, all sent at once, every other one to B; the answers counted. */
  const attack = async (line: string) => {
    const calls = Array.from({ length: CALLS }, (_, i) => (i % 2 === 0 ? m.a : m.b).verify({ line, pin: '86420' }, KEY));
    const answers = await Promise.all(calls);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const results: Record<string, number> = {};
    for (const { json } of answers) results[json.result] = (results[json.result] ?? 0) + 1;
    return results;
  };
  it('the global limit (100 for a 4-digit PIN): exactly 100 counted, locked for good at the 100th', async () => {
    const results = await attack('+14255550100');
    console.log(`verify race, global limit: ${CALLS} calls over 2 processes -> ${JSON.stringify(results)}`);
    expect(results).toEqual({ invalid: 100, locked: CALLS - 100 });
    expect(await m.rows('select local_failures, global_failures, failure_locked from pin_records where user_id = ?', demoUserId('kmyer'))).toEqual([{ local_failures: 100, global_failures: 100, failure_locked: 1 }]);
    // Only the attempts that counted are wrong guesses on record.
    expect(await m.count("select count(*) n from audit where action = 'verify' and reason = 'invalid'")).toBe(100);
    expect((await m.a.verify({ line: '+14255550100', pin: '7301' }, KEY)).json.result).toBe('locked');
  }, 120_000);

  it('the local limit (MaximumLogonAttempts 30): exactly 30 counted, then locked for an hour', async () => {
    const results = await attack('+14255550103');
    console.log(`verify race, local limit: ${CALLS} calls over 2 processes -> ${JSON.stringify(results)}`);
    expect(results).toEqual({ invalid: 30, 'temporarily-locked': CALLS - 30 });
    const rows = await m.rows('select local_failures, global_failures, failure_locked, temporary_lock_until from pin_records where user_id = ?', demoUserId('chris'));
    expect(await m.count("select count(*) n from audit where action = 'verify' and reason = 'invalid'")).toBe(100 + 30);
    // Reaching the local limit starts the lock and resets the local count.
    expect(rows[0]).toMatchObject({ local_failures: 0, global_failures: 30, failure_locked: 0 });
    expect(rows[0].temporary_lock_until).not.toBeNull();
    expect((await m.b.verify({ line: '+14255550103', pin: '48261' }, KEY)).json.result).toBe('temporarily-locked');
  }, 120_000);
});
