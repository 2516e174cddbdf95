using HealthChecker.Core.Health;

namespace HealthChecker.Web.Components.Shared;

/// <summary>The CSS class of a health state: green up, red down, amber while changing, grey in maintenance or unknown.</summary>
public static class StateStyle
{
    /// <summary>For a live state and its display (<c>UP 2/3</c> and <c>DOWN 1/2</c> are changing).</summary>
    public static string Of(TargetState state, string display) => state switch
    {
        TargetState.Maint => "maint",
        TargetState.Unknown => "unknown",
        _ when display.Contains('/', StringComparison.Ordinal) => "changing",
        TargetState.Up => "up",
        _ => "down",
    };

    /// <summary>For a stored state name: <c>UP</c>, <c>DOWN</c>, <c>MAINT</c>, <c>UNKNOWN</c>.</summary>
    public static string Of(string state) => state switch
    {
        "UP" => "up",
        "DOWN" => "down",
        "MAINT" => "maint",
        _ => "unknown",
    };
}
