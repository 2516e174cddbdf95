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
            // Refused, reset or unreachable: SO_ERROR once for the errno, never a recv.
            Fail(ReadSocketError());
            return;
        }
        if ((events & FdEvents.Hup) != 0)
        {
            // Hup without Err is read0: SO_ERROR tells a failed connect from a peer that completed and left.
            int errno = ReadSocketError();
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
