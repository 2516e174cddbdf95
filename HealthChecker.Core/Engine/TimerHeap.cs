using HealthChecker.Core.Timers;

namespace HealthChecker.Core.Engine;

/// <summary>Binary min-heap of deadlines, owned by the loop; each entry knows its index, so removal is O(log n).</summary>
internal sealed class TimerHeap<T>
    where T : class, ITimerEntry
{
    private T[] _items = new T[256];

    public int Count { get; private set; }

    public long EarliestDeadline => Count > 0 ? _items[0].Deadline : long.MaxValue;

    public void Add(T entry)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
        _items[Count] = entry;
        entry.TimerIndex = Count;
        Count++;
        SiftUp(entry.TimerIndex);
    }

    public void Remove(T entry)
    {
        int i = entry.TimerIndex;
        if (i < 0)
        {
            return;
        }
        entry.TimerIndex = -1;
        Count--;
        if (i == Count)
        {
            _items[Count] = null!;
            return;
        }
        _items[i] = _items[Count];
        _items[i].TimerIndex = i;
        _items[Count] = null!;
        SiftDown(i);
        SiftUp(i);
    }

    /// <summary>Restores the heap after <paramref name="entry"/>'s deadline changed; an entry not in the heap is left out.</summary>
    public void Update(T entry)
    {
        int i = entry.TimerIndex;
        if (i < 0)
        {
            return;
        }
        SiftDown(i);
        SiftUp(entry.TimerIndex);
    }

    /// <summary>Removes and returns the earliest entry if its deadline is at or before <paramref name="now"/>.</summary>
    public T? PopDue(long now)
    {
        if (Count == 0 || _items[0].Deadline > now)
        {
            return null;
        }
        var due = _items[0];
        Remove(due);
        return due;
    }

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (_items[parent].Deadline <= _items[i].Deadline)
            {
                return;
            }
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int left = (2 * i) + 1;
            if (left >= Count)
            {
                return;
            }
            int least = left + 1 < Count && _items[left + 1].Deadline < _items[left].Deadline ? left + 1 : left;
            if (_items[i].Deadline <= _items[least].Deadline)
            {
                return;
            }
            Swap(i, least);
            i = least;
        }
    }

    private void Swap(int a, int b)
    {
        (_items[a], _items[b]) = (_items[b], _items[a]);
        _items[a].TimerIndex = a;
        _items[b].TimerIndex = b;
    }
}
