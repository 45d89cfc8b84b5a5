// The worker script, read by PowerShell's own parser: no syntax errors, and no way to run text as code.
import { writeFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pwshAvailable, runPwshFile, workerScript } from '../support/sfb/pwsh.js';

const FORBIDDEN = /Invoke-Expression|\biex\b|AddScript|ScriptBlock\]::Create|(^|\s)-Command\b|NewScriptBlock|Invoke-Command/i;

describe('sfb/pindesk-worker.ps1 text', () => {
  it('contains none of the ways to run data as code', () => {
    const text = readFileSync(workerScript, 'utf8');
    const code = text.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
    expect(code).not.toMatch(FORBIDDEN);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
  });
});

describe.runIf(pwshAvailable())('sfb/pindesk-worker.ps1 parsed by PowerShell', () => {
  it('has no syntax errors, and no command, member or parameter that runs text', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pindesk-ast-'));
    try {
      const probe = path.join(dir, 'parse.ps1');
      writeFileSync(
        probe,
        [
          'param([string]$Path)',
          '$tokens = $null; $errors = $null',
          '$ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)',
          '$commands = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() } | Where-Object { $_ })',
          '$members = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.MemberExpressionAst] }, $true) | ForEach-Object { $_.Member.Extent.Text })',
          '$parameters = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandParameterAst] }, $true) | ForEach-Object { $_.ParameterName })',
          '$types = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.TypeExpressionAst] }, $true) | ForEach-Object { $_.TypeName.FullName })',
          '$strings = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.StringConstantExpressionAst] }, $true) | ForEach-Object { $_.Value })',
          '[Console]::Out.Write((ConvertTo-Json -Compress -Depth 3 -InputObject ([ordered]@{ errors = @($errors | ForEach-Object { $_.Message }); commands = $commands; members = $members; parameters = $parameters; types = $types; strings = $strings })))',
        ].join('\n'),
      );
      const result = JSON.parse(runPwshFile(probe, [workerScript])) as { errors: string[]; commands: string[]; members: string[]; parameters: string[]; types: string[]; strings: string[] };
      expect(result.errors).toEqual([]);
      expect(result.commands.length).toBeGreaterThan(10);
      const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
      expect(lower(result.commands)).not.toContain('invoke-expression');
      expect(lower(result.commands)).not.toContain('iex');
      expect(lower(result.commands)).not.toContain('invoke-command');
      expect(lower(result.members)).not.toContain('addscript');
      expect(lower(result.members)).not.toContain('newscriptblock');
      expect(result.members.some((m, i) => m.toLowerCase() === 'create' && /scriptblock/i.test(result.types[i] ?? ''))).toBe(false);
      expect(lower(result.types)).not.toContain('scriptblock');
      expect(lower(result.parameters)).not.toContain('command');
      // The cmdlets it may call are the table's, and they appear only as constants.
      expect(lower(result.members)).toContain('addcommand');
      for (const cmdlet of ['Get-CsClientPinInfo', 'Set-CsClientPin', 'Unlock-CsClientPin', 'Lock-CsClientPin', 'Get-CsPinPolicy', 'Get-CsUser', 'Get-CsPool']) expect(result.strings).toContain(cmdlet);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
