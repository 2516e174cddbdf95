namespace HealthChecker.Core.Alerting.Delivery.Messages;

/// <summary>The words a message says about one alert, the same in every channel kind.</summary>
public static class AlertTexts
{
    /// <summary>
    /// What failed: <c>L4CON: Connection refused</c>, the code alone, or, for a DOWN set by no check (a target configured to
    /// start DOWN), its description.
    /// </summary>
    public static string Failure(AlertItem a) => (a.Code, a.Info) switch
    {
        ({ } code, { } info) => $"{code}: {info}",
        ({ } code, null) => code,
        (null, { } info) => info,
        _ => a.Description,
    };

    public static string Summary(AlertItem a) => a switch
    {
        { Test: true } => "TEST message from HealthChecker: no target is down",
        { Flapping: true } => $"{a.Target} is flapping",
        { Deleted: true } => $"{a.Target} was deleted",
        { Firing: true } => $"{a.Target} is DOWN",
        _ => $"{a.Target} is UP again",
    };

    public static string Description(AlertItem a) => a switch
    {
        { Test: true } => "This is a TEST message sent from HealthChecker to check this channel; no target is down",
        { Flapping: true } => $"{a.Target} is flapping: it changes between UP and DOWN too often to alert each change; last failure: {Failure(a)}",
        { Deleted: true } => $"{a.Target} was deleted while DOWN, so its alert is resolved; it was DOWN since {MessageModel.Time(a.StartsAt)}: {Failure(a)}",
        { Firing: true } => $"{a.Target} is DOWN since {MessageModel.Time(a.StartsAt)}: {Failure(a)}",
        _ => $"{a.Target} is UP again ({a.Description}); it was DOWN since {MessageModel.Time(a.StartsAt)}: {Failure(a)}",
    };
}
