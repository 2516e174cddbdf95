using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>How a step is named in result texts: content, binary content or regex, as HAProxy words it.</summary>
internal static class StepText
{
    /// <summary>"content '220'", "binary content '3232'", "regex '^220'".</summary>
    public static string What(CheckStep step) => step.Encoding switch
    {
        StepEncoding.Regex => $"regex '{step.Text}'",
        StepEncoding.Hex => $"binary content '{step.Text}'",
        _ => $"content '{step.Text}'",
    };

    /// <summary>"expect '220'", "expect regex '^2'", "send 'PING\r\n'": where a timeout left the check.</summary>
    public static string Describe(CheckStep step) => (step.Action, step.Encoding) switch
    {
        (CheckStepAction.Send, _) => $"send '{step.Text}'",
        (_, StepEncoding.Regex) => $"expect {(step.Negate ? "not " : "")}regex '{step.Text}'",
        (_, StepEncoding.Hex) => $"expect {(step.Negate ? "not " : "")}binary '{step.Text}'",
        _ => $"expect {(step.Negate ? "not " : "")}'{step.Text}'",
    };
}
