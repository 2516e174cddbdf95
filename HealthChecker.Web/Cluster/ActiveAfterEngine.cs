namespace HealthChecker.Web.Cluster;

/// <summary>
/// Holds the silo's start just before it turns Active until the engine runs: a node the others count as an owner of
/// shards (they stop checking them at once) is one that checks them at once, not seconds later when its start ends.
/// </summary>
public sealed class ActiveAfterEngine(Task engineLoaded) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ActiveAfterEngine), ServiceLifecycleStage.BecomeActive - 1, ct => engineLoaded.WaitAsync(ct));
}
