using HealthChecker.Web.Cluster;
using Microsoft.Extensions.Time.Testing;

namespace HealthChecker.Tests.Web.Cluster;

/// <summary>When a node of several suspends its checks for being cut from everything, and when it checks again.</summary>
public class IsolationGuardTests
{
    private const string Self = "127.0.0.1:11111@1";
    private const string Other = "127.0.0.1:11112@1";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(3);
    private static readonly ClusterMembership Two = new(5, [Self, Other], MemberStatus.Active);

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_node_that_reaches_neither_the_database_nor_another_node_for_longer_than_the_bound_suspends_once()
    {
        var guard = new IsolationGuard(_clock, Bound);
        _clock.Advance(Bound);
        Assert.Equal(IsolationStep.None, guard.Decide(Two, Self));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(IsolationStep.Suspend, guard.Decide(Two, Self));
        Assert.True(guard.Suspended);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(IsolationStep.None, guard.Decide(Two, Self));
    }

    [Fact]
    public void A_node_that_reaches_the_database_alone_keeps_checking()
    {
        var guard = new IsolationGuard(_clock, Bound);
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            guard.DatabaseReached(guard.Now());
            Assert.Equal(IsolationStep.None, guard.Decide(Two, Self));
        }

        Assert.False(guard.Suspended);
    }

    [Fact]
    public void A_node_that_reaches_another_node_alone_keeps_checking()
    {
        var guard = new IsolationGuard(_clock, Bound);
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            guard.PeerReached(guard.Now());
            Assert.Equal(IsolationStep.None, guard.Decide(Two, Self));
        }

        Assert.False(guard.Suspended);
    }

    [Fact]
    public void The_only_Active_member_never_suspends()
    {
        var guard = new IsolationGuard(_clock, Bound);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(IsolationStep.None, guard.Decide(new ClusterMembership(3, [Self], MemberStatus.Active), Self));
        Assert.Equal(IsolationStep.None, guard.Decide(new ClusterMembership(3, [Other], MemberStatus.Joining), Self));
        Assert.False(guard.Suspended);
    }

    [Fact]
    public void A_suspended_node_resumes_when_either_answers_again_and_it_is_still_a_member()
    {
        var guard = new IsolationGuard(_clock, Bound);
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(IsolationStep.Suspend, guard.Decide(Two, Self));
        guard.PeerReached(guard.Now());
        Assert.Equal(IsolationStep.Resume, guard.Decide(Two, Self));

        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(IsolationStep.Suspend, guard.Decide(Two, Self));
        guard.DatabaseReached(guard.Now());
        Assert.Equal(IsolationStep.Resume, guard.Decide(Two, Self));
        Assert.False(guard.Suspended);
    }

    [Fact]
    public void A_reach_that_began_before_the_last_one_does_not_move_it_back()
    {
        var guard = new IsolationGuard(_clock, Bound);
        var early = guard.Now();
        _clock.Advance(TimeSpan.FromSeconds(2));
        guard.DatabaseReached(guard.Now());
        guard.DatabaseReached(early);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(IsolationStep.None, guard.Decide(Two, Self));
    }

    [Fact]
    public void A_node_whose_row_says_Dead_stays_suspended_whatever_answers()
    {
        var guard = new IsolationGuard(_clock, Bound);
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(IsolationStep.Suspend, guard.Decide(Two, Self));
        guard.DeclaredDead();
        guard.PeerReached(guard.Now());
        guard.DatabaseReached(guard.Now());
        Assert.Equal(IsolationStep.None, guard.Decide(Two, Self));
        Assert.True(guard.Suspended);
    }

    [Fact]
    public void A_node_that_reads_itself_Dead_suspends_at_once_even_when_reached()
    {
        var guard = new IsolationGuard(_clock, Bound);
        guard.DeclaredDead();
        Assert.Equal(IsolationStep.Suspend, guard.Decide(Two, Self));
    }
}
