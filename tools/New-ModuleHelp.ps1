<#
.SYNOPSIS
    Converts the PlatyPS markdown in a docs folder into the module's MAML help and about_*.help.txt.
    build.ps1 runs it in a child process: platyPS brings its own YamlDotNet.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A build step run by build.ps1 in a child process: it reports to the person or CI log watching it.')]
param(
    [Parameter(Mandatory)][string]$Docs,
    [Parameter(Mandatory)][string]$OutputPath
)
$ErrorActionPreference = 'Stop'
Import-Module -Name platyPS -RequiredVersion 0.14.2
# The marks the example tests read ("<!-- not run: ... -->", tests/pester/DocExamples.ps1) are for
# the repository's readers; platyPS would copy them into the about_ topics, so they go first.
$staging = Join-Path ([IO.Path]::GetTempPath()) "octopods-help-$([guid]::NewGuid().ToString('N'))"
$null = New-Item -ItemType Directory -Path $staging
try {
    # Octopods.md is the module page: it has no command to convert.
    $pages = foreach ($page in Get-ChildItem -Path $Docs -Filter '*.md' -File | Where-Object Name -NE 'Octopods.md') {
        $copy = Join-Path $staging $page.Name
        $text = (Get-Content -LiteralPath $page.FullName -Raw -Encoding utf8) -replace '(?m)^<!-- (not run|tested apart): .*-->\r?\n', ''
        [IO.File]::WriteAllText($copy, $text, [Text.UTF8Encoding]::new($false))
        $copy
    }
    $written = $pages | New-ExternalHelp -OutputPath $OutputPath -Force
    $written | ForEach-Object { Write-Host "    wrote $($_.Name)" }
}
finally { Remove-Item -LiteralPath $staging -Recurse -Force -ErrorAction SilentlyContinue }
