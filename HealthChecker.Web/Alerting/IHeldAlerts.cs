using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;

namespace HealthChecker.Web.Alerting;

/// <summary>The alerts held back now because the target they depend on is DOWN (in memory: what the evaluator decided since start).</summary>
public interface IHeldAlerts
{
    IReadOnlyDictionary<string, HeldAlert> Held { get; }
}

/// <summary>What the events page says beside a change to DOWN whose alert is held back.</summary>
public static class HeldAlertNote
{
    // The stored change's time is PostgreSQL's (microseconds); the evaluator's is the engine's.
    private static readonly TimeSpan SameChange = TimeSpan.FromMilliseconds(1);

    /// <summary>"alert suppressed: depends on shop/db, which is DOWN" for the DOWN change whose alert is held back now, else null.</summary>
    public static string? For(IReadOnlyDictionary<string, HeldAlert> held, StateChangeRecord change) =>
        change.ToState == "DOWN" && held.TryGetValue(change.FullName, out var alert)
            && (alert.Since.UtcDateTime - DateTime.SpecifyKind(change.At, DateTimeKind.Utc)).Duration() < SameChange
            ? alert.Reason
            : null;
}
