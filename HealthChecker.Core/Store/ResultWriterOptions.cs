namespace HealthChecker.Core.Store;

/// <summary>Sizes and timings of the <see cref="ResultWriter"/>; the defaults suit one node.</summary>
public sealed record ResultWriterOptions
{
    /// <summary>Results held while PostgreSQL is away; beyond it the oldest are dropped (and counted).</summary>
    public int Capacity { get; init; } = 1_000_000;

    /// <summary>The same bound for state changes, which are far fewer.</summary>
    public int StateChangeCapacity { get; init; } = 100_000;

    /// <summary>A batch is written when it has this many rows...</summary>
    public int BatchSize { get; init; } = 1_000;

    /// <summary>...or when its first row has waited this long.</summary>
    public TimeSpan BatchDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>First wait after a failed write; doubles up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryMinDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <see cref="ResultWriter.DisposeAsync"/> keeps trying to write what is buffered.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>This node's membership row every batch is fenced by; none writes unfenced (one node, no cluster).</summary>
    public MembershipFence? Fence { get; init; }
}
