<#
.SYNOPSIS
    Sums the test result files in a folder (xunit TRX, Pester NUnit XML) and prints one line:
    "N passed, N failed", with ", N skipped" when any test was skipped. Exits 1 when a test failed
    or no result file was found.
#>
param([Parameter(Mandatory)][string]$Path)
$passed = 0; $failed = 0; $skipped = 0; $files = 0
foreach ($file in Get-ChildItem -Path $Path -Recurse -File -Include '*.trx', '*.xml' -ErrorAction SilentlyContinue) {
    [xml]$xml = Get-Content -LiteralPath $file.FullName -Raw
    if ($xml.DocumentElement.LocalName -eq 'TestRun') {
        $counters = $xml.TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped += [int]$counters.notExecuted
        $files++
    }
    elseif ($xml.DocumentElement.LocalName -eq 'test-results') {
        $run = $xml.'test-results'
        $bad = [int]$run.failures + [int]$run.errors + [int]$run.invalid
        $notRun = [int]$run.'not-run' + [int]$run.skipped + [int]$run.ignored + [int]$run.inconclusive
        $passed += [int]$run.total - $bad - $notRun
        $failed += $bad
        $skipped += $notRun
        $files++
    }
}
# Output, not host text: .ci/run and build.ps1 read the last line, the totals.
if ($files -eq 0) { $failed = [Math]::Max($failed, 1); Write-Output "No test result files in $Path." }
Write-Output "Test result files: $files"
Write-Output ("{0} passed, {1} failed{2}" -f $passed, $failed, $(if ($skipped) { ", $skipped skipped" } else { '' }))
if ($failed -gt 0) { exit 1 }
