<#
    A neighbour module for the isolation tests: it brings its own PhoneNumbers.dll (libphonenumber-csharp
    9.0.38) and System.Text.Json (9.0.12), loaded the way many modules load theirs (into the default
    context, by path), and uses both. Octopods must work beside it, in either import order.
    The packages come from tools/TestDependencies.csproj ($env:OCTOPODS_TEST_PACKAGES).
#>
$packages = $env:OCTOPODS_TEST_PACKAGES
if (-not $packages) { throw 'OCTOPODS_TEST_PACKAGES is not set: run the tests with ./build.ps1 -Task Test.' }
$framework = if ($PSEdition -eq 'Desktop') { 'netstandard2.0' } else { 'net8.0' }
Add-Type -Path (Join-Path $packages "libphonenumber-csharp/9.0.38/lib/$framework/PhoneNumbers.dll")
$json = if ($PSEdition -eq 'Desktop') { 'net462' } else { 'net8.0' }
# On PowerShell 7 the host's own System.Text.Json wins this load; on Windows PowerShell this copy is loaded.
$null = [System.Reflection.Assembly]::LoadFrom((Join-Path $packages "system.text.json/9.0.12/lib/$json/System.Text.Json.dll"))

function Format-NeighbourPhone {
    param([string]$Number, [string]$Region)
    $util = [PhoneNumbers.PhoneNumberUtil]::GetInstance()
    [pscustomobject]@{
        E164                = $util.Format($util.Parse($Number, $Region), [PhoneNumbers.PhoneNumberFormat]::E164)
        PhoneNumbersVersion = [PhoneNumbers.PhoneNumberUtil].Assembly.GetName().Version.ToString()
    }
}

function ConvertTo-NeighbourJson {
    param([string]$Text)
    [System.Text.Json.JsonSerializer]::Serialize($Text, [string], [System.Text.Json.JsonSerializerOptions]::new())
}

Export-ModuleMember -Function Format-NeighbourPhone, ConvertTo-NeighbourJson
