using HealthChecker.Web.Auth;
using Microsoft.Extensions.Time.Testing;

namespace HealthChecker.Tests.Web.Auth;

public sealed class LoginThrottleTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Each_failure_from_a_source_doubles_the_delay_up_to_the_cap_and_other_sources_are_not_slowed()
    {
        var throttle = new LoginThrottle(_time);

        var delays = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            delays.Add(await FailAsync(throttle, "10.0.0.1"));
        }

        Assert.Equal([250, 500, 1000, 2000, 4000, 8000, 8000, 8000], delays);
        Assert.Equal(250, await FailAsync(throttle, "10.0.0.2"));
    }

    [Fact]
    public async Task A_success_or_a_quiet_quarter_hour_forgets_the_failures()
    {
        var throttle = new LoginThrottle(_time);
        await FailAsync(throttle, "a");
        await FailAsync(throttle, "a");

        using (var turn = await throttle.WaitTurnAsync("a", default))
        {
            turn.Succeeded();
        }

        Assert.Equal(250, await FailAsync(throttle, "a"));

        await FailAsync(throttle, "a");
        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(250, await FailAsync(throttle, "a"));
    }

    [Fact]
    public async Task Parallel_attempts_are_checked_one_at_a_time_each_after_the_delay_its_predecessor_earned_and_the_rest_are_told_when_to_retry()
    {
        var throttle = new LoginThrottle(_time);

        var attempts = Enumerable.Range(0, 100).Select(_ => throttle.WaitTurnAsync("10.0.0.1", default)).ToList();

        // The first is checked at once; the others admitted wait their turn; the rest are answered at once.
        Assert.True(attempts[0].IsCompletedSuccessfully);
        var first = await attempts[0];
        Assert.True(first.Admitted);
        var waiting = attempts.Where(a => !a.IsCompleted).ToList();
        Assert.Equal(LoginThrottle.MaxInLine - 1, waiting.Count);
        var refused = await Task.WhenAll(attempts.Skip(1).Where(a => a.IsCompleted));
        Assert.Equal(100 - LoginThrottle.MaxInLine, refused.Length);
        Assert.All(refused, r => Assert.True(!r.Admitted && r.RetryAfter >= TimeSpan.FromSeconds(1)));

        Assert.Equal(250, first.Failed().TotalMilliseconds);
        first.Dispose();
        _time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await waiting[0].WaitAsync(Settle);
        Assert.True(second.Admitted);
        Assert.All(waiting.Skip(1), w => Assert.False(w.IsCompleted));

        Assert.Equal(500, second.Failed().TotalMilliseconds);
        second.Dispose();
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.All(waiting.Skip(1), w => Assert.False(w.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var third = await waiting[1].WaitAsync(Settle);
        Assert.True(third.Admitted);
    }

    [Fact]
    public async Task After_a_flood_the_right_password_is_checked_within_the_cap_and_a_refused_attempt_retried_when_told_is_checked_at_once()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < 30; i++)
        {
            await FailAsync(throttle, "10.0.0.1", waitOut: i < 29);
        }

        // The last failure's delay (the cap) is still running and one more guess waits in line.
        var guess = throttle.WaitTurnAsync("10.0.0.1", default);
        Assert.False(guess.IsCompleted);
        var refused = await throttle.WaitTurnAsync("10.0.0.1", default);
        Assert.False(refused.Admitted);

        _time.Advance(LoginThrottle.Cap);
        using (var turn = await guess.WaitAsync(Settle))
        {
            turn.Failed();
        }

        // Retried when told, with nobody else in line, the right password is checked at once and clears the failures.
        _time.Advance(refused.RetryAfter - LoginThrottle.Cap);
        var rightTurn = throttle.WaitTurnAsync("10.0.0.1", default);
        Assert.True(rightTurn.IsCompletedSuccessfully);
        using (var right = await rightTurn)
        {
            Assert.True(right.Admitted);
            right.Succeeded();
        }

        Assert.Equal(250, await FailAsync(throttle, "10.0.0.1"));
    }

    [Fact]
    public async Task An_attempt_that_gives_up_while_waiting_leaves_the_line()
    {
        var throttle = new LoginThrottle(_time);
        using var first = await throttle.WaitTurnAsync("a", default);
        using var cancel = new CancellationTokenSource();
        var waiting = Enumerable.Range(1, LoginThrottle.MaxInLine - 1).Select(_ => throttle.WaitTurnAsync("a", cancel.Token)).ToList();
        Assert.False((await throttle.WaitTurnAsync("a", default)).Admitted);

        await cancel.CancelAsync();
        foreach (var w in waiting)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => w.WaitAsync(Settle));
        }

        var next = throttle.WaitTurnAsync("a", default);
        Assert.False(next.IsCompleted);
        first.Succeeded();
        Assert.True((await next.WaitAsync(Settle)).Admitted);
    }

    /// <summary>One attempt that fails; returns the delay it earned, then (unless told not to) lets that delay pass.</summary>
    private async Task<double> FailAsync(LoginThrottle throttle, string source, bool waitOut = true)
    {
        using var turn = await throttle.WaitTurnAsync(source, default).WaitAsync(Settle);
        Assert.True(turn.Admitted);
        var delay = turn.Failed();
        if (waitOut)
        {
            _time.Advance(delay);
        }

        return delay.TotalMilliseconds;
    }
}
