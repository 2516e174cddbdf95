using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The scheduled targets' names in list order (group, then name, ordinal), as of one scheduler
/// <see cref="TargetScheduler.Membership"/>: a page of live states is found by binary search and read by name,
/// so serving one costs the page, not a sort of every target.
/// </summary>
public sealed class TargetNameIndex
{
    public static readonly TargetNameIndex Empty = new(long.MinValue, []);

    private readonly TargetKey[] _keys;

    public TargetNameIndex(long membership, IEnumerable<TargetSnapshot> targets)
    {
        Membership = membership;
        _keys = [.. targets.Select(t => new TargetKey(t.Definition.Group, t.Definition.Name))];
        Array.Sort(_keys, Compare);
    }

    public long Membership { get; }

    public int Count => _keys.Length;

    /// <summary>The scheduled name (<c>group/name</c>) at this place in the list.</summary>
    public string this[int index] => _keys[index].ToString();

    /// <summary>The place of the first target ordered after <paramref name="key"/> (which may name no target).</summary>
    public int FirstAfter(TargetKey key)
    {
        var (low, high) = (0, _keys.Length);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (Compare(_keys[middle], key) <= 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static int Compare(TargetKey a, TargetKey b) => TargetOrder.Compare(a.Group, a.Name, b.Group, b.Name);
}
