using HealthChecker.Core.Store;
using HealthChecker.Tests.Support;
using static HealthChecker.Tests.Support.HistoryRows;

namespace HealthChecker.Tests.Store;

public class ResultBatchWriterTests
{
    [Fact]
    public async Task A_batch_whose_commit_may_have_been_cut_off_is_not_written_twice()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "a");
        var batch = new ResultBatch { Id = Guid.NewGuid() };
        batch.Results.AddRange(Enumerable.Range(0, 50).Select(n => Result(target, n)));
        batch.Changes.Add(new StateChangeRow(target, Base, "UNKNOWN", "UP", "L4OK", null, 1));

        await ResultBatchWriter.WriteAsync(db, batch, fence: null, CancellationToken.None);
        // As after a connection lost during COMMIT: the writer cannot tell, and asks again.
        batch.MayBeStored = true;
        var (written, skipped, skippedChanges) = await ResultBatchWriter.WriteAsync(db, batch, fence: null, CancellationToken.None);

        Assert.Equal((50, 1), written);
        Assert.Equal((0, 0), (skipped.Count, skippedChanges));
        Assert.Equal(50L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM state_changes"));
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM result_batches WHERE id = @id AND results = 50", new { id = batch.Id }));
    }

    [Fact]
    public async Task A_batch_that_was_not_stored_is_written_after_the_lookup()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var target = await AddTargetAsync(db, "a");
        var batch = new ResultBatch { Id = Guid.NewGuid(), MayBeStored = true };
        batch.Results.Add(Result(target, 1));

        var (written, _, _) = await ResultBatchWriter.WriteAsync(db, batch, fence: null, CancellationToken.None);

        Assert.Equal((1, 0), written);
        Assert.Equal(1L, await ScalarAsync<long>(db, "SELECT count(*) FROM check_results"));
    }

    [Fact]
    public async Task A_batch_with_state_changes_notifies_their_target_ids_on_commit_and_one_without_none()
    {
        await using var db = await TestDatabase.CreateMigratedAsync();
        var up = await AddTargetAsync(db, "a");
        var down = await AddTargetAsync(db, "b");
        await using var listener = await db.OpenConnectionAsync();
        var heard = new System.Collections.Concurrent.ConcurrentQueue<(string Channel, string Payload)>();
        listener.Notification += (_, e) => heard.Enqueue((e.Channel, e.Payload));
        await using (var listen = new Npgsql.NpgsqlCommand($"LISTEN {StateChangeNotices.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var quiet = new ResultBatch { Id = Guid.NewGuid() };
        quiet.Results.Add(Result(up, 1));
        await ResultBatchWriter.WriteAsync(db, quiet, fence: null, CancellationToken.None);
        var batch = new ResultBatch { Id = Guid.NewGuid() };
        batch.Changes.Add(new StateChangeRow(up, Base, "UNKNOWN", "UP", "L4OK", null, 1));
        batch.Changes.Add(new StateChangeRow(down, Base, "UNKNOWN", "DOWN", "L4CON", null, 1));
        batch.Changes.Add(new StateChangeRow(down, Base.AddSeconds(1), "DOWN", "UP", "L4OK", null, 1));
        await ResultBatchWriter.WriteAsync(db, batch, fence: null, CancellationToken.None);

        // Both notices would have arrived by now: the connection reads what the server queued on commit, in order.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (heard.IsEmpty)
        {
            await listener.WaitAsync(wait.Token);
        }

        // A round trip: any other notice committed before is delivered before its answer.
        await using (var flush = new Npgsql.NpgsqlCommand("SELECT 1", listener))
        {
            await flush.ExecuteScalarAsync();
        }

        var notice = Assert.Single(heard);
        Assert.Equal(StateChangeNotices.Channel, notice.Channel);
        Assert.Equal(new[] { up, down }.Order(), TargetNotices.Parse(notice.Payload)!.Order());
    }
}
