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
}
