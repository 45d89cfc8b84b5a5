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

  it('is plain ASCII with LF line ends: Windows PowerShell 5.1 reads a file without a BOM in the ANSI code page, and the hash PinDesk checks is of these exact bytes', () => {
    const bytes = readFileSync(workerScript);
    expect(bytes.findIndex((b) => b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x09))).toBe(-1);
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

/** What PowerShell's parser sees that Windows PowerShell 5.1 lacks: 7-only operators, nodes, parameters and variables. */
function sevenOnlyFindings(file: string, dir: string): { findings: string[]; requires: string; strictMode: string } {
  const probe = path.join(dir, 'syntax.ps1');
  writeFileSync(
    probe,
    [
      'param([string]$Path)',
      '$tokens = $null; $errors = $null',
      '$ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)',
      '$kinds = @($tokens | ForEach-Object { [string]$_.Kind })',
      '$nodes = @($ast.FindAll({ param($n) $true }, $true) | ForEach-Object { $_.GetType().Name })',
      '$blocks = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.NamedBlockAst] }, $true) | ForEach-Object { [string]$_.BlockKind })',
      '$variables = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.VariableExpressionAst] }, $true) | ForEach-Object { $_.VariablePath.UserPath })',
      '$calls = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $name = $_.GetCommandName(); foreach ($e in $_.CommandElements) { if ($e -is [System.Management.Automation.Language.CommandParameterAst]) { "$name -$($e.ParameterName)" } } })',
      '$strict = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and $n.GetCommandName() -eq \'Set-StrictMode\' }, $true) | ForEach-Object { $_.Extent.Text })',
      '$requires = \'\'; if ($ast.ScriptRequirements -and $ast.ScriptRequirements.RequiredPSVersion) { $requires = $ast.ScriptRequirements.RequiredPSVersion.ToString() }',
      '[Console]::Out.Write((ConvertTo-Json -Compress -Depth 3 -InputObject ([ordered]@{ errors = @($errors | ForEach-Object { $_.Message }); kinds = $kinds; nodes = $nodes; blocks = $blocks; variables = $variables; calls = $calls; strict = $strict; requires = $requires })))',
    ].join('\n'),
  );
  const r = JSON.parse(runPwshFile(probe, [file])) as { errors: string[]; kinds: string[]; nodes: string[]; blocks: string[]; variables: string[]; calls: string[]; strict: string[]; requires: string };
  const findings = [
    ...r.errors.map((e) => `syntax error: ${e}`),
    ...r.kinds.filter((k) => ['QuestionQuestion', 'QuestionQuestionEquals', 'QuestionDot', 'QuestionLBracket', 'AndAnd', 'OrOr'].includes(k)).map((k) => `operator ${k}`),
    ...r.nodes.filter((n) => ['TernaryExpressionAst', 'PipelineChainAst'].includes(n)).map((n) => `node ${n}`),
    ...r.blocks.filter((b) => b === 'Clean').map(() => 'clean block'),
    ...r.variables.filter((v) => /^(IsWindows|IsLinux|IsMacOS|IsCoreCLR|PSStyle)$/i.test(v)).map((v) => `variable $${v}`),
    ...r.calls.filter((c) => /^(ConvertFrom-Json -(AsHashtable|Depth|DateKind|NoEnumerate)|ConvertTo-Json -(AsArray|EnumsAsStrings|EscapeHandling)|ForEach-Object -Parallel|\S+ -(AsByteStream|SkipCertificateCheck|SkipHeaderValidation))$/i.test(c)).map((c) => `parameter ${c}`),
  ];
  return { findings: [...new Set(findings)], requires: r.requires, strictMode: r.strict.join(' | ') };
}

describe.runIf(pwshAvailable())('sfb/pindesk-worker.ps1 runs on Windows PowerShell 5.1 too', () => {
  it('has none of the 7-only operators, nodes, parameters or variables; requires 5.1; strict mode 2.0', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pindesk-ps51-'));
    try {
      const worker = sevenOnlyFindings(workerScript, dir);
      expect(worker.findings).toEqual([]);
      expect(worker.requires).toBe('5.1');
      // The tests run it under 7 with the same strictness it has under 5.1.
      expect(worker.strictMode).toBe('Set-StrictMode -Version 2.0');
      // The checker itself: each 7-only construct in a sample is found.
      const sample = path.join(dir, 'sample.ps1');
      writeFileSync(
        sample,
        ['$a = $null ?? 1', '$b ??= 2', '$c = ${a}?.Length', '$d = ${a}?[0]', 'Get-Date && Get-Date', 'Get-Date || Get-Date', '$e = $true ? 1 : 2', '$f = \'{}\' | ConvertFrom-Json -AsHashtable', '$g = \'{}\' | ConvertFrom-Json -Depth 3', '$h = $IsWindows', '1 | ForEach-Object -Parallel { $_ }', ''].join('\n'),
      );
      expect(sevenOnlyFindings(sample, dir).findings.sort()).toEqual(
        [
          'operator QuestionQuestion',
          'operator QuestionQuestionEquals',
          'operator QuestionDot',
          'operator QuestionLBracket',
          'operator AndAnd',
          'operator OrOr',
          'node TernaryExpressionAst',
          'node PipelineChainAst',
          'parameter ConvertFrom-Json -AsHashtable',
          'parameter ConvertFrom-Json -Depth',
          'variable $IsWindows',
          'parameter ForEach-Object -Parallel',
        ].sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
