using System.Diagnostics;
using System.Net;
using HealthChecker.Core.Checks.Protocols;
using HealthChecker.Core.Connections;
using HealthChecker.Core.Timers;
using HealthChecker.Core.Transport;

namespace HealthChecker.Core.Checks;

/// <summary>
/// Runs one check of any protocol, as the data layer above its connection. Connect-only: L4OK once
/// the handshake is proven, L4CON with the errno's text, L4TOUT when the timer fires first, SOCKERR
/// when we lack resources. With a protocol in the spec,
/// a session (send/expect, HTTP, TLS) takes over once connected and gives the verdict; the timer then
/// starts again with the spec's check timeout, and firing says where the session stood (L7TOUT, L6TOUT).
/// </summary>
public sealed class CheckRun : IDataLayer, ITimerEntry
{
    private readonly ICheckOwner _owner;
    private readonly IProtocolSession? _session;
    private Connection? _connection;
    private long _startedAt;
    private bool _sessionStarted;

    public CheckRun(CheckSpec spec, IPEndPoint endPoint, ICheckOwner owner)
    {
        Spec = spec;
        EndPoint = endPoint;
        _owner = owner;
        var protocol = spec.Protocol is { IsConnectOnly: false } p ? p : null;
        Transport = ProtocolSessions.TransportFor(spec, protocol);
        _session = protocol is null ? null : ProtocolSessions.Create(spec, protocol, Transport);
    }

    public CheckSpec Spec { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>The transport the connection must use: the protocol's session was built on it.</summary>
    public ITransport Transport { get; }

    /// <summary>The connection the engine opened for this check; set by <see cref="Start"/>.</summary>
    public Connection Connection => _connection ?? throw new InvalidOperationException("the check has not started");

    /// <summary>The fd this check registered while connecting, kept for the owner's fd table after close.</summary>
    public int Fd { get; private set; } = -1;

    /// <summary>Set once, when the check finishes.</summary>
    public CheckResult? Result { get; private set; }

    /// <summary>Stopwatch timestamp at which the check times out: the connect's deadline, then the protocol's.</summary>
    public long Deadline { get; private set; }

    /// <summary>The timer heap that holds this check, told when the deadline moves; null when a test drives the check.</summary>
    internal ITimerQueue? Timers { get; set; }

    /// <summary>The owner's slot for this check (batch index, timer position).</summary>
    public int Tag { get; set; }

    int ITimerEntry.TimerIndex { get; set; } = -1;

    /// <summary>Connects <paramref name="connection"/> (built on <see cref="Transport"/>); the check may finish right here (refused at once, socket error).</summary>
    public void Start(Connection connection, long now)
    {
        _connection = connection;
        connection.DataLayer = this;
        _startedAt = now;
        Deadline = now + Ticks(Spec.Timeout);
        var outcome = Connection.Connect(EndPoint, connectOnly: _session is null);
        Fd = Connection.Fd;
        switch (outcome)
        {
            case ConnectOutcome.Connected when _session is not null:
                AdvanceSession(Connection);
                break;
            case ConnectOutcome.Connected:
                Finish(CheckStatus.L4Ok, "");
                break;
            case ConnectOutcome.Failed:
                Finish(CheckStatus.L4Connection, Connection.ErrorText);
                break;
            case ConnectOutcome.SocketError:
                Finish(CheckStatus.SocketError, Connection.ErrorText);
                break;
            case ConnectOutcome.InProgress:
                break;
        }
    }

    /// <summary>The timer fired: L4TOUT while connecting (no syscall but close), else the session's timeout status.</summary>
    public void Expire()
    {
        if (Result is not null)
        {
            return;
        }
        if (_session is not null && Connection.Has(ConnectionFlags.Connected))
        {
            var verdict = _session.OnTimeout(Connection);
            Finish(verdict.Status, verdict.Info, verdict.HttpCode);
            return;
        }
        Finish(CheckStatus.L4Timeout, "");
    }

    // Connect-only never asks for In nor sends; a session does both through the transport.
    bool IDataLayer.ReceivesFirst => _session?.ReceivesFirst ?? false;

    void IDataLayer.OnReceivable(Connection connection) => _session?.OnReceivable(connection);

    void IDataLayer.OnSendable(Connection connection) => _session?.OnSendable(connection);

    void IDataLayer.Wake(Connection connection)
    {
        if (Result is not null)
        {
            return;
        }
        if (_session is not null)
        {
            AdvanceSession(connection);
        }
        else if (connection.Has(ConnectionFlags.Connected))
        {
            // The handshake was made: a reset that followed it (seen as an error while connecting) changes nothing.
            Finish(CheckStatus.L4Ok, "");
        }
        else if (connection.Has(ConnectionFlags.Error))
        {
            Finish(CheckStatus.L4Connection, connection.ErrorText);
        }
    }

    private void AdvanceSession(Connection connection)
    {
        if (connection.Has(ConnectionFlags.Error) && !connection.Has(ConnectionFlags.Connected))
        {
            // Refused or unreachable; a reset after the handshake comes as Connected and Error, and the session judges it.
            Finish(CheckStatus.L4Connection, connection.ErrorText);
        }
        else if (connection.Has(ConnectionFlags.Connected))
        {
            if (!_sessionStarted)
            {
                // The connection is up: the connect timeout is over, `timeout check` bounds the protocol from here.
                _sessionStarted = true;
                Deadline = Stopwatch.GetTimestamp() + Ticks(Spec.CheckTimeout ?? Spec.Timeout);
                Timers?.Retime(this);
            }
            ProtocolVerdict? verdict;
            try
            {
                verdict = _session!.Advance(connection);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A fault in one protocol session ends that check, not the loop carrying every other one.
                verdict = new ProtocolVerdict(CheckStatus.Unknown, $"check failed: {e.Message}");
            }
            if (verdict is { } v)
            {
                Finish(v.Status, v.Info, v.HttpCode);
            }
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private void Finish(CheckStatus status, string info, int? httpCode = null)
    {
        long elapsed = Stopwatch.GetTimestamp() - _startedAt;
        Connection.Close();
        // A TLS transport holds native TLS state beside the fd.
        (Connection.Transport as IDisposable)?.Dispose();
        Result = new CheckResult(Spec.Target, status, info, elapsed * 1000 / Stopwatch.Frequency, Connection.Counters) { HttpCode = httpCode };
        _owner.OnFinished(this);
    }
}
