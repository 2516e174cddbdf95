using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HealthChecker.Tests.Web.Support;

namespace HealthChecker.Tests.Web.Components.Pages.Targets;

/// <summary>The /targets page as the server renders it (before the circuit starts), on the real app.</summary>
public sealed partial class TargetsPageTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 180_000)]
    public async Task The_list_renders_one_page_of_100_with_the_total_and_next_and_previous_walk_every_target_once()
    {
        using var admin = api.Admin();
        var file = new StringBuilder("targets:\n");
        for (var i = 0; i < 250; i++)
        {
            file.Append(CultureInfo.InvariantCulture, $"  - name: listed/t{i:D3}\n    check: tcp://127.0.0.1:{2000 + i}\n    enabled: false\n");
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/targets/import", new StringContent(file.ToString(), Encoding.UTF8, "application/yaml"))).StatusCode);
        var stored = (await MonitorProbe.ScalarAsync(api.ConnectionString, "SELECT count(*) FROM targets"));
        using var anonymous = api.Anonymous();

        var first = await PageAsync(anonymous, "targets");
        Assert.Equal(100, first.Names.Count);
        Assert.Contains($"100 shown of {stored:N0} targets", first.Html, StringComparison.Ordinal);
        Assert.Null(first.Previous);

        var seen = new List<string>(first.Names);
        var page = first;
        while (page.Next is { } next)
        {
            page = await PageAsync(anonymous, next);
            Assert.InRange(page.Names.Count, 1, 100);
            Assert.NotNull(page.Previous);
            seen.AddRange(page.Names);
        }

        Assert.Equal(stored, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Contains("listed/t249", seen);

        // Previous from the second page is the first page again.
        var second = await PageAsync(anonymous, first.Next!);
        Assert.Equal(first.Names, (await PageAsync(anonymous, second.Previous!)).Names);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_cursor_that_is_not_a_target_name_shows_the_first_page()
    {
        using var anonymous = api.Anonymous();

        var first = await PageAsync(anonymous, "targets");
        var odd = await PageAsync(anonymous, "targets?after=%00nonsense&before=also/not/one");

        Assert.Equal(first.Names, odd.Names);
    }

    private static async Task<(string Html, List<string> Names, string? Previous, string? Next)> PageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var names = RowName().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        string? Link(string rel) => html.Contains($"rel=\"{rel}\"", StringComparison.Ordinal)
            ? WebUtility.HtmlDecode(Regex.Match(html, $"<a href=\"([^\"]*)\" rel=\"{rel}\"").Groups[1].Value)
            : null;
        return (html, names, Link("prev"), Link("next"));
    }

    [GeneratedRegex("data-target-name=\"([^\"]*)\"")]
    private static partial Regex RowName();
}
