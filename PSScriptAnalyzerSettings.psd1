# PSScriptAnalyzer settings for every script in the repository. build.ps1 -Task Test (and so CI and
# the GitHub workflow) runs tools/Invoke-ScriptAnalysis.ps1 with them, and fails on any finding or on
# a file that Invoke-Formatter would change.
#
# Every default rule runs. No rule is excluded here: where a rule does not fit one script (Write-Host
# in a build script that talks to a person, a throwaway key made with -AsPlainText in a test), that
# script says so itself with [Diagnostics.CodeAnalysis.SuppressMessageAttribute] and a justification,
# which is narrower than anything this file can express (it cannot scope a rule to a path).
@{
    Severity = @('Error', 'Warning')

    # The formatting rules below are the CodeFormattingStroustrup preset (a closing brace stands alone,
    # so 'else', 'catch' and 'finally' begin their own line), the style the scripts were written in.
    # Invoke-Formatter -Settings this file must change nothing.
    Rules    = @{
        PSPlaceOpenBrace           = @{
            Enable             = $true
            OnSameLine         = $true
            NewLineAfter       = $true
            IgnoreOneLineBlock = $true
        }

        PSPlaceCloseBrace          = @{
            Enable             = $true
            NewLineAfter       = $true
            IgnoreOneLineBlock = $true
            NoEmptyLineBefore  = $false
        }

        PSUseConsistentIndentation = @{
            Enable              = $true
            Kind                = 'space'
            PipelineIndentation = 'IncreaseIndentationForFirstPipeline'
            IndentationSize     = 4
        }

        PSUseConsistentWhitespace  = @{
            Enable                                  = $true
            CheckInnerBrace                         = $true
            CheckOpenBrace                          = $true
            CheckOpenParen                          = $true
            CheckOperator                           = $true
            CheckPipe                               = $true
            CheckPipeForRedundantWhitespace         = $false
            CheckSeparator                          = $true
            CheckParameter                          = $false
            IgnoreAssignmentOperatorInsideHashTable = $true
        }

        PSAlignAssignmentStatement = @{
            Enable         = $true
            CheckHashtable = $true
        }

        PSUseCorrectCasing         = @{
            Enable = $true
        }

        # Windows PowerShell 5.1 cannot run on the machines that run the tests, so the syntax of the
        # scripts meant for it is checked here: '??', '?.', the ternary, '&&' and '||' are flagged.
        # tools/Invoke-ScriptAnalysis.ps1 applies this rule only to the scripts written for both
        # editions (shipped scripts, build.ps1, tools/, and test files without '#Requires -Version 7').
        PSUseCompatibleSyntax      = @{
            Enable         = $true
            TargetVersions = @('5.1', '7.4')
        }
    }
}
