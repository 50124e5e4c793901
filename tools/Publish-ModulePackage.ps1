<#
.SYNOPSIS
    Publishes the built module folder as Octopods.<version>.nupkg into a folder, with PSResourceGet.

.DESCRIPTION
    build.ps1 -Task Package runs this in a child PowerShell whose HOME is a throwaway folder:
    registering the folder as a PSResourceGet repository writes to the user's repository list, and
    that list must stay the user's. The folder can then be registered by anyone as a repository and
    installed from with Install-PSResource Octopods.

.EXAMPLE
    ./tools/Publish-ModulePackage.ps1 -ModulePath out/Octopods/0.1.0 -Destination out/packages/nupkg
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string]$ModulePath,
    [Parameter(Mandatory)] [string]$Destination
)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet
$null = New-Item -ItemType Directory -Path $Destination -Force
$repository = 'OctopodsBuild' + [guid]::NewGuid().ToString('N').Substring(0, 8)
Register-PSResourceRepository -Name $repository -Uri ([IO.Path]::GetFullPath($Destination)) -Trusted
try {
    Publish-PSResource -Path $ModulePath -Repository $repository
}
finally {
    Unregister-PSResourceRepository -Name $repository
}
Get-ChildItem -LiteralPath $Destination -Filter 'Octopods.*.nupkg' | ForEach-Object { "    wrote $($_.FullName)" }
