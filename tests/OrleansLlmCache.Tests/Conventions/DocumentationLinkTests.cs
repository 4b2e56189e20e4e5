using System.Text;
using System.Text.RegularExpressions;
using OrleansLlmCache.Tests.Deploy;

namespace OrleansLlmCache.Tests.Conventions;

/// <summary>
/// Keeps the documentation's links from rotting as sections move between pages: every relative link in README.md and
/// docs/*.md reaches a file of the repository, and every <c>#anchor</c> a heading of the page it names, by GitHub's
/// rule (lower case, punctuation dropped, spaces to hyphens, a repeated heading numbered).
/// </summary>
public sealed partial class DocumentationLinkTests
{
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        foreach (var page in DocumentationPages())
        {
            pages.Add(page);
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRelativeLink_ReachesAFileOfTheRepository_AndAHeadingOfIt(string page)
    {
        var broken = new List<string>();
        foreach (var link in RelativeLinks(RepositoryFiles.Read(page)))
        {
            var (path, anchor) = Split(link);
            var target = path.Length == 0
                ? RepositoryFiles.PathOf(page)
                : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepositoryFiles.PathOf(page))!, path));
            if (!target.StartsWith(RepositoryFiles.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                broken.Add($"{link}: leads out of the repository");
            }
            else if (!File.Exists(target) && !Directory.Exists(target))
            {
                broken.Add($"{link}: no such file");
            }
            else if (anchor.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(target)).Contains(anchor))
            {
                broken.Add($"{link}: no heading with that anchor in {Path.GetRelativePath(RepositoryFiles.Root, target)}");
            }
        }

        Assert.True(broken.Count == 0, $"{page} has links that lead nowhere:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void TheDocumentationIndex_ListsEveryPage()
    {
        var index = RelativeLinks(RepositoryFiles.Read("docs/README.md")).Select(link => Split(link).Path).ToHashSet(StringComparer.Ordinal);
        var missing = DocumentationPages()
            .Where(page => page.StartsWith("docs/", StringComparison.Ordinal) && page != "docs/README.md")
            .Select(page => page["docs/".Length..])
            .Where(name => !index.Contains(name))
            .ToList();

        Assert.True(missing.Count == 0, "docs/README.md does not link " + string.Join(", ", missing));
    }

    [Fact]
    public void TheCheck_ReadsLinksAndHeadings_AsGitHubDoes()
    {
        // Guards the checks above against passing because they read nothing.
        Assert.Contains("docs/README.md", RelativeLinks(RepositoryFiles.Read("README.md")));
        Assert.True(RelativeLinks(RepositoryFiles.Read("docs/README.md")).Count() >= 15, "docs/README.md links fewer than 15 pages");

        var page = "# Top\n## App servers and the CLI: `LlmCache:Cluster:Tls`\n```bash\n# not a heading\n```\n## Top\n"
            + "### Exact hits vs StackExchange.Redis GET (2026-12-06 05:11 UTC)\n";
        Assert.Equal(
            new[] { "app-servers-and-the-cli-llmcacheclustertls", "exact-hits-vs-stackexchangeredis-get-2026-12-06-0511-utc", "top", "top-1" },
            Anchors(page).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["cli.md#exit-codes", "../LICENSE", "cache-page.png"],
            RelativeLinks("See [codes](cli.md#exit-codes), `[not](a.md)`, [licence](../LICENSE), [web](https://example.com), ![page](cache-page.png).\n```\n[fenced](b.md)\n```\n"));
    }

    /// <summary>README.md and every page under docs/.</summary>
    private static IEnumerable<string> DocumentationPages() =>
        new[] { "README.md" }.Concat(RepositoryFiles.Under("docs", "*.md"));

    /// <summary>The targets of the page's links and images that are not absolute URLs, outside code blocks and code spans.</summary>
    private static IEnumerable<string> RelativeLinks(string markdown) =>
        Link().Matches(CodeSpan().Replace(WithoutCodeBlocks(markdown), string.Empty))
            .Select(m => m.Groups["target"].Value)
            .Where(target => !Scheme().IsMatch(target))
            .ToList();

    private static (string Path, string Anchor) Split(string link)
    {
        var hash = link.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (link, string.Empty) : (link[..hash], link[(hash + 1)..]);
    }

    /// <summary>The anchors GitHub gives the page's headings.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(WithoutCodeBlocks(markdown)))
        {
            var slug = NotInAnchor().Replace(heading.Groups["text"].Value.Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-');
            var repeat = seen.GetValueOrDefault(slug);
            seen[slug] = repeat + 1;
            anchors.Add(repeat == 0 ? slug : $"{slug}-{repeat}");
        }

        return anchors;
    }

    private static string WithoutCodeBlocks(string markdown)
    {
        var text = new StringBuilder();
        var inBlock = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
            }
            else if (!inBlock)
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<text>.*?)[ \t\r]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    // GitHub keeps letters, digits, '_', '-' and spaces of a heading's text, and drops everything else.
    [GeneratedRegex(@"[^\p{L}\p{Nd}\p{Mn}_\- ]")]
    private static partial Regex NotInAnchor();
}
