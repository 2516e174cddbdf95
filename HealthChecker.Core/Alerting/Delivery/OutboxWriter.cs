using HealthChecker.Core.Store;
using Npgsql;
using Serilog;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// Carries the outbox's rows and the notified states to PostgreSQL in the background: what changed is kept in
/// memory (the latest state of each row wins) and written in one transaction; while PostgreSQL is unreachable it
/// stays and the write is retried with backoff, so an outage delays the records, never the messages. A write fenced out
/// (this node is no longer an Active member of its cluster) is dropped, not retried, with every record after it; they
/// are counted, logged once, and <see cref="FencedOut"/> tells the node.
/// </summary>
internal sealed class OutboxWriter(NpgsqlDataSource dataSource, DeliveryOptions options, ILogger log) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, OutboxEntry> _rows = [];
    private readonly Dictionary<(string, string, string), NotifiedState> _told = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _abort = new();
    private Task? _loop;
    private volatile bool _stopping;
    private volatile bool _unreachable;
    private int _writing;
    private long _failedWrites;
    private long _fenced;
    private bool _fencedOut;
    // Changes queued since start, and how many of them are stored (or dropped for good): what FlushAsync waits on.
    private long _queued;
    private long _stored;
    private TaskCompletionSource _storedPulse = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Raised once, on the writer's loop, when a write was fenced out.</summary>
    public event Action<FencedOutException>? FencedOut;

    /// <summary>Outbox rows and notified states not stored because this node was fenced out.</summary>
    public long Fenced => Interlocked.Read(ref _fenced);

    /// <summary>True from a failed write until one succeeds.</summary>
    public bool DatabaseUnreachable => _unreachable;

    public long FailedWrites => Interlocked.Read(ref _failedWrites);

    /// <summary>Rows and states not stored yet (a batch being written included).</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _rows.Count + _told.Count + Volatile.Read(ref _writing);
            }
        }
    }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>A row changed, with the notified states its message sets (written in the same transaction).</summary>
    public void Changed(OutboxEntry entry, IReadOnlyList<NotifiedState>? told = null)
    {
        lock (_lock)
        {
            if (_fencedOut)
            {
                _fenced += 1 + (told?.Count ?? 0);
                return;
            }

            _queued++;
            _rows[entry.Message.Id] = entry;
            foreach (var state in told ?? [])
            {
                _told[(state.Rule, state.Channel, state.Target)] = state;
            }
        }

        Wake();
    }

    /// <summary>Notified states with no message (a resolution the rule does not send).</summary>
    public void Changed(IReadOnlyList<NotifiedState> told)
    {
        lock (_lock)
        {
            if (_fencedOut)
            {
                _fenced += told.Count;
                return;
            }

            _queued++;
            foreach (var state in told)
            {
                _told[(state.Rule, state.Channel, state.Target)] = state;
            }
        }

        Wake();
    }

    /// <summary>
    /// Until every change queued before this call is stored (or dropped for good, fenced out). Waits while PostgreSQL is
    /// unreachable: the caller bounds it with <paramref name="ct"/>.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        long wanted;
        lock (_lock)
        {
            wanted = _queued;
        }

        while (true)
        {
            var pulse = Volatile.Read(ref _storedPulse).Task;
            if (Interlocked.Read(ref _stored) >= wanted)
            {
                return;
            }

            await pulse.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private void StoredUpTo(long queued)
    {
        Interlocked.Exchange(ref _stored, Math.Max(Interlocked.Read(ref _stored), queued));
        Interlocked.Exchange(ref _storedPulse, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        Wake();
        if (_loop is not null)
        {
            using var giveUp = new CancellationTokenSource(options.ShutdownTimeout);
            await using (giveUp.Token.Register(_abort.Cancel))
            {
                await _loop.ConfigureAwait(false);
            }
        }

        if (Pending > 0)
        {
            log.Warning("Stopped with {Pending} outbox rows and notified states not stored: PostgreSQL was unreachable", Pending);
        }

        _abort.Dispose();
        _wake.Dispose();
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync()
    {
        var backoff = options.StoreRetryMinDelay;
        while (true)
        {
            List<OutboxEntry> rows;
            List<NotifiedState> told;
            long taken;
            lock (_lock)
            {
                taken = _queued;
                rows = [.. _rows.Values];
                told = [.. _told.Values];
                _rows.Clear();
                _told.Clear();
                Volatile.Write(ref _writing, rows.Count + told.Count);
            }

            if (rows.Count == 0 && told.Count == 0)
            {
                // Everything queued before was in a batch stored (or dropped) already.
                StoredUpTo(taken);
                if (_stopping)
                {
                    return;
                }

                try
                {
                    await _wake.WaitAsync(_abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            try
            {
                var stored = rows.Where(r => r.Stored).Select(r => r.Message.Id).ToHashSet();
                await OutboxStore.WriteAsync(dataSource, [.. rows.Select(r => r.Row)], told, _abort.Token, stored, options.Claim, options.Fence).ConfigureAwait(false);
                foreach (var row in rows)
                {
                    row.Stored = true;
                }

                Volatile.Write(ref _writing, 0);
                StoredUpTo(taken);
                backoff = options.StoreRetryMinDelay;
                if (_unreachable)
                {
                    _unreachable = false;
                    log.Information("PostgreSQL is reachable again: the outbox rows kept meanwhile are stored");
                }
            }
            catch (FencedOutException e)
            {
                FenceOut(rows.Count + told.Count, e);
                // Nothing of it will ever be stored: no one waits for it.
                StoredUpTo(long.MaxValue);
            }
            catch (Exception e)
            {
                Requeue(rows, told);
                if (_abort.IsCancellationRequested)
                {
                    return;
                }

                Interlocked.Increment(ref _failedWrites);
                if (!_unreachable)
                {
                    _unreachable = true;
                    log.Warning("Storing the alert outbox failed; messages are still sent, their records wait in memory: {Reason}", e.Message);
                }

                try
                {
                    await Task.Delay(backoff, options.Clock, _abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.StoreRetryMaxDelay.Ticks));
            }
        }
    }

    /// <summary>The records are no longer this node's to write: dropped and counted with all that waits, never retried.</summary>
    private void FenceOut(int taken, FencedOutException e)
    {
        long dropped;
        lock (_lock)
        {
            _fencedOut = true;
            dropped = taken + _rows.Count + _told.Count;
            _fenced += dropped;
            _rows.Clear();
            _told.Clear();
            Volatile.Write(ref _writing, 0);
        }

        log.Error("{Reason}; dropped {Records} outbox rows and notified states, and every one after them", e.Message, dropped);
        try
        {
            FencedOut?.Invoke(e);
        }
        catch (Exception handlerError)
        {
            log.Error(handlerError, "A handler of the fenced-out event threw");
        }
    }

    private void Requeue(List<OutboxEntry> rows, List<NotifiedState> told)
    {
        lock (_lock)
        {
            // What changed meanwhile is newer: a row's entry is the same object, a state's key keeps the later one.
            foreach (var row in rows)
            {
                _rows.TryAdd(row.Message.Id, row);
            }

            foreach (var state in told)
            {
                _told.TryAdd((state.Rule, state.Channel, state.Target), state);
            }

            Volatile.Write(ref _writing, 0);
        }
    }
}
