<#
.SYNOPSIS
    First run of the Octopods module: measure, send and follow SMS, and send WhatsApp templates, in the
    built-in sandbox.

.DESCRIPTION
    Nothing leaves this machine and no account is needed: Connect-Octopods -Sandbox routes every
    call to an emulator inside this session. The emulator's clock moves only when something waits
    on it, so -Wait returns at once.

    Each step prints through Out-Host, headings go to $host.UI, and the one-line summary is the
    script's output.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo
    On a machine with only the .NET SDK (the README's first command): builds the module, then runs
    this script in the project's pwsh 7.6.9 with out/ on PSModulePath.

.EXAMPLE
    $env:PSModulePath = "$PWD/out" + [System.IO.Path]::PathSeparator + $env:PSModulePath
    ./examples/sandbox-quickstart.ps1
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'

# 1. Load the module: from PSModulePath when the caller put out/ there, else from this checkout's
#    build output, out/Octopods/<ModuleVersion>/ (build it with ./build.ps1).
if (-not (Get-Module -Name Octopods) -and (Get-Module -ListAvailable -Name Octopods)) {
    Import-Module -Name Octopods
}
if (-not (Get-Module -Name Octopods)) {
    $root = if ($PSScriptRoot) { $PSScriptRoot } else { $PWD.Path }
    while ($root -and -not [System.IO.File]::Exists([System.IO.Path]::Combine($root, 'Octopods.psd1'))) {
        $root = [System.IO.Path]::GetDirectoryName($root)
    }
    if (-not $root) {
        throw 'The Octopods module is not on PSModulePath and no checkout was found above this script. Build it first: ./build.ps1'
    }
    # The version's one home is ModuleVersion in the repository's Octopods.psd1.
    $manifestText = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($root, 'Octopods.psd1'))
    $version = [regex]::Match($manifestText, "ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value
    Import-Module -Name ([System.IO.Path]::Combine($root, 'out', 'Octopods', $version, 'Octopods.psd1'))
}

# 2. Every channel of this session now talks to the sandbox.
Connect-Octopods -Sandbox

# Each step's objects go through Out-Host, so they print as the module's tables right under their
# heading. (Left on the pipeline, PowerShell would print every later type as a list and hold the
# tables back until after all the headings.)

# 3. Offline: what a message costs before it is sent. One emoji turns the whole text into UCS-2.
$host.UI.WriteLine('--- Measure-OctopodsSms: encoding and billed segments (offline) ---')
$truck = [char]::ConvertFromUtf32(0x1F69A)   # an emoji, written as a code point so this file stays ASCII
@(
    Measure-OctopodsSms -Body 'Your order ORD-1001 has shipped.'
    Measure-OctopodsSms -Body "Your order ORD-1001 is on its way $truck"
) | Out-Host

# 4. One message, followed until it is Delivered, Failed or Undelivered.
$host.UI.WriteLine('--- Send-OctopodsSms -Wait: one message to +14155552671 ---')
Send-OctopodsSms -To '+14155552671' -Body 'Hello from the Octopods sandbox.' -Wait | Out-Host

# 5. A bulk send: rows shaped like Import-Csv's, bound by column name (To, Message, Name).
#    +15005550001 is the sandbox number that is accepted and then ends Failed;
#    'not-a-number' is rejected before anything is sent. The run goes on past both.
$host.UI.WriteLine('--- Bulk: three rows piped into Send-OctopodsSms -Wait ---')
$rows = @(
    [pscustomobject]@{ To = '+14155550100'; Message = 'Hi Ann, your parcel is out for delivery.'; Name = 'Ann' }
    [pscustomobject]@{ To = '+15005550001'; Message = 'Hi Bob, your parcel is out for delivery.'; Name = 'Bob' }
    [pscustomobject]@{ To = 'not-a-number'; Message = 'Hi Cat, your parcel is out for delivery.'; Name = 'Cat' }
)
$results = @($rows | Send-OctopodsSms -Wait -ErrorVariable rejected -ErrorAction SilentlyContinue)
$results | Out-Host

# Each rejected row carries the row itself (TargetObject) and a named error id.
$rejected | ForEach-Object {
    [pscustomobject]@{
        Name    = $_.TargetObject.Name
        To      = $_.TargetObject.To
        ErrorId = $_.FullyQualifiedErrorId.Split(',')[0]
    }
} | Out-Host

# 6. WhatsApp: templates carry their placeholder counts; each row's named columns fill them in order.
$host.UI.WriteLine('--- Get-OctopodsWhatsAppTemplate -Status accepted: the sandbox templates ---')
Get-OctopodsWhatsAppTemplate -Status accepted | Out-Host
$host.UI.WriteLine('--- Send-OctopodsWhatsAppTemplate -BodyVariableProperty FirstName, OrderId -Wait ---')
@(
    [pscustomobject]@{ Phone = '+14155550100'; FirstName = 'Ann'; OrderId = 'ORD-1001' }
    [pscustomobject]@{ Phone = '+15005550002'; FirstName = 'Dan'; OrderId = 'ORD-1004' }
) | Send-OctopodsWhatsAppTemplate -TemplateId 1001 -BodyVariableProperty FirstName, OrderId -Wait | Out-Host

$delivered = @($results | Where-Object { $_.Status -eq 'Delivered' }).Count
"Summary: $($rows.Count) rows; $delivered delivered, $($results.Count - $delivered) sent but not delivered, $($rejected.Count) rejected before sending."
