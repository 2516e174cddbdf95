using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// Turns the targets another node sent into snapshots: the same snapshot object while a target's values did not move (so
/// the board sees what changed by reference), and its definition rebuilt only when its row changed. One pull at a time.
/// </summary>
public sealed class LiveTargetReader
{
    private Dictionary<long, Read> _known = [];

    /// <summary>The snapshots of one pull's answers; targets whose row does not read (a newer version's options) are left out.</summary>
    public IReadOnlyList<TargetSnapshot>?[] ReadAll(IReadOnlyList<LiveTarget[]?> answers)
    {
        var next = new Dictionary<long, Read>();
        var result = new IReadOnlyList<TargetSnapshot>?[answers.Count];
        for (var i = 0; i < answers.Count; i++)
        {
            if (answers[i] is not { } answer)
            {
                continue;
            }

            var snapshots = new List<TargetSnapshot>(answer.Length);
            foreach (var target in answer)
            {
                if (ReadOne(target) is { } read)
                {
                    next[target.Id] = read;
                    snapshots.Add(read.Snapshot);
                }
            }

            result[i] = snapshots;
        }

        // Targets of a node that did not answer are read afresh when it does.
        _known = next;
        return result;
    }

    private Read? ReadOne(LiveTarget target)
    {
        _known.TryGetValue(target.Id, out var before);
        if (before is not null && SameValues(before.Source, target))
        {
            return before;
        }

        var definition = before is not null && before.Source.Row == target.Row
            ? before.Snapshot.Definition
            : TargetRow.ToDefinition(target.Row.ToRecord(target.Id)).Definition;
        if (definition is null)
        {
            return null;
        }

        return new Read(target, new TargetSnapshot(target.Target, target.Id, definition, (TargetState)target.State, target.Display, target.Health,
            target.LastResult?.ToRecent(), target.LastChange, target.NextCheckAt, [.. target.Recent.Select(c => c.ToRecent())], target.Checks));
    }

    private static bool SameValues(LiveTarget a, LiveTarget b) =>
        a.Checks == b.Checks && a.State == b.State && a.Health == b.Health && a.LastChange == b.LastChange && a.NextCheckAt == b.NextCheckAt
        && string.Equals(a.Display, b.Display, StringComparison.Ordinal) && string.Equals(a.Target, b.Target, StringComparison.Ordinal)
        && a.LastResult == b.LastResult && a.Row == b.Row;

    private sealed record Read(LiveTarget Source, TargetSnapshot Snapshot);
}
