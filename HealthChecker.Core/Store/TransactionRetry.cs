using Npgsql;
using Polly;
using Polly.Retry;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// Runs a store transaction again, whole, when PostgreSQL aborted it to break a deadlock (<c>40P01</c>) or
/// for a serialization failure (<c>40001</c>): a few attempts with a short jittered backoff, each retry logged
/// at warning. When the attempts run out, <see cref="StoreBusyException"/> is thrown. The transaction
/// passed in must open its own connection and transaction, so that every attempt starts clean.
/// </summary>
public sealed class TransactionRetry
{
    public const int MaxAttempts = 5;

    private readonly ResiliencePipeline _pipeline;

    public TransactionRetry(ILogger log, TimeSpan? firstDelay = null)
    {
        var logger = log.ForContext<TransactionRetry>();
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<PostgresException>(IsTransient),
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = firstDelay ?? TimeSpan.FromMilliseconds(50),
                OnRetry = args =>
                {
                    var e = (PostgresException)args.Outcome.Exception!;
                    logger.Warning("{What:l} lost to a concurrent transaction ({SqlState:l} {Reason:l}); running it again in {Delay} ms, attempt {Attempt} of {Max}",
                        args.Context.OperationKey, e.SqlState, e.MessageText, (int)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 2, MaxAttempts);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>True for the errors after which running the same transaction again may succeed.</summary>
    public static bool IsTransient(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    /// <summary>Runs <paramref name="transaction"/> until it commits; <paramref name="what"/> names it in the log.</summary>
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> transaction, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(what, ct);
        try
        {
            return await _pipeline.ExecuteAsync(async c => await transaction(c.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false);
        }
        catch (PostgresException e) when (IsTransient(e))
        {
            throw new StoreBusyException(what, e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}

/// <summary>A write that kept losing to concurrent transactions and was given up after <see cref="TransactionRetry.MaxAttempts"/>; nothing of it was saved.</summary>
public sealed class StoreBusyException(string what, Exception inner)
    : Exception($"{what} kept conflicting with concurrent work on the database and was not saved after {TransactionRetry.MaxAttempts} attempts; try again shortly", inner)
{
    /// <summary>What a client is told to wait before trying again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
}
