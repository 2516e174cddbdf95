using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// One check as its target keeps it among its latest: a small value (no object per check), held in the
/// target's ring until newer checks overwrite it. Its only references are <see cref="Info"/> and
/// <see cref="Display"/>, constants for most results. Times are UTC.
/// </summary>
public readonly record struct RecentCheck
{
    private readonly long _scheduledAt;
    private readonly long _completedAt;
    private readonly long _queueDelay;
    private readonly int _httpCode;

    public RecentCheck(CheckResult result, DateTimeOffset scheduledAt, TimeSpan queueDelay, DateTimeOffset completedAt, TargetState state, string display)
        : this(result.Status, result.Info, result.HttpCode, result.DurationMs, scheduledAt, queueDelay, completedAt, state, display)
    {
    }

    public RecentCheck(CheckStatus status, string info, int? httpCode, long durationMs,
        DateTimeOffset scheduledAt, TimeSpan queueDelay, DateTimeOffset completedAt, TargetState state, string display)
    {
        Status = status;
        Info = info;
        _httpCode = httpCode ?? 0;
        DurationMs = durationMs;
        _scheduledAt = scheduledAt.UtcTicks;
        _queueDelay = queueDelay.Ticks;
        _completedAt = completedAt.UtcTicks;
        State = state;
        Display = display;
    }

    public CheckStatus Status { get; }

    /// <summary>Why, as the check said it (empty when the status says all).</summary>
    public string Info { get; }

    /// <summary>The HTTP status code, for HTTP checks that got one.</summary>
    public int? HttpCode => _httpCode == 0 ? null : _httpCode;

    public long DurationMs { get; }

    /// <summary>When the check was due.</summary>
    public DateTimeOffset ScheduledAt => new(_scheduledAt, TimeSpan.Zero);

    /// <summary>Its actual start minus <see cref="ScheduledAt"/>.</summary>
    public TimeSpan QueueDelay => new(_queueDelay);

    public DateTimeOffset CompletedAt => new(_completedAt, TimeSpan.Zero);

    /// <summary>The target's state and display after this check.</summary>
    public TargetState State { get; }

    public string Display { get; }

    public string Code => Status.Code();

    public string Description => Status.Description();

    public bool Passed => Status.Passes();

    /// <summary>The info when there is one, else the status's description.</summary>
    public string Reason => Info.Length > 0 ? Info : Description;
}
