# State lives in $global:OctopodsTestVault (one per runspace), set by the test:
#   @{ DefaultVault = 'Store'; Vaults = @{ Store = @{ name = value } }; Locked = @('Store'); Calls = [List[object]] }
# Only core cmdlets are used: the hosted test engine has no Microsoft.PowerShell.Utility.

function Get-Secret {
    [CmdletBinding(DefaultParameterSetName = 'NameParameterSet')]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidGlobalVars', '', Justification = 'The hosted test sets the vault state in its runspace; the global scope is the one both sides see.')]
    param(
        [Parameter(ParameterSetName = 'NameParameterSet', Position = 0, Mandatory = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [Parameter(ParameterSetName = 'NameParameterSet', Position = 1)]
        [string] $Vault,

        [switch] $AsPlainText
    )

    $state = $global:OctopodsTestVault
    $state.Calls.Add([pscustomobject]@{
            Name     = $Name
            Vault    = $Vault
            Runspace = [runspace]::DefaultRunspace.InstanceId
        })

    $vaultName = if ($Vault) { $Vault } else { $state.DefaultVault }
    if ($state.Locked -contains $vaultName) {
        # What SecretStore says in a session that has not unlocked it (and cannot prompt).
        $reason = [System.InvalidOperationException]::new("A valid password is required to access the Microsoft.PowerShell.SecretStore vault.`nUse the Unlock-SecretStore cmdlet to provide the required password to access the store.")
        # WrapErrors: the reason arrives as the inner exception of a generic one, as a vault extension may report it.
        if ($state.ContainsKey('WrapErrors') -and $state.WrapErrors) {
            $reason = [System.Management.Automation.PSInvalidOperationException]::new("Unable to get secret $Name from vault $vaultName", $reason)
        }
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                $reason, 'GetSecretException', [System.Management.Automation.ErrorCategory]::InvalidOperation, $Name))
    }
    if ($Vault -and -not $state.Vaults.ContainsKey($Vault)) {
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                [System.ArgumentException]::new("Vault $Vault does not exist in registry."),
                'GetSecretInvalidVault', [System.Management.Automation.ErrorCategory]::InvalidArgument, $Vault))
        return
    }
    $secrets = $state.Vaults[$vaultName]
    if ($null -eq $secrets -or -not $secrets.ContainsKey($Name) -or $state.Locked -contains $vaultName) {
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                [System.Management.Automation.ItemNotFoundException]::new("The secret $Name was not found."),
                'GetSecretNotFound', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Name))
        return
    }
    $value = $secrets[$Name]
    # Like the real module: a string secret comes back as a SecureString unless -AsPlainText.
    if ($value -is [string] -and -not $AsPlainText) {
        $value = [System.Net.NetworkCredential]::new('', $value).SecurePassword
    }
    $value
}

function Get-SecretVault {
    [CmdletBinding()]
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidGlobalVars', '', Justification = 'The hosted test sets the vault state in its runspace; the global scope is the one both sides see.')]
    param([string[]] $Name)
    $state = $global:OctopodsTestVault
    foreach ($vault in $state.Vaults.Keys) {
        if ($Name -and $Name -notcontains $vault) { continue }
        [pscustomobject]@{ Name = $vault; ModuleName = 'Microsoft.PowerShell.SecretStore'; IsDefaultVault = $vault -eq $state.DefaultVault }
    }
}
