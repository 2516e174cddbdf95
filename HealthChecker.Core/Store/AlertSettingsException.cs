using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Store;

/// <summary>
/// A write of alert settings the stored ones refuse (a name taken, a channel that a rule needs, a rule naming a channel
/// that does not exist); nothing of it was saved. <see cref="Conflict"/>: the write is valid alone but clashes with what is stored.
/// </summary>
public sealed class AlertSettingsException(IReadOnlyList<TargetError> errors, bool conflict)
    : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<TargetError> Errors { get; } = errors;

    public bool Conflict { get; } = conflict;
}
