using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>How a step is named in result texts: content, binary content or regex, as HAProxy words it.</summary>
internal static class StepText
{
    /// <summary>A step written as hex bytes.</summary>
    public static bool IsBinary(CheckStep step) => step.Encoding == StepEncoding.Hex;

    /// <summary>"content '220'", "binary content '3232'", "regex '^220'".</summary>
    public static string What(CheckStep step) => step.Action switch
    {
        CheckStepAction.ExpectRegex => $"regex '{step.Text}'",
        _ when IsBinary(step) => $"binary content '{step.Text}'",
        _ => $"content '{step.Text}'",
    };

    /// <summary>"expect '220'", "expect regex '^2'", "send 'PING\r\n'": where a timeout left the check.</summary>
    public static string Describe(CheckStep step) => step.Action switch
    {
        CheckStepAction.Send => $"send '{step.Text}'",
        CheckStepAction.ExpectRegex => $"expect {(step.Negate ? "not " : "")}regex '{step.Text}'",
        _ when IsBinary(step) => $"expect {(step.Negate ? "not " : "")}binary '{step.Text}'",
        _ => $"expect {(step.Negate ? "not " : "")}'{step.Text}'",
    };
}
