namespace HealthChecker.Core.Checks;

/// <summary>HAProxy's code, description and verdict for each status, so its stats page readers need no glossary.</summary>
public static class CheckStatusText
{
    public static string Code(this CheckStatus status) => status switch
    {
        CheckStatus.Unknown => "UNK",
        CheckStatus.Initializing => "INI",
        CheckStatus.SocketError => "SOCKERR",
        CheckStatus.L4Ok => "L4OK",
        CheckStatus.L4Timeout => "L4TOUT",
        CheckStatus.L4Connection => "L4CON",
        CheckStatus.L6Ok => "L6OK",
        CheckStatus.L6Timeout => "L6TOUT",
        CheckStatus.L6Response => "L6RSP",
        CheckStatus.L7Ok => "L7OK",
        CheckStatus.L7OkConditional => "L7OKC",
        CheckStatus.L7Timeout => "L7TOUT",
        CheckStatus.L7Response => "L7RSP",
        CheckStatus.L7Status => "L7STS",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string Description(this CheckStatus status) => status switch
    {
        CheckStatus.Unknown => "Unknown",
        CheckStatus.Initializing => "Initializing",
        CheckStatus.SocketError => "Socket error",
        CheckStatus.L4Ok => "Layer4 check passed",
        CheckStatus.L4Timeout => "Layer4 timeout",
        CheckStatus.L4Connection => "Layer4 connection problem",
        CheckStatus.L6Ok => "Layer6 check passed",
        CheckStatus.L6Timeout => "Layer6 timeout",
        CheckStatus.L6Response => "Layer6 invalid response",
        CheckStatus.L7Ok => "Layer7 check passed",
        CheckStatus.L7OkConditional => "Layer7 check conditionally passed",
        CheckStatus.L7Timeout => "Layer7 timeout",
        CheckStatus.L7Response => "Layer7 invalid response",
        CheckStatus.L7Status => "Layer7 wrong status",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>True for the passing codes; UNK and INI are no verdict and count as not passed.</summary>
    public static bool Passes(this CheckStatus status) =>
        status is CheckStatus.L4Ok or CheckStatus.L6Ok or CheckStatus.L7Ok or CheckStatus.L7OkConditional;

    /// <summary>The status for a code such as "L4CON"; null when unknown.</summary>
    public static CheckStatus? FromCode(string code)
    {
        foreach (var status in Enum.GetValues<CheckStatus>())
        {
            if (string.Equals(status.Code(), code, StringComparison.Ordinal))
            {
                return status;
            }
        }
        return null;
    }
}
