using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using HealthChecker.Web.Monitoring;
using Microsoft.Extensions.Configuration;
using static HealthChecker.Tests.Web.Support.FakeMonitorView;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>The monitor view in a cluster: this node's targets and those other nodes check, in one list, board and count.</summary>
public sealed class MergedMonitorViewTests : IDisposable
{
    private readonly TargetScheduler _scheduler = new(new SchedulerOptions { Loops = 1 });
    private readonly MonitorService _monitor = new(new ConfigurationBuilder().Build());
    private readonly PulledTargets _remote = new();
    private readonly MonitorView _view;

    public MergedMonitorViewTests()
    {
        // The sync is not needed: the view reads the scheduler and the remote set.
        _monitor.Checks(_scheduler, null!);
        _view = new MonitorView(_monitor, TestLog.Silent, _remote);
    }

    public void Dispose()
    {
        _view.Dispose();
        _scheduler.Dispose();
    }

    [Fact]
    public async Task Every_list_shows_the_local_and_the_remote_targets_in_board_order()
    {
        await AddLocalPausedAsync(10, "web/local");
        var before = _view.Version;
        _remote.Set(RemoteTargetSet.Empty.Next([new("b@1", "node-b", [Target(20, "web/api", "UP"), Target(30, "mail/smtp", "DOWN")])]));

        Assert.True(_view.Version > before);
        Assert.Equal(["mail/smtp", "web/api", "web/local"], _view.Snapshot().Select(t => t.Target));
        Assert.Equal(["mail/smtp", "web/api", "web/local"], _view.Board().Targets.Select(t => t.Target));
        Assert.Equal(new SchedulerCounts(3, 1, 1, 1, 0), _view.Counts() with { Checks = 0 });
        Assert.Equal("DOWN", _view.Find(30)!.Display);
        var page = _view.Page(new TargetKey("mail", "smtp"), 1);
        Assert.Equal(["web/api"], page.Targets.Select(t => t.Target));
        Assert.Equal((3, true), (page.Total, page.More));
        Assert.False(_view.Page(new TargetKey("web", "api"), 5).More);
        Assert.True(_remote.Asked > 0);
    }

    [Fact]
    public async Task A_target_held_here_and_still_listed_by_its_old_node_shows_once_as_this_node_has_it()
    {
        await AddLocalPausedAsync(10, "web/local");
        _remote.Set(RemoteTargetSet.Empty.Next([new("b@1", "node-b", [Target(10, "web/local", "UP"), Target(20, "web/api", "UP")])]));

        Assert.Equal(["web/api", "web/local"], _view.Snapshot().Select(t => t.Target));
        Assert.Equal("MAINT", _view.Snapshot()[1].Display);
        Assert.Equal(2, _view.Counts().Targets);
    }

    [Fact]
    public void A_node_that_did_not_answer_leaves_its_targets_at_their_last_values_and_says_they_are_stale()
    {
        var answered = RemoteTargetSet.Empty.Next([new("b@1", "node-b", [Target(20, "web/api", "DOWN")])]);
        _remote.Set(answered.Next([new("b@1", "node-b", null)]));

        Assert.Equal("DOWN", _view.Find(20)!.Display);
        Assert.True(_view.IsStale(20));
        Assert.Equal(1, _view.Counts().Down);
    }

    private async Task AddLocalPausedAsync(long id, string name)
    {
        var definition = TargetValidator.Validate(new TargetDraft { Name = name, Check = "tcp://127.0.0.1:1", Enabled = "false" }).Definition!;
        Assert.True(await _scheduler.AddAsync(definition, id));
    }

    /// <summary>What another node's pull would hand over: a real set, without a cluster to pull it from.</summary>
    private sealed class PulledTargets : IRemoteTargets
    {
        private RemoteTargetSet _latest = RemoteTargetSet.Empty;

        public int Asked { get; private set; }

        public RemoteTargetSet Latest => _latest;

        public void Set(RemoteTargetSet set) => _latest = set;

        public void Wanted() => Asked++;
    }
}
