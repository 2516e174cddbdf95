using System.Threading.Tasks.Sources;

namespace HealthChecker.Core.Transport;

/// <summary>
/// A reusable pending read or write that the loop completes from a readiness event; continuations run
/// inline on the loop thread, so the code awaiting it (SslStream) goes on there without a pool thread.
/// </summary>
internal sealed class LoopOperation : IValueTaskSource<int>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = false };

    public bool IsPending { get; private set; }

    public ValueTask<int> PendingRead()
    {
        Begin();
        return new ValueTask<int>(this, _core.Version);
    }

    public ValueTask PendingWrite()
    {
        Begin();
        return new ValueTask(this, _core.Version);
    }

    public void Complete(int result)
    {
        IsPending = false;
        _core.SetResult(result);
    }

    public void Fail(Exception error)
    {
        IsPending = false;
        _core.SetException(error);
    }

    public int GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Begin()
    {
        _core.Reset();
        IsPending = true;
    }
}
