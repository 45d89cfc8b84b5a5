// The PIN issuer: a generated PIN is redrawn while it is one of the last PINHistoryCount PINs; a
// locked PIN is left alone unless unlocking first was asked; the PIN is sealed for its addressee
// until REVEAL_TTL.
import { afterEach, expect, it } from 'vitest';
import { GLOBAL_DEFAULTS } from '../../../src/domain/policy.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';

let f: DeskFixture;
afterEach(() => f.close());

const digits = (pin: string) => [...pin].map(Number);

it('redraws a generated PIN that is in the history', async () => {
  let script: number[] = [];
  f = await deskFixture({ randomInt: () => script.shift() ?? 0 });
  await f.services.store.policies.savePolicy({ identity: 'Global', ...GLOBAL_DEFAULTS, pinHistoryCount: 2 });
  const [ken, pilar] = [await f.user('kmyer'), await f.user('pilar')];
  const issue = () => f.services.issuer.issue({ target: ken, addressee: pilar, ignoreHistory: false, unlockFirst: false, permission: 'pin.set' });
  script = digits('73019');
  await issue();
  // The next draws give the same PIN again first, then another: the second one is set.
  script = [...digits('73019'), ...digits('58203')];
  const issued = await issue();
  if (typeof issued === 'string') throw new Error(issued);
  expect(script).toEqual([]);
  expect(await f.verifier.verify({ line: '+14255550100' }, '58203', 'spec')).toBe('ok');
  expect(issued.revealExpiresAt).toEqual(new Date(f.clock.now + 10 * 60_000));
});

it("a locked PIN: 'locked', nothing set, nothing sealed", async () => {
  f = await deskFixture();
  const [ken, pilar] = [await f.user('kmyer'), await f.user('pilar')];
  await f.services.authority.lock(ken.id, f.services.clock());
  const issued = await f.services.issuer.issue({ target: ken, addressee: pilar, ignoreHistory: false, unlockFirst: false, permission: 'pin.set' });
  expect(issued).toBe('locked');
  expect(await f.store.db.selectFrom('pin_history').select('id').execute()).toEqual([]);
  expect(await f.store.db.selectFrom('reveals').select('id').execute()).toEqual([]);
});
