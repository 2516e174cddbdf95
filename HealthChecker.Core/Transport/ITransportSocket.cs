using HealthChecker.Core.Polling;

namespace HealthChecker.Core.Transport;

/// <summary>What a transport uses of the connection it serves: the fd, the events at hand, and the notes it leaves.</summary>
public interface ITransportSocket
{
    int Fd { get; }

    /// <summary>The events the fd handler is working on now (a short read with Hup means the FIN is behind it).</summary>
    FdEvents Events { get; }

    /// <summary>The socket failed; <see cref="ErrorText"/> says why.</summary>
    bool HasFailed { get; }

    /// <summary>The peer will send nothing more (read0, or a FIN or reset behind the data).</summary>
    bool IsReadShut { get; }

    /// <summary>The errno of the failure as text (strerror).</summary>
    string ErrorText { get; }

    void WantReceive();

    void WantSend();

    void CountRecv();

    void CountSend();

    /// <summary>A byte moved or read0 was seen: the handshake is proven.</summary>
    void NoteActivity();

    void NoteReadShut();

    /// <summary>recv or send failed with <paramref name="errno"/>.</summary>
    void Fail(int errno);
}
