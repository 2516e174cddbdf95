using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Components.Pages.Targets;

/// <summary>Which of the validator's messages belong next to one field of the target form.</summary>
public static class FieldErrorSelection
{
    /// <summary>
    /// The errors of <paramref name="field"/>, in their order; with <paramref name="underField"/> also those of the
    /// fields under it (<c>steps[1]</c> takes <c>steps[1].send</c>, not <c>steps[10]</c>).
    /// </summary>
    public static List<TargetError> For(IEnumerable<TargetError> errors, string field, bool underField) =>
        [.. errors.Where(e => e.Field == field || (underField && e.Field.StartsWith(field + ".", StringComparison.Ordinal)))];
}
