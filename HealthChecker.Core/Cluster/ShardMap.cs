using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace HealthChecker.Core.Cluster;

/// <summary>
/// Which node checks which target: targets fall into <see cref="Count"/> shards by a fixed hash of their id, and each
/// shard belongs to the rendezvous-hash (highest random weight) winner among the Active members. Every node computes
/// the same owners from the same members, in any order; a join or a leave moves only the shards the joiner wins or the
/// leaver held (about 1/N of them).
/// </summary>
public static class ShardMap
{
    /// <summary>Fixed for the life of a cluster: every node must use the same number.</summary>
    public const int Count = 1024;

    /// <summary>The shard of a target (<c>targets.id</c>): XXH3 of the id's 8 little-endian bytes, the same on every node and version.</summary>
    public static int ShardOf(long targetId)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, targetId);
        return (int)(XxHash3.HashToUInt64(bytes) % Count);
    }

    /// <summary>The member that owns <paramref name="shard"/>, or null when there is no member.</summary>
    public static string? OwnerOf(int shard, IReadOnlyCollection<string> members)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, Count);
        var keys = Keys(members);
        return keys.Length == 0 ? null : keys[Winner(shard, keys)].Name;
    }

    /// <summary>The shards <paramref name="member"/> owns among <paramref name="members"/>; none when it is not one of them.</summary>
    public static ShardSet OwnedBy(string member, IReadOnlyCollection<string> members)
    {
        var keys = Keys(members);
        int self = Array.FindIndex(keys, k => k.Name == member);
        if (self < 0)
        {
            return ShardSet.None;
        }

        var owned = new ShardSet.Builder();
        for (int shard = 0; shard < Count; shard++)
        {
            if (Winner(shard, keys) == self)
            {
                owned.Add(shard);
            }
        }

        return owned.Build();
    }

    /// <summary>A member's weight for a shard: XXH3 of its name seeded with the shard.</summary>
    private static ulong Weight(byte[] member, int shard) => XxHash3.HashToUInt64(member, shard);

    private static int Winner(int shard, (string Name, byte[] Utf8)[] keys)
    {
        int best = 0;
        ulong bestWeight = Weight(keys[0].Utf8, shard);
        for (int i = 1; i < keys.Length; i++)
        {
            ulong weight = Weight(keys[i].Utf8, shard);
            // Keys are sorted: on an equal weight the first name wins, whatever order the members came in.
            if (weight > bestWeight)
            {
                best = i;
                bestWeight = weight;
            }
        }

        return best;
    }

    // Distinct and in ordinal order, so that duplicates and the order of the snapshot change nothing.
    private static (string Name, byte[] Utf8)[] Keys(IReadOnlyCollection<string> members) =>
        [.. members.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(m => (m, Encoding.UTF8.GetBytes(m)))];
}
