namespace HealthChecker.Web.Auth;

/// <summary>
/// One sign-in attempt's place in its source's line (see <see cref="ILoginThrottle"/>): admitted, the password may be checked
/// now and the outcome reported once; refused, try again after <see cref="RetryAfter"/>. Disposing without an outcome
/// (the check threw, the client left) gives the turn to the next attempt.
/// </summary>
public sealed class LoginTurn : IDisposable
{
    private readonly Func<bool?, TimeSpan>? _finish;
    private int _finished;

    private LoginTurn(Func<bool?, TimeSpan>? finish, TimeSpan retryAfter)
    {
        _finish = finish;
        RetryAfter = retryAfter;
    }

    public bool Admitted => _finish is not null;

    /// <summary>How long a refused attempt should wait before the next one; zero when admitted.</summary>
    public TimeSpan RetryAfter { get; }

    /// <param name="finish">
    /// Records the outcome (true: the password was right; null: none) and hands the turn on; returns how long to hold a
    /// failure's answer.
    /// </param>
    public static LoginTurn Admit(Func<bool?, TimeSpan> finish) => new(finish, TimeSpan.Zero);

    public static LoginTurn Refuse(TimeSpan retryAfter) => new(null, retryAfter);

    /// <summary>Records a wrong password; returns how long to hold the answer back (until the source's next turn).</summary>
    public TimeSpan Failed() => Finish(succeeded: false);

    /// <summary>Forgets the source's failures.</summary>
    public void Succeeded() => Finish(succeeded: true);

    public void Dispose()
    {
        if (_finish is not null && Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _finish(null);
        }
    }

    private TimeSpan Finish(bool succeeded)
    {
        if (_finish is null)
        {
            throw new InvalidOperationException("A refused attempt has no outcome to report.");
        }

        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            throw new InvalidOperationException("The outcome of this attempt was reported already.");
        }

        return _finish(succeeded);
    }
}
