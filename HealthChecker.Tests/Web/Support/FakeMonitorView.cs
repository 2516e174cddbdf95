using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Tests.Web.Support;

/// <summary>
/// A monitor view whose snapshot a test sets: what a running engine publishes, on demand (a state, a
/// failure with its info, ten thousand targets), with <see cref="Changed"/> raised as the engine would.
/// </summary>
public sealed class FakeMonitorView : IMonitorView
{
    private static readonly TargetDefinition Template =
        TargetValidator.Validate(new TargetDraft { Name = "default/template", Check = "tcp://127.0.0.1:80" }).Definition!;

    private readonly object _lock = new();
    private List<TargetSnapshot> _targets = [];
    private long _version;
    private BoardModel _board = BoardModel.Empty;

    public bool Running { get; set; } = true;

    public long Version => Interlocked.Read(ref _version);

    public long DroppedResults { get; set; }

    public bool DatabaseUnreachable { get; set; }

    public event Action? Changed;

    /// <summary>How many handlers are subscribed: a page that left must have unsubscribed.</summary>
    public int Subscribers => Changed?.GetInvocationList().Length ?? 0;

    public IReadOnlyList<TargetSnapshot> Snapshot()
    {
        lock (_lock)
        {
            return _targets;
        }
    }

    /// <summary>Built from the targets on the first call after a change, as the real view builds it once per tick.</summary>
    public BoardModel Board()
    {
        lock (_lock)
        {
            if (_board.Version != _version)
            {
                var ordered = _targets.ToArray();
                Array.Sort(ordered, TargetSnapshot.CompareByGroupAndName);
                _board = BoardModel.Next(_board, _version, ordered, CountsOf(_targets));
            }

            return _board;
        }
    }

    public TargetStatePage Page(HealthChecker.Core.Store.TargetKey? after, int limit)
    {
        lock (_lock)
        {
            var names = new TargetNameIndex(_version, _targets);
            var start = after is { } key ? names.FirstAfter(key) : 0;
            var page = Enumerable.Range(start, Math.Max(0, Math.Min(limit, names.Count - start)))
                .Select(i => _targets.Single(t => t.Target == names[i])).ToList();
            return new TargetStatePage(page, names.Count, start + page.Count < names.Count);
        }
    }

    /// <summary>The node that checks each target, as a cluster's shard map would say.</summary>
    public Dictionary<long, TargetOwner> Owners { get; } = [];

    /// <summary>Targets whose node did not answer the latest pull.</summary>
    public HashSet<long> Stale { get; } = [];

    public TargetOwner? OwnerOf(long id) => Owners.GetValueOrDefault(id);

    public bool IsStale(long id) => Stale.Contains(id);

    public TargetSnapshot? Find(long id)
    {
        lock (_lock)
        {
            return _targets.FirstOrDefault(t => t.Id == id);
        }
    }

    public SchedulerCounts Counts()
    {
        lock (_lock)
        {
            return CountsOf(_targets);
        }
    }

    private static SchedulerCounts CountsOf(List<TargetSnapshot> targets) =>
        new(targets.Count, targets.Count(t => t.State == TargetState.Up), targets.Count(t => t.State == TargetState.Down),
            targets.Count(t => t.State == TargetState.Maint), targets.Sum(t => t.Checks));

    /// <summary>Replaces every target, without raising <see cref="Changed"/> (the state a page finds when it opens).</summary>
    public void Set(IEnumerable<TargetSnapshot> targets)
    {
        lock (_lock)
        {
            _targets = [.. targets];
            _version++;
        }
    }

    /// <summary>Replaces the target with the same name (or adds it), then raises <see cref="Changed"/> as the engine does after a publish.</summary>
    public void Publish(TargetSnapshot target)
    {
        lock (_lock)
        {
            var next = new List<TargetSnapshot>(_targets);
            var at = next.FindIndex(t => t.Target == target.Target);
            if (at >= 0)
            {
                next[at] = target;
            }
            else
            {
                next.Add(target);
            }

            _targets = next;
            _version++;
        }

        Changed?.Invoke();
    }

    /// <summary>Raises <see cref="Changed"/> with nothing new, as a coalesced notification may.</summary>
    public void RaiseChanged() => Changed?.Invoke();

    /// <summary>
    /// A target <paramref name="fullName"/> (<c>group/name</c>) in <paramref name="display"/> (<c>UP</c>, <c>DOWN 1/2</c>, <c>MAINT</c>...),
    /// its last result <paramref name="status"/> with <paramref name="info"/>, and <paramref name="recent"/> results (true passed) newest first.
    /// </summary>
    public static TargetSnapshot Target(long id, string fullName, string display, CheckStatus? status = null, string info = "", long durationMs = 3,
        bool[]? recent = null, DateTimeOffset? lastChange = null)
    {
        var slash = fullName.IndexOf('/', StringComparison.Ordinal);
        var definition = Template with { Group = fullName[..slash], Name = fullName[(slash + 1)..] };
        var state = display.StartsWith("UP", StringComparison.Ordinal) ? TargetState.Up
            : display.StartsWith("DOWN", StringComparison.Ordinal) ? TargetState.Down
            : display == "MAINT" ? TargetState.Maint : TargetState.Unknown;
        var changed = lastChange ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var results = (recent ?? []).Select((passed, i) => Result(id, fullName, passed ? CheckStatus.L4Ok : CheckStatus.L4Connection,
            passed ? "" : "Connection refused", durationMs, changed.AddSeconds(-i), state, display)).ToArray();
        RecentCheck? last = status is { } s ? Result(id, fullName, s, info, durationMs, changed, state, display) : results.Length > 0 ? results[0] : null;
        if (last is { } newest && results.Length > 0)
        {
            results[0] = newest;
        }

        return new TargetSnapshot(fullName, id, definition, state, display, 0, last, changed, null, results, results.Length);
    }

    private static RecentCheck Result(long id, string fullName, CheckStatus status, string info, long durationMs, DateTimeOffset at, TargetState state, string display) =>
        new(status, info, null, durationMs, at, TimeSpan.Zero, at, state, display);
}
