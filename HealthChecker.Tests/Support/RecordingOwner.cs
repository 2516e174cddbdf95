using HealthChecker.Core.Checks;

namespace HealthChecker.Tests.Support;

/// <summary>Collects finished checks instead of an event loop.</summary>
public sealed class RecordingOwner : ICheckOwner
{
    public List<CheckRun> Finished { get; } = [];

    public void OnFinished(CheckRun check) => Finished.Add(check);
}
