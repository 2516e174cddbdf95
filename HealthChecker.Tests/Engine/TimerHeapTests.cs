using HealthChecker.Core.Engine;

namespace HealthChecker.Tests.Engine;

public sealed class TimerHeapTests
{
    [Fact]
    public void Pops_deadlines_in_order_and_never_a_removed_one()
    {
        var heap = new TimerHeap<Entry>();
        var random = new Random(7);
        var entries = Enumerable.Range(0, 500).Select(_ => new Entry(random.Next(0, 10_000))).ToList();
        entries.ForEach(heap.Add);
        var removed = entries.Where((_, i) => i % 3 == 0).ToList();
        removed.ForEach(heap.Remove);

        var popped = new List<long>();
        while (heap.PopDue(long.MaxValue - 1) is { } due)
        {
            popped.Add(due.Deadline);
        }

        Assert.Equal(entries.Except(removed).Select(e => e.Deadline).Order(), popped);
        Assert.Equal(0, heap.Count);
        Assert.All(entries, e => Assert.Equal(-1, e.TimerIndex));
    }

    [Fact]
    public void Nothing_pops_before_its_deadline()
    {
        var heap = new TimerHeap<Entry>();
        heap.Add(new Entry(100));

        Assert.Null(heap.PopDue(99));
        Assert.Equal(100, heap.EarliestDeadline);
        Assert.NotNull(heap.PopDue(100));
        Assert.Equal(long.MaxValue, heap.EarliestDeadline);
    }

    internal sealed class Entry(long deadline) : ITimerEntry
    {
        public long Deadline { get; } = deadline;

        public int TimerIndex { get; set; } = -1;

        public void Expire()
        {
        }
    }
}
