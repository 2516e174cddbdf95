namespace HealthChecker.Core.Connections;

/// <summary>The check protocol above a connection: it calls the transport, never the fd (HAProxy's data_cb).</summary>
public interface IDataLayer
{
    /// <summary>
    /// The protocol's first move is to receive (a banner): when the peer greeted and reset before the
    /// first poll, the connection still hands it what arrived; a protocol that sends first gets the reset.
    /// </summary>
    bool ReceivesFirst { get; }

    /// <summary>In was reported and receiving is wanted: pull bytes with the connection's transport.</summary>
    void OnReceivable(Connection connection);

    /// <summary>Out was reported after connect and sending is wanted: push bytes with the transport.</summary>
    void OnSendable(Connection connection);

    /// <summary>Called once at the end of every fd handler run: look at the flags and decide.</summary>
    void Wake(Connection connection);
}
