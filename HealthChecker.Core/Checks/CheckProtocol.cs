using System.Security.Cryptography.X509Certificates;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Checks;

/// <summary>
/// What a check says once connected: send/expect steps, an HTTP request, a TLS handshake first, or
/// several of these; built from the targets model so the file, the web form and the CLI describe it once.
/// </summary>
public sealed record CheckProtocol(IReadOnlyList<CheckStep> Steps, HttpOptions? Http = null, TlsOptions? Tls = null)
{
    /// <summary>Roots trusted instead of the system store when validating (a private CA, or a test's own).</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>Nothing to say after connect: the check stays connect-only (L4).</summary>
    public bool IsConnectOnly => Steps.Count == 0 && Http is null && Tls is null;

    public static CheckProtocol Expect(params CheckStep[] steps) => new(steps);

    /// <summary>What a validated target says after connect; null when it is connect-only.</summary>
    public static CheckProtocol? For(TargetDefinition definition, X509Certificate2Collection? trustedRoots = null)
    {
        var protocol = new CheckProtocol(definition.Steps, definition.Http, definition.UseTls ? definition.Tls ?? new TlsOptions() : null)
        {
            TrustedRoots = trustedRoots,
        };
        return protocol.IsConnectOnly ? null : protocol;
    }
}
