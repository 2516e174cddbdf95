using HealthChecker.Core.Cluster;

namespace HealthChecker.Tests.Cluster;

/// <summary>
/// Shards and their owners over many random memberships (a fixed seed: the same memberships every run), checked
/// against what rendezvous hashing promises.
/// </summary>
public sealed class ShardMapTests
{
    private static IEnumerable<string[]> Memberships(int count, int seed = 16)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int size = random.Next(1, 21);
            yield return [.. Enumerable.Range(0, size).Select(_ => Member(random))];
        }
    }

    private static string Member(Random random) =>
        $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}:{random.Next(11111, 11120)}@{random.Next(100_000_000, 999_999_999)}";

    [Fact]
    public void Every_shard_has_exactly_one_owner_among_the_members_for_any_membership()
    {
        foreach (var members in Memberships(200))
        {
            var owned = members.ToDictionary(m => m, m => ShardMap.OwnedBy(m, members));

            for (int shard = 0; shard < ShardMap.Count; shard++)
            {
                var owners = owned.Where(o => o.Value.Contains(shard)).Select(o => o.Key).ToList();
                Assert.Equal([ShardMap.OwnerOf(shard, members)!], owners);
            }

            Assert.Equal(ShardMap.Count, owned.Values.Sum(s => s.Count));
        }
    }

    [Fact]
    public void The_owners_do_not_depend_on_the_order_of_the_members_nor_on_duplicates()
    {
        var random = new Random(7);
        foreach (var members in Memberships(100))
        {
            var shuffled = members.Concat(members.Take(1)).OrderBy(_ => random.Next()).ToArray();

            foreach (var member in members)
            {
                Assert.Equal(ShardMap.OwnedBy(member, members), ShardMap.OwnedBy(member, shuffled));
            }
        }
    }

    [Fact]
    public void Shards_are_shared_out_within_reason()
    {
        foreach (var members in Memberships(200).Where(m => m.Length > 1))
        {
            double fair = (double)ShardMap.Count / members.Length;

            foreach (var member in members)
            {
                // Binomial: for 20 members about 51 ± 7 shards each; these bounds are several standard deviations wide.
                Assert.InRange(ShardMap.OwnedBy(member, members).Count, (int)(fair * 0.5), (int)Math.Ceiling(fair * 1.6));
            }
        }
    }

    [Fact]
    public void A_joining_member_takes_only_shards_it_wins_and_about_one_in_N_plus_one()
    {
        var random = new Random(3);
        foreach (var members in Memberships(100))
        {
            var joiner = Member(random);
            string[] after = [.. members, joiner];

            var moved = Enumerable.Range(0, ShardMap.Count).Where(s => ShardMap.OwnerOf(s, members) != ShardMap.OwnerOf(s, after)).ToList();

            Assert.All(moved, s => Assert.Equal(joiner, ShardMap.OwnerOf(s, after)));
            Assert.Equal(ShardMap.OwnedBy(joiner, after).Count, moved.Count);
            double fair = (double)ShardMap.Count / after.Length;
            Assert.InRange(moved.Count, (int)(fair * 0.5), (int)Math.Ceiling(fair * 1.6));
        }
    }

    [Fact]
    public void A_leaving_member_hands_over_only_its_own_shards_and_the_others_keep_theirs()
    {
        foreach (var members in Memberships(100).Where(m => m.Distinct().Count() > 1))
        {
            var leaver = members[0];
            var after = members.Where(m => m != leaver).ToArray();

            var moved = Enumerable.Range(0, ShardMap.Count).Where(s => ShardMap.OwnerOf(s, members) != ShardMap.OwnerOf(s, after)).ToList();

            Assert.Equal(ShardMap.OwnedBy(leaver, members).Shards(), moved);
            foreach (var stayer in after)
            {
                Assert.Empty(ShardMap.OwnedBy(stayer, members).Except(ShardMap.OwnedBy(stayer, after)).Shards());
            }
        }
    }

    [Fact]
    public void A_member_that_is_not_active_owns_nothing_and_a_lone_member_owns_everything()
    {
        string[] members = ["10.0.0.5:11111@1", "10.0.0.6:11111@1"];

        Assert.Equal(0, ShardMap.OwnedBy("10.0.0.7:11111@1", members).Count);
        Assert.Equal(0, ShardMap.OwnedBy("10.0.0.5:11111@2", members).Count);
        Assert.Equal(ShardSet.All, ShardMap.OwnedBy("10.0.0.5:11111@1", ["10.0.0.5:11111@1"]));
        Assert.Null(ShardMap.OwnerOf(0, []));
        Assert.Equal(ShardSet.All, ClusterMembers.Alone("10.0.0.5:11111@1").Owned);
        Assert.Equal(ShardSet.None, new ClusterMembers("10.0.0.5:11111@1", ["10.0.0.6:11111@1"], 3).Owned);
    }

    [Fact]
    public void Target_ids_spread_evenly_over_the_shards()
    {
        var perShard = new int[ShardMap.Count];
        for (long id = 1; id <= 1024 * 1000; id++)
        {
            perShard[ShardMap.ShardOf(id)]++;
        }

        // About 1000 ± 32 each.
        Assert.InRange(perShard.Min(), 850, 1000);
        Assert.InRange(perShard.Max(), 1000, 1150);
    }

    [Fact]
    public void The_shard_of_an_id_is_fixed_across_versions_so_that_nodes_of_mixed_versions_agree()
    {
        // Pinned values: a change here would split one cluster's nodes over two different maps.
        Assert.Equal(PinnedShards, new long[] { 1, 2, 3, 1000, 123_456_789, long.MaxValue }.Select(ShardMap.ShardOf).ToArray());
        Assert.Equal(PinnedOwner, ShardMap.OwnerOf(5, ["10.0.0.5:11111@123456", "10.0.0.6:11111@123457", "10.0.0.7:11111@123458"]));
    }

    private static readonly int[] PinnedShards = [302, 579, 637, 397, 725, 838];

    private const string PinnedOwner = "10.0.0.7:11111@123458";
}
