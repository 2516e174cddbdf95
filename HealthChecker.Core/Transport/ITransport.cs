namespace HealthChecker.Core.Transport;

/// <summary>Moves bytes between a connection's socket and a buffer; the only layer that calls recv/send.</summary>
public interface ITransport
{
    /// <summary>Reads into <paramref name="buffer"/> until it is full, the socket is drained, or read0; returns the byte count.</summary>
    int ReceiveInto(ITransportSocket connection, Span<byte> buffer);

    /// <summary>Writes from <paramref name="buffer"/> until the socket would block; returns the byte count.</summary>
    int SendFrom(ITransportSocket connection, ReadOnlySpan<byte> buffer);
}
