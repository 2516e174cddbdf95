using HealthChecker.Core.Transport;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>Picks the transport and the session a spec's protocol needs: TLS wraps the others.</summary>
internal static class ProtocolSessions
{
    public static ITransport TransportFor(CheckSpec spec, CheckProtocol? protocol) =>
        protocol?.Tls is { } tls
            ? new TlsTransport(tls.ServerName ?? spec.Target.Host, tls.Verify, protocol.TrustedRoots)
            : RawTransport.Instance;

    public static IProtocolSession Create(CheckSpec spec, CheckProtocol protocol, ITransport transport)
    {
        IProtocolSession? inner = protocol.Http is { } http ? new HttpSession(spec.Target, http)
            : protocol.Steps.Count > 0 ? new SendExpectSession(protocol.Steps)
            : null;
        return transport is TlsTransport tlsTransport
            ? new TlsSession(tlsTransport, protocol.Tls!, inner)
            : inner ?? throw new ArgumentException("a protocol with nothing to do is a connect-only check", nameof(protocol));
    }
}
