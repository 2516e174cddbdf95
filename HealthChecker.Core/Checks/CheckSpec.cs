namespace HealthChecker.Core.Checks;

/// <summary>
/// What to check and how long to wait for it; connect-only unless <see cref="Protocol"/> says more.
/// <see cref="Timeout"/> bounds the connect; once connected, <see cref="CheckTimeout"/> bounds the rest.
/// </summary>
public sealed record CheckSpec(CheckTarget Target, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    public CheckSpec(CheckTarget target) : this(target, DefaultTimeout)
    {
    }

    /// <summary>Send/expect, HTTP or TLS after connect; null for a connect-only check.</summary>
    public CheckProtocol? Protocol { get; init; }

    /// <summary>HAProxy's <c>timeout check</c>: from the moment the connection is up to the verdict; null means <see cref="Timeout"/> again.</summary>
    public TimeSpan? CheckTimeout { get; init; }
}
