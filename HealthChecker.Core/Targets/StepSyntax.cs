namespace HealthChecker.Core.Targets;

/// <summary>
/// The step actions as written in the targets file, the form, the API and the CLI, and what each means:
/// whether the step sends or expects, and how its value is encoded.
/// </summary>
public static class StepSyntax
{
    public const string Send = "send";
    public const string SendHex = "send-hex";
    public const string Expect = "expect";
    public const string ExpectRegex = "expect-regex";
    public const string ExpectHex = "expect-hex";

    /// <summary>Every action, in the order the form lists them.</summary>
    public static readonly IReadOnlyList<string> Actions = [Send, SendHex, Expect, ExpectRegex, ExpectHex];

    /// <summary>The actions as a sentence lists them: "send, send-hex, expect, expect-regex or expect-hex".</summary>
    public static readonly string Listed = $"{string.Join(", ", Actions.Take(Actions.Count - 1))} or {Actions[^1]}";

    /// <summary>The action and encoding an action name stands for (<c>expect-regex</c> is an expect step in the regex encoding); false for an unknown name.</summary>
    public static bool TryParse(string name, out CheckStepAction action, out StepEncoding encoding)
    {
        (var known, action, encoding) = name switch
        {
            Send => (true, CheckStepAction.Send, StepEncoding.Text),
            SendHex => (true, CheckStepAction.Send, StepEncoding.Hex),
            Expect => (true, CheckStepAction.Expect, StepEncoding.Text),
            ExpectHex => (true, CheckStepAction.Expect, StepEncoding.Hex),
            ExpectRegex => (true, CheckStepAction.Expect, StepEncoding.Regex),
            _ => (false, default, default),
        };
        return known;
    }

    /// <summary>The action name a step is written with.</summary>
    public static string NameOf(CheckStep step) => (step.Action, step.Encoding) switch
    {
        (CheckStepAction.Send, StepEncoding.Hex) => SendHex,
        (CheckStepAction.Send, _) => Send,
        (_, StepEncoding.Hex) => ExpectHex,
        (_, StepEncoding.Regex) => ExpectRegex,
        _ => Expect,
    };

}
