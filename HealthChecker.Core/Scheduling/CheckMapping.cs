using System.Net;
using System.Security.Cryptography.X509Certificates;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// THE place where a target definition becomes what the engine runs: its protocol (send/expect, HTTP,
/// TLS) as <see cref="CheckProtocol.For"/> builds it, sent to the address the scheduler resolved while
/// the host name still names the server (TLS server name, HTTP Host header). The connect timeout is
/// <c>min(timeout connect, inter)</c>; once connected, <c>timeout check</c> (<see cref="TargetDefinition.Timeout"/>)
/// bounds the rest.
/// </summary>
public static class CheckMapping
{
    /// <summary>The check of a scheduled target, sent to the address resolved for it.</summary>
    public static CheckSpec ToSpec(TargetDefinition definition, IPEndPoint endPoint, X509Certificate2Collection? trustedRoots = null) =>
        ToSpec(definition, CheckTarget.Of(definition.Check.Scheme, definition.Host, endPoint), trustedRoots);

    /// <summary>The check of a one-off target (the CLI's): the engine resolves its host when it runs it.</summary>
    public static CheckSpec ToSpec(TargetDefinition definition) =>
        ToSpec(definition, CheckTarget.Of(definition.Check.Scheme, definition.Host, definition.Port), null);

    private static CheckSpec ToSpec(TargetDefinition definition, CheckTarget target, X509Certificate2Collection? trustedRoots) =>
        new(target, ConnectTimeout(definition))
        {
            Protocol = CheckProtocol.For(definition, trustedRoots),
            CheckTimeout = definition.Timeout,
        };

    /// <summary><c>min(timeout connect, inter)</c>; <c>timeout connect</c> is <see cref="TargetDefinition.Timeout"/> unless set apart.</summary>
    public static TimeSpan ConnectTimeout(TargetDefinition definition) =>
        CheckInterval.ConnectTimeout(definition.ConnectTimeout ?? definition.Timeout, definition.Inter);
}
