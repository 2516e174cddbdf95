namespace HealthChecker.Core.Store;

/// <summary>The rows of one write: one transaction, recorded under <see cref="Id"/> in <c>result_batches</c>.</summary>
internal sealed class ResultBatch
{
    public Guid Id { get; set; }

    public List<CheckResultRow> Results { get; } = [];

    public List<StateChangeRow> Changes { get; } = [];

    /// <summary>
    /// The connection broke while the commit was in flight: the batch may be stored. It is then kept
    /// as it is, and the next attempt looks its id up before writing anything.
    /// </summary>
    public bool MayBeStored { get; set; }

    public bool IsEmpty => Results.Count == 0 && Changes.Count == 0;

    public void Clear()
    {
        Results.Clear();
        Changes.Clear();
        MayBeStored = false;
    }
}
