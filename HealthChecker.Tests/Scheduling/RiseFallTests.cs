using HealthChecker.Core.Health;
using HealthChecker.Tests.Support;
using Serilog.Events;

namespace HealthChecker.Tests.Scheduling;

/// <summary>Rise/fall through the real scheduler and engine, against a loopback port the test opens and closes.</summary>
public sealed class RiseFallTests
{
    private const string Name = "web/app1";
    private static readonly TimeSpan Inter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FastInter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DownInter = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Refused_ok_ok_refused_three_times_gives_HAProxys_states_intervals_and_log_lines()
    {
        using var peer = new SwitchablePeer();
        using var run = new SchedulerHarness(collectLog: true);
        var script = new (bool Open, string Code, string Display, TimeSpan Next)[]
        {
            (false, "L4CON", "DOWN", DownInter),
            (true, "L4OK", "DOWN 1/2", FastInter),
            (true, "L4OK", "UP", Inter),
            (false, "L4CON", "UP 2/3", FastInter),
            (false, "L4CON", "UP 1/3", FastInter),
            (false, "L4CON", "DOWN", DownInter),
        };

        await run.Scheduler.AddAsync(SchedulerHarness.Target(Name, peer.EndPoint, Inter, FastInter, DownInter, rise: 2, fall: 3));
        var seen = new List<(string Code, string Display, TimeSpan Next)>();
        for (int step = 0; step < script.Length; step++)
        {
            if (script[step].Open)
            {
                peer.Open();
            }
            else
            {
                peer.Close();
            }
            if (step > 0)
            {
                await run.AdvanceToNextCheckAsync(Name);
            }
            var result = await run.NextResultAsync();
            var next = run.Scheduler.Find(Name)!.NextCheckAt!.Value - run.Clock.GetUtcNow();
            seen.Add((result.Result.Code, result.Display, next));
        }

        Assert.Equal(script.Select(s => (s.Code, s.Display, s.Next)), seen);
        var changes = run.Changes();
        Assert.Equal(
            [(TargetState.Up, TargetState.Down), (TargetState.Down, TargetState.Up), (TargetState.Up, TargetState.Down)],
            changes.Select(c => (c.From, c.To)));
        var lines = run.Sink.Events.Select(e => (e.Level, e.RenderMessage(), e.Properties["DurationMs"].ToString())).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(
            [
                (LogEventLevel.Warning, $"Target web/app1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: {lines[0].Item3}ms."),
                (LogEventLevel.Information, $"Target web/app1 is UP, reason: Layer4 check passed, check duration: {lines[1].Item3}ms."),
                (LogEventLevel.Warning, $"Target web/app1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", check duration: {lines[2].Item3}ms."),
            ],
            lines.Select(l => (l.Level, l.Item2)));
    }

    [Fact]
    public async Task The_state_change_line_carries_its_fields_as_properties()
    {
        using var run = new SchedulerHarness(collectLog: true);

        await run.Scheduler.AddAsync(SchedulerHarness.Target(Name, LoopbackPeer.ClosedPort()));
        await run.NextResultAsync();

        var e = Assert.Single(run.Sink.Events);
        Assert.Equal("\"web/app1\"", e.Properties["Target"].ToString());
        Assert.Equal("\"DOWN\"", e.Properties["State"].ToString());
        Assert.Equal("\"UP\"", e.Properties["From"].ToString());
        Assert.Equal("\"Layer4 connection problem\"", e.Properties["Reason"].ToString());
        Assert.Equal("\"Connection refused\"", e.Properties["Info"].ToString());
        Assert.Equal("\"L4CON\"", e.Properties["Code"].ToString());
        Assert.True(e.Properties.ContainsKey("DurationMs"));
    }
}
