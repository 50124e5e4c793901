using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace Octopods.Host
{
    /// <summary>Just enough of a PSHost for non-interactive scripts: text out, progress as lines, no prompts.</summary>
    internal sealed class ConsoleHost : PSHost
    {
        private readonly ConsoleUi _ui = new ConsoleUi();
        public override string Name => "Octopods.Host";
        public override Version Version => new Version(1, 0);
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
        public int ErrorsWritten => _ui.ErrorsWritten;
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    internal sealed class ConsoleUi : PSHostUserInterface
    {
        private readonly RawUi _raw = new RawUi();
        private string? _lastProgress;
        public int ErrorsWritten { get; private set; }
        public override PSHostRawUserInterface RawUI => _raw;
        // Formatting decorates table headers with ANSI codes; a log file wants the plain text.
        private static readonly System.Text.RegularExpressions.Regex Ansi = new System.Text.RegularExpressions.Regex("\u001b\\[[0-9;]*m");
        private static string Plain(string value) => Console.IsOutputRedirected ? Ansi.Replace(value, "") : value;
        public override void Write(string value) => Console.Write(Plain(value));
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Write(Plain(value));
        public override void WriteLine(string value) => Console.WriteLine(Plain(value));
        public override void WriteErrorLine(string value)
        {
            ErrorsWritten++;
            Console.WriteLine(Plain(value));
        }
        public override void WriteDebugLine(string message) => Console.WriteLine("DEBUG: " + message);
        public override void WriteVerboseLine(string message) => Console.WriteLine("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => Console.WriteLine("WARNING: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            if (record.RecordType == ProgressRecordType.Completed) return;
            var line = $"[{record.Activity}] {record.StatusDescription}";
            if (line == _lastProgress) return;
            _lastProgress = line;
            Console.WriteLine(line);
        }
        public override string ReadLine() => throw new NotSupportedException("This host does not prompt; pass -Confirm:$false or -Force.");
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException("This host does not prompt.");
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException("This host does not prompt.");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException("This host does not prompt.");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException("This host does not prompt.");
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw new NotSupportedException("This host does not prompt; pass -Confirm:$false or -Force.");
    }

    internal sealed class RawUi : PSHostRawUserInterface
    {
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Coordinates CursorPosition { get; set; }
        public override Coordinates WindowPosition { get; set; }
        public override int CursorSize { get; set; }
        public override Size BufferSize { get => new Size(120, 9999); set { } }
        public override Size WindowSize { get => new Size(120, 50); set { } }
        public override Size MaxWindowSize => new Size(120, 50);
        public override Size MaxPhysicalWindowSize => new Size(120, 50);
        public override bool KeyAvailable => false;
        public override string WindowTitle { get; set; } = "";
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void FlushInputBuffer() { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    }
}
