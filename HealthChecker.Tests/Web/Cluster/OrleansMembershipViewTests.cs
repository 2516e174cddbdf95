using HealthChecker.Web.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>The membership view on Orleans' in-process test cluster: a silo that joins, one that leaves, and this node declared dead.</summary>
public sealed class OrleansMembershipViewTests
{
    [Fact(Timeout = 180_000)]
    public async Task The_view_lists_a_joining_silo_once_Active_and_drops_it_when_it_stops_at_a_higher_version()
    {
        var cluster = new TestClusterBuilder(1).Build();
        await cluster.DeployAsync();
        try
        {
            var primary = Assert.IsType<InProcessSiloHandle>(cluster.Primary);
            var members = new OrleansMembershipView();
            var changes = 0;
            members.Changed += _ => Interlocked.Increment(ref changes);
            using var stop = new CancellationTokenSource();
            var following = members.Follow(
                primary.SiloHost!.Services.GetRequiredService<IClusterMembershipService>(), primary.SiloAddress, Serilog.Log.Logger, stop.Token);

            Assert.Equal(primary.SiloAddress.ToParsableString(), members.SelfId);
            Assert.Equal([members.SelfId], members.Current.Active);
            Assert.Equal(MemberStatus.Active, members.Current.Self);

            var joined = await cluster.StartAdditionalSiloAsync();
            await EventuallyAsync(() => members.Current.Active.Count == 2, "the second silo Active in the view");
            var withTwo = members.Current.Version;
            Assert.Equal([.. new[] { members.SelfId, joined.SiloAddress.ToParsableString() }.Order(StringComparer.Ordinal)], members.Current.Active);
            Assert.True(changes > 0);

            await cluster.StopSiloAsync(joined);
            await EventuallyAsync(() => members.Current.Active.Count == 1, "the second silo gone from the view");
            Assert.True(members.Current.Version > withTwo);
            Assert.Equal([members.SelfId], members.Current.Active);

            members.DeclaredDead();
            Assert.Equal(MemberStatus.Dead, members.Current.Self);

            await stop.CancelAsync();
            await following;
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public void Before_the_node_joined_the_view_is_empty_at_version_0()
    {
        var members = new OrleansMembershipView();

        Assert.Equal("", members.SelfId);
        Assert.Equal(ClusterMembership.None, members.Current);
        Assert.Empty(members.Current.Active);
        Assert.Equal(MemberStatus.None, members.Current.Self);
    }

    [Fact]
    public void A_subscriber_that_throws_keeps_neither_the_others_nor_the_view_from_the_change()
    {
        var members = new OrleansMembershipView();
        var told = new List<MemberStatus>();
        members.Changed += _ => throw new InvalidOperationException("a broken subscriber");
        members.Changed += m => told.Add(m.Self);

        members.DeclaredDead();

        Assert.Equal([MemberStatus.Dead], told);
        Assert.Equal(MemberStatus.Dead, members.Current.Self);
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Never happened within 60 s: {what}");
            await Task.Delay(100);
        }
    }
}
