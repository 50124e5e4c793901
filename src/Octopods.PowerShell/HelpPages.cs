namespace Octopods.PowerShell
{
    /// <summary>
    /// Where each command's help page is read online (Get-Help -Online): its markdown in the
    /// repository's docs, the same text the installed help is built from.
    /// </summary>
    internal static class HelpPages
    {
        public const string Root = "https://github.com/octopods-powershell/Octopods/blob/main/docs/en-US/";
    }
}
