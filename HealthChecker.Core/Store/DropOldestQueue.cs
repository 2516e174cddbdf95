namespace HealthChecker.Core.Store;

/// <summary>
/// A FIFO of at most <see cref="Capacity"/> items that makes room by dropping its oldest ones.
/// Items taken for a write that failed go back to the front, oldest first, so that the order and
/// the drop-oldest rule hold across retries. Not thread-safe: the owner locks.
/// </summary>
internal sealed class DropOldestQueue<T>
{
    private T[] _items;
    private int _head;

    public DropOldestQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        // Grows on demand: a million-row buffer costs memory only while the database is away.
        _items = new T[Math.Min(capacity, 1024)];
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    /// <summary>Adds at the back; returns how many of the oldest were dropped to make room (0 or 1).</summary>
    public int Enqueue(in T item)
    {
        var dropped = 0;
        if (Count == Capacity)
        {
            DropFront(1);
            dropped = 1;
        }

        Grow(Count + 1);
        _items[(_head + Count) % _items.Length] = item;
        Count++;
        return dropped;
    }

    /// <summary>Moves up to <paramref name="max"/> items from the front into <paramref name="into"/>.</summary>
    public void TakeFront(List<T> into, int max)
    {
        var n = Math.Min(max, Count);
        for (var i = 0; i < n; i++)
        {
            into.Add(_items[(_head + i) % _items.Length]);
        }

        DropFront(n);
    }

    /// <summary>Drops everything queued.</summary>
    public void Clear()
    {
        if (Count > 0)
        {
            DropFront(Count);
        }
    }

    /// <summary>
    /// Puts <paramref name="items"/> (older than everything queued) back at the front; returns how many
    /// of them were dropped because the queue would exceed its capacity.
    /// </summary>
    public int ReturnFront(IReadOnlyList<T> items)
    {
        var room = Capacity - Count;
        var dropped = Math.Max(0, items.Count - room);
        var kept = items.Count - dropped;
        Grow(Count + kept);
        for (var i = items.Count - 1; i >= dropped; i--)
        {
            _head = (_head - 1 + _items.Length) % _items.Length;
            _items[_head] = items[i];
        }

        Count += kept;
        return dropped;
    }

    private void DropFront(int n)
    {
        for (var i = 0; i < n; i++)
        {
            _items[(_head + i) % _items.Length] = default!;
        }

        _head = (_head + n) % _items.Length;
        Count -= n;
    }

    private void Grow(int needed)
    {
        if (needed <= _items.Length)
        {
            return;
        }

        var bigger = new T[(int)Math.Min(Capacity, Math.Max(needed, 2L * _items.Length))];
        for (var i = 0; i < Count; i++)
        {
            bigger[i] = _items[(_head + i) % _items.Length];
        }

        _items = bigger;
        _head = 0;
    }
}
