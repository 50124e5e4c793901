#Requires -Version 7.4
<#
    The package as users get it: build.ps1 -Task Package publishes Octopods.<version>.nupkg into
    out/feed with PSResourceGet; here that folder is registered as a repository, the module is
    installed with Install-PSResource and imported by name in a fresh pwsh, as a user would.
    Registering and installing write under HOME: run through build.ps1 -Task Test, which gives the
    suite a throwaway HOME (OCTOPODS_TEST_HOME).
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $script:manifestData = Import-PowerShellDataFile -Path (Join-Path $repoRoot 'Octopods.psd1')
    $script:feed = if ($env:OCTOPODS_TEST_FEED) { $env:OCTOPODS_TEST_FEED } else { Join-Path $repoRoot 'out/feed' }
    $script:isolated = [bool]($env:OCTOPODS_TEST_HOME -and $env:HOME)
    if ($script:isolated) { $script:isolated = [IO.Path]::GetFullPath($env:OCTOPODS_TEST_HOME) -eq [IO.Path]::GetFullPath($env:HOME) }
}

Describe 'The published package' {
    It 'is the nupkg of this version, in the feed' {
        Join-Path $feed "Octopods.$($manifestData.ModuleVersion).nupkg" | Should -Exist
    }

    It 'carries what the Gallery shows and checks' {
        $data = $manifestData
        $data.PrivateData.PSData.LicenseUri | Should -Match '^https://.+/LICENSE$'
        $data.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $data.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $data.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        $data.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Desktop'
        $data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        # Explicit exports: no wildcard, and exactly the cmdlets the module has.
        @($data.CmdletsToExport) | Should -Not -Contain '*'
        @($data.FunctionsToExport) | Should -Be @('Invoke-OctopodsCampaign')   # the campaign job, a script function
        $data.AliasesToExport.Count | Should -Be 0
        $data.VariablesToExport.Count | Should -Be 0
        $imported = Import-OctopodsModuleUnderTest
        @((Get-Module Octopods).ExportedCmdlets.Keys | Sort-Object) | Should -Be @($data.CmdletsToExport | Sort-Object)
        @((Get-Module Octopods).ExportedFunctions.Keys) | Should -Be @('Invoke-OctopodsCampaign')
        Join-Path $repoRoot 'LICENSE' | Should -Exist
        Join-Path $repoRoot 'CHANGELOG.md' | Should -Exist
        Join-Path (Split-Path $imported.Manifest) 'LICENSE' | Should -Exist
    }

    It 'installs with Install-PSResource and works when imported by name in a fresh pwsh' {
        if (-not $isolated) {
            throw 'This test registers a repository and installs a module under HOME: run it through ./build.ps1 -Task Test (a throwaway HOME).'
        }
        $repository = 'OctopodsTestFeed'
        Register-PSResourceRepository -Name $repository -Uri $feed -Trusted
        try {
            Install-PSResource -Name Octopods -Repository $repository -Scope CurrentUser -TrustRepository -Reinstall -ErrorAction Stop
            $installed = Get-InstalledPSResource -Name Octopods -Scope CurrentUser
            $installed.Version.ToString() | Should -Be $manifestData.ModuleVersion

            $script = @'
$ErrorActionPreference = 'Stop'
Import-Module Octopods
$module = Get-Module Octopods
$null = Connect-Octopods -Sandbox
$sent = Send-OctopodsSms -To '+14155552671' -Body 'installed' -Force
[pscustomobject]@{
    ModuleBase = $module.ModuleBase
    MessageId = $sent.MessageId
    Synopsis = (Get-Help Send-OctopodsSms).Synopsis
    About = (Get-Help about_Octopods_BulkSend | Out-String).Length
    Campaign = (Get-Help Invoke-OctopodsCampaign).Synopsis
} | ConvertTo-Json -Compress
'@
            $previous = $env:PSModulePath
            # Only the install location and PowerShell's own modules: the build folder is not on the path.
            $env:PSModulePath = @($installed.InstalledLocation, (Join-Path $PSHOME 'Modules')) -join [IO.Path]::PathSeparator
            try {
                $output = Invoke-FreshPwsh -Arguments @('-Command', $script)
            }
            finally { $env:PSModulePath = $previous }
            $line = $output | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1
            $line | Should -Not -BeNullOrEmpty -Because ($output | Out-String)
            $r = "$line" | ConvertFrom-Json
            $r.ModuleBase | Should -BeLike "$($installed.InstalledLocation)*"
            $r.MessageId | Should -Match '^msg_sbx_'
            $r.Synopsis | Should -BeLike 'Sends one SMS per input*'
            $r.About | Should -BeGreaterThan 1000
            $r.Campaign | Should -BeLike 'Runs one scheduled SMS campaign*'   # the campaign job and its help are installed too
        }
        finally {
            Uninstall-PSResource -Name Octopods -Scope CurrentUser -ErrorAction SilentlyContinue
            Unregister-PSResourceRepository -Name $repository
        }
    }
}
