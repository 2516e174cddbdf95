using HealthChecker.Core.Polling;

namespace HealthChecker.Core.Connections;

/// <summary>The fd handler: the two decision tables of docs/engine.md ("The fd handler"), row by row.</summary>
public sealed partial class Connection
{
    /// <summary>Runs the fd handler for one poller report; a test may call it with a chosen mask.</summary>
    public void HandleEvents(FdEvents events)
    {
        _counters.Wakeups++;
        Events = events;
        if ((Flags & ConnectionFlags.WaitL4Conn) != 0)
        {
            HandleConnecting(events);
        }
        else if ((Flags & ConnectionFlags.Error) == 0)
        {
            HandleConnected(events);
        }
        DataLayer?.Wake(this);
    }

    private void HandleConnecting(FdEvents events)
    {
        if ((events & FdEvents.Err) != 0)
        {
            // SO_ERROR once for the errno; refused or unreachable never gets a recv.
            int error = ReadSocketError();
            if (error == Interop.Errno.ECONNRESET)
            {
                ResetAfterHandshake();
                return;
            }
            Fail(error);
            return;
        }
        if ((events & FdEvents.Hup) != 0)
        {
            // Hup without Err is read0: SO_ERROR tells a failed connect from a peer that completed and left.
            int errno = ReadSocketError();
            if (errno == Interop.Errno.ECONNRESET)
            {
                ResetAfterHandshake();
                return;
            }
            if (errno != 0)
            {
                Fail(errno);
                return;
            }
            Flags = (Flags & ~ConnectionFlags.WaitL4Conn) | ConnectionFlags.Connected | ConnectionFlags.ReadShut;
            return;
        }
        if ((events & FdEvents.Out) != 0)
        {
            // Writable without error: the handshake completed.
            Flags = (Flags & ~ConnectionFlags.WaitL4Conn) | ConnectionFlags.Connected;
        }
    }

    /// <summary>
    /// SO_ERROR said ECONNRESET while connecting: only an established connection is reset (a refused one
    /// is ECONNREFUSED), so the handshake was made and the peer reset before this first poll. Leave the
    /// connection as a poll before the reset would have: connected, what arrived read, then the reset.
    /// </summary>
    private void ResetAfterHandshake()
    {
        Flags = (Flags & ~ConnectionFlags.WaitL4Conn) | ConnectionFlags.Connected;
        if (DataLayer is { ReceivesFirst: true } data)
        {
            // Reading SO_ERROR consumed the reset: recv gives what arrived before it, then 0.
            data.OnReceivable(this);
        }
        NoteReadShut();
        Fail(Interop.Errno.ECONNRESET);
    }

    private void HandleConnected(FdEvents events)
    {
        // Take what In offers first: data that arrived before a FIN or RST is still evaluated.
        if ((events & FdEvents.In) != 0 && (_interest & FdEvents.In) != 0 && (Flags & ConnectionFlags.ReadShut) == 0)
        {
            DataLayer?.OnReceivable(this);
        }
        if ((events & FdEvents.Out) != 0 && (_interest & FdEvents.Out) != 0
            && (Flags & (ConnectionFlags.Error | ConnectionFlags.WriteShut)) == 0)
        {
            DataLayer?.OnSendable(this);
        }
        if ((Flags & ConnectionFlags.Error) != 0)
        {
            return;
        }
        if ((events & FdEvents.Err) != 0)
        {
            // Err at any point, read0 included: the errno comes from SO_ERROR; stop polling.
            Fail(ReadSocketError());
        }
        else if ((events & (FdEvents.Hup | FdEvents.In)) == FdEvents.Hup)
        {
            // Hup without In and without Err: read0 with no recv.
            NoteActivity();
            NoteReadShut();
        }
    }
}
