using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Alerting;
using HealthChecker.Tests.Support;
using HealthChecker.Web.Alerting;

namespace HealthChecker.Tests.Web.Alerting;

public sealed class StoredAlertSettingsTests
{
    [Fact(Timeout = 120_000)]
    public async Task Loads_at_start_then_follows_each_committed_change_and_says_so_once()
    {
        await using var db = await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);
        var store = new AlertSettingsStore(db.DataSource);
        var parsed = TargetsFile.Parse(AlertsFileTests.IssueFile);
        await new TargetStore(db.DataSource).ImportAsync(parsed.Targets, false, parsed.Channels, parsed.Rules);
        await using var source = new StoredAlertSettings(() => store, () => db.DataSource, TestLog.Silent);
        var told = new List<AlertSettings>();
        source.Changed += settings => { lock (told) { told.Add(settings); } };

        await source.StartAsync(CancellationToken.None);

        Assert.Equal(new AlertSettings(parsed.Channels!, parsed.Rules!), source.Current);
        var rule = (await store.ListRulesAsync()).Single();
        await store.UpdateRuleAsync(rule.Id, rule.Rule with { GroupWait = TimeSpan.Zero });
        await WaitAsync(() => source.Current.Rules.Single().GroupWait == TimeSpan.Zero);

        // A write that changes nothing is read again but not passed on.
        var loads = source.Loads;
        await store.UpdateRuleAsync(rule.Id, rule.Rule with { GroupWait = TimeSpan.Zero });
        await WaitAsync(() => source.Loads > loads);
        lock (told)
        {
            Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.Zero], told.Select(s => s.Rules.Single().GroupWait));
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(20);
        }
    }
}
