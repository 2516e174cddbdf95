namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// One message for one channel: the alerts of one rule's group, as decided at <see cref="CreatedAt"/>. It lists every
/// alert of the group still firing and those resolved since the last message (Alertmanager's way), so a receiver
/// always sees the group whole. <see cref="Id"/> is carried to the receiver (a header and the payload) so it can drop a repeat.
/// </summary>
public sealed record AlertMessage(
    Guid Id,
    string Rule,
    string Channel,
    string GroupKey,
    DateTimeOffset CreatedAt,
    IReadOnlyList<AlertItem> Alerts)
{
    /// <summary><c>firing</c> while any alert of the message fires, else <c>resolved</c>.</summary>
    public string Status => Alerts.Any(a => a.Firing) ? "firing" : "resolved";

    public int FiringCount => Alerts.Count(a => a.Firing);

    public int ResolvedCount => Alerts.Count(a => !a.Firing);

    /// <summary>A channel's test message ("send a test message"), not an alert.</summary>
    public bool IsTest => Alerts.Count > 0 && Alerts.All(a => a.Test);
}

/// <summary>
/// One target's alert in a message. <see cref="Code"/> and <see cref="Info"/> are the failed check's (kept in the
/// resolution, so the alert's labels stay the same); <see cref="Description"/> says what the last check said.
/// </summary>
public sealed record AlertItem(
    string Target,
    string Group,
    string Name,
    long? TargetId,
    bool Firing,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string? Code,
    string? Info,
    string Description)
{
    /// <summary>The target changes state too often to alert each change: this alert says so once (see <see cref="FlapDetection"/>).</summary>
    public bool Flapping { get; init; }

    /// <summary>The made-up alert of a channel's "send a test message": every text says it is a test.</summary>
    public bool Test { get; init; }

    /// <summary>Resolved because the target was deleted while its alert fired (<see cref="EndsAt"/> is when).</summary>
    public bool Deleted { get; init; }
}

/// <summary>What a (rule, channel, target) was last told: DOWN (an alert) or UP (its resolution); kept across restarts.</summary>
public sealed record NotifiedState(
    string Rule,
    string Channel,
    string Target,
    bool Down,
    DateTimeOffset Since,
    string? Code,
    string? Info,
    DateTimeOffset NotifiedAt,
    Guid MessageId)
{
    /// <summary>
    /// Decided but not told yet: held until its group's message is due (<see cref="NotifiedAt"/> is then when), or by a
    /// DOWN dependency. Stored so that a restart neither loses it nor sends it twice.
    /// </summary>
    public bool Pending { get; init; }
}

/// <summary>
/// A decision of the evaluator: a message to deliver (none when only the notified state moved, e.g. a
/// resolution a rule does not send) and the notified states it sets, stored in the same transaction.
/// </summary>
public sealed record AlertDecision(AlertMessage? Message, IReadOnlyList<NotifiedState> Notified);

/// <summary>Where the evaluator's decisions go; must not block (it is called on the evaluator's loop).</summary>
public interface IAlertOutbox
{
    void Add(AlertDecision decision);
}

/// <summary>
/// A new alert of <see cref="Target"/> (DOWN since <see cref="Since"/>) not sent at <see cref="At"/> because the target it
/// depends on, <see cref="Parent"/>, was DOWN.
/// </summary>
public sealed record HeldAlert(string Rule, string Channel, string Target, string Parent, DateTimeOffset Since, DateTimeOffset At)
{
    public string Reason => $"alert suppressed: depends on {Parent}, which is DOWN";
}
