using HealthChecker.Core.Checks;

namespace HealthChecker.Tests.Support;

/// <summary>Collects finished checks instead of an event loop.</summary>
public sealed class RecordingOwner : ICheckOwner
{
    public List<ConnectCheck> Finished { get; } = [];

    public void OnFinished(ConnectCheck check) => Finished.Add(check);
}
