// The real bot as a child process (dist/main.js) with PIN_AUTHORITY=sfb on the fake module, for
// tests that kill it outright (kill -9) and start it again on the same DATA_DIR.
import path from 'node:path';
import { startBotChild, type BotProcess } from '../bot-process.js';
import { fakeModulePath, pwsh, type FakeSfb } from './pwsh.js';

export type { BotProcess } from '../bot-process.js';

export function startBotProcess(options: { dataDir: string; fake: FakeSfb; env?: Record<string, string> }): Promise<BotProcess> {
  return startBotChild(
    {
      DATA_DIR: options.dataDir,
      PIN_AUTHORITY: 'sfb',
      SFB_PWSH: pwsh(),
      SFB_MODULE: path.join(fakeModulePath, 'SkypeForBusiness'),
      // The worker inherits the bot's environment: that is how the fake finds its files.
      SFB_FAKE_STATE: options.fake.stateFile,
      SFB_FAKE_CALLS: options.fake.callsFile,
      ...options.env,
    },
    60_000,
  );
}
