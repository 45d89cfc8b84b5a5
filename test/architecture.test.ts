// The import rules of .dependency-cruiser.cjs (also run in CI as `npm run lint:deps`): src/ keeps
// them, the cycles left are exactly the known ones, and each rule reports a deliberate breach in a
// throwaway tree (so a broken regular expression cannot make the check pass silently).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

const LAYER_RULES = ['botbuilder-only-in-chat-surface', 'domain-is-pure', 'cards-are-pure'];

/** The project's options, as CI uses them. */
async function projectOptions(baseDir: string): Promise<ICruiseOptions> {
  const options = await extractDepcruiseOptions(CONFIG);
  const rules = options.ruleSet?.forbidden ?? [];
  const noCircular = rules.find((rule) => rule.name === 'no-circular');
  expect(noCircular, 'the config has a no-circular rule').toBeDefined();
  expect(noCircular?.from?.pathNot, 'no module is exempt from the cycle rule').toBeUndefined();
  return { ...options, baseDir, tsConfig: { fileName: join(baseDir, 'tsconfig.json') } };
}

async function cruiseSrc(baseDir: string, options: ICruiseOptions): Promise<ICruiseResult> {
  const tsConfig = extractTSConfig(join(baseDir, 'tsconfig.json'));
  const result = await cruise(['src'], options, {}, { tsConfig });
  return result.output as ICruiseResult;
}

function violationsOf(result: ICruiseResult, rule: string): IViolation[] {
  return result.summary.violations.filter((violation) => violation.rule.name === rule);
}

/** Each reported cycle once, as "a → b → a" starting from its alphabetically first module. */
function cycles(result: ICruiseResult): string[] {
  const seen = new Set<string>();
  for (const violation of violationsOf(result, 'no-circular')) {
    const path = [violation.from, ...(violation.cycle ?? []).map((step) => step.name)];
    if (path.at(-1) === path[0]) path.pop();
    const start = path.indexOf([...path].sort()[0]!);
    const rotated = [...path.slice(start), ...path.slice(0, start)];
    seen.add([...rotated, rotated[0]].join(' → '));
  }
  return [...seen].sort();
}

function describeViolations(violations: IViolation[]): string[] {
  return violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
}

describe('import rules on src/', () => {
  it('src/ keeps the layer rules: botbuilder only in the chat surface, a pure domain, pure cards', async () => {
    const result = await cruiseSrc(ROOT, await projectOptions(ROOT));
    expect(result.summary.totalCruised).toBeGreaterThan(50);
    expect(describeViolations(result.summary.violations.filter((violation) => LAYER_RULES.includes(violation.rule.name)))).toEqual([]);
    // As CI runs it: nothing at all.
    expect(describeViolations(result.summary.violations)).toEqual([]);
  });

  it('src/ has no import cycle (type-only imports included)', async () => {
    const result = await cruiseSrc(ROOT, await projectOptions(ROOT));
    expect(cycles(result)).toEqual([]);
  });
});

describe('each import rule reports a deliberate breach', () => {
  let fixture: string;
  let result: ICruiseResult;

  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }),
    // A cycle whose way back is a type-only import (counts because of tsPreCompilationDeps).
    'src/desk/a.ts': "import { b } from './b.js';\nexport interface A { n: number }\nexport const a = b + 1;\n",
    'src/desk/b.ts': "import type { A } from './a.js';\nexport const b = 1;\nexport type B = A;\n",
    // The domain reading the disk, and reaching up into the desk.
    'src/domain/reads-disk.ts': "import { readFileSync } from 'node:fs';\nexport const read = (path: string) => readFileSync(path, 'utf8');\n",
    'src/domain/reaches-up.ts': "import { b } from '../desk/b.js';\nexport const c = b;\n",
    // Allowed: the domain's uniform randomness.
    'src/domain/random.ts': "import { randomInt } from 'node:crypto';\nexport const roll = () => randomInt(10);\n",
    // Bot Framework outside the chat surface; allowed inside it.
    'src/http/server.ts': "import type { CloudAdapter } from 'botbuilder';\nexport type Adapter = CloudAdapter;\n",
    'src/chat/bot.ts': "import type { TurnContext } from 'botbuilder';\nexport type Context = TurnContext;\n",
    // A card reaching into an adapter, and one logging.
    'src/adapters/store.ts': 'export const store = new Map<string, string>();\n',
    'src/cards/card.ts': "import { store } from '../adapters/store.js';\nimport type { Logger } from 'pino';\nexport const size = (log: Logger) => log.info(String(store.size));\n",
  };

  beforeAll(async () => {
    fixture = await mkdtemp(join(tmpdir(), 'pindesk-import-rules-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(fixture, path)), { recursive: true });
      await writeFile(join(fixture, path), text);
    }
    result = await cruiseSrc(fixture, await projectOptions(fixture));
  });

  afterAll(async () => {
    await rm(fixture, { recursive: true, force: true });
  });

  it('no-circular reports a cycle closed by a type-only import', () => {
    expect(cycles(result)).toEqual(['src/desk/a.ts → src/desk/b.ts → src/desk/a.ts']);
  });

  it('domain-is-pure reports node:fs and an import from above the domain, not node:crypto', () => {
    const found = describeViolations(violationsOf(result, 'domain-is-pure'));
    expect(found).toEqual(
      expect.arrayContaining([expect.stringMatching(/^domain-is-pure: src\/domain\/reads-disk\.ts → (node:)?fs$/), 'domain-is-pure: src/domain/reaches-up.ts → src/desk/b.ts']),
    );
    expect(found).toHaveLength(2);
  });

  it('botbuilder-only-in-chat-surface reports botbuilder outside src/chat', () => {
    const found = violationsOf(result, 'botbuilder-only-in-chat-surface');
    expect(found.map((violation) => violation.from)).toEqual(['src/http/server.ts']);
    expect(found[0]!.to).toMatch(/botbuilder/);
  });

  it('cards-are-pure reports an adapter and an I/O package', () => {
    const found = violationsOf(result, 'cards-are-pure');
    expect(found.map((violation) => violation.from)).toEqual(['src/cards/card.ts', 'src/cards/card.ts']);
    expect(found.map((violation) => violation.to).sort()).toEqual(['pino', 'src/adapters/store.ts']);
  });
});
