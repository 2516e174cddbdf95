using Npgsql;

namespace HealthChecker.Tests.Support;

/// <summary>A LOGIN role that is a member of hc_reader, as a person querying history would have; dropped on dispose.</summary>
internal sealed class ReaderLogin : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private ReaderLogin(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<ReaderLogin> CreateAsync(string adminConnectionString)
    {
        var name = $"hc_test_reader_{Guid.NewGuid().ToString("N")[..10]}";
        var password = Guid.NewGuid().ToString("N");
        await ExecuteAsync(adminConnectionString, $"CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE hc_reader");
        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Username = name, Password = password, Pooling = false }.ConnectionString;
        return new ReaderLogin(adminConnectionString, name, connectionString);
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(_adminConnectionString, $"DROP ROLE IF EXISTS {Name}");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
