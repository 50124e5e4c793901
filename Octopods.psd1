@{
    RootModule             = 'Octopods.psm1'
    ModuleVersion          = '0.1.0'
    CompatiblePSEditions   = @('Desktop', 'Core')
    GUID                   = '5f1c3a52-8d2e-4b7a-9e64-2c0b7d1f9a31'
    Author                 = 'Octopods for PowerShell contributors'
    CompanyName            = 'Community'
    Copyright              = '(c) Octopods for PowerShell contributors.'
    Description            = 'Send SMS, WhatsApp and Viber template messages through the Octopods API and follow them to delivery. Includes an offline sandbox emulator. Runs on Windows PowerShell 5.1 and PowerShell 7.4 or later.'
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('Octopods.Format.ps1xml')
    CmdletsToExport        = @(
        'Connect-Octopods'
        'Disconnect-Octopods'
        'Get-OctopodsConnection'
        'Set-OctopodsConfiguration'
        'Get-OctopodsConfiguration'
        'Reset-OctopodsConfiguration'
        'Send-OctopodsSms'
        'Get-OctopodsSmsStatus'
        'Measure-OctopodsSms'
        'Send-OctopodsWhatsAppTemplate'
        'Get-OctopodsWhatsAppStatus'
        'Get-OctopodsWhatsAppMessage'
        'Get-OctopodsWhatsAppTemplate'
        'Send-OctopodsViberTemplate'
        'Get-OctopodsViberTemplate'
        'Get-OctopodsSendReport'
        'Add-OctopodsOptOut'
        'Get-OctopodsOptOut'
        'Remove-OctopodsOptOut'
    )
    FunctionsToExport      = @('Invoke-OctopodsCampaign')
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('Octopods', 'SMS', 'WhatsApp', 'Viber', 'Messaging', 'Intercom', 'HubSpot', 'Twilio', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/octopods-powershell/Octopods'
            LicenseUri   = 'https://github.com/octopods-powershell/Octopods/blob/main/LICENSE'
            ReleaseNotes = 'Loads its own assemblies apart from other modules on PowerShell 7 and refuses PowerShell 7.0-7.3 at import; pacing judged where the service counts, and the service''s rate learned from its 429s; hardening against hostile answers. Full list: https://github.com/octopods-powershell/Octopods/blob/main/CHANGELOG.md'
        }
    }
}
