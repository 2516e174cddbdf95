using System.Net;
using HealthChecker.Core.Checks;

namespace HealthChecker.Core.Engine;

/// <summary>N checks run on the loop with at most K in flight; a finished check makes room for the next.</summary>
internal sealed class CheckBatch : ICheckOwner
{
    private readonly CheckEngine _engine;
    private readonly IReadOnlyList<CheckSpec> _specs;
    private readonly IPEndPoint?[] _endPoints;
    private readonly CheckResult?[] _results;
    private readonly int _maxInFlight;
    private readonly Action<CheckResult>? _onEach;
    private readonly TaskCompletionSource<IReadOnlyList<CheckResult>> _done =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;
    private int _inFlight;
    private int _remaining;

    public CheckBatch(
        CheckEngine engine,
        IReadOnlyList<CheckSpec> specs,
        IPEndPoint?[] endPoints,
        CheckResult?[] results,
        int maxInFlight,
        Action<CheckResult>? onEach)
    {
        _engine = engine;
        _specs = specs;
        _endPoints = endPoints;
        _results = results;
        _maxInFlight = Math.Max(1, maxInFlight);
        _onEach = onEach;
        _remaining = specs.Count;
    }

    public Task<IReadOnlyList<CheckResult>> Completion => _done.Task;

    /// <summary>Set while the batch waits in the loop's list of batches to refill.</summary>
    public bool AwaitingRefill { get; set; }

    public bool IsComplete => _remaining == 0;

    /// <summary>Starts checks until K are in flight or none is left; runs on the loop thread.</summary>
    public void Refill()
    {
        while (_inFlight < _maxInFlight && _next < _specs.Count)
        {
            int i = _next++;
            if (_results[i] is { } early)
            {
                // Decided before the loop (a name that did not resolve).
                Deliver(early);
                continue;
            }
            var check = new CheckRun(_specs[i], _endPoints[i]!, this) { Tag = i };
            _inFlight++;
            _engine.Start(check);
        }
    }

    public void OnFinished(CheckRun check)
    {
        _engine.Forget(check);
        _inFlight--;
        _results[check.Tag] = check.Result;
        Deliver(check.Result!);
        _engine.AskRefill(this);
    }

    public void Abandon(Exception? fault) =>
        _done.TrySetException(fault ?? new ObjectDisposedException(nameof(CheckEngine)));

    private void Deliver(CheckResult result)
    {
        _remaining--;
        if (_onEach is not null)
        {
            _engine.Notify(_onEach, result);
        }
        if (_remaining == 0)
        {
            _done.TrySetResult(_results!);
        }
    }
}
