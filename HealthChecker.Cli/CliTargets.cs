using System.CommandLine;
using System.CommandLine.Parsing;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;

namespace HealthChecker.Cli;

/// <summary>
/// Turns the `check` arguments into specs through the targets model's own validator, so the CLI parses
/// steps, escapes, status lists and URLs exactly as the targets file and the web form do.
/// </summary>
internal static class CliTargets
{
    /// <summary>--send and --expect in the order typed: the order of the steps.</summary>
    public static List<StepDraft> Steps(ParseResult parsed)
    {
        var steps = new List<StepDraft>();
        var tokens = parsed.Tokens;
        for (int i = 0; i + 1 < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.Option && tokens[i].Value is "--send" or "--expect")
            {
                steps.Add(new StepDraft(tokens[i].Value == "--send" ? StepSyntax.Send : StepSyntax.Expect, tokens[i + 1].Value));
                i++;
            }
        }
        return steps;
    }

    /// <summary>The spec for one target, or the reason it is bad input.</summary>
    public static (CheckSpec? Spec, string Error) Build(
        string text, string timeoutText, List<StepDraft> steps, string? httpStatus, bool insecure)
    {
        int sep = text.IndexOf("://", StringComparison.Ordinal);
        string scheme = sep > 0 ? text[..sep].ToLowerInvariant() : "";
        bool http = scheme is "http" or "https";
        var draft = new TargetDraft
        {
            Name = "cli/target",
            Check = text,
            Steps = http ? [] : steps,
            HttpStatus = http ? httpStatus : null,
            TlsVerify = insecure && scheme is "tls" or "https" ? "false" : null,
            Inter = timeoutText,
            Timeout = timeoutText,
        };
        // A one-off check has no interval (inter only carries the timeout here): no floor applies.
        var (definition, errors) = TargetValidator.Validate(draft, TargetRules.Default with { MinInterval = TimeSpan.Zero });
        if (definition is null)
        {
            var first = errors.FirstOrDefault(e => e.Field != "inter" && e.Field != "timeout") ?? errors[0];
            return (null, $"bad target '{text}': {first.Field}: {first.Message}");
        }
        // Inter and timeout are both the --timeout given: it bounds the connect and again what follows.
        return (CheckMapping.ToSpec(definition), "");
    }
}
