using System.Collections.ObjectModel;
using HealthChecker.Core.Scheduling;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// Where the targets of a <see cref="BoardModel"/> are: its groups, the rows of every target under its group's header,
/// and each group's range of positions. Depends only on names, so boards share it until a target is added, removed
/// or renamed.
/// </summary>
public sealed class BoardLayout
{
    private readonly Dictionary<string, (int Start, int End)> _ranges;

    private BoardLayout(IReadOnlyList<string> groups, ReadOnlyCollection<BoardRow> rows, Dictionary<string, (int Start, int End)> ranges)
    {
        Groups = groups;
        Rows = rows;
        _ranges = ranges;
    }

    /// <summary>Distinct groups, ordinal order; the same list as the previous layout's when the groups did not change.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Every target under its group's header, in board order: what a page without a filter shows.</summary>
    public ReadOnlyCollection<BoardRow> Rows { get; }

    /// <summary>The positions [Start, End) of <paramref name="group"/>'s targets; empty for an unknown group.</summary>
    public (int Start, int End) RangeOf(string group) => _ranges.TryGetValue(group, out var range) ? range : (0, 0);

    /// <summary>The layout of <paramref name="ordered"/> (board order); keeps <paramref name="previous"/>'s group list when equal.</summary>
    public static BoardLayout Of(IReadOnlyList<TargetSnapshot> ordered, BoardLayout? previous = null)
    {
        var rows = new List<BoardRow>(ordered.Count + 16);
        var groups = new List<string>();
        var ranges = new Dictionary<string, (int Start, int End)>(StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count;)
        {
            var group = ordered[i].Definition.Group;
            var end = i;
            while (end < ordered.Count && string.Equals(ordered[end].Definition.Group, group, StringComparison.Ordinal))
            {
                end++;
            }

            groups.Add(group);
            ranges[group] = (i, end);
            rows.Add(BoardRow.Header(group, end - i));
            for (; i < end; i++)
            {
                rows.Add(BoardRow.Of(i));
            }
        }

        IReadOnlyList<string> sameGroups = previous is not null && previous.Groups.SequenceEqual(groups, StringComparer.Ordinal) ? previous.Groups : groups;
        return new BoardLayout(sameGroups, rows.AsReadOnly(), ranges);
    }
}

/// <summary>
/// One row of the board: a group's header (<see cref="Position"/> -1, <see cref="Count"/> targets shown under it) or the
/// target at <see cref="Position"/> in the board's targets, so that a list of rows outlives the snapshots it shows.
/// </summary>
public readonly record struct BoardRow(string Group, int Count, int Position)
{
    public bool IsHeader => Position < 0;

    public static BoardRow Header(string group, int count) => new(group, count, -1);

    public static BoardRow Of(int position) => new("", 0, position);
}
