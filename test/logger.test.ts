// Every log line names its service and its instance (host and process), so the lines of several
// instances sharing one database can be told apart; a line's own `pid` (a worker it is about) is
// not overwritten or duplicated by it.
import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

it('names the instance once, and leaves a line its own pid', () => {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(line) });
  log.info({ pid: 4242 }, 'Skype for Business worker ready');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.match(/"pid":/g)).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ service: 'pindesk', instance: `${hostname()}/${process.pid}`, pid: 4242, msg: 'Skype for Business worker ready' });
});
