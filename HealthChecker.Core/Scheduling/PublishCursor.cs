namespace HealthChecker.Core.Scheduling;

/// <summary>
/// How far a reader has seen a scheduler's publishes: the scheduler it came from, its target membership then, and each loop's
/// latest publish number. Handed back to <see cref="TargetScheduler.PublishedSince"/> to get only what moved since.
/// </summary>
public sealed record PublishCursor(long Incarnation, long Membership, IReadOnlyList<long> Loops);

/// <summary>
/// The answer of <see cref="TargetScheduler.PublishedSince"/>: every target when <see cref="Full"/> (the reader replaces what it
/// held), else only those published since the cursor it gave (the others are as it last read them).
/// </summary>
public sealed record PublishedTargets(PublishCursor Cursor, bool Full, IReadOnlyList<TargetSnapshot> Targets);
