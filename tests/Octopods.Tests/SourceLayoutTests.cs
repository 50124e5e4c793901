using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Octopods.Tests
{
    /// <summary>The source tree explains itself: one type per file, named after it, and each cmdlet-side folder holds one kind of thing.</summary>
    public class SourceLayoutTests
    {
        private static readonly Regex TopLevelType = new Regex(
            @"^    (?:(?:public|internal|sealed|static|abstract|partial|readonly)\s+)*(?:class|struct|interface|enum|record)\s+(\w+)",
            RegexOptions.Multiline);

        private static readonly string Src = Path.Combine(RepoRoot(), "src");

        private static string RepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Octopods.psd1"))) return dir.FullName;
            throw new InvalidOperationException("Octopods.psd1 not found above " + AppContext.BaseDirectory);
        }

        private static IEnumerable<string> SourceFiles(string under) =>
            Directory.EnumerateFiles(under, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                            && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        [Fact]
        public void Every_source_file_declares_one_type_named_after_it()
        {
            var wrong = new List<string>();
            foreach (var file in SourceFiles(Src))
            {
                var types = TopLevelType.Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).ToList();
                var expected = Path.GetFileNameWithoutExtension(file);
                if (types.Count != 1 || types[0] != expected)
                    wrong.Add($"{Path.GetRelativePath(Src, file)}: declares {(types.Count == 0 ? "no type" : string.Join(", ", types))}");
            }
            Assert.True(wrong.Count == 0, "Split these files, one type each, named after it:\n" + string.Join("\n", wrong));
            Assert.True(SourceFiles(Src).Count() > 50, "the scan found the source tree");
        }

        [Theory]
        [InlineData("Commands", @"\[Cmdlet\(", "a concrete cmdlet ([Cmdlet])")]
        [InlineData("CommandBases", @"\babstract class\b", "an abstract cmdlet base class")]
        [InlineData("Completers", @"\bIArgumentCompleter\b", "an argument completer")]
        public void Each_cmdlet_side_folder_holds_one_kind_of_type(string folder, string pattern, string kind)
        {
            var files = SourceFiles(Path.Combine(Src, "Octopods.PowerShell", folder)).ToList();
            Assert.NotEmpty(files);
            var misplaced = files.Where(f => !Regex.IsMatch(File.ReadAllText(f), pattern)).Select(Path.GetFileName).ToList();
            Assert.True(misplaced.Count == 0, $"{folder}/ is for {kind}: move {string.Join(", ", misplaced)}");
        }

        private static readonly Regex ClassAndBase = new Regex(@"\bclass (\w+)(?:<[^>]+>)? : (\w+)", RegexOptions.Multiline);

        [Fact]
        public void No_cmdlet_sits_more_than_three_levels_under_PSCmdlet()
        {
            var cmdletSide = Path.Combine(Src, "Octopods.PowerShell");
            var bases = new Dictionary<string, string>();
            var cmdlets = new List<string>();
            foreach (var file in SourceFiles(cmdletSide))
            {
                var text = File.ReadAllText(file);
                foreach (Match m in ClassAndBase.Matches(text)) bases[m.Groups[1].Value] = m.Groups[2].Value;
                if (Regex.IsMatch(text, @"\[Cmdlet\(")) cmdlets.Add(ClassAndBase.Match(text).Groups[1].Value);
            }
            Assert.True(cmdlets.Count >= 16, "the scan found the cmdlets");
            var deep = new List<string>();
            foreach (var cmdlet in cmdlets)
            {
                var chain = new List<string> { cmdlet };
                while (chain[chain.Count - 1] != "PSCmdlet" && bases.TryGetValue(chain[chain.Count - 1], out var parent)) chain.Add(parent);
                Assert.Equal("PSCmdlet", chain[chain.Count - 1]);
                if (chain.Count - 1 > 3) deep.Add(string.Join(" : ", chain));
            }
            Assert.True(deep.Count == 0, "Compose behaviour instead of adding a base class:\n" + string.Join("\n", deep));
        }

        [Theory]
        [InlineData("Infrastructure", "CommandBases")]
        [InlineData("Infrastructure", "Octopods.PowerShell.Session")]
        [InlineData("Session", "CommandBases")]
        public void A_helper_folder_does_not_reach_back_into_the_commands(string folder, string forbidden)
        {
            var files = SourceFiles(Path.Combine(Src, "Octopods.PowerShell", folder)).ToList();
            Assert.NotEmpty(files);
            var reaching = files.Where(f => File.ReadAllText(f).Contains(forbidden, StringComparison.Ordinal)).Select(Path.GetFileName).ToList();
            Assert.True(reaching.Count == 0, $"{folder}/ must not use {forbidden}: {string.Join(", ", reaching)} (give it a narrow interface, as ICommandOutput)");
        }
    }
}
