using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Targets;

public enum TargetOutcomeStatus
{
    Saved,

    /// <summary>The draft broke a rule of <see cref="TargetValidator"/>; nothing was saved.</summary>
    Invalid,

    NotFound,

    /// <summary>The group/name is taken (an error on <c>name</c>); nothing was saved.</summary>
    Conflict,

    /// <summary>The user may not change targets; nothing was saved.</summary>
    Forbidden,

    /// <summary>PostgreSQL kept ending deadlocks with this write (another client's SQL); nothing was saved, it may be sent again.</summary>
    Busy,
}

/// <summary>What became of a change: the saved row, or why nothing was saved.</summary>
public sealed record TargetOutcome(TargetOutcomeStatus Status, TargetRecord? Target, IReadOnlyList<TargetError> Errors)
{
    public static readonly TargetOutcome NotFound = new(TargetOutcomeStatus.NotFound, null, []);

    public static readonly TargetOutcome Forbidden = new(TargetOutcomeStatus.Forbidden, null, [new TargetError("", "sign in to change targets")]);

    public bool Saved => Status == TargetOutcomeStatus.Saved;
}

/// <summary>What became of an import: the counts, or every error with its line.</summary>
public sealed record ImportOutcome(TargetOutcomeStatus Status, ImportResult? Result, IReadOnlyList<TargetError> Errors);
