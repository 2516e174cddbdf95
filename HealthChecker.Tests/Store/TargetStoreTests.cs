using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using Npgsql;

namespace HealthChecker.Tests.Store;

public sealed class TargetStoreTests
{
    private const string EveryKind = """
        targets:
          - name: infra/postgres
            check: tcp://127.0.0.1:5432
            rise: 1
            fall: 5
            start: down
          - name: mail/smtp
            check: tls://[::1]:465
            steps:
              - expect: "220"
              - send: "QUIT\r\n"
              - send-hex: "0d0a"
              - expect-regex: "^2[0-9]{2}"
              - expect: "5"
                not: true
            tls:
              verify: false
              server-name: mail.test
          - name: web/app
            check: https://app.test:8443/healthz?full=1
            http:
              method: HEAD
              host: app.test
              status: 200-299,301
              body: ok
            tls:
              expiry-days: 14
            inter: 1m
            fastinter: 10s
            downinter: 30s
            timeout: 1500ms
            connect-timeout: 800ms
            depends-on: infra/postgres
            spread: 20
            enabled: false
          - name: plain
            check: http://127.0.0.1/
        """;

    [Fact]
    public async Task Definition_to_row_to_definition_is_equal_for_every_kind_and_option()
    {
        var parsed = TargetsFile.Parse(EveryKind);
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        await using var db = await OpenAsync();
        var store = new TargetStore(db.DataSource);

        foreach (var definition in parsed.Targets)
        {
            var record = await store.CreateAsync(definition);
            var (back, errors) = TargetRow.ToDefinition(record);

            Assert.Empty(errors);
            AssertEqual(definition, back!);
        }

        var rows = await store.ListAsync();
        Assert.Equal(["http", "tcp", "expect", "http"], rows.Select(r => r.Kind));
        var smtp = rows.Single(r => r.FullName == "mail/smtp");
        Assert.Equal(("expect", "::1", 465), (smtp.Kind, smtp.Host, smtp.Port));
        var web = rows.Single(r => r.FullName == "web/app");
        Assert.Equal(("http", "app.test", 8443, 60_000, 10_000, 30_000, 1500, 20, false), (web.Kind, web.Host, web.Port, web.InterMs, web.FastinterMs, web.DowninterMs, web.TimeoutMs, web.SpreadPct, web.Enabled));
        Assert.Contains("\"path\": \"/healthz?full=1\"", web.Options, StringComparison.Ordinal);
        Assert.Contains("\"connectTimeoutMs\": 800", web.Options, StringComparison.Ordinal);
        Assert.DoesNotContain("connectTimeout", rows.Single(r => r.FullName == "infra/postgres").Options, StringComparison.Ordinal);
        Assert.Contains("\"dependsOn\": \"infra/postgres\"", web.Options, StringComparison.Ordinal);
        Assert.DoesNotContain("dependsOn", rows.Single(r => r.FullName == "infra/postgres").Options, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_written_in_SQL_without_options_reads_back_as_a_connect_check()
    {
        await using var db = await OpenAsync();
        await using (var cmd = db.DataSource.CreateCommand("INSERT INTO targets (name, group_name, kind, host, port) VALUES ('pg', 'infra', 'tcp', '127.0.0.1', 5432)"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var (definition, errors) = TargetRow.ToDefinition((await new TargetStore(db.DataSource).ListAsync())[0]);

        Assert.Empty(errors);
        Assert.Equal((CheckKind.Tcp, "tcp://127.0.0.1:5432", TimeSpan.FromSeconds(2)), (definition!.Kind, definition.Check.OriginalString, definition.Inter));
    }

    [Fact]
    public async Task Steps_stored_by_their_action_names_read_as_expect_steps_with_their_encoding_and_are_stored_again_the_same()
    {
        await using var db = await OpenAsync();
        const string Options = """{"check": "tcp://127.0.0.1:25", "steps": [{"action": "expect-regex", "value": "^2\\d\\d"}, {"action": "expect-hex", "value": "3232"}, {"action": "expect", "value": "ERR", "not": true}, {"action": "send", "value": "QUIT\\r\\n"}]}""";
        await using (var cmd = db.DataSource.CreateCommand($"INSERT INTO targets (name, group_name, kind, host, port, options) VALUES ('smtp', 'mail', 'expect', '127.0.0.1', 25, '{Options}')"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var stored = (await new TargetStore(db.DataSource).ListAsync())[0];
        var (definition, errors) = TargetRow.ToDefinition(stored);

        Assert.Empty(errors);
        Assert.Equal(
            [(CheckStepAction.Expect, StepEncoding.Regex, "^2\\d\\d", false), (CheckStepAction.Expect, StepEncoding.Hex, "3232", false), (CheckStepAction.Expect, StepEncoding.Text, "ERR", true), (CheckStepAction.Send, StepEncoding.Text, "QUIT\\r\\n", false)],
            definition!.Steps.Select(s => (s.Action, s.Encoding, s.Text, s.Negate)));
        var rewritten = System.Text.Json.Nodes.JsonNode.Parse(TargetRow.FromDefinition(definition).Options)!["steps"];
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(Options)!["steps"], rewritten), rewritten?.ToJsonString());
    }

    [Fact]
    public async Task Create_get_update_pause_resume_delete_each_notify_and_publish_the_id()
    {
        await using var db = await OpenAsync();
        var feed = new TargetChangeFeed();
        var published = new List<TargetChange>();
        using var subscription = feed.Subscribe(published.AddRange);
        var store = new TargetStore(db.DataSource, feed);
        await using var listener = await ListenAsync(db.DataSource);

        var created = await store.CreateAsync(Define("web/a", "tcp://127.0.0.1:80"));
        Assert.Equal(created.Id.ToString(), await listener.NextAsync());
        Assert.Equal("web/a", (await store.GetAsync(created.Id))!.FullName);

        var updated = await store.UpdateAsync(created.Id, Define("web/b", "tcp://127.0.0.1:81"));
        Assert.Equal(("b", 81), (updated!.Name, updated.Port));
        Assert.Equal(created.Id.ToString(), await listener.NextAsync());

        Assert.True(await store.SetEnabledAsync(created.Id, false));
        Assert.False((await store.GetAsync(created.Id))!.Enabled);
        Assert.True(await store.SetEnabledAsync(created.Id, true));
        Assert.True(await store.DeleteAsync(created.Id));
        Assert.Null(await store.GetAsync(created.Id));

        Assert.False(await store.DeleteAsync(created.Id));
        Assert.False(await store.SetEnabledAsync(created.Id, true));
        Assert.Null(await store.UpdateAsync(created.Id, Define("web/c", "tcp://127.0.0.1:82")));

        var id = created.Id;
        Assert.Equal(
            [new(id, TargetChangeKind.Created), new(id, TargetChangeKind.Updated), new(id, TargetChangeKind.Paused), new(id, TargetChangeKind.Resumed), new TargetChange(id, TargetChangeKind.Deleted)],
            published);
    }

    [Fact]
    public async Task A_taken_group_and_name_is_a_conflict_on_the_name_field_and_changes_nothing()
    {
        await using var db = await OpenAsync();
        var store = new TargetStore(db.DataSource);
        await store.CreateAsync(Define("web/a", "tcp://127.0.0.1:80"));
        var other = await store.CreateAsync(Define("web/b", "tcp://127.0.0.1:81"));

        var onCreate = await Assert.ThrowsAsync<TargetConflictException>(() => store.CreateAsync(Define("web/a", "tcp://127.0.0.1:90")));
        var onRename = await Assert.ThrowsAsync<TargetConflictException>(() => store.UpdateAsync(other.Id, Define("web/a", "tcp://127.0.0.1:91")));

        Assert.Equal(new TargetError("name", "a target named 'web/a' already exists"), onCreate.Error);
        Assert.Equal("name", onRename.Error.Field);
        Assert.Equal([("web/a", 80), ("web/b", 81)], (await store.ListAsync()).Select(t => (t.FullName, t.Port)));
    }

    [Fact]
    public async Task Import_updates_by_name_adds_the_new_and_with_replace_removes_the_others()
    {
        await using var db = await OpenAsync();
        var feed = new TargetChangeFeed();
        var published = new List<TargetChange>();
        using var subscription = feed.Subscribe(published.AddRange);
        var store = new TargetStore(db.DataSource, feed);
        var kept = await store.CreateAsync(Define("web/a", "tcp://127.0.0.1:80"));
        var dropped = await store.CreateAsync(Define("web/old", "tcp://127.0.0.1:81"));
        published.Clear();

        var result = await store.ImportAsync([Define("web/a", "tcp://127.0.0.1:8080"), Define("web/new", "tcp://127.0.0.1:82")], removeOthers: true);

        Assert.Equal(new ImportResult(Created: 1, Updated: 1, Deleted: 1), result);
        var rows = await store.ListAsync();
        Assert.Equal([("web/a", 8080), ("web/new", 82)], rows.Select(t => (t.FullName, t.Port)));
        Assert.Equal(kept.Id, rows[0].Id);
        Assert.Contains(new TargetChange(dropped.Id, TargetChangeKind.Deleted), published);
        Assert.Contains(new TargetChange(kept.Id, TargetChangeKind.Updated), published);
    }

    [Fact]
    public async Task An_import_of_what_is_stored_rewrites_no_row_and_tells_no_one()
    {
        await using var db = await OpenAsync();
        var feed = new TargetChangeFeed();
        var published = new List<TargetChange>();
        using var subscription = feed.Subscribe(published.AddRange);
        var store = new TargetStore(db.DataSource, feed);
        List<TargetDefinition> file = [Define("web/a", "tcp://127.0.0.1:80"), Define("web/b", "https://b.test/health"), Define("web/c", "tcp://127.0.0.1:82")];
        Assert.Equal(new ImportResult(Created: 3, Updated: 0, Deleted: 0), await store.ImportAsync(file, removeOthers: false));
        var versions = await RowVersionsAsync(db.DataSource);
        published.Clear();
        await using var listener = await ListenAsync(db.DataSource);

        var again = await store.ImportAsync(file, removeOthers: true);
        var changed = await store.ImportAsync([file[0], Define("web/b", "https://b.test/other"), file[2]], removeOthers: false);

        Assert.Equal(new ImportResult(Created: 0, Updated: 0, Deleted: 0, Unchanged: 3), again);
        Assert.Equal(new ImportResult(Created: 0, Updated: 1, Deleted: 0, Unchanged: 2), changed);
        var after = await RowVersionsAsync(db.DataSource);
        Assert.Equal(versions.Where(v => v.Name != "b"), after.Where(v => v.Name != "b"));
        Assert.NotEqual(versions.Single(v => v.Name == "b"), after.Single(v => v.Name == "b"));
        var b = versions.Single(v => v.Name == "b").Id;
        Assert.Equal([new TargetChange(b, TargetChangeKind.Updated)], published);
        Assert.Equal(b.ToString(System.Globalization.CultureInfo.InvariantCulture), await listener.NextAsync());
    }

    [Fact]
    public async Task An_import_of_thousands_of_targets_is_one_feed_call_and_a_few_notices_naming_every_id()
    {
        await using var db = await OpenAsync();
        var feed = new TargetChangeFeed();
        var calls = new List<IReadOnlyList<TargetChange>>();
        using var subscription = feed.Subscribe(calls.Add);
        var store = new TargetStore(db.DataSource, feed);
        await using var listener = await ListenAsync(db.DataSource);

        var result = await store.ImportAsync([.. Enumerable.Range(0, 5_000).Select(n => Define($"bulk/t{n:D5}", "tcp://127.0.0.1:80"))], removeOthers: false);

        Assert.Equal(5_000, result.Created);
        var ids = (await store.ListAsync()).Select(t => t.Id).Order().ToList();
        Assert.Equal(ids, Assert.Single(calls).Select(c => c.Id).Order());
        var payloads = new List<string>();
        var heard = new List<long>();
        while (heard.Count < ids.Count)
        {
            var payload = await listener.NextAsync();
            payloads.Add(payload);
            heard.AddRange(TargetNotices.Parse(payload)!);
        }

        Assert.Equal(ids, heard.Order());
        Assert.InRange(payloads.Count, 1, 10);
        Assert.All(payloads, p => Assert.True(System.Text.Encoding.UTF8.GetByteCount(p) < 8_000));
    }

    [Theory]
    [InlineData("42", new long[] { 42 })]
    [InlineData("3,1,2", new long[] { 3, 1, 2 })]
    [InlineData("", null)]
    [InlineData("all", null)]
    [InlineData("1,,2", null)]
    [InlineData("1,-2", null)]
    [InlineData("0", null)]
    public void A_notice_names_ids_or_else_means_reload_everything(string payload, long[]? ids)
    {
        Assert.Equal(ids, TargetNotices.Parse(payload));
    }

    [Fact]
    public void Notices_split_many_ids_at_the_payload_limit_and_keep_every_id()
    {
        var ids = Enumerable.Range(1, 100_000).Select(n => (long)n * 1_000_003).ToList();

        var payloads = TargetNotices.Payloads(ids).ToList();

        Assert.All(payloads.SkipLast(1), p => Assert.InRange(p.Length, TargetNotices.MaxPayloadBytes - 20, TargetNotices.MaxPayloadBytes));
        Assert.InRange(payloads[^1].Length, 1, TargetNotices.MaxPayloadBytes);
        Assert.Equal(ids, payloads.SelectMany(p => TargetNotices.Parse(p)!));
    }

    [Fact]
    public async Task An_import_that_fails_part_way_applies_nothing()
    {
        await using var db = await OpenAsync();
        var store = new TargetStore(db.DataSource);
        await store.CreateAsync(Define("web/a", "tcp://127.0.0.1:80"));
        // A constraint the validator does not know of: a group name the table refuses, second in the list.
        await using (var cmd = db.DataSource.CreateCommand("ALTER TABLE targets ADD CONSTRAINT no_bad_group CHECK (group_name <> 'bad')"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<PostgresException>(() =>
            store.ImportAsync([Define("web/a", "tcp://127.0.0.1:8080"), Define("bad/x", "tcp://127.0.0.1:82")], removeOthers: true));

        Assert.Equal([("web/a", 80)], (await store.ListAsync()).Select(t => (t.FullName, t.Port)));
    }

    internal static TargetDefinition Define(string name, string check)
    {
        var (definition, errors) = TargetValidator.Validate(new TargetDraft { Name = name, Check = check });
        Assert.Empty(errors);
        return definition!;
    }

    private static async Task<HealthCheckerDatabase> OpenAsync() =>
        await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);

    private static void AssertEqual(TargetDefinition expected, TargetDefinition actual)
    {
        // Records compare lists and byte arrays by reference: compare those by content, the rest as records.
        Assert.Equal(expected.Steps.Select(s => (s.Action, Convert.ToHexString(s.Bytes), s.Text, s.Negate)),
            actual.Steps.Select(s => (s.Action, Convert.ToHexString(s.Bytes), s.Text, s.Negate)));
        Assert.Equal(expected.Http?.ExpectStatus, actual.Http?.ExpectStatus);
        Assert.Equal(expected.Http is null ? null : expected.Http with { ExpectStatus = [] }, actual.Http is null ? null : actual.Http with { ExpectStatus = [] });
        Assert.Equal(expected with { Steps = [], Http = null }, actual with { Steps = [], Http = null });
    }

    /// <summary>Each row's physical version (xmin changes whenever the row is rewritten) and updated_at.</summary>
    private static async Task<List<(long Id, string Name, string Version, DateTime UpdatedAt)>> RowVersionsAsync(NpgsqlDataSource dataSource)
    {
        var rows = new List<(long, string, string, DateTime)>();
        await using var cmd = dataSource.CreateCommand("SELECT id, name, xmin::text, updated_at FROM targets ORDER BY id");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3)));
        }

        return rows;
    }

    private static async Task<Listener> ListenAsync(NpgsqlDataSource dataSource)
    {
        var conn = await dataSource.OpenConnectionAsync();
        var listener = new Listener(conn);
        await using var cmd = new NpgsqlCommand($"LISTEN {TargetStore.NotifyChannel}", conn);
        await cmd.ExecuteNonQueryAsync();
        return listener;
    }

    private sealed class Listener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _conn;
        private readonly Queue<string> _payloads = new();

        public Listener(NpgsqlConnection conn)
        {
            _conn = conn;
            _conn.Notification += (_, e) => _payloads.Enqueue(e.Payload);
        }

        public async Task<string> NextAsync()
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (_payloads.Count == 0)
            {
                await _conn.WaitAsync(limit.Token);
            }

            return _payloads.Dequeue();
        }

        public ValueTask DisposeAsync() => _conn.DisposeAsync();
    }
}
