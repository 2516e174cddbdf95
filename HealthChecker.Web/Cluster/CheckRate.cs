namespace HealthChecker.Web.Cluster;

/// <summary>
/// Checks per second over the last few seconds, from samples of a running count of completed checks (the engine's
/// <c>ChecksCompleted</c>) taken about once a second. Timestamps in <see cref="TimeSpan"/> since any fixed start.
/// </summary>
public sealed class CheckRate(TimeSpan window)
{
    private readonly Lock _lock = new();
    private readonly Queue<(TimeSpan At, long Count)> _samples = new();

    public void Add(TimeSpan at, long count)
    {
        lock (_lock)
        {
            if (_samples.Count > 0 && (at <= _samples.Last().At || count < _samples.Last().Count))
            {
                // A clock that went back or a count that restarted (a new engine): begin again.
                _samples.Clear();
            }

            _samples.Enqueue((at, count));
            // Keeps the newest sample at or before the window's start, so the rate spans the whole window.
            while (_samples.Count > 2 && at - _samples.ElementAt(1).At >= window)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>The rate between the oldest and newest samples kept; 0 with fewer than two.</summary>
    public double PerSecond
    {
        get
        {
            lock (_lock)
            {
                if (_samples.Count < 2)
                {
                    return 0;
                }

                var (firstAt, firstCount) = _samples.Peek();
                var (lastAt, lastCount) = _samples.Last();
                var seconds = (lastAt - firstAt).TotalSeconds;
                return seconds <= 0 ? 0 : (lastCount - firstCount) / seconds;
            }
        }
    }
}
