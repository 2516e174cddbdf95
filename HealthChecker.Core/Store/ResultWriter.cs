using System.Diagnostics;
using Npgsql;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// Carries check results and state changes from the engine to PostgreSQL: a bounded in-memory
/// buffer (the oldest dropped on overflow, counted and logged), drained by one background loop in
/// batches of <see cref="ResultWriterOptions.BatchSize"/> rows or <see cref="ResultWriterOptions.BatchDelay"/>,
/// each batch one transaction with binary COPY. While PostgreSQL is unreachable the rows stay
/// buffered and the loop retries with backoff; each row is stored once when it returns.
/// Rows of targets deleted meanwhile are skipped and counted, never stored as orphans.
/// With a <see cref="ResultWriterOptions.Fence"/>, a batch refused because this node is no longer an Active member is
/// dropped, not retried, and so is every row after it: they are counted as fenced, logged once, and
/// <see cref="FencedOut"/> tells the node to stop checking.
/// </summary>
public sealed class ResultWriter : IAsyncDisposable
{
    private static readonly string[] States = ["UNKNOWN", "UP", "DOWN", "MAINT"];

    // A long outage is logged again now and then, with what it costs so far.
    private static readonly TimeSpan OutageReportEvery = TimeSpan.FromMinutes(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _log;
    private readonly ResultWriterOptions _options;
    private readonly TransactionRetry _retry;
    private readonly Lock _lock = new();
    private readonly DropOldestQueue<CheckResultRow> _results;
    private readonly DropOldestQueue<StateChangeRow> _changes;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _abort = new();
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private volatile bool _stopping;
    private volatile bool _unreachable;
    private int _flushWaiters;
    private bool _finished;
    private long _lateDrops;

    private long _addedResults;
    private long _addedChanges;
    private long _written;
    private long _writtenChanges;
    private long _dropped;
    private long _droppedChanges;
    private long _droppedReported;
    private long _skipped;
    private long _skippedChanges;
    private long _disowned;
    private long _disownedResults;
    private long _disownedChanges;
    private Func<long, bool>? _keeps;
    private long _failedAttempts;
    private long _fencedResults;
    private long _fencedChanges;
    private volatile bool _fencedOut;

    public ResultWriter(NpgsqlDataSource dataSource, ILogger log, ResultWriterOptions? options = null)
    {
        _dataSource = dataSource;
        _log = log.ForContext<ResultWriter>();
        _retry = new TransactionRetry(log);
        _options = options ?? new ResultWriterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1);
        _results = new DropOldestQueue<CheckResultRow>(_options.Capacity);
        _changes = new DropOldestQueue<StateChangeRow>(_options.StateChangeCapacity);
    }

    /// <summary>Results stored in <c>check_results</c>.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>State changes stored in <c>state_changes</c>.</summary>
    public long WrittenStateChanges => Interlocked.Read(ref _writtenChanges);

    /// <summary>Results dropped because the buffer was full (the oldest go first).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long DroppedStateChanges => Interlocked.Read(ref _droppedChanges);

    /// <summary>Results not stored because their target no longer exists.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    public long SkippedStateChanges => Interlocked.Read(ref _skippedChanges);

    /// <summary>Results and state changes not written because this node no longer checks their target (see <see cref="KeepOnly"/>).</summary>
    public long Disowned => Interlocked.Read(ref _disowned);

    /// <summary>
    /// From now on, rows of a target for which <paramref name="keeps"/> says false are discarded when they are taken from the
    /// buffer: a node that handed a target over writes nothing more of it, not even what it had buffered.
    /// </summary>
    public void KeepOnly(Func<long, bool> keeps) => Volatile.Write(ref _keeps, keeps);

    /// <summary>Write attempts that failed (PostgreSQL unreachable or refusing); they are retried.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Results not stored because this node was fenced out of the cluster (see <see cref="FencedOut"/>).</summary>
    public long FencedResults => Interlocked.Read(ref _fencedResults);

    public long FencedStateChanges => Interlocked.Read(ref _fencedChanges);

    /// <summary>True once a write was refused because this node is no longer an Active member; it stays so.</summary>
    public bool IsFencedOut => _fencedOut;

    /// <summary>
    /// Raised once, on the writer's loop, when a batch was refused because this node's membership row is not Active:
    /// the node must stop checking. Nothing is written after it.
    /// </summary>
    public event Action<FencedOutException>? FencedOut;

    /// <summary>Results waiting in memory (a batch being written is not counted).</summary>
    public int Buffered
    {
        get
        {
            lock (_lock)
            {
                return _results.Count;
            }
        }
    }

    /// <summary>True from the first failed write of an outage until a write succeeds again.</summary>
    public bool DatabaseUnreachable
    {
        get => _unreachable;
        private set => _unreachable = value;
    }

    /// <summary>Starts the background loop.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The result writer is already started.");
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues one result; never blocks on the database.</summary>
    public void Add(CheckResultRow row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row.DurationMs);
        ArgumentException.ThrowIfNullOrEmpty(row.Status);
        row = row with { CheckedAt = AsUtc(row.CheckedAt) };
        int count;
        lock (_lock)
        {
            _addedResults++;
            if (_fencedOut)
            {
                _fencedResults++;
                return;
            }

            if (_finished)
            {
                _dropped++;
                DropLate();
                return;
            }

            _dropped += _results.Enqueue(row);
            count = _results.Count;
        }

        if (count == 1 || count == _options.BatchSize)
        {
            Wake();
        }
    }

    /// <summary>Queues one state change; never blocks on the database.</summary>
    public void Add(StateChangeRow change)
    {
        if (!States.Contains(change.FromState) || !States.Contains(change.ToState))
        {
            throw new ArgumentException($"States are UNKNOWN, UP, DOWN or MAINT, not {change.FromState} -> {change.ToState}.", nameof(change));
        }

        change = change with { At = AsUtc(change.At) };
        lock (_lock)
        {
            _addedChanges++;
            if (_fencedOut)
            {
                _fencedChanges++;
                return;
            }

            if (_finished)
            {
                _droppedChanges++;
                DropLate();
                return;
            }

            _droppedChanges += _changes.Enqueue(change);
        }

        Wake();
    }

    /// <summary>
    /// Waits until everything added before the call is settled: stored, or dropped or skipped (and
    /// counted). While PostgreSQL is unreachable this waits for it, up to <paramref name="ct"/>.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        long results, changes;
        lock (_lock)
        {
            (results, changes) = (_addedResults, _addedChanges);
        }

        Interlocked.Increment(ref _flushWaiters);
        try
        {
            while (true)
            {
                var progress = Volatile.Read(ref _progress);
                if (Settled(results, changes))
                {
                    return;
                }

                if (_loop is null || _loop.IsCompleted)
                {
                    throw new InvalidOperationException("The result writer is not running.");
                }

                Wake();
                await progress.Task.WaitAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _flushWaiters);
        }
    }

    /// <summary>
    /// Writes what is buffered and stops the loop. If <paramref name="ct"/> fires first (PostgreSQL
    /// still unreachable), the rows left are logged as lost, with their count.
    /// </summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        _stopping = true;
        Wake();
        if (_loop is null)
        {
            return;
        }

        await using (ct.Register(() => _abort.Cancel()))
        {
            await _loop.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(_options.ShutdownTimeout);
        await StopAsync(timeout.Token).ConfigureAwait(false);
        _abort.Dispose();
        _wake.Dispose();
    }

    private bool Settled(long results, long changes)
    {
        lock (_lock)
        {
            return _written + _dropped + _skipped + _disownedResults + _fencedResults >= results
                && _writtenChanges + _droppedChanges + _skippedChanges + _disownedChanges + _fencedChanges >= changes;
        }
    }

    /// <summary>Drops the batch's rows of targets this node no longer checks; true when nothing is left to write.</summary>
    private bool DiscardDisowned(ResultBatch batch, Func<long, bool> keeps)
    {
        int results = batch.Results.RemoveAll(r => !keeps(r.TargetId));
        int changes = batch.Changes.RemoveAll(c => !keeps(c.TargetId));
        if (results + changes > 0)
        {
            lock (_lock)
            {
                _disownedResults += results;
                _disownedChanges += changes;
                _disowned += results + changes;
            }

            _log.Debug("Discarded {Results} results and {Changes} state changes of targets this node no longer checks", results, changes);
        }

        if (!batch.IsEmpty)
        {
            return false;
        }

        NotifyProgress();
        return true;
    }

    private void Wake()
    {
        if (_wake.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake or about to be.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync()
    {
        var batch = new ResultBatch();
        var backoff = _options.RetryMinDelay;
        var outage = new Stopwatch();
        var lastOutageReport = TimeSpan.Zero;
        try
        {
            while (true)
            {
                ReportDrops();
                if (batch.IsEmpty)
                {
                    if (!await WaitForRowsAsync().ConfigureAwait(false))
                    {
                        return;
                    }

                    lock (_lock)
                    {
                        _results.TakeFront(batch.Results, _options.BatchSize);
                        _changes.TakeFront(batch.Changes, _options.BatchSize);
                    }

                    if (Volatile.Read(ref _keeps) is { } keeps && DiscardDisowned(batch, keeps))
                    {
                        continue;
                    }

                    batch.Id = Guid.NewGuid();
                }

                try
                {
                    var (written, skippedResults, skippedChanges) = await _retry.RunAsync(
                        "Writing a batch of check results", t => ResultBatchWriter.WriteAsync(_dataSource, batch, _options.Fence, t), _abort.Token).ConfigureAwait(false);
                    lock (_lock)
                    {
                        _written += written.Results;
                        _writtenChanges += written.Changes;
                        _skipped += skippedResults.Count;
                        _skippedChanges += skippedChanges;
                    }

                    if (skippedResults.Count > 0 || skippedChanges > 0)
                    {
                        _log.Warning("Skipped {Results} results and {Changes} state changes of targets that no longer exist ({TargetIds})",
                            skippedResults.Count, skippedChanges, skippedResults.Select(r => r.TargetId).Distinct().Order().ToList());
                    }

                    if (DatabaseUnreachable)
                    {
                        DatabaseUnreachable = false;
                        _log.Information("PostgreSQL is reachable again after {Seconds:F1} s; writing the buffered results", outage.Elapsed.TotalSeconds);
                    }

                    batch.Clear();
                    backoff = _options.RetryMinDelay;
                    NotifyProgress();
                }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested)
                {
                    Requeue(batch);
                    return;
                }
                catch (FencedOutException e)
                {
                    FenceOut(batch, e);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref _failedAttempts);
                    if (!DatabaseUnreachable)
                    {
                        DatabaseUnreachable = true;
                        outage.Restart();
                        lastOutageReport = TimeSpan.Zero;
                        _log.Warning("Writing check results failed, retrying with backoff while results stay buffered: {Reason}", e.Message);
                    }
                    else if (outage.Elapsed - lastOutageReport >= OutageReportEvery)
                    {
                        lastOutageReport = outage.Elapsed;
                        _log.Warning("Writing check results still fails after {Seconds:F0} s; {Buffered} results buffered, {Dropped} dropped since start: {Reason}",
                            outage.Elapsed.TotalSeconds, Buffered, Dropped, e.Message);
                    }
                    else
                    {
                        _log.Debug(e, "Writing check results failed again");
                    }

                    // Broken pooled connections (server restarted) must not be handed out again.
                    _dataSource.Clear();
                    if (!batch.MayBeStored)
                    {
                        Requeue(batch);
                    }

                    NotifyProgress();
                    try
                    {
                        await Task.Delay(backoff, _abort.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.RetryMaxDelay.Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Shutdown gave up waiting for PostgreSQL: what is left is reported below.
        }
        finally
        {
            ReportLost(batch);
        }
    }

    /// <summary>False when stopping with nothing left to write.</summary>
    private async Task<bool> WaitForRowsAsync()
    {
        while (true)
        {
            int results, changes;
            lock (_lock)
            {
                (results, changes) = (_results.Count, _changes.Count);
            }

            if (results + changes == 0)
            {
                if (_stopping)
                {
                    return false;
                }

                await _wake.WaitAsync(_abort.Token).ConfigureAwait(false);
                continue;
            }

            if (results >= _options.BatchSize || _stopping || Volatile.Read(ref _flushWaiters) > 0)
            {
                return true;
            }

            // A wake left by the first row added while the last batch was being written would end the wait at once, and
            // every batch would hold only what came during one write: drop it, then look again at what it may have meant.
            if (_wake.Wait(0))
            {
                continue;
            }

            // A partial batch waits for more rows, at most BatchDelay; a full one wakes us early.
            await _wake.WaitAsync(_options.BatchDelay, _abort.Token).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>The batch, and all that waits behind it, is no longer this node's to write: dropped and counted, never retried.</summary>
    private void FenceOut(ResultBatch batch, FencedOutException e)
    {
        int results, changes;
        lock (_lock)
        {
            _fencedOut = true;
            results = batch.Results.Count + _results.Count;
            changes = batch.Changes.Count + _changes.Count;
            _fencedResults += results;
            _fencedChanges += changes;
            _results.Clear();
            _changes.Clear();
        }

        batch.Clear();
        _log.Error("{Reason}; dropped {Results} results and {Changes} state changes, and every one after them: another node checks these targets now",
            e.Message, results, changes);
        NotifyProgress();
        try
        {
            FencedOut?.Invoke(e);
        }
        catch (Exception handlerError)
        {
            _log.Error(handlerError, "A handler of the fenced-out event threw");
        }
    }

    private void Requeue(ResultBatch batch)
    {
        lock (_lock)
        {
            _dropped += _results.ReturnFront(batch.Results);
            _droppedChanges += _changes.ReturnFront(batch.Changes);
        }

        batch.Clear();
    }

    private void ReportDrops()
    {
        long dropped, changes;
        lock (_lock)
        {
            (dropped, changes) = (_dropped, _droppedChanges);
        }

        if (dropped != _droppedReported)
        {
            _log.Warning("The result buffer is full ({Capacity} results): dropped the {Count} oldest results, {Total} since start; {Changes} state changes dropped since start",
                _options.Capacity, dropped - _droppedReported, dropped, changes);
            _droppedReported = dropped;
        }
    }

    /// <summary>A row added once the loop has ended can never be written: count it, say so once. Called under the lock.</summary>
    private void DropLate()
    {
        _lateDrops++;
        if (_lateDrops == 1)
        {
            _log.Warning("Rows are still being added after the result writer stopped; they are dropped and counted");
        }
    }

    private void ReportLost(ResultBatch batch)
    {
        ReportDrops();
        int results, changes;
        lock (_lock)
        {
            _finished = true;
            (results, changes) = (_results.Count + batch.Results.Count, _changes.Count + batch.Changes.Count);
        }

        if (results + changes > 0)
        {
            _log.Error("Stopped with {Results} results and {Changes} state changes not written: {Reason}", results, changes,
                DatabaseUnreachable ? "PostgreSQL stayed unreachable" : "the shutdown's time ran out before they were written");
        }

        NotifyProgress();
    }

    private void NotifyProgress() =>
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static DateTime AsUtc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };
}
