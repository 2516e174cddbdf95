namespace HealthChecker.Core.Targets;

/// <summary>The order targets are listed in everywhere: by group, then by name, ordinal.</summary>
public static class TargetOrder
{
    public static int Compare(string groupA, string nameA, string groupB, string nameB)
    {
        var byGroup = string.CompareOrdinal(groupA, groupB);
        return byGroup != 0 ? byGroup : string.CompareOrdinal(nameA, nameB);
    }
}
