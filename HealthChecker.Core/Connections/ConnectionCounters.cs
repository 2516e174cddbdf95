namespace HealthChecker.Core.Connections;

/// <summary>Syscalls and wake-ups one connection cost: cheap, always counted, so tests can pin "zero recv" and "no spin".</summary>
public struct ConnectionCounters
{
    public int RecvCalls;
    public int SendCalls;
    public int GetsockoptCalls;
    /// <summary>Times the fd handler ran for this connection.</summary>
    public int Wakeups;

    public override readonly string ToString() =>
        $"recv={RecvCalls} send={SendCalls} getsockopt={GetsockoptCalls} wakeups={Wakeups}";
}
