namespace HealthChecker.Core.Checks;

/// <summary>What to check and how long to wait for it; connect-only today.</summary>
public sealed record CheckSpec(CheckTarget Target, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    public CheckSpec(CheckTarget target) : this(target, DefaultTimeout)
    {
    }
}
