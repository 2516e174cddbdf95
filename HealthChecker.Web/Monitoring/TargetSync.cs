using System.Collections.Concurrent;
using System.Threading.Channels;
using HealthChecker.Core.Cluster;
using HealthChecker.Core.Faults;
using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using Npgsql;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// Keeps the scheduler equal to the <c>targets</c> table: loads every target at start, then applies each
/// committed change, told by the in-process feed and by <c>NOTIFY hc_targets_changed</c> (other processes,
/// psql). Every notice only names ids: the rows are read again and compared with what runs, so hearing of a
/// change twice (feed and NOTIFY) or of one that changed nothing leaves the target's schedule alone. A write's
/// ids arrive together (one feed call, a few NOTIFY payloads) and are applied as one burst.
/// A NOTIFY whose payload is not a list of ids, or a LISTEN connection that was lost, reloads the whole table.
/// Only the targets of the shards this node owns (<see cref="IShardOwnership"/>) are scheduled: when the membership
/// changes, the targets of shards lost are dropped at once, before anything else, and the table is read again for the
/// shards gained. A target added to the scheduler goes on from its stored state and its last stored check.
/// </summary>
internal sealed class TargetSync : IAsyncDisposable
{
    private static readonly long[] Everything = [-1];
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    // How long past its due time a stored check still sets a target's phase: a dead node's detection or a restart, with room.
    private static readonly TimeSpan CatchUpWindow = TimeSpan.FromMinutes(5);

    private readonly TargetStore _store;
    private readonly TargetRules _rules;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ITargetChanges _feed;
    private readonly TargetScheduler _scheduler;
    private readonly HistoryRecorder _recorder;
    private readonly Action _touched;
    private readonly Serilog.ILogger _log;
    private readonly FaultLog _faults;
    private readonly UnreadableTargets _unreadable;
    private readonly IShardOwnership _ownership;
    private readonly OwnedShards _owned;
    // One apply at a time: a burst read under the old ownership must not add targets of a shard dropped meanwhile.
    private readonly SemaphoreSlim _applying = new(1, 1);
    private readonly Channel<bool> _membersChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<long[]> _pending = Channel.CreateUnbounded<long[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, string> _names = new();
    private readonly CancellationTokenSource _stop = new();
    private IDisposable? _subscription;
    private Task? _listener;
    private Task? _worker;
    private Task? _members;
    // The Active members before and after the latest membership change this sync applied.
    private IReadOnlyList<string> _activeBefore = [];
    private IReadOnlyList<string> _activeNow = [];
    // The latest membership version whose lost shards were dropped, and a pulse for those waiting for it.
    private long _appliedVersion = -1;
    private TaskCompletionSource _appliedPulse = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Func<IReadOnlyCollection<string>, long, CancellationToken, Task>? _awaitRelease;
    private long _applied;
    private volatile Func<IReadOnlyList<string>, CancellationToken, Task>? _beforeAdding;
    private volatile Func<CancellationToken, Task>? _afterHandingOver;
    // The ownership whose lost shards were last handed over (under the apply lock): an apply under the same one has nothing to hand over.
    private ShardSet? _handedOverFor;

    public TargetSync(TargetStore store, NpgsqlDataSource dataSource, ITargetChanges feed, TargetScheduler scheduler,
        HistoryRecorder recorder, Action touched, Serilog.ILogger log, TargetRules? rules = null, FaultLog? faults = null,
        UnreadableTargets? unreadable = null, IShardOwnership? ownership = null, OwnedShards? owned = null)
    {
        _ownership = ownership ?? new SingleNodeOwnership();
        _owned = owned ?? new OwnedShards();
        _faults = faults ?? new FaultLog(log);
        _unreadable = unreadable ?? new UnreadableTargets();
        _rules = rules ?? TargetRules.Default;
        _store = store;
        _dataSource = dataSource;
        _feed = feed;
        _scheduler = scheduler;
        _recorder = recorder;
        _touched = touched;
        _log = log.ForContext<TargetSync>();
    }

    /// <summary>Changes applied since start (the same change heard twice counts once).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>The scheduled name of a stored target, or null when it is not scheduled.</summary>
    public string? NameOf(long id) => _names.TryGetValue(id, out var name) ? name : null;

    /// <summary>
    /// Awaited with the names of targets about to be added (a shard gained, a new target), under the apply lock and before
    /// they are added, so nothing of them is checked or observed before it returns; one that throws delays the adding (retried).
    /// </summary>
    /// <summary>
    /// Before a target handed over by a node still Active is added here, <paramref name="hook"/> is awaited with those nodes
    /// and this node's membership version: it waits for them to have dropped it (see <see cref="ReleasedAsync"/>).
    /// </summary>
    public void AwaitsRelease(Func<IReadOnlyCollection<string>, long, CancellationToken, Task>? hook) => _awaitRelease = hook;

    /// <summary>
    /// True once this node dropped the shards it lost under membership <paramref name="version"/> or a later one (or owns
    /// nothing any more); false when that did not happen within <paramref name="limit"/>.
    /// </summary>
    public async Task<bool> ReleasedAsync(long version, TimeSpan limit, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            while (true)
            {
                var pulse = Volatile.Read(ref _appliedPulse).Task;
                if (Interlocked.Read(ref _appliedVersion) >= version || !_ownership.Current.SelfActive)
                {
                    return true;
                }

                await pulse.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void BeforeAdding(Func<IReadOnlyList<string>, CancellationToken, Task>? hook) => _beforeAdding = hook;

    /// <summary>
    /// Awaited under the apply lock once targets were handed over, before the membership is marked applied (and so before
    /// <see cref="ReleasedAsync"/> says so to their new owner): alerting stores what it decided of them first. It bounds itself.
    /// </summary>
    public void AfterHandingOver(Func<CancellationToken, Task>? hook) => _afterHandingOver = hook;

    /// <summary>Listens first (so nothing committed from here on is missed), then loads every stored target.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        _subscription = _feed.Subscribe(changes => _pending.Writer.TryWrite([.. changes.Select(c => c.Id)]));
        var follower = new NotifyFollower(_dataSource, TargetStore.NotifyChannel,
            payload => _pending.Writer.TryWrite(TargetNotices.Parse(payload)?.ToArray() ?? Everything),
            _ =>
            {
                // Notices sent while no one listened are lost: read the whole table again.
                _pending.Writer.TryWrite(Everything);
                return Task.CompletedTask;
            },
            _log);
        var connection = await follower.ListenAsync(ct);
        // Subscribed before the snapshot is read: a change from here on is not missed.
        _ownership.Changed += OnMembersChanged;
        var members = _ownership.Current;
        _owned.Set(members.Owned);
        _activeNow = members.Active;
        var loaded = await ReloadAsync(ct);
        // Only this snapshot's own shards were loaded: what it gives the others is released already.
        MarkApplied(members.Version);
        _log.Information("Check engine started with {Targets} targets of {Shards} on {Loops} loops; listening on {Channel} for changes",
            loaded, members.Owned, _scheduler.LoopCount, TargetStore.NotifyChannel);
        _listener = Task.Run(() => follower.FollowAsync(connection, _stop.Token), CancellationToken.None);
        _worker = Task.Run(() => WorkAsync(_stop.Token), CancellationToken.None);
        _members = Task.Run(() => FollowMembersAsync(_stop.Token), CancellationToken.None);
    }

    private void OnMembersChanged(ClusterMembers members)
    {
        // The owned shards first, on the notifying thread: from here on nothing of a lost shard is written, not even a check in flight now.
        _owned.Set(_ownership.Current.Owned);
        _membersChanged.Writer.TryWrite(true);
    }

    /// <summary>Each new snapshot: the shards lost are dropped at once (the worker may be waiting for PostgreSQL), then the table is read for the ones gained.</summary>
    private async Task FollowMembersAsync(CancellationToken ct)
    {
        try
        {
            while (await _membersChanged.Reader.WaitToReadAsync(ct))
            {
                _membersChanged.Reader.TryRead(out _);
                await DropLostAsync(_ownership.Current, ct);
                _pending.Writer.TryWrite(Everything);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task DropLostAsync(ClusterMembers members, CancellationToken ct)
    {
        await _applying.WaitAsync(ct);
        try
        {
            var owned = members.Owned;
            _owned.Set(owned);
            (_activeBefore, _activeNow) = (_activeNow, members.Active);
            var dropped = await HandOverLostAsync(owned, ct);
            _log.Information("Membership {Version}: this node is {State} among {Members} members and checks {Shards}; dropped {Targets} targets of shards handed over",
                members.Version, members.SelfActive ? "Active" : "not Active", members.Active.Count, owned, dropped);
            MarkApplied(members.Version);
        }
        finally
        {
            _applying.Release();
        }
    }

    private void MarkApplied(long version)
    {
        long seen;
        while ((seen = Interlocked.Read(ref _appliedVersion)) < version && Interlocked.CompareExchange(ref _appliedVersion, version, seen) != seen)
        {
        }

        Interlocked.Exchange(ref _appliedPulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Under the apply lock: the running targets of shards not owned are removed as handed over (not deleted: they go on elsewhere).</summary>
    private async Task<int> HandOverLostAsync(ShardSet owned, CancellationToken ct)
    {
        if (ReferenceEquals(owned, _handedOverFor))
        {
            return 0;
        }

        var dropped = await _scheduler.ReconcileAsync([], s => s.Id is { } id && !owned.HoldsTarget(id), cancellationToken: ct, reason: RemovalReason.HandedOver);
        _handedOverFor = owned;
        foreach (var removed in dropped.Removed)
        {
            if (removed.Id is { } id)
            {
                _names.TryRemove(KeyValuePair.Create(id, removed.Target));
                _recorder.Forget(id);
            }
        }

        if (dropped.Removed.Count > 0)
        {
            Interlocked.Add(ref _applied, dropped.Removed.Count);
            _touched();
            await AfterHandingOverAsync(ct);
        }

        return dropped.Removed.Count;
    }

    // The new owner reads what was told of them once this node says it let them go (see docs/cluster.md, "Taking a target over").
    private async Task AfterHandingOverAsync(CancellationToken ct)
    {
        if (_afterHandingOver is not { } hook)
        {
            return;
        }

        try
        {
            await hook(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Letting go must not wait on alerting for good: the new owner then goes on from what is stored.
            _log.Warning("Storing what alerting decided of targets handed over failed: {Reason}", e.Message);
        }
    }

    public async Task StopAsync()
    {
        _subscription?.Dispose();
        _ownership.Changed -= OnMembersChanged;
        _pending.Writer.TryComplete();
        _membersChanged.Writer.TryComplete();
        await _stop.CancelAsync();
        foreach (var task in new[] { _listener, _worker, _members })
        {
            if (task is not null)
            {
                await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _applying.Dispose();
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        var reader = _pending.Reader;
        var backoff = TimeSpan.FromSeconds(1);
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                // Everything queued so far at once: a burst of notices for one id is one read.
                var ids = new HashSet<long>();
                while (reader.TryRead(out var burst))
                {
                    ids.UnionWith(burst);
                }

                try
                {
                    if (ids.Contains(Everything[0]))
                    {
                        await ReloadAsync(ct);
                    }
                    else
                    {
                        // One read for the burst; new targets are added together, their first checks spread.
                        var rows = await _store.GetManyAsync(ids, ct);
                        await ApplyAsync([.. ids.Order().Select(id => (id, rows.GetValueOrDefault(id)))], s => s.Id is { } id && ids.Contains(id), ct);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Said once per outage: the result writer already reports PostgreSQL away, and the retry comes with backoff.
                    if (backoff == TimeSpan.FromSeconds(1))
                    {
                        _log.Warning("Applying target changes failed, reloading all targets until it works: {Reason}", e.Message);
                    }

                    await Task.Delay(backoff, ct);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    _pending.Writer.TryWrite(Everything);
                    continue;
                }

                if (backoff != TimeSpan.FromSeconds(1))
                {
                    _log.Information("Target changes are applied again");
                    backoff = TimeSpan.FromSeconds(1);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Makes the scheduler equal to the whole table; new targets' first checks are spread. Returns the targets scheduled.</summary>
    private async Task<int> ReloadAsync(CancellationToken ct)
    {
        var rows = await _store.ListAsync(ct);
        var present = rows.Select(r => r.Id).ToHashSet();
        var gone = _names.Keys.Where(id => !present.Contains(id)).Select(id => (id, (TargetRecord?)null));
        await ApplyAsync([.. gone, .. rows.Select(r => (r.Id, (TargetRecord?)r))], _ => true, ct);
        return _names.Count;
    }

    /// <summary>
    /// Stored targets (a null row: deleted) applied to the scheduler by its reconciler; <paramref name="inScope"/> says which
    /// running targets these rows speak for. A target that lost its name to another id is read again.
    /// </summary>
    private async Task ApplyAsync(IReadOnlyList<(long Id, TargetRecord? Row)> rows, Func<TargetSnapshot, bool> inScope, CancellationToken ct)
    {
        var wanted = new List<(TargetDefinition Definition, long? Id)>();
        foreach (var (id, row) in rows)
        {
            var definition = row is null ? null : Definition(id, row);
            if (row is null || definition is not null)
            {
                _unreadable.Clear(id);
            }

            if (definition is not null)
            {
                wanted.Add((definition, id));
            }
        }

        var (resumed, handedBy) = await ResumedAsync(wanted, ct);
        if (handedBy.Count > 0)
        {
            if (_awaitRelease is { } awaitRelease)
            {
                await awaitRelease([.. handedBy.Values.Distinct(StringComparer.Ordinal)], _ownership.Current.Version, ct);
            }

            // Their old owner may have checked them until the moment it let go: the first check here waits an interval from now.
            var now = _scheduler.Clock.GetUtcNow();
            resumed = resumed.ToDictionary(r => r.Key, r => handedBy.ContainsKey(r.Key) && !(r.Value.LastCheckAt > now) ? r.Value with { LastCheckAt = now } : r.Value);
        }

        await _applying.WaitAsync(ct);
        try
        {
            // Under the lock: the ownership a membership change set meanwhile is the one applied.
            var owned = _owned.Current;
            wanted.RemoveAll(w => !owned.HoldsTarget(w.Id!.Value));
            // A shard lost since the last membership apply is handed over here, not removed below as if its targets were deleted.
            await HandOverLostAsync(owned, ct);
            var adding = wanted.Where(w => _scheduler.Find(w.Definition.FullName) is null).Select(w => w.Definition.FullName).ToList();
            if (adding.Count > 0 && _beforeAdding is { } beforeAdding)
            {
                // Alerting learns what was told of them before their first check here (see docs/cluster.md, "Taking a target over").
                await beforeAdding(adding, ct);
            }

            foreach (var (definition, id) in wanted)
            {
                if (!_names.ContainsKey(id!.Value) && resumed.TryGetValue(id.Value, out var from) && from.State != TargetState.Unknown)
                {
                    _recorder.Known(id.Value, from.State);
                }
            }

            Recorded(rows, await _scheduler.ReconcileAsync(wanted, inScope, Expect, ct, resumed));
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>
    /// Where the targets about to be added stood, in one read for the burst. A check up to the longest interval among them (plus
    /// the catch-up window) old is read: a target past its due time is checked at once and keeps its phase; an older one is
    /// spread as a new one.
    /// </summary>
    private async Task<(IReadOnlyDictionary<long, ResumedHealth> Resumed, IReadOnlyDictionary<long, string> HandedBy)> ResumedAsync(IReadOnlyList<(TargetDefinition Definition, long? Id)> wanted, CancellationToken ct)
    {
        var fresh = wanted.Where(w => !_names.ContainsKey(w.Id!.Value) && _owned.Holds(w.Id.Value)).ToList();
        if (fresh.Count == 0)
        {
            return (new Dictionary<long, ResumedHealth>(), new Dictionary<long, string>());
        }

        var longest = fresh.Max(w => new[] { w.Definition.Inter, w.Definition.FastInter, w.Definition.DownInter }.Max());
        var now = _scheduler.Clock.GetUtcNow();
        var stored = await StoredStates.ResumeAsync(_dataSource, [.. fresh.Select(w => w.Id!.Value)], now - longest - CatchUpWindow, ct);
        return HandedOverLive(fresh.Select(w => w.Id!.Value), stored, now);
    }

    /// <summary>
    /// A target handed over by a node still Active (one joined, this one or another) was checked by it until just now, and
    /// that check may not be stored yet: its first check here waits an interval from now, so it is never checked twice
    /// within one. A target of a node that left or died goes on from its stored last check.
    /// </summary>
    private (IReadOnlyDictionary<long, ResumedHealth> Resumed, IReadOnlyDictionary<long, string> HandedBy) HandedOverLive(IEnumerable<long> ids, IReadOnlyDictionary<long, ResumedHealth> stored, DateTimeOffset now)
    {
        var resumed = new Dictionary<long, ResumedHealth>(stored);
        var handedBy = new Dictionary<long, string>();
        // The old owner must be Active in the membership in force now, not in the one this sync applied last.
        var (before, active) = (_activeBefore, _ownership.Current.Active);
        var self = _ownership.Current.Self;
        if (before.Count == 0)
        {
            // This node's first membership (it joined): what it gains, the others owned without it.
            before = [.. _activeNow.Where(m => !string.Equals(m, self, StringComparison.Ordinal))];
        }

        foreach (var id in ids)
        {
            var owner = ShardMap.OwnerOf(ShardMap.ShardOf(id), before);
            if (owner is not null && owner != self && active.Contains(owner, StringComparer.Ordinal))
            {
                var last = resumed.GetValueOrDefault(id, new ResumedHealth(TargetState.Unknown, null));
                resumed[id] = last with { LastCheckAt = last.LastCheckAt is { } at && at > now ? at : now };
                handedBy[id] = owner;
            }
        }

        return (resumed, handedBy);
    }

    private void Recorded(IReadOnlyList<(long Id, TargetRecord? Row)> rows, Reconciled done)
    {
        var considered = rows.Select(r => r.Id).ToHashSet();
        foreach (var removed in done.Removed)
        {
            if (removed.Id is { } id)
            {
                _names.TryRemove(KeyValuePair.Create(id, removed.Target));
                if (!_owned.Holds(id))
                {
                    _recorder.Forget(id);
                }

                if (!considered.Contains(id))
                {
                    // Two targets that swapped names: the other one's change may not be applied yet.
                    _pending.Writer.TryWrite([id]);
                }
            }
        }

        var now = _scheduler.Clock.GetUtcNow();
        foreach (var (definition, id) in done.Added)
        {
            _names[id!.Value] = definition.FullName;
            if (!definition.Enabled)
            {
                _recorder.LoadedPaused(id.Value, now);
            }
        }

        foreach (var (id, row) in rows)
        {
            if (row is null)
            {
                _recorder.Forget(id);
            }
        }

        var applied = done.Added.Count + done.Changed + done.Removed.Count;
        if (applied > 0)
        {
            Interlocked.Add(ref _applied, applied);
            _touched();
        }
    }

    /// <summary>A stored target as the definition to run, or null (logged) when it cannot be run.</summary>
    private TargetDefinition? Definition(long id, TargetRecord row)
    {
        var (definition, errors) = TargetRow.ToDefinition(row);
        if (definition is null)
        {
            // Not checked, so not silently: counted, and the lists and the dashboard show the row's problem.
            var problem = TargetRow.OptionsProblem(row) ?? string.Join("; ", errors);
            _faults.Record(FaultKind.UnreadableTarget, $"{row.FullName} (id {id}) is not checked: {problem}", affected: $"target {id}");
            _unreadable.Set(new UnreadableTarget(id, row.FullName, problem));
            return null;
        }

        if (_rules.RaisedToFloor(definition) is { } raised)
        {
            // Saved before the floor (or under a lower one): checked at the floor rather than dropped.
            _log.Warning("Target {Target} (id {TargetId}) has an interval below the floor of {Floor}: it is checked at the floor; edit it or lower HC_MIN_INTERVAL",
                row.FullName, id, Duration.Format(_rules.MinInterval));
            return raised;
        }

        return definition;
    }

    // Results of an enabled new target are awaited from its first check on.
    private void Expect(IReadOnlyList<(TargetDefinition Definition, long? Id)> added)
    {
        foreach (var (definition, id) in added)
        {
            if (definition.Enabled)
            {
                _recorder.Expect(id!.Value);
            }
        }
    }
}
