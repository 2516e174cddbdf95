using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace HealthChecker.Tests.Web.Support;

/// <summary>What the tests of the hosted engine read: /api/status, /metrics and the history tables.</summary>
public static partial class MonitorProbe
{
    /// <summary>Polls <paramref name="condition"/> until it holds (bounded, so a bug fails instead of hanging).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Never happened within {seconds} s: {what}");
    }

    public static async Task<JsonElement> StatusAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("api/status");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Every target's live state from /api/status/targets, page after page (following <c>next</c>).</summary>
    public static async Task<List<JsonElement>> TargetStatesAsync(HttpClient client)
    {
        var targets = new List<JsonElement>();
        string? next = null;
        do
        {
            var url = next is null ? "api/status/targets?limit=1000" : $"api/status/targets?limit=1000&after={Uri.EscapeDataString(next)}";
            var page = JsonDocument.Parse(await client.GetStringAsync(url)).RootElement.Clone();
            targets.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.TryGetProperty("next", out var cursor) ? cursor.GetString() : null;
        }
        while (next is not null);

        return targets;
    }

    /// <summary>The target of that name in /api/status/targets, or null.</summary>
    public static async Task<JsonElement?> TargetAsync(HttpClient client, string name)
    {
        foreach (var target in await TargetStatesAsync(client))
        {
            if (target.GetProperty("name").GetString() == name)
            {
                return target;
            }
        }

        return null;
    }

    public static async Task<string?> StateAsync(HttpClient client, string name) =>
        await TargetAsync(client, name) is { } target ? target.GetProperty("state").GetString() : null;

    public static async Task<long> ScalarAsync(string connectionString, string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var arg in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        }

        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>A target's state changes in order, as "FROM>TO".</summary>
    public static async Task<List<string>> ChangesAsync(string connectionString, long targetId)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT from_state || '>' || to_state FROM state_changes WHERE target_id = $1 ORDER BY at, id", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = targetId });
        var changes = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            changes.Add(reader.GetString(0));
        }

        return changes;
    }

    /// <summary>
    /// Checks that <paramref name="text"/> is Prometheus text: every line a comment (<c># HELP</c>, <c># TYPE</c>) or
    /// <c>name{labels} value</c>; returns the samples as (name, labels, value).
    /// </summary>
    public static List<(string Name, Dictionary<string, string> Labels, double Value)> ParsePrometheus(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                Assert.Matches(CommentLine(), line);
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in LabelPair().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups[1].Value] = Regex.Unescape(label.Groups[2].Value);
            }

            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture),
            };
            samples.Add((match.Groups["name"].Value, labels, value));
        }

        return samples;
    }

    [GeneratedRegex(@"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]*( .*)?$")]
    private static partial Regex CommentLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*=""([^""\\]|\\.)*"",?)*)\})? (?<value>[-+]?([0-9.]+([eE][-+]?[0-9]+)?|Inf|NaN))( [0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
