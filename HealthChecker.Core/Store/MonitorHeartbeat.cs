using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>
/// Records when this monitor runs, in <c>monitor_runs</c>: a row at start-up, a beat every
/// <see cref="BeatEvery"/> and the stop time at shutdown. Time no run covers is reported as
/// UNKNOWN by <c>state_intervals</c>, never as DOWN. A run that stops beating for three periods
/// without a stop counts as lost from its last beat on.
/// </summary>
public sealed class MonitorHeartbeat(NpgsqlDataSource dataSource, TimeSpan beatEvery)
{
    public TimeSpan BeatEvery { get; } = beatEvery > TimeSpan.Zero ? beatEvery : throw new ArgumentOutOfRangeException(nameof(beatEvery));

    /// <summary>This run's row in <c>monitor_runs</c>, once started.</summary>
    public long? RunId { get; private set; }

    /// <summary>Opens this run; call once at start-up.</summary>
    public async Task<long> StartAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        RunId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO monitor_runs (beat_every, host_name, pid) VALUES (@BeatEvery, @Host, @Pid) RETURNING id",
            new { BeatEvery, Host = Environment.MachineName, Pid = Environment.ProcessId }, cancellationToken: ct)).ConfigureAwait(false);
        return RunId.Value;
    }

    /// <summary>Says the monitor is still running; call every <see cref="BeatEvery"/>.</summary>
    public Task BeatAsync(CancellationToken ct = default) =>
        UpdateAsync("UPDATE monitor_runs SET last_beat_at = greatest(last_beat_at, now()) WHERE id = @Id", ct);

    /// <summary>Closes this run; call at shutdown, after the last results are written.</summary>
    public Task StopAsync(CancellationToken ct = default) =>
        UpdateAsync("UPDATE monitor_runs SET last_beat_at = greatest(last_beat_at, now()), stopped_at = greatest(last_beat_at, now()) WHERE id = @Id", ct);

    private async Task UpdateAsync(string sql, CancellationToken ct)
    {
        var id = RunId ?? throw new InvalidOperationException("The heartbeat is not started.");
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { Id = id }, cancellationToken: ct)).ConfigureAwait(false);
    }
}
