namespace HealthChecker.Core.Connections;

/// <summary>What connect() said right away.</summary>
public enum ConnectOutcome
{
    /// <summary>EINPROGRESS: registered for Out, the fd handler decides.</summary>
    InProgress,
    /// <summary>connect() returned 0.</summary>
    Connected,
    /// <summary>The target refused or is unreachable (L4CON); the fd is never registered.</summary>
    Failed,
    /// <summary>We lack fds, ports or buffers (SOCKERR); not the target's fault.</summary>
    SocketError,
}
