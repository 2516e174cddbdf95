namespace HealthChecker.Core.Targets;

/// <summary>User text quoted back in a message: clipped, so an error is never larger than a line.</summary>
public static class EchoedText
{
    public const int MaxLength = 40;

    public static string Clip(string? text, int max = MaxLength) =>
        text is null ? "" : text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");
}
