#Requires -Version 7.4
<#
    Dependency isolation on PowerShell 7: Octopods loads its own assemblies (the core and PhoneNumbers
    9.0.43) into a load context of its own, so a neighbour module with PhoneNumbers 9.0.38 and its own
    System.Text.Json works beside it, in either import order. Each order runs in a fresh pwsh, since
    what is loaded stays loaded for the life of a process.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $script:manifest = (Import-OctopodsModuleUnderTest).Manifest
    $script:neighbour = Join-Path $PSScriptRoot 'Neighbour/Neighbour.psm1'
    $script:coreVersion = [version](Import-PowerShellDataFile -Path $manifest).ModuleVersion
    $script:coreVersion = '{0}.{1}.{2}.0' -f $coreVersion.Major, $coreVersion.Minor, [Math]::Max(0, $coreVersion.Build)
    $script:ownPhoneNumbers = [Reflection.AssemblyName]::GetAssemblyName((Join-Path (Split-Path $manifest) 'Dependencies/PhoneNumbers.dll')).Version

    # One order in a fresh pwsh: imports, uses both modules, and reports what each one loaded.
    function Invoke-InFreshPwsh([string[]]$Order) {
        $script = @"
`$ErrorActionPreference = 'Stop'
`$results = [ordered]@{}
foreach (`$module in '$($Order -join "','")') {
    if (`$module -eq 'Octopods') { Import-Module '$manifest' } else { Import-Module '$neighbour' }
}
`$null = Connect-Octopods -Sandbox
`$sent = Send-OctopodsSms -To '415 555 2671' -DefaultRegion US -Body 'isolation' -Force
`$results.OctopodsPhone = `$sent.PhoneNumber
`$other = Format-NeighbourPhone -Number '020 7946 0018' -Region GB
`$results.NeighbourPhone = `$other.E164
`$results.NeighbourPhoneNumbersVersion = `$other.PhoneNumbersVersion
`$results.NeighbourJson = ConvertTo-NeighbourJson -Text 'a"b'
`$results.Loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Octopods', 'PhoneNumbers' } |
    ForEach-Object { '{0} {1} {2}' -f `$_.GetName().Name, `$_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).GetType().Name })
[pscustomobject]`$results | ConvertTo-Json -Compress
"@
        $output = Invoke-FreshPwsh -Arguments @('-Command', $script)
        $text = ($output | Out-String)
        $line = $output | Where-Object { "$_".StartsWith('{') } | Select-Object -Last 1
        if (-not $line) { throw "The fresh pwsh reported no result:`n$text" }
        "$line" | ConvertFrom-Json
    }
}

Describe 'Octopods beside a module with other versions of its dependencies' {
    It 'both work with <Name> imported first' -ForEach @(
        @{ Name = 'the neighbour'; Order = @('Neighbour', 'Octopods') }
        @{ Name = 'Octopods'; Order = @('Octopods', 'Neighbour') }
    ) {
        $r = Invoke-InFreshPwsh -Order $Order
        # Octopods converts with its own PhoneNumbers, the neighbour with its own, in one process.
        $r.OctopodsPhone | Should -Be '+14155552671'
        $r.NeighbourPhone | Should -Be '+442079460018'
        $r.NeighbourPhoneNumbersVersion | Should -Be '9.0.38.0'
        $r.NeighbourJson | Should -Be '"a\u0022b"'
        $r.Loaded | Should -Contain 'PhoneNumbers 9.0.38.0 DefaultAssemblyLoadContext'
        $r.Loaded | Should -Contain "PhoneNumbers $script:ownPhoneNumbers ModuleLoadContext"
        $r.Loaded | Should -Contain "Octopods $script:coreVersion ModuleLoadContext"
    }
}
