using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using HealthChecker.Web.Monitoring;

namespace HealthChecker.Tests.Store;

/// <summary>The first-start examples: offered once in a database's life, only to an empty one.</summary>
public sealed class TargetSeedingTests
{
    private static readonly IReadOnlyList<TargetDefinition> Examples = ExampleTargets.For("Host=/run/pg;Port=6543", 6543, "http://127.0.0.1:5080");

    [Fact]
    public async Task An_empty_database_gets_the_examples_once_and_deleting_them_does_not_bring_them_back()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var feed = new TargetChangeFeed();
        var published = new List<TargetChange>();
        using var _ = feed.Subscribe(published.AddRange);
        var store = new TargetStore(db, feed);

        var added = await store.SeedOnceAsync(ExampleTargets.SettingKey, Examples);

        Assert.Equal(["healthchecker/postgresql", "healthchecker/web"], added.Select(t => t.FullName));
        Assert.Equal(added.Select(t => new TargetChange(t.Id, TargetChangeKind.Created)), published);
        foreach (var target in added)
        {
            Assert.True(await store.DeleteAsync(target.Id));
        }

        Assert.Empty(await store.SeedOnceAsync(ExampleTargets.SettingKey, Examples));
        Assert.Empty(await store.ListAsync());
    }

    [Fact]
    public async Task A_database_with_targets_at_its_first_start_gets_no_examples_then_or_later()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var store = new TargetStore(db);
        var own = await store.CreateAsync(TargetValidator.Validate(new TargetDraft { Name = "mine/db", Check = "tcp://127.0.0.1:5432" }).Definition!);

        Assert.Empty(await store.SeedOnceAsync(ExampleTargets.SettingKey, Examples));
        await store.DeleteAsync(own.Id);
        Assert.Empty(await store.SeedOnceAsync(ExampleTargets.SettingKey, Examples));
        Assert.Empty(await store.ListAsync());
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/healthz")]
    [InlineData("https://0.0.0.0:5443;http://+:8080", "http://127.0.0.1:8080/healthz")]
    [InlineData("http://*:80/", "http://127.0.0.1:80/healthz")]
    [InlineData("http://[::]:5080", "http://[::1]:5080/healthz")]
    [InlineData("http://localhost:5080", "http://localhost:5080/healthz")]
    [InlineData("https://127.0.0.1:5443", null)]
    public void The_healthz_example_checks_the_first_http_address_on_loopback_when_it_is_a_wildcard(string urls, string? expected) =>
        Assert.Equal(expected, ExampleTargets.HealthzUrl(urls));

    [Theory]
    [InlineData("Host=/tmp/hc/run;Port=41234", 41234, "127.0.0.1:41234")]
    [InlineData("Host=db.example.net;Port=6432", null, "db.example.net:6432")]
    [InlineData("Host=db1:5433,db2", null, "db1:5433")]
    [InlineData("Host=::1", null, "[::1]:5432")]
    public void The_PostgreSQL_example_checks_the_server_by_TCP_and_the_embedded_cluster_on_its_loopback_port(string connectionString, int? clusterPort, string expected) =>
        Assert.Equal(expected, ExampleTargets.PostgresAddress(connectionString, clusterPort));
}
