using System.Text.RegularExpressions;
using Dapper;
using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using Npgsql;

namespace HealthChecker.Tests.Store;

/// <summary>The SQL examples of the README run as shown, as a member of hc_reader, and find the rows they are about.</summary>
public partial class SqlDocsTests
{
    private const string Heading = "## Query check history in SQL";

    public static TheoryData<int, string> Examples()
    {
        var data = new TheoryData<int, string>();
        var i = 0;
        foreach (var sql in ExtractExamples())
        {
            data.Add(++i, sql);
        }

        return data;
    }

    [Fact]
    public void The_docs_give_at_least_six_queries_under_their_heading()
    {
        Assert.True(ExtractExamples().Count >= 6);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Each_query_of_the_docs_runs_as_shown_and_returns_rows(int number, string sql)
    {
        var admin = await TestDatabase.CreateEmptyAsync();
        await using var db = NpgsqlDataSource.Create(admin);
        await MigrationRunner.ApplyAsync(db, MigrationRunner.DefaultDirectory, TestLog.Silent);
        await HistoryRows.ExecuteAsync(db, SampleHistory);
        await new HistoryMaintenance(db, TestLog.Silent).RefreshRollupsAsync();
        await using var login = await ReaderLogin.CreateAsync(admin);

        await using var conn = new NpgsqlConnection(login.ConnectionString);
        await conn.OpenAsync();
        var rows = (await conn.QueryAsync(sql)).ToList();

        Assert.True(rows.Count > 0, $"Query {number} of README.md returned no rows:\n{sql}");
    }

    private static List<string> ExtractExamples()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));
        var start = text.IndexOf(Heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no \"{Heading}\" section");
        var section = text[(start + Heading.Length)..];
        var next = section.IndexOf("\n## ", StringComparison.Ordinal);
        if (next >= 0)
        {
            section = section[..next];
        }

        return SqlBlock().Matches(section).Select(m => m.Groups[1].Value.Trim()).ToList();
    }

    [GeneratedRegex(@"^```sql\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SqlBlock();

    /// <summary>Two targets watched for two days by a monitor still running: an api that failed now and then, a database that did not.</summary>
    private const string SampleHistory = """
        INSERT INTO targets (name, kind, host, port) VALUES ('api', 'http', 'api.internal', 443), ('db', 'tcp', 'db.internal', 5432);
        INSERT INTO monitor_runs (started_at, last_beat_at) VALUES (now() - interval '2 days', now());
        INSERT INTO state_changes (target_id, at, from_state, to_state, status, info)
        SELECT t.id, now() - x.ago, x.from_state, x.to_state, x.status, x.info
        FROM targets t
        JOIN (VALUES
            ('api', interval '2 days', 'UNKNOWN', 'UP', 'L7OK', NULL),
            ('api', interval '3 hours', 'UP', 'DOWN', 'L7STS', 'HTTP status 503'),
            ('api', interval '2 hours 50 minutes', 'DOWN', 'UP', 'L7OK', NULL),
            ('api', interval '1 hour', 'UP', 'DOWN', 'L4TOUT', 'Connection timed out'),
            ('api', interval '58 minutes', 'DOWN', 'UP', 'L7OK', NULL),
            ('db', interval '2 days', 'UNKNOWN', 'UP', 'L4OK', NULL)
        ) AS x (name, ago, from_state, to_state, status, info) ON x.name = t.name;
        INSERT INTO check_results
        SELECT t.id, now() - g * interval '1 second',
               CASE WHEN g % 10 = 0 THEN 'L7STS' ELSE 'L7OK' END, g % 10 <> 0, 5 + g % 97,
               CASE WHEN g % 10 = 0 THEN 503 ELSE 200 END, CASE WHEN g % 10 = 0 THEN 'HTTP status 503' END
        FROM targets t, generate_series(1, 600) AS g WHERE t.name = 'api';
        INSERT INTO check_results
        SELECT t.id, now() - g * interval '2 seconds',
               CASE WHEN g % 50 = 0 THEN 'L4CON' ELSE 'L4OK' END, g % 50 <> 0, 1 + g % 7,
               NULL, CASE WHEN g % 50 = 0 THEN 'Connection refused' END
        FROM targets t, generate_series(1, 300) AS g WHERE t.name = 'db';
        """;
}
