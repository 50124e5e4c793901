# The module's entry point. The cmdlets (Octopods.PowerShell.dll) need the module's own assemblies in
# Dependencies/: PowerShell 7 loads them into a load context of their own, Windows PowerShell through a
# resolver that answers only for them. That must be in place before PowerShell inspects the cmdlets
# (their base classes name types of the core), so it is set up here, then the cmdlets are imported.
$cmdletAssembly = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'Octopods.PowerShell.dll'))
[Octopods.PowerShell.ModuleInitializer]::Prepare()
Import-Module -Assembly $cmdletAssembly
# The campaign job (Invoke-OctopodsCampaign): a script function over the cmdlets, for scheduled runs.
. ([System.IO.Path]::Combine($PSScriptRoot, 'Octopods.Campaign.ps1'))
Export-ModuleMember -Cmdlet * -Function Invoke-OctopodsCampaign
# Remove-Module forgets this session's connections, keys included: importing again starts clean.
$ExecutionContext.SessionState.Module.OnRemove = { [Octopods.PowerShell.ModuleInitializer]::Forget() }
