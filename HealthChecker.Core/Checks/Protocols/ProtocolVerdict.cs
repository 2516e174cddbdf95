namespace HealthChecker.Core.Checks.Protocols;

/// <summary>How a protocol session ended: the status, the words for it, and the HTTP code if one came.</summary>
internal readonly record struct ProtocolVerdict(CheckStatus Status, string Info, int? HttpCode = null);
