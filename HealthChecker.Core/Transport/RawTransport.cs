using System.Runtime.InteropServices;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;

namespace HealthChecker.Core.Transport;

/// <summary>Plain TCP: recv/send on the connection's fd (HAProxy's raw_sock).</summary>
public sealed unsafe class RawTransport : ITransport
{
    public static RawTransport Instance { get; } = new();

    public int ReceiveInto(ITransportSocket connection, Span<byte> buffer)
    {
        int total = 0;
        fixed (byte* p = buffer)
        {
            while (total < buffer.Length)
            {
                int asked = buffer.Length - total;
                nint n = LibC.recv(connection.Fd, p + total, (nuint)asked, 0);
                int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                connection.CountRecv();
                if (n > 0)
                {
                    total += (int)n;
                    connection.NoteActivity();
                    if (n < asked)
                    {
                        // Short read with Hup: the FIN or RST sits behind this data; another recv would only say so.
                        if ((connection.Events & FdEvents.Hup) != 0)
                        {
                            connection.NoteReadShut();
                        }
                        // Short read: the socket is drained for now, the poller will tell when more comes.
                        break;
                    }
                    continue;
                }
                if (n == 0)
                {
                    connection.NoteActivity();
                    connection.NoteReadShut();
                    break;
                }
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                if (errno is Errno.EAGAIN or Errno.ENOTCONN)
                {
                    // Nothing yet (or the handshake is still running): wait for In.
                    connection.WantReceive();
                    break;
                }
                connection.Fail(errno);
                break;
            }
        }
        return total;
    }

    public int SendFrom(ITransportSocket connection, ReadOnlySpan<byte> buffer)
    {
        int total = 0;
        fixed (byte* p = buffer)
        {
            while (total < buffer.Length)
            {
                int offered = buffer.Length - total;
                nint n = LibC.send(connection.Fd, p + total, (nuint)offered, LibC.MSG_NOSIGNAL);
                int errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                connection.CountSend();
                if (n > 0)
                {
                    total += (int)n;
                    connection.NoteActivity();
                    if (n < offered)
                    {
                        // Short write: the socket buffer is full, wait for Out.
                        connection.WantSend();
                        break;
                    }
                    continue;
                }
                if (errno == Errno.EINTR)
                {
                    continue;
                }
                if (n == 0 || errno is Errno.EAGAIN or Errno.ENOTCONN)
                {
                    // Not writable yet (ENOTCONN: still connecting): poll for write, not an error.
                    connection.WantSend();
                    break;
                }
                connection.Fail(errno);
                break;
            }
        }
        return total;
    }
}
