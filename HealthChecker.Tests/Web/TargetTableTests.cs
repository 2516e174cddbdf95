using Bunit;
using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Pages.Dashboard;

namespace HealthChecker.Tests.Web;

public sealed class TargetTableTests : BunitContext
{
    [Fact]
    public void No_targets_shows_the_empty_state_and_no_table()
    {
        var table = Render<TargetTable>(parameters => parameters.Add(p => p.Targets, Array.Empty<TargetRecord>()));

        Assert.Contains("No targets yet.", table.Find("[data-testid=no-targets]").TextContent, StringComparison.Ordinal);
        Assert.Empty(table.FindAll("table"));
    }

    [Fact]
    public void Each_target_is_one_row_with_name_group_kind_address_and_enabled()
    {
        TargetRecord[] targets =
        [
            Target(1, "api", "prod", "http", "10.0.0.5", 8080, enabled: true),
            Target(2, "db", "prod", "tcp", "2001:db8::7", 5432, enabled: false),
        ];

        var table = Render<TargetTable>(parameters => parameters.Add(p => p.Targets, targets));

        Assert.Empty(table.FindAll("[data-testid=no-targets]"));
        var rows = table.FindAll("tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["api", "prod", "http", "10.0.0.5:8080", "yes"], Cells(rows[0]));
        // An IPv6 host is bracketed so the port reads unambiguously.
        Assert.Equal(["db", "prod", "tcp", "[2001:db8::7]:5432", "paused"], Cells(rows[1]));
    }

    private static string[] Cells(AngleSharp.Dom.IElement row) =>
        [.. row.QuerySelectorAll("td").Select(cell => cell.TextContent.Trim())];

    private static TargetRecord Target(long id, string name, string group, string kind, string host, int port, bool enabled) =>
        new(id, name, group, kind, host, port, "{}", InterMs: 2000, FastinterMs: null, DowninterMs: null, TimeoutMs: null,
            Rise: 2, Fall: 3, SpreadPct: 0, StartUp: true, Enabled: enabled, CreatedAt: DateTime.UnixEpoch, UpdatedAt: DateTime.UnixEpoch);
}
