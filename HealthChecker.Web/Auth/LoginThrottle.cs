using System.Collections.Concurrent;

namespace HealthChecker.Web.Auth;

/// <summary>
/// Per source: 250 ms after the first failure, doubling with each further one, capped at 8 s; the count is forgotten after
/// a success or 15 minutes without a failure. The delay holds before the next check, not only before the failed answer, and
/// a source's attempts are checked one at a time, so parallel guesses are no faster than sequential ones. An attempt is
/// admitted only if its turn comes within the cap (at most <see cref="MaxInLine"/> in line): the rest are told at once when
/// to retry, and the right password, once admitted, waits at most the cap whatever came before it.
/// </summary>
public sealed class LoginThrottle(TimeProvider time) : ILoginThrottle
{
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(8);
    public const int MaxInLine = 4;
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan LeastRetryAfter = TimeSpan.FromSeconds(1);
    private const int MaxSources = 10_000;
    private readonly ConcurrentDictionary<string, Source> _sources = new(StringComparer.Ordinal);

    public async Task<LoginTurn> WaitTurnAsync(string source, CancellationToken ct)
    {
        var (state, retryAfter) = Enter(source);
        if (state is null)
        {
            return LoginTurn.Refuse(retryAfter);
        }

        try
        {
            // The turn is handed on only once the delay its predecessor earned has passed (see Source.Finish).
            await state.Turn.WaitAsync(ct);
        }
        catch
        {
            state.Leave();
            throw;
        }

        return LoginTurn.Admit(succeeded => state.Finish(succeeded, time));
    }

    /// <summary>The delay after <paramref name="failures"/> failures in a row.</summary>
    public static TimeSpan DelayAfter(int failures) =>
        failures <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(Cap.Ticks, First.Ticks << Math.Min(failures - 1, 10)));

    private (Source? State, TimeSpan RetryAfter) Enter(string source)
    {
        var now = time.GetUtcNow();
        if (_sources.Count >= MaxSources)
        {
            Prune(now);
        }

        while (true)
        {
            var state = _sources.GetOrAdd(source, _ => new Source());
            lock (state.Gate)
            {
                if (state.Removed)
                {
                    continue; // pruned meanwhile: take the new one
                }

                var turn = state.ProjectedTurn(now);
                if (state.InLine >= MaxInLine || turn - now > Cap)
                {
                    return (null, TimeSpan.FromSeconds(Math.Max(LeastRetryAfter.TotalSeconds, Math.Ceiling((turn - now).TotalSeconds))));
                }

                state.InLine++;
                return (state, TimeSpan.Zero);
            }
        }
    }

    // Bounded memory under a spray of sources: drop the idle, stale ones.
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, state) in _sources)
        {
            lock (state.Gate)
            {
                if (state.InLine == 0 && now - state.Last > Forget && now >= state.Next)
                {
                    state.Removed = true;
                    _sources.TryRemove(new KeyValuePair<string, Source>(key, state));
                }
            }
        }
    }

    /// <summary>One source's failures and line; every field is read and written under <see cref="Gate"/>.</summary>
    private sealed class Source
    {
        public readonly Lock Gate = new();

        /// <summary>One attempt checked at a time; waiters are served in order.</summary>
        public readonly SemaphoreSlim Turn = new(1, 1);

        public int Failures;
        public DateTimeOffset Last;

        /// <summary>The earliest time the next check may start.</summary>
        public DateTimeOffset Next;

        /// <summary>Attempts admitted and not finished: waiting, or being checked.</summary>
        public int InLine;

        public bool Removed;

        // Hands the turn on once a failure's delay has passed; kept here so that it is not collected before it fires.
        private ITimer? _holdTimer;

        /// <summary>When an attempt arriving now would be checked if every one in line before it fails.</summary>
        public DateTimeOffset ProjectedTurn(DateTimeOffset now)
        {
            if (InLine == 0 && now - Last > Forget)
            {
                Failures = 0;
            }

            var turn = Next > now ? Next : now;
            for (var i = 1; i <= InLine; i++)
            {
                turn += DelayAfter(Failures + i);
            }

            return turn;
        }

        public TimeSpan Finish(bool? succeeded, TimeProvider time)
        {
            var now = time.GetUtcNow();
            TimeSpan hold;
            lock (Gate)
            {
                if (succeeded == true)
                {
                    Failures = 0;
                    Next = now;
                    Last = now;
                }
                else if (succeeded == false)
                {
                    Failures++;
                    Last = now;
                    Next = now + DelayAfter(Failures);
                }

                hold = Next > now ? Next - now : TimeSpan.Zero;
                InLine--;
                if (hold > TimeSpan.Zero)
                {
                    // Set while the answer is given, not when the next attempt resumes: the delay counts from this failure.
                    _holdTimer?.Dispose();
                    _holdTimer = time.CreateTimer(_ => Turn.Release(), null, hold, Timeout.InfiniteTimeSpan);
                }
            }

            if (hold == TimeSpan.Zero)
            {
                Turn.Release();
            }

            return hold;
        }

        public void Leave()
        {
            lock (Gate)
            {
                InLine--;
            }
        }
    }
}
