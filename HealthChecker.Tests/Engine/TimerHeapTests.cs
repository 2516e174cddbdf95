using HealthChecker.Core.Engine;
using HealthChecker.Core.Timers;

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

    [Fact]
    public void An_entry_whose_deadline_moved_pops_at_its_new_place()
    {
        var heap = new TimerHeap<Entry>();
        var random = new Random(11);
        var entries = Enumerable.Range(0, 300).Select(_ => new Entry(random.Next(0, 10_000))).ToList();
        entries.ForEach(heap.Add);
        var outside = new Entry(5);

        for (int i = 0; i < entries.Count; i += 4)
        {
            // Later for some (a check connected: its check timeout follows), earlier for others.
            entries[i].Deadline = i % 8 == 0 ? entries[i].Deadline + 20_000 : entries[i].Deadline / 3;
            heap.Update(entries[i]);
        }
        heap.Update(outside);

        var popped = new List<long>();
        while (heap.PopDue(long.MaxValue - 1) is { } due)
        {
            popped.Add(due.Deadline);
        }
        Assert.Equal(entries.Select(e => e.Deadline).Order(), popped);
        Assert.Equal(-1, outside.TimerIndex);
    }

    internal sealed class Entry(long deadline) : ITimerEntry
    {
        public long Deadline { get; set; } = deadline;

        public int TimerIndex { get; set; } = -1;

        public void Expire()
        {
        }
    }
}
