# PinDesk's Skype for Business worker: started once, kept running, speaks JSON lines.
#
# Runs on Windows PowerShell 5.1 and PowerShell 7.4+. Protocol (README, "Skype for Business Server"):
#   stdin  : one request per line, UTF-8 without BOM:
#            {"id":"<1-64 chars>","op":"<operation>","args":{...}}   (optional "v":1)
#   stdout : protocol lines ONLY, one JSON object per line, UTF-8 without BOM:
#            {"type":"ready","protocol":1,"hash":"<sha256 of this file>"}    once, after the import
#            {"type":"fatal","error":{...}}                                   the import (or session) failed; exit 1
#            {"id":"...","ok":true,"result":{...}}                            one per request
#            {"id":"...","ok":false,"error":{"kind":"...","message":"...","fqid":"...","category":"..."}}
#
# Commands are never built from text: a FIXED table maps each operation to one cmdlet and the
# parameters it may receive; the call is made with [powershell]::Create().AddCommand().AddParameter().
# No Invoke-Expression, no script text made from data. Every value is validated again here.
#
# A PIN arrives only inside a request line on stdin; it is never written to a log, an error
# message or an output line. End of input (PinDesk closed the pipe, or the ssh connection ended)
# ends the worker.
#
# Where the cmdlets run: by default this runspace, after Import-Module $env:SFB_MODULE. With
# SFB_POOL_FQDN set (the SFB_TRANSPORT=ssh setup on a management host), in a session to the pool's
# https://<pool>/OcsPowershell endpoint opened with the credential in SFB_CREDENTIAL_FILE (an
# Export-Clixml file, DPAPI-protected for this account on this machine): a key-authenticated SSH
# logon has no network credential of its own (the "double hop"), and the server's role-based access
# control then applies. The same fixed table runs there as commands with parameters, which also
# works against an endpoint in NoLanguage mode.
#
# Written for Windows PowerShell 5.1 as well as 7.4+: no ??, ?., ternary, && or ||, no 7-only
# parameters (test/sfb/static.test.ts checks the tokens).

#Requires -Version 5.1
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$VerbosePreference = 'SilentlyContinue'
$DebugPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
$ConfirmPreference = 'None'

$ProtocolVersion = 1
$MaxLineChars = 65536

# ---------------------------------------------------------------------------------------------
# Error mapping: ONE table. Matched in three passes: FullyQualifiedErrorId (regex, first), then
# CategoryInfo.Category (exact), then the message text (regex). The first hit wins; no hit is
# "server". The ids and texts of a real Skype for Business Server are NOT known from its
# documentation (only "Management object not found for identity" is): capture them from a real
# server in a lab, add each as a fixture to the fake module's tests, and extend this table.
# ---------------------------------------------------------------------------------------------
$ErrorMap = @(
    @{ Kind = 'bad-request';   Fqid = '^(Validate\w+|ParameterArgumentValidationError|NamedParameterNotFound|PositionalParameterNotFound|ParameterArgumentTransformationError|MissingArgument|CannotConvertArgument)'; Category = @(); Message = @() }
    @{ Kind = 'not-found';     Fqid = '^(Identity,|ManagementObjectNotFound|UserNotFound)'; Category = @('ObjectNotFound'); Message = @('Management object not found for identity') }
    @{ Kind = 'not-enabled';   Fqid = '^(UserNotSipEnabled|UserNotEnabled|NotEnabledForSkype)'; Category = @(); Message = @('not enabled for (Skype for Business|Lync|Enterprise Voice|SIP)', 'is not (SIP|Lync)[- ]enabled') }
    @{ Kind = 'policy';        Fqid = '^(PinPolicyViolation|InvalidPin|PinComplexity)'; Category = @(); Message = @('does not (meet|comply with) the PIN policy', 'PIN .*(too short|common pattern|digits only)') }
    @{ Kind = 'locked';        Fqid = '^(PinLockedOut|PinLocked)'; Category = @(); Message = @('PIN (is|has been) locked', 'must be unlocked') }
    # In an RBAC-limited remote session (https://<pool>/OcsPowershell) a cmdlet the role lacks does not exist.
    @{ Kind = 'access-denied'; Fqid = '^(AccessDenied|UnauthorizedAccess|CommandNotFoundException|InsufficientRights)'; Category = @('PermissionDenied', 'SecurityError'); Message = @('access (is )?denied', 'not authorized', 'does not have (the )?permission') }
    @{ Kind = 'remoting';      Fqid = '^(PSSessionStateBroken|PSRemotingTransportException|WinRM|RemoteRunspace|PSSessionOpenFailed|InvalidRunspaceState|PSRemotingDataStructureException)'; Category = @('OpenError', 'ConnectionError', 'ResourceUnavailable', 'AuthenticationError'); Message = @('WinRM', 'remote server', 'connecting to (the )?remote') }
    @{ Kind = 'timeout';       Fqid = '^(OperationTimeout|Timeout)'; Category = @('OperationTimeout'); Message = @('timed? ?out') }
)

$SipPattern = '^sip:[^\s@*]+@[^\s@*]+$'
$PinPattern = '^\d{4,24}$'
$PolicyIdentityPattern = '^(Global|site:[\w.-]+|tag:[\w.-]+|[\w.-]+)$'

# ---------------------------------------------------------------------------------------------
# The fixed operation table. Each argument names its request field, the cmdlet parameter it
# becomes, its type and whether it is required.
# ---------------------------------------------------------------------------------------------
$Operations = @{
    'status'        = @{ Cmdlet = 'Get-CsClientPinInfo'; Args = @(@{ Field = 'identity'; Param = 'Identity'; Type = 'sip'; Required = $true }) }
    'set'           = @{ Cmdlet = 'Set-CsClientPin';     Args = @(@{ Field = 'identity'; Param = 'Identity'; Type = 'sip'; Required = $true }, @{ Field = 'pin'; Param = 'Pin'; Type = 'pin'; Required = $true }); Confirm = $true }
    'unlock'        = @{ Cmdlet = 'Unlock-CsClientPin';  Args = @(@{ Field = 'identity'; Param = 'Identity'; Type = 'sip'; Required = $true }); Confirm = $true }
    'lock'          = @{ Cmdlet = 'Lock-CsClientPin';    Args = @(@{ Field = 'identity'; Param = 'Identity'; Type = 'sip'; Required = $true }); Confirm = $true }
    'policy-get'    = @{ Cmdlet = 'Get-CsPinPolicy';     Args = @(@{ Field = 'identity'; Param = 'Identity'; Type = 'policy'; Required = $false }) }
    'policy-new'    = @{ Cmdlet = 'New-CsPinPolicy';     Args = (@(@{ Field = 'identity'; Param = 'Identity'; Type = 'policy'; Required = $true }) + @(
                            @{ Field = 'minPasswordLength'; Param = 'MinPasswordLength'; Type = 'int'; Required = $false },
                            @{ Field = 'pinHistoryCount'; Param = 'PINHistoryCount'; Type = 'int'; Required = $false },
                            @{ Field = 'pinLifetime'; Param = 'PINLifetime'; Type = 'int'; Required = $false },
                            @{ Field = 'maximumLogonAttempts'; Param = 'MaximumLogonAttempts'; Type = 'int'; Required = $false },
                            @{ Field = 'allowCommonPatterns'; Param = 'AllowCommonPatterns'; Type = 'bool'; Required = $false },
                            @{ Field = 'description'; Param = 'Description'; Type = 'text'; Required = $false })); Confirm = $true }
    'policy-set'    = @{ Cmdlet = 'Set-CsPinPolicy';     Args = (@(@{ Field = 'identity'; Param = 'Identity'; Type = 'policy'; Required = $true }) + @(
                            @{ Field = 'minPasswordLength'; Param = 'MinPasswordLength'; Type = 'int'; Required = $false },
                            @{ Field = 'pinHistoryCount'; Param = 'PINHistoryCount'; Type = 'int'; Required = $false },
                            @{ Field = 'pinLifetime'; Param = 'PINLifetime'; Type = 'int'; Required = $false },
                            @{ Field = 'maximumLogonAttempts'; Param = 'MaximumLogonAttempts'; Type = 'int-or-null'; Required = $false },
                            @{ Field = 'allowCommonPatterns'; Param = 'AllowCommonPatterns'; Type = 'bool'; Required = $false },
                            @{ Field = 'description'; Param = 'Description'; Type = 'text'; Required = $false })); Confirm = $true }
    'policy-remove' = @{ Cmdlet = 'Remove-CsPinPolicy';  Args = @(@{ Field = 'identity'; Param = 'Identity'; Type = 'policy'; Required = $true }); Confirm = $true }
    'policy-grant'  = @{ Cmdlet = 'Grant-CsPinPolicy';   Args = @(@{ Field = 'identity'; Param = 'Identity'; Type = 'sip'; Required = $true }, @{ Field = 'policyName'; Param = 'PolicyName'; Type = 'tag-or-null'; Required = $true }); Confirm = $true }
}
# user-policy is two reads (Get-CsUser, Get-CsPool) plus Get-CsPinPolicy, each from this table too.
$Reads = @{
    'user' = 'Get-CsUser'
    'pool' = 'Get-CsPool'
    'policies' = 'Get-CsPinPolicy'
}

# ---------------------------------------------------------------------------------------------
# Output: a private UTF-8 (no BOM) writer on the real stdout; everything else that would write to
# the console is sent to stderr, so a stray Console.Write cannot break the protocol.
# ---------------------------------------------------------------------------------------------
$Utf8 = New-Object System.Text.UTF8Encoding($false)
# Windows PowerShell 5.1 defaults to the OEM code page (and may add a BOM): UTF-8 without BOM
# everywhere. Setting the console's encodings fails where there is no console: then only the
# private reader and writer below matter, and they are UTF-8 already.
$OutputEncoding = $Utf8
try { [Console]::OutputEncoding = $Utf8; [Console]::InputEncoding = $Utf8 } catch { $null = $_ }
$StdOut = New-Object System.IO.StreamWriter([Console]::OpenStandardOutput(), $Utf8)
$StdOut.AutoFlush = $true
$StdOut.NewLine = "`n"
[Console]::SetOut([Console]::Error)
$StdIn = New-Object System.IO.StreamReader([Console]::OpenStandardInput(), $Utf8, $false)

$JsonFromParams = @{}
if ((Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')) { $JsonFromParams['DateKind'] = 'String' }

function Send-Line($object) {
    $json = ConvertTo-Json -InputObject $object -Compress -Depth 8
    $StdOut.WriteLine($json)
}

function Format-Date($value) {
    if ($null -eq $value) { return $null }
    if ($value -is [datetime]) { return $value.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [Globalization.CultureInfo]::InvariantCulture) }
    $text = [string]$value
    if ($text -eq '') { return $null }
    $parsed = [datetime]::MinValue
    if ([datetime]::TryParse($text, [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::AdjustToUniversal, [ref]$parsed)) {
        return $parsed.ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [Globalization.CultureInfo]::InvariantCulture)
    }
    return $null
}

function Get-Prop($object, [string]$name) {
    if ($null -eq $object) { return $null }
    $p = $object.PSObject.Properties[$name]
    if ($null -eq $p) { return $null }
    return $p.Value
}

function Protect-Text([string]$text, [string]$pin) {
    if ($null -eq $text) { return '' }
    if ($pin) { $text = $text.Replace($pin, '****') }
    $text = $text -replace '\d{4,}', '****'
    $text = ($text -replace '\s+', ' ').Trim()
    if ($text.Length -gt 300) { $text = $text.Substring(0, 300) }
    return $text
}

function New-Failure([string]$kind, [string]$message) {
    return New-Object System.Management.Automation.RuntimeException("pindesk:$kind`:$message")
}

function ConvertTo-ErrorObject($record, [string]$pin) {
    $fqid = [string]$record.FullyQualifiedErrorId
    $category = [string]$record.CategoryInfo.Category
    $message = ''
    if ($record.Exception) { $message = [string]$record.Exception.Message }
    if ($record.ErrorDetails -and $record.ErrorDetails.Message) { $message = [string]$record.ErrorDetails.Message }
    $kind = $null
    foreach ($entry in $ErrorMap) { if (-not $kind -and $fqid -match $entry.Fqid) { $kind = $entry.Kind } }
    foreach ($entry in $ErrorMap) { if (-not $kind -and ($entry.Category -contains $category)) { $kind = $entry.Kind } }
    foreach ($entry in $ErrorMap) { foreach ($pattern in $entry.Message) { if (-not $kind -and $message -match $pattern) { $kind = $entry.Kind } } }
    if (-not $kind) { $kind = 'server' }
    return [ordered]@{ kind = $kind; message = (Protect-Text $message $pin); fqid = (Protect-Text $fqid $pin); category = $category }
}

# Runs one cmdlet from the table with already-validated parameters. Returns its output; throws the
# first error record (terminating or not) as an ErrorRecord-carrying exception.
function Invoke-Fixed([string]$cmdlet, $parameters) {
    if ($null -ne $RemoteRunspace) {
        $ps = [powershell]::Create()
        $ps.Runspace = $RemoteRunspace
    } else {
        $ps = [powershell]::Create([System.Management.Automation.RunspaceMode]::CurrentRunspace)
    }
    try {
        $null = $ps.AddCommand($cmdlet)
        foreach ($name in $parameters.Keys) { $null = $ps.AddParameter($name, $parameters[$name]) }
        $output = $null
        try {
            $output = $ps.Invoke()
        } catch {
            # Invoke() wraps the cmdlet's error (MethodInvocationException > CmdletInvocationException
            # > ...): the innermost exception that carries an ErrorRecord holds the cmdlet's own id.
            $found = $null
            $inner = $_.Exception
            while ($inner) {
                if ($inner -is [System.Management.Automation.IContainsErrorRecord]) { $found = $inner }
                $inner = $inner.InnerException
            }
            if ($found) { throw $found.ErrorRecord }
            throw
        }
        if ($ps.Streams.Error.Count -gt 0) { throw $ps.Streams.Error[0] }
        # Progress, warning, verbose, debug and information records stay in $ps.Streams: dropped.
        return $output
    } finally {
        $ps.Dispose()
    }
}

function Test-Value($spec, $value) {
    switch ($spec.Type) {
        'sip' { return ($value -is [string]) -and ($value.Length -le 256) -and ($value -match $SipPattern) }
        'pin' { return ($value -is [string]) -and ($value -match $PinPattern) }
        'policy' { return ($value -is [string]) -and ($value.Length -le 128) -and ($value -match $PolicyIdentityPattern) }
        'tag-or-null' { return ($null -eq $value) -or (($value -is [string]) -and ($value.Length -le 128) -and ($value -match '^(tag:)?[\w.-]+$')) }
        'int' { return (($value -is [int]) -or ($value -is [long])) -and ($value -ge 0) -and ($value -le 100000) }
        # Set-CsPinPolicy -MaximumLogonAttempts $null clears the setting.
        'int-or-null' { return ($null -eq $value) -or ((($value -is [int]) -or ($value -is [long])) -and ($value -ge 0) -and ($value -le 100000)) }
        'bool' { return $value -is [bool] }
        'text' { return ($value -is [string]) -and ($value.Length -le 1024) }
    }
    return $false
}

function Get-Parameters($operation, $requestArgs) {
    $parameters = [ordered]@{}
    $known = @{}
    foreach ($spec in $operation.Args) { $known[$spec.Field] = $true }
    if ($null -ne $requestArgs) {
        foreach ($p in $requestArgs.PSObject.Properties) {
            if (-not $known.ContainsKey($p.Name)) { throw (New-Failure 'bad-request' "unknown argument '$($p.Name -replace '[^\w-]', '?')'") }
        }
    }
    foreach ($spec in $operation.Args) {
        $present = ($null -ne $requestArgs) -and ($null -ne $requestArgs.PSObject.Properties[$spec.Field])
        if (-not $present) {
            if ($spec.Required) { throw (New-Failure 'bad-request' "missing argument '$($spec.Field)'") }
            continue
        }
        $value = $requestArgs.PSObject.Properties[$spec.Field].Value
        if (-not (Test-Value $spec $value)) { throw (New-Failure 'bad-request' "invalid argument '$($spec.Field)'") }
        if ($spec.Type -eq 'int' -or ($spec.Type -eq 'int-or-null' -and $null -ne $value)) { $value = [int]$value }
        if ($spec.Type -eq 'tag-or-null' -and $null -ne $value) { $value = $value -replace '^tag:', '' }
        $parameters[$spec.Param] = $value
    }
    if ($operation.ContainsKey('Confirm')) { $parameters['Confirm'] = $false }
    return $parameters
}

function ConvertTo-PolicyObject($p) {
    return [ordered]@{
        Identity = [string](Get-Prop $p 'Identity')
        Description = Get-Prop $p 'Description'
        MinPasswordLength = Get-Prop $p 'MinPasswordLength'
        PINHistoryCount = Get-Prop $p 'PINHistoryCount'
        PINLifetime = Get-Prop $p 'PINLifetime'
        AllowCommonPatterns = Get-Prop $p 'AllowCommonPatterns'
        MaximumLogonAttempts = Get-Prop $p 'MaximumLogonAttempts'
    }
}

function Invoke-Operation([string]$op, $requestArgs) {
    if ($op -eq 'ping') {
        return [ordered]@{ pong = $true; psVersion = $PSVersionTable.PSVersion.ToString(); edition = [string](Get-Prop $PSVersionTable 'PSEdition'); target = $Target }
    }
    if ($op -eq 'user-policy') {
        $spec = @{ Field = 'identity'; Type = 'sip'; Required = $true }
        $sip = Get-Prop $requestArgs 'identity'
        $names = @(); if ($null -ne $requestArgs) { $names = @($requestArgs.PSObject.Properties | ForEach-Object { $_.Name }) }
        if (@($names | Where-Object { $_ -ne 'identity' }).Count -gt 0) { throw (New-Failure 'bad-request' 'unknown argument') }
        if (-not (Test-Value $spec $sip)) { throw (New-Failure 'bad-request' "invalid argument 'identity'") }
        $user = @(Invoke-Fixed $Reads['user'] @{ Identity = $sip })
        if ($user.Count -ne 1) { throw (New-Failure 'not-found' 'Management object not found for identity.') }
        $user = $user[0]
        $tag = [string](Get-Prop $user 'PinPolicy')
        $pool = [string](Get-Prop $user 'RegistrarPool')
        $site = $null
        if ($pool -ne '') {
            $poolObject = @(Invoke-Fixed $Reads['pool'] @{ Identity = $pool })
            if ($poolObject.Count -ge 1) { $site = [string](Get-Prop $poolObject[0] 'Site') }
        }
        $policies = @(Invoke-Fixed $Reads['policies'] ([ordered]@{}))
        $byId = @{}
        foreach ($p in $policies) { $byId[([string](Get-Prop $p 'Identity')).ToLowerInvariant()] = $p }
        $governing = $null
        if ($tag -ne '') {
            $key = 'tag:' + ($tag -replace '^tag:', '')
            if ($byId.ContainsKey($key.ToLowerInvariant())) { $governing = $byId[$key.ToLowerInvariant()] }
        }
        if (-not $governing -and $site) {
            $key = 'site:' + ($site -replace '^site:', '')
            if ($byId.ContainsKey($key.ToLowerInvariant())) { $governing = $byId[$key.ToLowerInvariant()] }
        }
        if (-not $governing -and $byId.ContainsKey('global')) { $governing = $byId['global'] }
        $policyObject = $null
        if ($governing) { $policyObject = ConvertTo-PolicyObject $governing }
        return [ordered]@{ SipAddress = [string](Get-Prop $user 'SipAddress'); PinPolicy = $(if ($tag -eq '') { $null } else { $tag }); RegistrarPool = $(if ($pool -eq '') { $null } else { $pool }); Site = $site; Policy = $policyObject }
    }
    if (-not $Operations.ContainsKey($op)) { throw (New-Failure 'bad-request' 'unknown operation') }
    $operation = $Operations[$op]
    $parameters = Get-Parameters $operation $requestArgs
    $output = @(Invoke-Fixed $operation.Cmdlet $parameters)
    switch ($op) {
        'status' {
            if ($output.Count -lt 1) { throw (New-Failure 'server' 'Get-CsClientPinInfo returned nothing') }
            $info = $output[0]
            return [ordered]@{
                Identity = [string](Get-Prop $info 'Identity')
                IsPinSet = [bool](Get-Prop $info 'IsPinSet')
                IsLockedOut = [bool](Get-Prop $info 'IsLockedOut')
                LastPinChangeTime = Format-Date (Get-Prop $info 'LastPinChangeTime')
                PinExpirationTime = Format-Date (Get-Prop $info 'PinExpirationTime')
            }
        }
        'policy-get' {
            $list = @()
            foreach ($p in $output) { $list += , (ConvertTo-PolicyObject $p) }
            return [ordered]@{ policies = $list }
        }
        default {
            # Set-CsClientPin's own output is not reliable (and may hold a PIN): never returned.
            return [ordered]@{ done = $true }
        }
    }
}

# The pool's remote endpoint, with the operator's stored credential (never a password in text).
function Open-PoolSession([string]$fqdn, [string]$credentialFile) {
    if ($fqdn -notmatch '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$') {
        throw (New-Failure 'remoting' 'SFB_POOL_FQDN: not a fully qualified host name of the pool (like pool01.contoso.com)')
    }
    if (-not $credentialFile) { throw (New-Failure 'remoting' 'SFB_CREDENTIAL_FILE: required with SFB_POOL_FQDN (Get-Credential | Export-Clixml, as the account the worker runs as)') }
    if (-not (Test-Path -LiteralPath $credentialFile -PathType Leaf)) { throw (New-Failure 'remoting' 'SFB_CREDENTIAL_FILE: the file does not exist') }
    $credential = Import-Clixml -LiteralPath $credentialFile
    if ($credential -isnot [System.Management.Automation.PSCredential]) { throw (New-Failure 'remoting' 'SFB_CREDENTIAL_FILE: the file does not hold a credential (Get-Credential | Export-Clixml)') }
    return New-PSSession -ConnectionUri ('https://' + $fqdn + '/OcsPowershell') -Credential $credential -ErrorAction Stop -WarningAction SilentlyContinue
}

function Read-RequestLine {
    # Returns $null at end of input, '' for a blank line, a [pscustomobject] @{ TooLong = $true } for
    # a line over the limit (discarded without being parsed), else the line.
    $builder = New-Object System.Text.StringBuilder
    $tooLong = $false
    while ($true) {
        $c = $StdIn.Read()
        if ($c -lt 0) {
            if ($builder.Length -eq 0 -and -not $tooLong) { return $null }
            break
        }
        if ($c -eq 10) { break }
        if ($tooLong) { continue }
        if ($builder.Length -ge $MaxLineChars) { $tooLong = $true; $null = $builder.Clear(); continue }
        $null = $builder.Append([char]$c)
    }
    if ($tooLong) { return [pscustomobject]@{ TooLong = $true } }
    return $builder.ToString().TrimEnd("`r")
}

# ---------------------------------------------------------------------------------------------
# Start: import the module, announce readiness.
# ---------------------------------------------------------------------------------------------
$ScriptHash = (Get-FileHash -Algorithm SHA256 -LiteralPath $PSCommandPath).Hash.ToLowerInvariant()
$ModuleName = $env:SFB_MODULE
if (-not $ModuleName) { $ModuleName = 'SkypeForBusiness' }
$PoolFqdn = $env:SFB_POOL_FQDN
$Session = $null
$RemoteRunspace = $null
$Target = 'module ' + $ModuleName
try {
    if ($PoolFqdn) {
        $Target = 'pool ' + $PoolFqdn
        $Session = Open-PoolSession $PoolFqdn $env:SFB_CREDENTIAL_FILE
        $RemoteRunspace = $Session.Runspace
    } else {
        $null = Import-Module -Name $ModuleName -ErrorAction Stop -WarningAction SilentlyContinue -Verbose:$false 3>$null 4>$null 5>$null 6>$null
    }
} catch {
    $failure = ConvertTo-ErrorObject $_ $null
    $text = [string]$_.Exception.Message
    if ($text -match '^pindesk:([\w-]+):(.*)$') {
        $failure['kind'] = $Matches[1]
        $failure['message'] = Protect-Text $Matches[2] $null
    } elseif ($PoolFqdn) {
        if ($failure['kind'] -eq 'server') { $failure['kind'] = 'remoting' }
        $failure['message'] = Protect-Text ("cannot open a session to https://$PoolFqdn/OcsPowershell: " + $text) $null
    } else {
        $failure['kind'] = 'server'
        $failure['message'] = Protect-Text ("cannot import module '$ModuleName': " + $text) $null
    }
    Send-Line ([ordered]@{ type = 'fatal'; protocol = $ProtocolVersion; error = $failure })
    exit 1
}
Send-Line ([ordered]@{ type = 'ready'; protocol = $ProtocolVersion; hash = $ScriptHash })

while ($true) {
    $line = Read-RequestLine
    if ($null -eq $line) { break }
    if ($line -isnot [string]) {
        Send-Line ([ordered]@{ id = $null; ok = $false; error = [ordered]@{ kind = 'bad-request'; message = "request line longer than $MaxLineChars characters"; fqid = ''; category = '' } })
        continue
    }
    if ($line.Trim() -eq '') { continue }
    $id = $null
    $pin = $null
    try {
        try { $request = ConvertFrom-Json -InputObject $line @JsonFromParams } catch { throw (New-Failure 'bad-request' 'request is not JSON') }
        if ($null -eq $request -or $request -isnot [System.Management.Automation.PSCustomObject]) { throw (New-Failure 'bad-request' 'request is not a JSON object') }
        $rawId = Get-Prop $request 'id'
        if ($rawId -is [string] -and $rawId -match '^[\w.:-]{1,64}$') { $id = $rawId } else { throw (New-Failure 'bad-request' 'missing or invalid id') }
        $version = Get-Prop $request 'v'
        if ($null -ne $version -and $version -ne $ProtocolVersion) { throw (New-Failure 'bad-request' "unsupported protocol version (this worker speaks $ProtocolVersion)") }
        $op = Get-Prop $request 'op'
        if ($op -isnot [string]) { throw (New-Failure 'bad-request' 'missing op') }
        $requestArgs = Get-Prop $request 'args'
        if ($null -ne $requestArgs -and $requestArgs -isnot [System.Management.Automation.PSCustomObject]) { throw (New-Failure 'bad-request' 'args must be an object') }
        $candidate = Get-Prop $requestArgs 'pin'
        if ($candidate -is [string]) { $pin = $candidate }
        $result = Invoke-Operation $op $requestArgs
        Send-Line ([ordered]@{ id = $id; ok = $true; result = $result })
    } catch {
        $record = $_
        $text = [string]$record.Exception.Message
        if ($text -match '^pindesk:([\w-]+):(.*)$') {
            $errorObject = [ordered]@{ kind = $Matches[1]; message = (Protect-Text $Matches[2] $pin); fqid = ''; category = '' }
        } else {
            $errorObject = ConvertTo-ErrorObject $record $pin
        }
        Send-Line ([ordered]@{ id = $id; ok = $false; error = $errorObject })
    }
    $pin = $null
    # A broken session to the pool cannot recover here: exit, and PinDesk starts a new worker (and session).
    if ($null -ne $RemoteRunspace -and [string]$RemoteRunspace.RunspaceStateInfo.State -ne 'Opened') { exit 3 }
}
if ($null -ne $Session) { Remove-PSSession -Session $Session -ErrorAction SilentlyContinue }
exit 0
