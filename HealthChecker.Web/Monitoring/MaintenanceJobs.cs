using HealthChecker.Core.Store;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The periodic database jobs of a running monitor, each on its own timer: the heartbeat in
/// <c>monitor_runs</c>, daily partitions ahead (hourly), retention of raw results (at start, then daily),
/// rollups and packed hours of results (every minute). A job that fails (PostgreSQL away) is logged and tried again at its next turn.
/// </summary>
internal sealed class MaintenanceJobs(MonitorHeartbeat heartbeat, HistoryMaintenance history, TimeSpan retention, Serilog.ILogger log)
{
    private readonly Serilog.ILogger _log = log.ForContext<MaintenanceJobs>();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _jobs = [];

    public void Start()
    {
        var ct = _stop.Token;
        _jobs.Add(Every("heartbeat", heartbeat.BeatEvery, atStart: false, heartbeat.BeatAsync, ct));
        _jobs.Add(Every("partitions", TimeSpan.FromHours(1), atStart: false, t => history.EnsurePartitionsAsync(ct: t), ct));
        _jobs.Add(Every("retention", TimeSpan.FromDays(1), atStart: true, t => history.ApplyRetentionAsync(retention, t), ct));
        _jobs.Add(Every("rollups", TimeSpan.FromMinutes(1), atStart: true, history.RefreshRollupsAsync, ct));
        _jobs.Add(Every("packing", TimeSpan.FromMinutes(1), atStart: true, history.PackResultsAsync, ct));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_jobs).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private Task Every(string name, TimeSpan period, bool atStart, Func<CancellationToken, Task> job, CancellationToken ct) => Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(period);
        var failing = false;
        try
        {
            if (!atStart && !await timer.WaitForNextTickAsync(ct))
            {
                return;
            }

            do
            {
                try
                {
                    await job(ct);
                    if (failing)
                    {
                        _log.Information("The {Job} job works again", name);
                        failing = false;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Said once per streak of failures; the result writer already says that PostgreSQL is away.
                    if (!failing)
                    {
                        _log.Warning("The {Job} job failed, trying again every {Period}: {Reason}", name, period, e.Message);
                        failing = true;
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }, CancellationToken.None);
}

