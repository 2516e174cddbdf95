namespace HealthChecker.Core.Connections;

/// <summary>What is known about a connection (HAProxy's CO_FL_*).</summary>
[Flags]
public enum ConnectionFlags
{
    None = 0,
    /// <summary>connect() is in progress; nothing proved the handshake yet.</summary>
    WaitL4Conn = 1,
    Connected = 2,
    /// <summary>The socket failed; <see cref="Connection.Errno"/> says why.</summary>
    Error = 4,
    /// <summary>The peer will send nothing more (read0).</summary>
    ReadShut = 8,
    WriteShut = 16,
}
