using HealthChecker.Core.Connections;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>The part of a check after connect; it moves bytes only through the connection's transport.</summary>
internal interface IProtocolSession
{
    /// <summary>The first move is to receive (a banner), not to send: a reset before the first poll still leaves what arrived.</summary>
    bool ReceivesFirst { get; }

    /// <summary>In was reported: take what the transport offers into the session's buffer.</summary>
    void OnReceivable(Connection connection);

    /// <summary>Out was reported: push what is pending.</summary>
    void OnSendable(Connection connection);

    /// <summary>Runs at the end of every fd-handler pass once connected: go as far as possible; a verdict ends the check.</summary>
    ProtocolVerdict? Advance(Connection connection);

    /// <summary>The check's timer fired while connected: the timeout status naming where it stood.</summary>
    ProtocolVerdict OnTimeout(Connection connection);
}
