using HealthChecker.Core.Store;
using HealthChecker.Web.Hosting;

namespace HealthChecker.Web.Monitoring;

/// <summary>Tells of the state changes any node stored, as their <c>NOTIFY hc_state_changes</c> arrives.</summary>
public interface IStateChangeNotices
{
    /// <summary>The ids of targets whose state changes were committed; null when notices may have been lost (a new LISTEN). Keep handlers short.</summary>
    event Action<IReadOnlyList<long>?>? Heard;
}

/// <summary>
/// Listens on <see cref="StateChangeNotices.Channel"/> on a connection of its own (started after the database, see AppParts), so
/// that a node learns of another node's state changes on their commit instead of at its next pull.
/// </summary>
public sealed class StateChangeFollower(DatabaseService database, Serilog.ILogger log) : IHostedService, IStateChangeNotices, IAsyncDisposable
{
    private readonly Serilog.ILogger _log = log.ForContext<StateChangeFollower>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _following;
    private int _disposed;

    public event Action<IReadOnlyList<long>?>? Heard;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var follower = new NotifyFollower(database.Database.DataSource, StateChangeNotices.Channel,
            payload => Tell(TargetNotices.Parse(payload)),
            _ =>
            {
                Tell(null);
                return Task.CompletedTask;
            },
            _log);
        var connection = await follower.ListenAsync(cancellationToken);
        _following = Task.Run(() => follower.FollowAsync(connection, _stop.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();

        if (_following is { } following)
        {
            await following.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered under two services: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(CancellationToken.None);
        _stop.Dispose();
    }

    private void Tell(IReadOnlyList<long>? ids)
    {
        try
        {
            Heard?.Invoke(ids);
        }
        catch (Exception e)
        {
            // A listener's failure must not end the LISTEN loop.
            _log.Warning(e, "A listener of state change notices failed");
        }
    }
}
