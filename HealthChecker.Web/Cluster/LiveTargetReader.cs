using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// Holds each other node's targets as snapshots, from its answers to the pulls: a full answer replaces what it held for that
/// node, a partial one changes only the targets it carries. The same snapshot object while a target's values did not move (so
/// the board sees what changed by reference), and its definition rebuilt only when its row changed. One pull at a time.
/// </summary>
public sealed class LiveTargetReader
{
    private readonly Dictionary<string, NodeTargets> _nodes = new(StringComparer.Ordinal);

    /// <summary>The cursor to give node <paramref name="member"/> in the next pull; null when all its targets are wanted.</summary>
    public LiveCursor? CursorOf(string member) => _nodes.GetValueOrDefault(member)?.Cursor;

    /// <summary>How many nodes' targets are held.</summary>
    public int Nodes => _nodes.Count;

    /// <summary>
    /// Every target of each node of one pull, after its answer (null for a node that did not answer: what was held for it stays,
    /// cursor and all). Nodes not in this pull (no longer Active) are forgotten. Targets whose row does not read (a newer
    /// version's options) are left out.
    /// </summary>
    public IReadOnlyList<TargetSnapshot>?[] ReadAll(IReadOnlyList<(string Member, LiveAnswer? Answer)> answers)
    {
        var result = new IReadOnlyList<TargetSnapshot>?[answers.Count];
        for (var i = 0; i < answers.Count; i++)
        {
            var (member, answer) = answers[i];
            if (answer is null)
            {
                continue;
            }

            var before = _nodes.GetValueOrDefault(member);
            var known = answer.Full || before is null ? [] : before.Known;
            foreach (var target in answer.Targets)
            {
                if (ReadOne(before?.Known.GetValueOrDefault(target.Id), target) is { } read)
                {
                    known[target.Id] = read;
                }
                else
                {
                    known.Remove(target.Id);
                }
            }

            _nodes[member] = new NodeTargets(answer.Cursor, known);
            result[i] = [.. known.Values.Select(r => r.Snapshot)];
        }

        foreach (var gone in _nodes.Keys.Where(m => !answers.Any(a => string.Equals(a.Member, m, StringComparison.Ordinal))).ToList())
        {
            _nodes.Remove(gone);
        }

        return result;
    }

    private static Read? ReadOne(Read? before, LiveTarget target)
    {
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

    private sealed record NodeTargets(LiveCursor? Cursor, Dictionary<long, Read> Known);
}
