@{
    RootModule           = 'Octopods.psm1'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5f1c3a52-8d2e-4b7a-9e64-2c0b7d1f9a31'
    Author               = 'Octopods for PowerShell contributors'
    CompanyName          = 'Community'
    Copyright            = '(c) Octopods for PowerShell contributors.'
    Description          = 'Send SMS, WhatsApp and Viber template messages through the Octopods API and follow them to delivery. Includes an offline sandbox emulator.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('Octopods.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-Octopods'
        'Disconnect-Octopods'
        'Get-OctopodsConnection'
        'Send-OctopodsSms'
        'Get-OctopodsSmsStatus'
        'Measure-OctopodsSms'
        'Send-OctopodsWhatsAppTemplate'
        'Get-OctopodsWhatsAppStatus'
        'Get-OctopodsWhatsAppMessage'
        'Get-OctopodsWhatsAppTemplate'
        'Send-OctopodsViberTemplate'
        'Get-OctopodsViberTemplate'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Octopods', 'SMS', 'WhatsApp', 'Viber', 'Messaging', 'Intercom', 'HubSpot', 'Twilio', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri = 'https://github.com/octopods-powershell/Octopods'
            ReleaseNotes = 'First release: SMS send, status, segment measurement; WhatsApp template send, status, message history and templates; Viber template send and templates; sandbox emulator of all three.'
        }
    }
}
