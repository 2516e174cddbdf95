using HealthChecker.Core.Transport;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>Picks the transport and the session a spec's protocol needs.</summary>
internal static class ProtocolSessions
{
    public static ITransport TransportFor(CheckSpec spec, CheckProtocol? protocol) => RawTransport.Instance;

    public static IProtocolSession Create(CheckSpec spec, CheckProtocol protocol, ITransport transport) =>
        protocol.Http is { } http ? new HttpSession(spec.Target, http) : new SendExpectSession(protocol.Steps);
}
