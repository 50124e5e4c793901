#Requires -Version 7.4
<#
    Pester 5 checks that the built module carries its help, as Get-Help shows it on real pwsh.
    The help is the build's conversion of docs/en-US with platyPS 0.14.2 (New-ExternalHelp): the
    cmdlet pages become en-US/Octopods.PowerShell.dll-Help.xml next to the module, and each
    about_*.md becomes en-US/about_*.help.txt.

    For every cmdlet the repository's Octopods.psd1 exports (CmdletsToExport), Get-Help must show a
    synopsis that is not the syntax PowerShell makes up when a command has no help, a description,
    at least two examples with code, and a description for every parameter the command has (the
    common parameters aside); and it must document no parameter the command no longer has.
    For every docs/en-US/about_*.md, Get-Help about_<Name> must find the topic, show its short
    description as the synopsis (not markdown), and keep every fenced code block line by line,
    with its indentation.

    Get-Help caches what it has read in a session: run this file in a new pwsh after building.
    Module under test: see ModuleUnderTest.ps1 (-ModulePath, $env:OCTOPODS_MODULE_PATH, or out/ of this checkout).
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', 'ModulePath', Justification = 'Pester container data: read in BeforeAll, which the rule does not look into.')]
param(
    [string]$ModulePath
)

BeforeDiscovery {
    $repoRoot = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
    $manifestData = Import-PowerShellDataFile -Path (Join-Path $repoRoot 'Octopods.psd1')
    # The cmdlets and the campaign job's script function alike.
    $script:CommandCases = @(@($manifestData.CmdletsToExport) + @($manifestData.FunctionsToExport) | ForEach-Object { @{ Name = $_ } })

    # Each about topic: its name, its short description as one line, and its fenced code blocks.
    $script:AboutCases = @(Get-ChildItem -Path (Join-Path $repoRoot 'docs/en-US') -Filter 'about_*.md' -File | ForEach-Object {
            $lines = (Get-Content -LiteralPath $_.FullName -Raw) -split '\r?\n'
            $short = [System.Collections.Generic.List[string]]::new()
            $blocks = [System.Collections.Generic.List[object]]::new()
            $section = $null
            $block = $null
            foreach ($line in $lines) {
                if ($null -ne $block) {
                    if ($line -match '^```\s*$') { $blocks.Add([string[]]$block.ToArray()); $block = $null }
                    else { $block.Add($line) }
                    continue
                }
                if ($line -match '^```') { $block = [System.Collections.Generic.List[string]]::new(); continue }
                if ($line -match '^#{1,6}\s+(.*?)\s*$') { $section = $Matches[1]; continue }
                if ($section -eq 'SHORT DESCRIPTION' -and $line.Trim()) { $short.Add($line.Trim()) }
            }
            @{
                Name             = $_.BaseName
                ShortDescription = ($short -join ' ')
                CodeBlocks       = $blocks.ToArray()
            }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModuleUnderTest.ps1')
    $null = Import-OctopodsModuleUnderTest -ModulePath $ModulePath

    $script:CommonParameters = @(
        'Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction',
        'ErrorVariable', 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer',
        'PipelineVariable', 'WhatIf', 'Confirm')

    # Text with its runs of white space made single spaces, for comparing wrapped text.
    function Format-OneLine {
        param([AllowNull()][object]$Text)
        ((($Text | Out-String) -replace '\s+', ' ')).Trim()
    }

    # Where the lines of a code block start in the help text, with the indentation the help gives
    # every line of it; -1 when they do not appear there, one after the other.
    function Find-CodeBlock {
        param([string[]]$HelpLines, [string[]]$Code)
        $first = $Code[0].TrimEnd()
        for ($i = 0; $i -le $HelpLines.Count - $Code.Count; $i++) {
            $line = $HelpLines[$i].TrimEnd()
            if (-not $line.EndsWith($first)) { continue }
            $indent = $line.Substring(0, $line.Length - $first.Length)
            if ($indent.Trim()) { continue }
            $k = 1
            while ($k -lt $Code.Count -and $HelpLines[$i + $k].TrimEnd() -ceq ($indent + $Code[$k]).TrimEnd()) { $k++ }
            if ($k -eq $Code.Count) { return $i }
        }
        -1
    }
}

AfterAll {
    Get-Module -Name Octopods | Remove-Module -Force
}

Describe 'Cmdlet help' {
    It 'Get-Help <Name> -Full shows a synopsis, a description, two examples and every parameter' -ForEach $CommandCases {
        $command = Get-Command -Name $Name -Module Octopods -ErrorAction Stop
        $help = Get-Help -Name $Name -Full -ErrorAction Stop

        # Without help, PowerShell puts the syntax in Synopsis: "Name [-Parameter] <Type> ...".
        $synopsis = Format-OneLine $help.Synopsis
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -Match "^$([regex]::Escape($Name)) \[" -Because 'a synopsis that starts with the syntax means no help was found'

        Format-OneLine $help.description | Should -Not -BeNullOrEmpty -Because 'the help has a DESCRIPTION'

        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2 -Because 'the help has at least two examples'
        $withoutCode = @($examples | Where-Object { -not (Format-OneLine $_.code) } | ForEach-Object { (Format-OneLine $_.title) -replace '^[-\s]+|[-\s]+$' })
        $withoutCode | Should -BeNullOrEmpty -Because 'every example shows code'

        $documented = @($help.parameters.parameter | Where-Object { $_ })
        $undescribed = @($command.Parameters.Keys | Where-Object { $_ -notin $CommonParameters } | Where-Object {
                $parameterName = $_
                $entry = $documented | Where-Object { $_.name -eq $parameterName } | Select-Object -First 1
                -not $entry -or -not (Format-OneLine $entry.description)
            })
        $undescribed | Should -BeNullOrEmpty -Because 'every parameter of the command has a description in its help'

        $stale = @($documented | ForEach-Object name | Where-Object { -not $command.Parameters.ContainsKey($_) })
        $stale | Should -BeNullOrEmpty -Because 'the help documents no parameter the command does not have'
    }

    It 'Get-Help <Name> -Online opens the command''s page in the repository''s docs' -ForEach $CommandCases {
        # Get-Help -Online opens the help's first link, else the command's HelpUri: both name the page.
        $page = "https://github.com/octopods-powershell/Octopods/blob/main/docs/en-US/$Name.md"
        (Get-Command -Name $Name -Module Octopods).HelpUri | Should -BeExactly $page
        @((Get-Help -Name $Name).relatedLinks.navigationLink | Where-Object uri)[0].uri | Should -BeExactly $page
        Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) "docs/en-US/$Name.md" | Should -Exist
    }
}

Describe 'About topics' {
    It 'Get-Help <Name> shows the short description as its synopsis and keeps every code block' -ForEach $AboutCases {
        $ShortDescription | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md has a SHORT DESCRIPTION section"
        @($CodeBlocks | Where-Object { @($_ | Where-Object { $_.Trim() }).Count -ge 2 }).Count |
            Should -BeGreaterOrEqual 1 -Because "docs/en-US/$Name.md has a multi-line fenced code block to check"

        $help = @(Get-Help -Name $Name -ErrorAction Stop)
        $help.Count | Should -Be 1 -Because "exactly one help file answers $Name (another Octopods in `$env:PSModulePath would make Get-Help list both)"
        $help[0].Category | Should -Be 'HelpFile'
        $text = "$($help[0])"
        $helpLines = $text -split '\r?\n'

        # PowerShell takes an about topic's synopsis from its fifth line: the first line of the
        # short description in a converted topic, "# SHORT DESCRIPTION" in raw markdown.
        $synopsis = Format-OneLine $help[0].Synopsis
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -Match '^#' -Because 'the synopsis is text, not a markdown heading'
        $synopsis | Should -Not -Match 'SHORT DESCRIPTION'
        # The whole short description, one sentence: a synopsis cut at the end of a line would end mid-phrase.
        $synopsis | Should -BeExactly $ShortDescription -Because "the synopsis is the short description, whole"
        $synopsis | Should -Match '\.$' -Because 'the synopsis is a whole sentence'
        $synopsis.Length | Should -BeLessOrEqual 80 -Because 'the synopsis fits the Synopsis column of Get-Help about_*'

        $heading = [array]::FindIndex($helpLines, [Predicate[string]] { param($line) $line.Trim() -ceq 'SHORT DESCRIPTION' })
        $heading | Should -BeGreaterOrEqual 0 -Because 'the topic has a SHORT DESCRIPTION section'
        $end = $heading + 1
        while ($end -lt $helpLines.Count -and $helpLines[$end].Trim()) { $end++ }
        $end | Should -BeGreaterThan ($heading + 1) -Because 'text follows the SHORT DESCRIPTION heading'
        Format-OneLine $helpLines[($heading + 1)..($end - 1)] | Should -BeExactly $ShortDescription

        @($helpLines | Where-Object { $_ -match '^(#{1,6}\s|```)' }) | Should -BeNullOrEmpty -Because 'no raw markdown heading or fence is left in the text'

        foreach ($code in $CodeBlocks | Where-Object { @($_ | Where-Object { $_.Trim() }).Count -gt 0 }) {
            Find-CodeBlock -HelpLines $helpLines -Code $code | Should -BeGreaterOrEqual 0 -Because (
                "this code block keeps its lines and indentation in the help text:`n" + ($code -join "`n"))
        }
    }
}
