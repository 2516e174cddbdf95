using HealthChecker.Core.Scheduling;
using HealthChecker.Web.Components.Shared;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The dashboard's rows as of one <see cref="IMonitorView.Version"/>, built once per coalesced tick and shared,
/// read-only, by every open page. While no target is added, removed or renamed the targets keep their
/// positions and the boards share one <see cref="BoardLayout"/>: a page keeps its list of rows and learns from
/// <see cref="Changed"/> which positions hold a new snapshot, instead of going over every target again.
/// </summary>
public sealed class BoardModel
{
    // Before Empty: static fields initialise in order.
    private static readonly string[] StateNames = ["up", "down", "changing", "maint"];

    /// <summary>The state filters a page offers, as <see cref="StateOf"/> names them.</summary>
    public static IReadOnlyList<string> States => StateNames;

    /// <summary>No target, before any version.</summary>
    public static readonly BoardModel Empty = new(-1, [], default, BoardLayout.Of([]), -1, null, ByState([]));

    private readonly TargetSnapshot[] _targets;
    private readonly int[][] _byState;

    private BoardModel(long version, TargetSnapshot[] targets, SchedulerCounts counts, BoardLayout layout, long previousVersion, int[]? changed,
        int[][] byState)
    {
        Version = version;
        _targets = targets;
        Counts = counts;
        Layout = layout;
        PreviousVersion = previousVersion;
        Changed = changed;
        _byState = byState;
    }

    public long Version { get; }

    /// <summary>Every target, ordered by group, then name (<see cref="TargetSnapshot.CompareByGroupAndName"/>).</summary>
    public IReadOnlyList<TargetSnapshot> Targets => _targets;

    /// <summary>Totals as the monitor counted them when this board was built.</summary>
    public SchedulerCounts Counts { get; }

    /// <summary>Groups, the rows of all targets, and where each group's targets are; the same object while the positions hold.</summary>
    public BoardLayout Layout { get; }

    /// <summary>The version of the board this one was built from.</summary>
    public long PreviousVersion { get; }

    /// <summary>
    /// Positions (ascending) whose snapshot is not the one the previous board held there; null when the layout changed,
    /// so that a page holding that board must look at every target.
    /// </summary>
    public IReadOnlyList<int>? Changed { get; }

    /// <summary>Positions (ascending) of the targets in <paramref name="state"/> (one of <see cref="States"/>); empty for any other.</summary>
    public IReadOnlyList<int> InState(string state) => Array.IndexOf(StateNames, state) is var at and >= 0 ? _byState[at] : [];

    /// <summary>A target's state as the filter names it: up, down, changing (on its way up or down), maint (paused or unknown).</summary>
    public static string StateOf(TargetSnapshot target) => StateStyle.Of(target.State, target.Display) switch
    {
        "changing" => "changing",
        "maint" or "unknown" => "maint",
        var style => style,
    };

    /// <summary>
    /// The board after <paramref name="previous"/>: <paramref name="ordered"/> holds every target in board order (it is kept,
    /// not copied). Layout and state lists are those of the previous board when nothing moved; otherwise built here, once.
    /// </summary>
    public static BoardModel Next(BoardModel previous, long version, TargetSnapshot[] ordered, SchedulerCounts counts)
    {
        if (!SamePositions(previous._targets, ordered))
        {
            var layout = BoardLayout.Of(ordered, previous.Layout);
            return new BoardModel(version, ordered, counts, layout, previous.Version, null, ByState(ordered));
        }

        var changed = new List<int>();
        var stateMoved = false;
        for (var i = 0; i < ordered.Length; i++)
        {
            var before = previous._targets[i];
            var now = ordered[i];
            if (!ReferenceEquals(before, now))
            {
                changed.Add(i);
                // Most snapshots are a new check in the same state: the state lists stay those of the previous board.
                stateMoved = stateMoved || (before.State != now.State || !string.Equals(before.Display, now.Display, StringComparison.Ordinal))
                    && !string.Equals(StateOf(before), StateOf(now), StringComparison.Ordinal);
            }
        }

        return new BoardModel(version, ordered, counts, previous.Layout, previous.Version, [.. changed],
            stateMoved ? ByState(ordered) : previous._byState);
    }

    private static bool SamePositions(TargetSnapshot[] before, TargetSnapshot[] now)
    {
        if (before.Length != now.Length)
        {
            return false;
        }

        for (var i = 0; i < now.Length; i++)
        {
            if (!string.Equals(before[i].Target, now[i].Target, StringComparison.Ordinal)
                || !string.Equals(before[i].Definition.Group, now[i].Definition.Group, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static int[][] ByState(TargetSnapshot[] ordered)
    {
        var lists = StateNames.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < ordered.Length; i++)
        {
            lists[Array.IndexOf(StateNames, StateOf(ordered[i]))].Add(i);
        }

        return [.. lists.Select(l => l.ToArray())];
    }
}
