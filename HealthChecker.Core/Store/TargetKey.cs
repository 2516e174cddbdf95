using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Store;

/// <summary>
/// A target's place in list order (group, then name): the cursor of a page, written <c>group/name</c> as the target's
/// full name. Neither part holds a slash, so the text splits back at its one slash.
/// </summary>
public readonly record struct TargetKey(string Group, string Name)
{
    public static TargetKey Of(TargetRecord target) => new(target.GroupName, target.Name);

    /// <summary>Reads <c>group/name</c>: both parts non-empty, one slash, no control character, each within the name limit.</summary>
    public static bool TryParse(string? text, out TargetKey key)
    {
        key = default;
        if (string.IsNullOrEmpty(text) || text.Length > (2 * TargetValidator.MaxNameLength) + 1 || text.Any(char.IsControl))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        key = new TargetKey(text[..slash], text[(slash + 1)..]);
        return true;
    }

    public override string ToString() => $"{Group}/{Name}";
}
