using System.Diagnostics;
using System.Net;
using HealthChecker.Core.Connections;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Transport;

namespace HealthChecker.Core.Checks;

/// <summary>
/// The connect-only data layer: L4OK once the handshake is proven, L4CON with the errno's text,
/// L4TOUT when the timer fires first, SOCKERR when we lack resources.
/// </summary>
public sealed class ConnectCheck : IDataLayer, ITimerEntry
{
    private readonly ICheckOwner _owner;
    private long _startedAt;

    public ConnectCheck(CheckSpec spec, IPEndPoint endPoint, IPoller poller, ICheckOwner owner)
    {
        Spec = spec;
        EndPoint = endPoint;
        _owner = owner;
        Connection = new Connection(poller, RawTransport.Instance) { DataLayer = this };
    }

    public CheckSpec Spec { get; }

    public IPEndPoint EndPoint { get; }

    public Connection Connection { get; }

    /// <summary>The fd this check registered while connecting, kept for the owner's fd table after close.</summary>
    public int Fd { get; private set; } = -1;

    /// <summary>Set once, when the check finishes.</summary>
    public CheckResult? Result { get; private set; }

    /// <summary>Stopwatch timestamp at which the check times out.</summary>
    public long Deadline { get; private set; }

    /// <summary>The owner's slot for this check (batch index, timer position).</summary>
    public int Tag { get; set; }

    int ITimerEntry.TimerIndex { get; set; } = -1;

    /// <summary>Connects; the check may finish right here (refused at once, socket error).</summary>
    public void Start(long now)
    {
        _startedAt = now;
        Deadline = now + (long)(Spec.Timeout.TotalSeconds * Stopwatch.Frequency);
        var outcome = Connection.Connect(EndPoint, connectOnly: true);
        Fd = Connection.Fd;
        switch (outcome)
        {
            case ConnectOutcome.Connected:
                Finish(CheckStatus.L4Ok, "");
                break;
            case ConnectOutcome.Failed:
                Finish(CheckStatus.L4Connection, Errno.Text(Connection.Errno));
                break;
            case ConnectOutcome.SocketError:
                Finish(CheckStatus.SocketError, Errno.Text(Connection.Errno));
                break;
            case ConnectOutcome.InProgress:
                break;
        }
    }

    /// <summary>The connect timer fired first: L4TOUT, no syscall but close.</summary>
    public void Expire()
    {
        if (Result is null)
        {
            Finish(CheckStatus.L4Timeout, "");
        }
    }

    void IDataLayer.OnReceivable(Connection connection)
    {
        // Connect-only never asks for In.
    }

    void IDataLayer.OnSendable(Connection connection)
    {
        // Connect-only sends nothing.
    }

    void IDataLayer.Wake(Connection connection)
    {
        if (Result is not null)
        {
            return;
        }
        if (connection.Has(ConnectionFlags.Error))
        {
            Finish(CheckStatus.L4Connection, Errno.Text(connection.Errno));
        }
        else if (connection.Has(ConnectionFlags.Connected))
        {
            Finish(CheckStatus.L4Ok, "");
        }
    }

    private void Finish(CheckStatus status, string info)
    {
        long elapsed = Stopwatch.GetTimestamp() - _startedAt;
        Connection.Close();
        Result = new CheckResult(Spec.Target, status, info, elapsed * 1000 / Stopwatch.Frequency, Connection.Counters);
        _owner.OnFinished(this);
    }
}
