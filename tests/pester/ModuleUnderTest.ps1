<#
    Dot-sourced by every *.Tests.ps1 here: finds and imports the built module under test.
    First match wins:
      -ModulePath (container data: New-PesterContainer -Path ... -Data @{ ModulePath = '...' })
      $env:OCTOPODS_MODULE_PATH (build.ps1 -Task Test sets it)
      out/Octopods/<ModuleVersion>/Octopods.psd1 of this checkout (./build.ps1 builds it)
    Either path may name the manifest or the folder that holds it.
#>
function Import-OctopodsModuleUnderTest {
    [CmdletBinding()]
    param([string]$ModulePath)

    $repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $manifestData = Import-PowerShellDataFile -Path (Join-Path $repoRoot 'Octopods.psd1')
    $candidate = if ($ModulePath) { $ModulePath }
    elseif ($env:OCTOPODS_MODULE_PATH) { $env:OCTOPODS_MODULE_PATH }
    else { Join-Path $repoRoot "out/Octopods/$($manifestData.ModuleVersion)/Octopods.psd1" }
    if (Test-Path -LiteralPath $candidate -PathType Container) { $candidate = Join-Path $candidate 'Octopods.psd1' }
    if (-not (Test-Path -LiteralPath $candidate -PathType Leaf)) {
        throw "The built module was not found at '$candidate'. Build it first: ./build.ps1 -Task Build"
    }
    $manifest = (Resolve-Path -LiteralPath $candidate).ProviderPath

    Get-Module -Name Octopods | Remove-Module -Force
    Import-Module -Name $manifest -Force -Global -ErrorAction Stop
    [pscustomobject]@{ Manifest = $manifest; SourceManifestData = $manifestData }
}
