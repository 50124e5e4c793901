# A test stand-in for Microsoft.PowerShell.SecretManagement (which the build machines cannot
# install): Get-Secret with the real parameter names, return types and error messages; Get-SecretVault.
@{
    RootModule        = 'Microsoft.PowerShell.SecretManagement.psm1'
    ModuleVersion     = '1.1.2'
    GUID              = 'a5c858f6-4a8e-41f1-b1ee-0ff8f6ad69d3'
    Author            = 'Octopods tests'
    Description       = 'Test stand-in for Microsoft.PowerShell.SecretManagement.'
    FunctionsToExport = @('Get-Secret', 'Get-SecretVault')
    CmdletsToExport   = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
