using HealthChecker.Core.Health;
using Serilog;
using Serilog.Events;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// The one log line per state change, HAProxy's wording:
/// <c>Target web/app1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms.</c>
/// </summary>
internal static class StateChangeLog
{
    // ':l' renders strings without Serilog's quotes, so the line reads as HAProxy's does.
    private const string WithInfo = "Target {Target:l} is {State:l}, reason: {Reason:l}, info: \"{Info:l}\", check duration: {DurationMs}ms.";
    private const string WithoutInfo = "Target {Target:l} is {State:l}, reason: {Reason:l}, check duration: {DurationMs}ms.";
    private const string NoCheck = "Target {Target:l} is {State:l}, reason: {Reason:l}.";

    public static string Name(TargetState state) => state switch
    {
        TargetState.Up => "UP",
        TargetState.Down => "DOWN",
        TargetState.Maint => "MAINT",
        _ => "UNKNOWN",
    };

    public static void Write(ILogger log, TargetStateChange change)
    {
        var level = change.To == TargetState.Down ? LogEventLevel.Warning : LogEventLevel.Information;
        if (!log.IsEnabled(level))
        {
            return;
        }
        var context = log
            .ForContext("From", Name(change.From))
            .ForContext("Display", change.Display)
            .ForContext("TargetId", change.Id);
        string state = Name(change.To);
        if (change.Result is not { } result)
        {
            context.Write(level, NoCheck, change.Target, state, change.Reason);
            return;
        }
        context = context.ForContext("Code", result.Code);
        if (result.Info.Length > 0)
        {
            context.Write(level, WithInfo, change.Target, state, change.Reason, result.Info, result.DurationMs);
        }
        else
        {
            context.Write(level, WithoutInfo, change.Target, state, change.Reason, result.DurationMs);
        }
    }
}
