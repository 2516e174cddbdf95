namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// Who delivers a stored message: the app process named <see cref="Owner"/>, for <see cref="Lease"/> from its last renewal.
/// Several processes on one database (a cluster's nodes) each deliver only what they claimed, so none delivers a message
/// another one delivers; the messages of a process that died are taken by another once its lease has run out.
/// </summary>
public sealed record OutboxClaim(string Owner, TimeSpan Lease)
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    /// <summary>This process: the machine, the process id and a random part (a process id is reused).</summary>
    public static readonly string ThisProcess = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
}
