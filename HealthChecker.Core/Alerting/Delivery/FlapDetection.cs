namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// When a target counts as flapping: more than <see cref="MaxChanges"/> changes between UP and DOWN within
/// <see cref="Window"/>; it is stable again once <see cref="Window"/> passed without a change.
/// </summary>
public sealed record FlapDetection(int MaxChanges, TimeSpan Window)
{
    /// <summary>More than 5 changes in 10 minutes.</summary>
    public static readonly FlapDetection Default = new(5, TimeSpan.FromMinutes(10));
}
