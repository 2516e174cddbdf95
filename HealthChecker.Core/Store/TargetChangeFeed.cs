using System.Collections.Immutable;

namespace HealthChecker.Core.Store;

/// <summary>The in-process <see cref="ITargetChanges"/>: <see cref="TargetStore"/> publishes, the engine subscribes.</summary>
public sealed class TargetChangeFeed : ITargetChanges
{
    private ImmutableArray<Action<IReadOnlyList<TargetChange>>> _handlers = [];

    public IDisposable Subscribe(Action<IReadOnlyList<TargetChange>> handler)
    {
        ImmutableInterlocked.Update(ref _handlers, (list, h) => list.Add(h), handler);
        return new Subscription(() => ImmutableInterlocked.Update(ref _handlers, (list, h) => list.Remove(h), handler));
    }

    /// <summary>Called once after a write commits, with all its changes; a failing subscriber does not stop the others.</summary>
    public void Publish(IReadOnlyList<TargetChange> changes, Action<Exception>? onError = null)
    {
        if (changes.Count == 0)
        {
            return;
        }

        foreach (var handler in _handlers)
        {
            try
            {
                handler(changes);
            }
#pragma warning disable CA1031 // A subscriber's bug must not undo or hide a committed change.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError?.Invoke(e);
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
