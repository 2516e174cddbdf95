using HealthChecker.Core.Scheduling;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The dashboard's filter (search in names, state, group) over a <see cref="BoardModel"/>: the rows it lists, and whether
/// a board that follows another keeps those rows.
/// </summary>
public sealed class BoardFilter(string search, string state, string group)
{
    public static readonly BoardFilter None = new("", "", "");

    /// <summary>Longest search or group a link may set: names are shorter.</summary>
    private const int MaxLinkText = 200;

    /// <summary>
    /// The filter a link sets (<c>/?q=api&amp;state=down&amp;group=shop</c>, as alert messages link): a state only if it is
    /// one the page offers (in any case), texts clipped.
    /// </summary>
    public static BoardFilter FromLink(string? search, string? state, string? group)
    {
        var known = BoardModel.States.FirstOrDefault(s => string.Equals(s, state?.Trim(), StringComparison.OrdinalIgnoreCase)) ?? "";
        static string Clip(string? text) => text is null ? "" : text.Length <= MaxLinkText ? text : text[..MaxLinkText];
        return new BoardFilter(Clip(search), known, Clip(group?.Trim()));
    }

    public string Search { get; } = search;

    public string State { get; } = state;

    public string Group { get; } = group;

    private string Needle { get; } = search.Trim();

    public bool IsSet => Needle.Length > 0 || State.Length > 0 || Group.Length > 0;

    public BoardFilter WithSearch(string search) => new(search, State, Group);

    public BoardFilter WithState(string state) => new(Search, state, Group);

    public BoardFilter WithGroup(string group) => new(Search, State, group);

    public bool Matches(TargetSnapshot target) =>
        (Group.Length == 0 || string.Equals(target.Definition.Group, Group, StringComparison.Ordinal))
        && (State.Length == 0 || string.Equals(BoardModel.StateOf(target), State, StringComparison.Ordinal))
        && (Needle.Length == 0 || target.Target.Contains(Needle, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The rows to show and how many targets they list: the layout's own when no filter is set, else the matching targets
    /// under their group headers, taken from the group's range or the state's list of the board rather than from every target.
    /// </summary>
    public (ICollection<BoardRow> Rows, int Shown) Rows(BoardModel board)
    {
        if (!IsSet)
        {
            return (board.Layout.Rows, board.Targets.Count);
        }

        IEnumerable<int> candidates = Group.Length > 0 ? Range(board.Layout.RangeOf(Group))
            : State.Length > 0 ? board.InState(State)
            : Enumerable.Range(0, board.Targets.Count);
        var rows = new List<BoardRow>();
        var header = -1;
        var shown = 0;
        foreach (var position in candidates)
        {
            var target = board.Targets[position];
            if (!Matches(target))
            {
                continue;
            }

            if (header < 0 || !string.Equals(rows[header].Group, target.Definition.Group, StringComparison.Ordinal))
            {
                header = rows.Count;
                rows.Add(BoardRow.Header(target.Definition.Group, 0));
            }

            rows[header] = rows[header] with { Count = rows[header].Count + 1 };
            rows.Add(BoardRow.Of(position));
            shown++;
        }

        return (rows, shown);
    }

    /// <summary>
    /// True when the rows listed for <paramref name="previous"/> still hold for <paramref name="board"/>: it follows it in
    /// the same layout and no changed target entered or left the filter; <paramref name="touched"/> says whether a listed
    /// target changed. False when the rows must be built again.
    /// </summary>
    public bool KeepsRows(BoardModel previous, BoardModel board, out bool touched)
    {
        touched = false;
        if (board.Changed is not { } changed || board.PreviousVersion != previous.Version || !ReferenceEquals(board.Layout, previous.Layout))
        {
            return false;
        }

        if (!IsSet)
        {
            // The shared rows of the layout list every target: any change is one of them.
            touched = changed.Count > 0;
            return true;
        }

        foreach (var position in changed)
        {
            var listed = Matches(board.Targets[position]);
            if (listed != Matches(previous.Targets[position]))
            {
                return false;
            }

            touched |= listed;
        }

        return true;
    }

    private static IEnumerable<int> Range((int Start, int End) range) => Enumerable.Range(range.Start, range.End - range.Start);
}
