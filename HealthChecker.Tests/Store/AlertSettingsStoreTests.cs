using Dapper;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Alerting;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Store;

public sealed class AlertSettingsStoreTests
{
    private const string WithSecrets = """
        channels:
          - name: ops
            webhook: http://127.0.0.1:9000/hook
            headers:
              Authorization: Bearer s3cret-token
              X-Env: ${OPS_ENV}
          - name: mail
            email:
              host: 127.0.0.1
              port: 2525
              security: none
              from: hc@example.com
              to: [ops@example.com]
              user: hc
              password: smtp-pass
        alerts:
          - targets: shop/*
            channels: [ops, mail]
        targets: []
        """;

    [Fact]
    public async Task The_issue_file_imports_its_channel_and_rule_with_its_targets_in_one_transaction()
    {
        await using var db = await OpenAsync();
        var parsed = Parse(AlertsFileTests.IssueFile);

        var result = await new TargetStore(db.DataSource).ImportAsync(parsed.Targets, false, parsed.Channels, parsed.Rules);

        Assert.Equal(new ImportResult(1, 0, 0, 0, 1, 1), result);
        var stored = await new AlertSettingsStore(db.DataSource).LoadAsync();
        Assert.Equal(new AlertSettings(parsed.Channels!, parsed.Rules!), stored);
    }

    [Fact]
    public async Task A_channels_own_templates_are_stored_and_read_back()
    {
        await using var db = await OpenAsync();
        var parsed = Parse(AlertsFileTests.WithTemplates);

        await new TargetStore(db.DataSource).ImportAsync(parsed.Targets, false, parsed.Channels, []);

        var stored = await new AlertSettingsStore(db.DataSource).LoadAsync();
        Assert.Equal(parsed.Channels, stored.Channels);
        Assert.NotEqual(MessageTemplates.Defaults, stored.Channels.Single().Templates);
    }

    [Fact]
    public async Task A_literal_secret_is_kept_in_hc_private_only_and_read_back_only_by_LoadAsync()
    {
        await using var db = await OpenAsync();
        var parsed = Parse(WithSecrets);
        var store = new AlertSettingsStore(db.DataSource);

        await new TargetStore(db.DataSource).ImportAsync([], false, parsed.Channels, parsed.Rules);

        await using var conn = await db.DataSource.OpenConnectionAsync();
        var settings = await conn.QueryAsync<string>("SELECT settings::text || coalesce(url, '') FROM hc_private.alert_channels");
        Assert.All(settings, s => Assert.DoesNotContain("s3cret", s, StringComparison.Ordinal));
        Assert.All(settings, s => Assert.DoesNotContain("smtp-pass", s, StringComparison.Ordinal));
        Assert.Equal(["Bearer s3cret-token", "smtp-pass"], await conn.QueryAsync<string>("SELECT value FROM hc_private.alert_channel_secrets ORDER BY value"));
        var listed = (await store.ListChannelsAsync()).Select(r => r.ToDefinition()).ToList();
        Assert.Equal(SecretText.Kept, listed[0].Headers[0].Value);
        Assert.Equal(SecretText.FromReference("OPS_ENV"), listed[0].Headers[1].Value);
        Assert.Equal(SecretText.Kept, listed[1].Email!.Password);
        Assert.Equal(new AlertSettings(parsed.Channels!, parsed.Rules!), await store.LoadAsync());
    }

    [Fact]
    public async Task Importing_an_export_again_keeps_the_kept_values_and_a_new_reference_replaces_them()
    {
        await using var db = await OpenAsync();
        var targets = new TargetStore(db.DataSource);
        var store = new AlertSettingsStore(db.DataSource);
        var parsed = Parse(WithSecrets);
        await targets.ImportAsync([], false, parsed.Channels, parsed.Rules);
        var export = AlertsFile.Write(new AlertSettings([.. (await store.ListChannelsAsync()).Select(r => r.ToDefinition())], [.. (await store.ListRulesAsync()).Select(r => r.Rule)]));
        Assert.Contains("Authorization: ${HC_SECRET_OPS_AUTHORIZATION}", export, StringComparison.Ordinal);
        Assert.Contains("password: ${HC_SECRET_MAIL_PASSWORD}", export, StringComparison.Ordinal);

        var again = Parse(export + "targets: []\n");
        await targets.ImportAsync([], false, again.Channels, again.Rules);

        Assert.Equal(new AlertSettings(parsed.Channels!, parsed.Rules!), await store.LoadAsync());

        var replaced = Parse(export.Replace("${HC_SECRET_OPS_AUTHORIZATION}", "${OPS_TOKEN}", StringComparison.Ordinal) + "targets: []\n");
        await targets.ImportAsync([], false, replaced.Channels, replaced.Rules);

        var loaded = await store.LoadAsync();
        Assert.Equal(SecretText.FromReference("OPS_TOKEN"), loaded.Channels[0].Headers[0].Value);
        await using var conn = await db.DataSource.OpenConnectionAsync();
        Assert.Equal(["smtp-pass"], await conn.QueryAsync<string>("SELECT value FROM hc_private.alert_channel_secrets"));
    }

    [Fact]
    public async Task A_file_without_the_sections_leaves_them_alone_and_empty_lists_clear_them()
    {
        await using var db = await OpenAsync();
        var targets = new TargetStore(db.DataSource);
        var store = new AlertSettingsStore(db.DataSource);
        var parsed = Parse(AlertsFileTests.IssueFile);
        await targets.ImportAsync(parsed.Targets, false, parsed.Channels, parsed.Rules);
        var ruleId = (await store.ListRulesAsync()).Single().Id;

        var without = Parse("targets: []\n");
        var untouched = await targets.ImportAsync(without.Targets, false, without.Channels, without.Rules);
        Assert.Equal((null, null), (untouched.Channels, untouched.Rules));
        Assert.Equal(new AlertSettings(parsed.Channels!, parsed.Rules!), await store.LoadAsync());

        await targets.ImportAsync(parsed.Targets, false, parsed.Channels, parsed.Rules);
        Assert.Equal(ruleId, (await store.ListRulesAsync()).Single().Id);

        var cleared = Parse("channels: []\nalerts: []\ntargets: []\n");
        await targets.ImportAsync(cleared.Targets, false, cleared.Channels, cleared.Rules);
        Assert.Equal(AlertSettings.Empty, await store.LoadAsync());
    }

    [Fact]
    public async Task An_import_whose_rules_need_a_channel_that_is_not_stored_saves_nothing()
    {
        await using var db = await OpenAsync();
        var targets = new TargetStore(db.DataSource);
        var parsed = Parse("alerts:\n  - targets: shop\n    channels: [nowhere]\ntargets:\n  - name: shop/api\n    check: tcp://127.0.0.1:9\n");

        var error = await Assert.ThrowsAsync<AlertSettingsException>(() => targets.ImportAsync(parsed.Targets, false, parsed.Channels, parsed.Rules));

        Assert.Equal(["alerts[1] (shop).channels[1]: 'nowhere' is not a channel: add the channel first"], error.Errors.Select(e => e.ToString()));
        Assert.Empty(await targets.ListAsync());
        Assert.Empty(await new AlertSettingsStore(db.DataSource).ListRulesAsync());
    }

    [Fact]
    public async Task An_import_that_drops_a_channel_a_stored_rule_sends_to_saves_nothing()
    {
        await using var db = await OpenAsync();
        var targets = new TargetStore(db.DataSource);
        var parsed = Parse(AlertsFileTests.IssueFile);
        await targets.ImportAsync(parsed.Targets, false, parsed.Channels, parsed.Rules);
        var other = Parse("channels:\n  - name: other\n    slack: https://hooks.slack.test/x\ntargets: []\n");

        var error = await Assert.ThrowsAsync<AlertSettingsException>(() => targets.ImportAsync(other.Targets, true, other.Channels, other.Rules));

        Assert.StartsWith("channels: 'ops' is not in the file but the stored rule 'shop/*' sends to it", error.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Single(await targets.ListAsync());
        Assert.Equal(["ops"], (await new AlertSettingsStore(db.DataSource).ListChannelsAsync()).Select(c => c.Name));
    }

    [Fact]
    public async Task A_channel_in_use_is_not_deleted_and_a_renamed_one_is_followed_by_its_rules()
    {
        await using var db = await OpenAsync();
        var store = new AlertSettingsStore(db.DataSource);
        var parsed = Parse(WithSecrets);
        await new TargetStore(db.DataSource).ImportAsync([], false, parsed.Channels, parsed.Rules);
        var ops = (await store.ListChannelsAsync())[0];

        var inUse = await Assert.ThrowsAsync<AlertSettingsException>(() => store.DeleteChannelAsync(ops.Id));
        Assert.True(inUse.Conflict);
        Assert.Equal("name: is used by the rule 'shop/*': change or delete it first", inUse.Errors.Single().ToString());

        // As the API sends it back: the kept value's reference under the old name keeps the value.
        var renamed = ops.ToDefinition() with { Name = "pager" };
        renamed = renamed with { Headers = [new ChannelHeader("Authorization", SecretText.FromReference("HC_SECRET_OPS_AUTHORIZATION")), renamed.Headers[1]] };
        var saved = await store.UpdateChannelAsync(ops.Id, renamed);

        Assert.Equal(ops.Id, saved!.Id);
        var loaded = await store.LoadAsync();
        Assert.Equal(["pager", "mail"], loaded.Rules.Single().Channels);
        Assert.Equal(SecretText.FromValue("Bearer s3cret-token"), loaded.Channels[0].Headers[0].Value);
        var taken = await Assert.ThrowsAsync<AlertSettingsException>(() => store.CreateChannelAsync(renamed with { Name = "mail" }));
        Assert.True(taken.Conflict);
    }

    [Fact]
    public async Task Rules_are_added_changed_and_deleted_by_id_and_a_write_notifies_listeners()
    {
        await using var db = await OpenAsync();
        var store = new AlertSettingsStore(db.DataSource);
        await using var listen = await db.DataSource.OpenConnectionAsync();
        var heard = 0;
        listen.Notification += (_, e) => Interlocked.Increment(ref heard);
        await listen.ExecuteAsync($"LISTEN {AlertSettingsStore.NotifyChannel}");
        await store.CreateChannelAsync(Parse(AlertsFileTests.IssueFile).Channels![0]);

        var rule = new AlertRule("r", "shop", ["ops"], TimeSpan.Zero, null, true, AlertRule.DefaultGroupWait, AlertRule.DefaultGroupInterval);
        var created = await store.CreateRuleAsync(rule);
        var updated = await store.UpdateRuleAsync(created.Id, rule with { Targets = "db/*", Repeat = TimeSpan.FromHours(1) });

        Assert.Equal(rule with { Targets = "db/*", Repeat = TimeSpan.FromHours(1) }, updated!.Rule);
        Assert.Null(await store.UpdateRuleAsync(created.Id + 100, rule));
        Assert.True(await store.DeleteRuleAsync(created.Id));
        Assert.False(await store.DeleteRuleAsync(created.Id));
        var missing = await Assert.ThrowsAsync<AlertSettingsException>(() => store.CreateRuleAsync(rule with { Channels = ["ops", "nope"] }));
        Assert.Equal("channels[2]: 'nope' is not a channel: add the channel first", missing.Errors.Single().ToString());
        while (Volatile.Read(ref heard) < 4)
        {
            await listen.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task A_channel_whose_settings_were_broken_in_SQL_is_left_out_of_what_is_sent_and_the_others_load()
    {
        await using var db = await OpenAsync();
        var parsed = Parse(WithSecrets);
        await new TargetStore(db.DataSource).ImportAsync([], false, parsed.Channels, parsed.Rules);
        await using (var conn = await db.DataSource.OpenConnectionAsync())
        {
            await conn.ExecuteAsync("""UPDATE hc_private.alert_channels SET settings = '{"email": {"port": "many"}}' WHERE name = 'mail'""");
        }

        var loaded = await new AlertSettingsStore(db.DataSource).LoadAsync();

        Assert.Equal(["ops"], loaded.Channels.Select(c => c.Name));
    }

    private static TargetsFile.Result Parse(string yaml)
    {
        var parsed = TargetsFile.Parse(yaml);
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        return parsed;
    }

    private static async Task<HealthCheckerDatabase> OpenAsync() =>
        await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);
}
