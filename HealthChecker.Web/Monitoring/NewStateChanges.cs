namespace HealthChecker.Web.Monitoring;

/// <summary>Tells a page that state changes were stored (by any node), so that a list of them can read its newest rows again.</summary>
public interface INewStateChanges
{
    /// <summary>Raised at most once per <see cref="NewStateChanges.Gap"/>, however many changes came: keep handlers short.</summary>
    event Action? Arrived;
}

/// <summary>
/// <see cref="INewStateChanges"/> over the <c>NOTIFY hc_state_changes</c> notices (<see cref="IStateChangeNotices"/>), coalesced:
/// the first notice arms one timer, and every notice until it fires rides on it, so that a storm of changes reloads an open
/// events page once per <see cref="Gap"/>, not once per change.
/// </summary>
public sealed class NewStateChanges : INewStateChanges, IDisposable
{
    public static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(500);

    private readonly IStateChangeNotices _notices;
    private readonly Serilog.ILogger _log;
    private readonly ITimer _timer;
    private int _armed;

    public NewStateChanges(IStateChangeNotices notices, TimeProvider clock, Serilog.ILogger log)
    {
        _notices = notices;
        _log = log.ForContext<NewStateChanges>();
        _timer = clock.CreateTimer(_ => Raise(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        notices.Heard += OnHeard;
    }

    public event Action? Arrived;

    public void Dispose()
    {
        _notices.Heard -= OnHeard;
        _timer.Dispose();
    }

    private void OnHeard(IReadOnlyList<long>? ids)
    {
        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _timer.Change(Gap, Timeout.InfiniteTimeSpan);
        }
    }

    private void Raise()
    {
        // Disarmed before the handlers run: a change stored while they run arms the next round.
        Volatile.Write(ref _armed, 0);
        foreach (var handler in Arrived?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action)handler)();
            }
            catch (Exception e)
            {
                // One broken page must not keep the others from hearing of the change.
                _log.Warning(e, "A handler of new state changes failed");
            }
        }
    }
}
