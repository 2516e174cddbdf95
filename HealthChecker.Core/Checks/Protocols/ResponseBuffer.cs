using HealthChecker.Core.Connections;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>
/// What the peer said so far, up to a fixed size (HAProxy's check buffer): full counts as conclusive. It starts small and
/// doubles as the answer grows: most answers are a banner or a status line, and a check per target per interval that
/// allocated (and zeroed) the whole capacity made most of the app's garbage.
/// </summary>
internal sealed class ResponseBuffer
{
    public const int Capacity = 16 * 1024;
    public const int InitialSize = 512;
    private byte[] _bytes = new byte[InitialSize];
    private bool _readAtShut;

    public int Length { get; private set; }

    public bool IsFull => Length == Capacity;

    public ReadOnlySpan<byte> Data => _bytes.AsSpan(0, Length);

    /// <summary>Pulls from the transport; a full buffer stops asking for In so a level-triggered poller does not spin.</summary>
    public void Fill(Connection connection)
    {
        if (IsFull)
        {
            connection.StopReceive();
            return;
        }
        while (true)
        {
            if (Length == _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Min(Capacity, 2 * _bytes.Length));
            }

            int room = _bytes.Length - Length;
            int read = connection.Transport.ReceiveInto(connection, _bytes.AsSpan(Length));
            Length += read;
            // A read that filled the room may have left more in the socket, and an edge-triggered poller will not say so again.
            if (read < room || IsFull)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Connect and the peer's leaving seen in one pass mark read0 without a recv; data queued before
    /// it is still the answer, so read it once (take what In offers first).
    /// </summary>
    public void FillAtReadShut(Connection connection)
    {
        if (!_readAtShut && connection.Has(ConnectionFlags.ReadShut) && !connection.Has(ConnectionFlags.Error))
        {
            _readAtShut = true;
            Fill(connection);
        }
    }

    /// <summary>Forgets the answer so far: a new request expects a new answer.</summary>
    public void Clear() => Length = 0;
}
