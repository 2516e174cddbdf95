using System.Numerics;

namespace HealthChecker.Core.Cluster;

/// <summary>A set of shards (0 to <see cref="ShardMap.Count"/> - 1) as 1 024 bits; immutable, safe to share between threads.</summary>
public sealed class ShardSet : IEquatable<ShardSet>
{
    private const int Words = ShardMap.Count / 64;
    private readonly ulong[] _bits;

    private ShardSet(ulong[] bits)
    {
        _bits = bits;
        Count = bits.Sum(BitOperations.PopCount);
    }

    public static ShardSet None { get; } = new(new ulong[Words]);

    public static ShardSet All { get; } = new(Enumerable.Repeat(ulong.MaxValue, Words).ToArray());

    public int Count { get; }

    public bool Contains(int shard) => (uint)shard < ShardMap.Count && (_bits[shard >> 6] & (1UL << (shard & 63))) != 0;

    /// <summary>Whether the target of this id falls into one of these shards.</summary>
    public bool HoldsTarget(long targetId) => Contains(ShardMap.ShardOf(targetId));

    /// <summary>The shards of this set that <paramref name="other"/> does not have.</summary>
    public ShardSet Except(ShardSet other)
    {
        var bits = new ulong[Words];
        for (int i = 0; i < Words; i++)
        {
            bits[i] = _bits[i] & ~other._bits[i];
        }

        return new ShardSet(bits);
    }

    public IEnumerable<int> Shards()
    {
        for (int shard = 0; shard < ShardMap.Count; shard++)
        {
            if (Contains(shard))
            {
                yield return shard;
            }
        }
    }

    public bool Equals(ShardSet? other) => other is not null && _bits.AsSpan().SequenceEqual(other._bits);

    public override bool Equals(object? obj) => Equals(obj as ShardSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var word in _bits)
        {
            hash.Add(word);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => $"{Count} of {ShardMap.Count} shards";

    /// <summary>Collects shards, then freezes them into a set.</summary>
    public sealed class Builder
    {
        private ulong[] _bits = new ulong[Words];

        public void Add(int shard)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(shard);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, ShardMap.Count);
            _bits[shard >> 6] |= 1UL << (shard & 63);
        }

        public ShardSet Build()
        {
            var set = new ShardSet(_bits);
            _bits = new ulong[Words];
            return set;
        }
    }
}
