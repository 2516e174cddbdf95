using HealthChecker.Core.Connections;

namespace HealthChecker.Tests.Support;

/// <summary>A send/expect-like data layer: once connected it reads into a small buffer through the transport.</summary>
public sealed class ReceivingDataLayer : IDataLayer
{
    private readonly byte[] _buffer = new byte[64];

    public int Received { get; private set; }

    public ReadOnlySpan<byte> Data => _buffer.AsSpan(0, Received);

    public int Wakes { get; private set; }

    /// <summary>It reads a banner.</summary>
    public bool ReceivesFirst => true;

    public void OnReceivable(Connection connection) =>
        Received += connection.Transport.ReceiveInto(connection, _buffer.AsSpan(Received));

    public void OnSendable(Connection connection)
    {
    }

    public void Wake(Connection connection)
    {
        Wakes++;
        if (connection.Has(ConnectionFlags.Connected) && !connection.Has(ConnectionFlags.Error)
            && (connection.Interest & Core.Polling.FdEvents.In) == 0 && connection.IsRegistered)
        {
            // Connected: wait for the answer instead of writability.
            connection.WantReceive();
            connection.StopSend();
        }
    }
}
