using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Timers;

namespace HealthChecker.Core.Engine;

/// <summary>
/// One event-loop thread running many checks at once: a poller, an fd table and a timer heap
/// owned by that thread; other threads hand work over through a queue and an eventfd wake-up.
/// </summary>
public sealed partial class CheckEngine : IDisposable, ITimerQueue
{
    private readonly CheckEngineOptions _options;
    private readonly IPoller _poller;
    private readonly LoopSignal _signal = new();
    private readonly ConcurrentQueue<Action> _inbox = new();
    private readonly TimerHeap<ITimerEntry> _timers = new();
    private readonly List<CheckBatch> _refills = [];
    private readonly HashSet<CheckBatch> _batches = [];
    private readonly Thread _thread;
    private CheckRun?[] _byFd = new CheckRun?[1024];
    private int _wakePending;
    private volatile bool _stopping;
    private long _loopWakeups;
    private long _callbackFailures;
    private int _inFlight;

    public CheckEngine(CheckEngineOptions? options = null)
        : this(options ?? new CheckEngineOptions(), Poller.Create((options ?? new CheckEngineOptions()).Poller))
    {
    }

    /// <summary>Runs the loop on a given poller (a test may pass a fake one delivering chosen masks).</summary>
    public CheckEngine(CheckEngineOptions options, IPoller poller)
    {
        _options = options;
        _poller = poller;
        _poller.Register(_signal.Fd, FdEvents.In);
        _thread = new Thread(Run) { IsBackground = true, Name = "check-loop" };
        _thread.Start();
    }

    public PollerKind PollerKind => _options.Poller;

    /// <summary>Times the loop came back from the poller (events, timers or a hand-over).</summary>
    public long LoopWakeups => Interlocked.Read(ref _loopWakeups);

    /// <summary>Result callbacks that threw; the loop keeps running.</summary>
    public long CallbackFailures => Interlocked.Read(ref _callbackFailures);

    /// <summary>Why the loop stopped on its own, if it did; the engine then refuses new work.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Checks connecting right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Runs one check; the result comes back as a completed task.</summary>
    public async Task<CheckResult> RunAsync(CheckSpec spec, CancellationToken cancellationToken = default) =>
        (await RunAllAsync([spec], 1, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Runs every spec with at most <paramref name="maxInFlight"/> connecting at once; results in input order.</summary>
    public Task<IReadOnlyList<CheckResult>> RunAllAsync(
        IReadOnlyList<CheckSpec> specs, int maxInFlight, CancellationToken cancellationToken = default) =>
        RunAllAsync(specs, maxInFlight, onEach: null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAllAsync(IReadOnlyList{CheckSpec}, int, CancellationToken)"/>, also calling
    /// <paramref name="onEach"/> on the loop thread as each result comes (keep it short; it must not block).
    /// </summary>
    public async Task<IReadOnlyList<CheckResult>> RunAllAsync(
        IReadOnlyList<CheckSpec> specs,
        int maxInFlight,
        Action<CheckResult>? onEach,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (specs.Count == 0)
        {
            return [];
        }
        var endPoints = new IPEndPoint?[specs.Count];
        var results = new CheckResult?[specs.Count];
        await NameResolution.ResolveAsync(specs, _options.Resolve, endPoints, results, cancellationToken).ConfigureAwait(false);
        var batch = new CheckBatch(this, specs, endPoints, results, maxInFlight, onEach);
        Post(() =>
        {
            _batches.Add(batch);
            AskRefill(batch);
        });
        return await batch.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> on the loop thread, waking the loop if it sleeps.</summary>
    public void Post(Action work)
    {
        // The lock keeps a hand-over from writing to the eventfd while the stopping loop closes it.
        lock (_signal)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _inbox.Enqueue(work);
            // Only the first hand-over since the loop last looked writes to the eventfd.
            if (Interlocked.Exchange(ref _wakePending, 1) == 0)
            {
                _signal.Signal();
            }
        }
    }

    public void Dispose()
    {
        lock (_signal)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
            _signal.Signal();
        }
        // From a result callback the loop is this thread: it ends after this round and cleans up itself.
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    internal void Start(CheckRun check)
    {
        _inFlight++;
        check.Timers = this;
        // A fresh timestamp per check: starting hundreds in one round takes a while.
        check.StartOn(_poller, Now());
        if (check.Result is not null)
        {
            return;
        }
        if (check.Fd >= _byFd.Length)
        {
            Array.Resize(ref _byFd, Math.Max(check.Fd + 1, _byFd.Length * 2));
        }
        _byFd[check.Fd] = check;
        _timers.Add(check);
    }

    internal void Forget(CheckRun check)
    {
        _inFlight--;
        _timers.Remove(check);
        if (check.Fd >= 0 && check.Fd < _byFd.Length && _byFd[check.Fd] == check)
        {
            _byFd[check.Fd] = null;
        }
    }

    /// <summary>A check's deadline moved (connected: the check timeout replaces the connect timeout); loop thread only.</summary>
    void ITimerQueue.Retime(ITimerEntry entry) => _timers.Update(entry);

    /// <summary>Puts a loop-owned timer (a scheduler's wake-up) in the loop's heap; loop thread only.</summary>
    internal void AddTimer(ITimerEntry entry) => _timers.Add(entry);

    /// <summary>Takes a loop-owned timer out of the heap; loop thread only.</summary>
    internal void RemoveTimer(ITimerEntry entry) => _timers.Remove(entry);

    /// <summary>Entries in the loop's timer heap: connect timeouts in flight plus scheduler wake-ups.</summary>
    internal int TimerCount => _timers.Count;

    internal void AskRefill(CheckBatch batch)
    {
        if (!batch.AwaitingRefill)
        {
            batch.AwaitingRefill = true;
            _refills.Add(batch);
        }
    }

    internal void Notify(Action<CheckResult> onEach, CheckResult result)
    {
        try
        {
            onEach(result);
        }
        catch (Exception)
        {
            // A caller's callback must not take the loop, and every other check, down with it.
            Interlocked.Increment(ref _callbackFailures);
        }
    }

    private static long Now() => Stopwatch.GetTimestamp();
}
