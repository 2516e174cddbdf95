using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Store;

/// <summary>A write that would give two targets the same group/name; <see cref="Error"/> is on the <c>name</c> field.</summary>
public sealed class TargetConflictException(string fullName, Exception? inner = null)
    : Exception($"a target named '{fullName}' already exists", inner)
{
    public TargetError Error => new("name", Message);
}
