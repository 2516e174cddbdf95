using System.Collections.Concurrent;

namespace HealthChecker.Web.Auth;

/// <summary>
/// Per source: 250 ms after the first failure, doubling with each further one, capped at 8 s; the count
/// is forgotten after a success or 15 minutes without a failure.
/// </summary>
public sealed class LoginThrottle(TimeProvider time) : ILoginThrottle
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);
    private const int MaxSources = 10_000;
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset Last)> _failures = new(StringComparer.Ordinal);

    public TimeSpan Failed(string source)
    {
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxSources)
        {
            // Bounded memory under a spray of sources: drop the stale ones.
            foreach (var (key, value) in _failures)
            {
                if (now - value.Last > Forget)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }

        var (count, _) = _failures.AddOrUpdate(source, (1, now), (_, old) => (now - old.Last > Forget ? 1 : old.Count + 1, now));
        return DelayAfter(count);
    }

    public void Succeeded(string source) => _failures.TryRemove(source, out _);

    /// <summary>The delay after <paramref name="failures"/> failures in a row.</summary>
    public static TimeSpan DelayAfter(int failures) =>
        failures <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(Cap.Ticks, First.Ticks << Math.Min(failures - 1, 10)));
}
