namespace HealthChecker.Core.Checks;

/// <summary>A check's outcome, HAProxy's codes (see <see cref="CheckStatusText"/> for code and text).</summary>
public enum CheckStatus
{
    Unknown,
    Initializing,
    SocketError,
    L4Ok,
    L4Timeout,
    L4Connection,
    L6Ok,
    L6Timeout,
    L6Response,
    L7Ok,
    L7OkConditional,
    L7Timeout,
    L7Response,
    L7Status,
}
