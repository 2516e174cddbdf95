namespace HealthChecker.Core.Store;

/// <summary>
/// Committed target changes inside this process, so an engine in the same process can apply each one
/// without restarting the other targets. Other processes listen to <c>NOTIFY hc_targets_changed</c> instead.
/// </summary>
public interface ITargetChanges
{
    /// <summary>
    /// Calls <paramref name="handler"/> after each committed write until the result is disposed, with every
    /// change of that write at once (an import of thousands of targets is one call).
    /// </summary>
    IDisposable Subscribe(Action<IReadOnlyList<TargetChange>> handler);
}
