using HealthChecker.Core.Alerting.Delivery;

namespace HealthChecker.Web.Alerting;

/// <summary>How alerts are delivered: the <c>HealthChecker:Alerts</c> section (and <c>HC_EXTERNAL_URL</c>).</summary>
public sealed record AlertingOptions
{
    public const string Section = "HealthChecker:Alerts";

    /// <summary>The app's address as receivers should link to it (a message's target links); the first server URL when unset.</summary>
    public Uri? ExternalUrl { get; init; }

    /// <summary>How long a message that meets passing failures (timeouts, connection errors, 5xx) is retried before it fails.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The first retry's delay; each next one doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Days a delivered or failed message is kept in the outbox (the <c>notifications</c> view); queued ones stay.</summary>
    public int KeepDays { get; init; } = 90;

    /// <summary>
    /// How long a queued message stays this process's unless it renews its claim (every third of it): the messages of a
    /// process that died are taken by another (or by its restart) once this has run out. 1 s to 10 min.
    /// </summary>
    public TimeSpan ClaimLease { get; init; } = OutboxClaim.DefaultLease;

    /// <summary>How long one delivery attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A target that changes between UP and DOWN more than this many times within <see cref="FlapWindow"/> is flapping.</summary>
    public int FlapChanges { get; init; } = FlapDetection.Default.MaxChanges;

    public TimeSpan FlapWindow { get; init; } = FlapDetection.Default.Window;

    /// <summary>The flap limits, brought within 2 to 1000 changes and 1 minute to 1 day.</summary>
    public FlapDetection Flap => new(
        Math.Clamp(FlapChanges, 2, 1000),
        FlapWindow < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : FlapWindow > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : FlapWindow);
}
