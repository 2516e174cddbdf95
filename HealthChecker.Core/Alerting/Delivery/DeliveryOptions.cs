namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// How the outbox retries. A passing failure is tried again after <see cref="FirstRetryDelay"/>, doubling with jitter
/// up to <see cref="MaxRetryDelay"/>, for <see cref="RetryFor"/> from the message's creation; then it is failed.
/// Writes to PostgreSQL that fail are retried from <see cref="StoreRetryMinDelay"/> to <see cref="StoreRetryMaxDelay"/>.
/// </summary>
public sealed record DeliveryOptions
{
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetryFor { get; init; } = TimeSpan.FromHours(24);

    public TimeSpan StoreRetryMinDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan StoreRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stop waits for PostgreSQL to take the outbox's last rows.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>This node's membership row every outbox write is fenced by; none writes unfenced (one node, no cluster).</summary>
    public Store.MembershipFence? Fence { get; init; }

    /// <summary>Who delivers the stored messages this outbox holds, and for how long a claim lasts unless renewed.</summary>
    public OutboxClaim Claim { get; init; } = new(OutboxClaim.ThisProcess, OutboxClaim.DefaultLease);
}
