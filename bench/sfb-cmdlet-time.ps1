# The fake module's own time per cmdlet, in-process (no worker): what `npm run bench` subtracts
# from a worker round trip to show what the worker itself adds. Prints one JSON line.
param([Parameter(Mandatory = $true)][string]$Identity, [int]$Count = 200)
$ErrorActionPreference = 'Stop'
Import-Module -Name $env:SFB_MODULE
$pins = @('80417', '52918', '63094', '71825')
function Measure-Median([scriptblock]$action) {
    for ($i = 0; $i -lt 20; $i++) { $null = & $action $i }
    $times = New-Object 'System.Collections.Generic.List[double]'
    for ($i = 0; $i -lt $Count; $i++) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $null = & $action $i
        $times.Add($sw.Elapsed.TotalMilliseconds)
    }
    $times.Sort()
    return [ordered]@{ p50 = $times[[int]($Count / 2)]; p95 = $times[[int]($Count * 0.95)] }
}
$status = Measure-Median { param($i) Get-CsClientPinInfo -Identity $Identity }
$set = Measure-Median { param($i) Set-CsClientPin -Identity $Identity -Pin $pins[$i % 4] -Confirm:$false }
ConvertTo-Json -Compress -InputObject ([ordered]@{ status = $status; set = $set })
