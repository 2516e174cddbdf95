using System.Text;
using System.Text.RegularExpressions;

namespace HealthChecker.Core.Alerting;

/// <summary>
/// How a secret is written in a targets file or an API body: <c>${NAME}</c> (the whole value) refers to an environment
/// variable read when a message is sent; any other text is a value kept in <c>hc_private</c>. A kept value is written
/// back (export, API) as the reference <see cref="StoredName"/> gives for its channel and field; that reference, sent
/// again for the same channel and field, keeps the kept value, so an export imports again without losing it.
/// </summary>
public static partial class SecretReferences
{
    /// <summary>The prefix of the references written for kept values.</summary>
    public const string StoredPrefix = "HC_SECRET_";

    /// <summary>The secret a typed value stands for, or null (with <paramref name="problem"/>) when it cannot be one.</summary>
    public static SecretText? Parse(string text, out string problem)
    {
        problem = "";
        if (ReferenceRegex().Match(text) is { Success: true } reference)
        {
            return SecretText.FromReference(reference.Groups[1].Value);
        }

        if (text.Contains("${", StringComparison.Ordinal))
        {
            problem = "a reference must be the whole value, as ${NAME} with NAME of letters, digits and _ (put 'Bearer …' whole in the variable)";
            return null;
        }

        return SecretText.FromValue(text);
    }

    /// <summary>
    /// The environment variable name an export writes for a value kept for <paramref name="channel"/>'s
    /// <paramref name="field"/> (<c>headers.Authorization</c>, <c>email.password</c>): <c>HC_SECRET_OPS_AUTHORIZATION</c>.
    /// </summary>
    public static string StoredName(string channel, string field)
    {
        var last = field[(field.LastIndexOf('.') + 1)..];
        var name = new StringBuilder(StoredPrefix);
        foreach (var c in $"{channel}_{last}")
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return name.ToString();
    }

    /// <summary>The text a secret is written back as: its reference, never a kept value.</summary>
    public static string Written(SecretText secret, string channel, string field) =>
        $"${{{secret.Reference ?? StoredName(channel, field)}}}";

    [GeneratedRegex(@"^\$\{([A-Za-z_][A-Za-z0-9_]{0,199})\}$")]
    private static partial Regex ReferenceRegex();
}
