// The Teams app package: the manifest is valid against the 1.19 schema (offline), its icons have
// the sizes Teams requires, and every command it advertises is one PinDesk understands.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildManifest, validateManifest } from '../scripts/manifest-tools.mjs';
import { PACKAGE_ROOT } from '../src/config.js';
import { parseCommand } from '../src/desk/commands/registry.js';

const template = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'manifest', 'manifest.json'), 'utf8'));

describe('Teams manifest', () => {
  it('is valid against its schema version, with the bot id filled in', () => {
    expect(Number(template.manifestVersion)).toBeGreaterThanOrEqual(1.19);
    const { manifest } = buildManifest(template, { MICROSOFT_APP_ID: '1b7e2c1a-8a9f-4c4e-9d3b-5f6a7b8c9d0e' });
    expect(validateManifest(manifest)).toEqual([]);
    expect(manifest.bots[0].botId).toBe('1b7e2c1a-8a9f-4c4e-9d3b-5f6a7b8c9d0e');
  });

  it('the validator does catch mistakes', () => {
    const { manifest } = buildManifest(template, {});
    const commands = manifest.bots[0].commandLists[0].commands;
    commands.push({ title: 'x'.repeat(40), description: 'too long a title' });
    delete manifest.name;
    // Both mistakes, each named where it is, and nothing else.
    expect(validateManifest(manifest)).toEqual([
      "/ must have required property 'name'",
      `/bots/0/commandLists/0/commands/${commands.length - 1}/title must NOT have more than 32 characters`,
    ]);
  });

  it('refuses a bot id that is not a GUID', () => {
    expect(() => buildManifest(template, { MICROSOFT_APP_ID: 'my-bot' })).toThrow(/GUID/);
  });

  it('has icons of 192×192 (color) and 32×32 (outline)', async () => {
    const size = async (file: string) => {
      const png = await readFile(path.join(PACKAGE_ROOT, 'manifest', file));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      return [png.readUInt32BE(16), png.readUInt32BE(20)];
    };
    expect(await size(template.icons.color)).toEqual([192, 192]);
    expect(await size(template.icons.outline)).toEqual([32, 32]);
  });

  it('advertises only commands PinDesk understands', () => {
    for (const list of template.bots[0].commandLists) {
      for (const command of list.commands) {
        const example = /: (.*?)(?: \(|$)/.exec(command.description)?.[1] ?? command.title;
        expect(() => parseCommand(example), example).not.toThrow();
      }
    }
  });
});
