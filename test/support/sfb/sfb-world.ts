// The Skype for Business world: PIN_AUTHORITY=sfb, SFB_TRANSPORT=local — real pwsh running the
// real worker against the fake module, whose state file is the server's (users, pools, policies,
// PINs as SHA-256, the history it keeps). Policies and grants are seeded there, and read back from
// there; the server's clock follows the harness's.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fromServer } from '../../../src/adapters/sfb/sfb-policies.js';
import type { PinPolicy } from '../../../src/domain/policy.js';
import type { Harness } from '../harness.js';
import type { ConversationWorld } from '../worlds/conversation-world.js';
import { FakeSfb, fakeModulePath, pwsh } from './pwsh.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

interface FakeUser {
  SipAddress: string;
  PinPolicy: string | null;
  PinSha256: string | null;
  PinHistory?: string[];
}

export function sfbWorld(): ConversationWorld & { fake(): FakeSfb } {
  let fake: FakeSfb | undefined;
  const saved = { state: process.env.SFB_FAKE_STATE, calls: process.env.SFB_FAKE_CALLS };
  const server = () => {
    if (!fake) throw new Error('the sfb world is not set up');
    return fake;
  };
  const userOf = async (h: Harness, sam: string): Promise<{ state: any; user: FakeUser }> => {
    const sip = (await h.user(sam)).sipAddress;
    const state = server().state();
    const user = (state.users as FakeUser[]).find((u) => u.SipAddress === sip);
    if (!user) throw new Error(`the fake server has no user ${sip}`);
    return { state, user };
  };
  return {
    name: 'Skype for Business (fake server)',
    fake: server,
    env: () => ({ PIN_AUTHORITY: 'sfb', SFB_PWSH: pwsh(), SFB_MODULE: path.join(fakeModulePath, 'SkypeForBusiness'), SFB_TIMEOUT: '15s' }),
    async setUp() {
      fake = new FakeSfb();
      fake.state();
      // The worker inherits PinDesk's environment: that is how the fake finds its files.
      process.env.SFB_FAKE_STATE = fake.stateFile;
      process.env.SFB_FAKE_CALLS = fake.callsFile;
    },
    async tearDown() {
      await fake?.dispose();
      for (const [name, value] of [['SFB_FAKE_STATE', saved.state], ['SFB_FAKE_CALLS', saved.calls]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
    async syncClock(h) {
      const state = server().state();
      state.clock = new Date(h.clock.now).toISOString();
      server().writeState(state);
    },
    history: 'server',
    verify: 'server',
    async savePolicy(_h, policy) {
      const state = server().state();
      const identity = policy.identity.replace(/^site:/, 'Site:').replace(/^tag:/, 'Tag:');
      state.policies = state.policies.filter((p: { Identity: string }) => p.Identity !== identity);
      state.policies.push({
        Identity: identity,
        Description: policy.description ?? null,
        MinPasswordLength: policy.minPasswordLength,
        PINHistoryCount: policy.pinHistoryCount,
        PINLifetime: policy.pinLifetimeDays,
        AllowCommonPatterns: policy.allowCommonPatterns,
        MaximumLogonAttempts: policy.maximumLogonAttempts ?? null,
      });
      server().writeState(state);
    },
    async grant(h, sam, tag) {
      const { state, user } = await userOf(h, sam);
      user.PinPolicy = tag;
      server().writeState(state);
    },
    async policy(_h, identity): Promise<PinPolicy | undefined> {
      const found = (server().state().policies as Array<{ Identity: string }>).map((p) => fromServer(p as never)).find((p) => p.identity === identity);
      return found;
    },
    async grantOf(h, sam) {
      return (await userOf(h, sam)).user.PinPolicy ?? undefined;
    },
    async pinIs(h, sam, pin) {
      return (await userOf(h, sam)).user.PinSha256 === sha(pin);
    },
    async timesInHistory(h, sam, pin) {
      return ((await userOf(h, sam)).user.PinHistory ?? []).filter((hash) => hash === sha(pin)).length;
    },
    async withPinWritesFailing(_h, body) {
      // The server refuses Set-CsClientPin (its user store is down); reads still work.
      server().fault('Set-CsClientPin', 'fail');
      try {
        return await body();
      } finally {
        server().fault('Set-CsClientPin', undefined);
      }
    },
    failedWriteAnswer: /the Skype for Business server refused: The operation could not be completed: the user store is not available, so nothing was changed/,
  };
}
