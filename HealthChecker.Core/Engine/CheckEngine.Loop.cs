using System.Diagnostics;
using HealthChecker.Core.Polling;

namespace HealthChecker.Core.Engine;

/// <summary>The loop itself: hand-overs, refills, timers, then sleep in the poller until the next deadline or event.</summary>
public sealed partial class CheckEngine
{
    private void Run()
    {
        Exception? fault = null;
        try
        {
            WarmUp.Run();
            Loop();
        }
        catch (Exception e)
        {
            // A broken poller or a bug: stop, and fail every waiting caller with the cause instead of hanging them.
            fault = e;
            _stopping = true;
        }
        Shutdown(fault);
    }

    private void Loop()
    {
        var ready = new PolledEvent[1024];
        while (!_stopping)
        {
            Volatile.Write(ref _wakePending, 0);
            while (_inbox.TryDequeue(out var work))
            {
                work();
            }
            RefillBatches();
            long now = Now();
            while (_timers.PopDue(now) is { } due)
            {
                due.Expire();
            }
            RefillBatches();
            int n = _poller.Wait(ready, _inbox.IsEmpty ? MillisecondsUntil(_timers.EarliestDeadline, Now()) : 0);
            Interlocked.Increment(ref _loopWakeups);
            for (int i = 0; i < n; i++)
            {
                int fd = ready[i].Fd;
                if (fd == _signal.Fd)
                {
                    _signal.Drain();
                }
                else if (fd < _byFd.Length && _byFd[fd] is { } check)
                {
                    check.Connection.HandleEvents(ready[i].Events);
                }
            }
        }
    }

    private void RefillBatches()
    {
        // Refills run after event dispatch, so a new socket never reuses an fd still listed in this round's events.
        for (int i = 0; i < _refills.Count; i++)
        {
            var batch = _refills[i];
            batch.AwaitingRefill = false;
            batch.Refill();
            if (batch.IsComplete)
            {
                _batches.Remove(batch);
            }
        }
        _refills.Clear();
    }

    private static int MillisecondsUntil(long deadline, long now)
    {
        if (deadline == long.MaxValue)
        {
            return -1;
        }
        long ticks = deadline - now;
        if (ticks <= 0)
        {
            return 0;
        }
        // Round up: waking a little early would only spin on a timer not yet due.
        long ms = ((ticks * 1000) + Stopwatch.Frequency - 1) / Stopwatch.Frequency;
        return (int)Math.Min(ms, int.MaxValue);
    }

    private void Shutdown(Exception? fault)
    {
        // Hand-overs that raced with Dispose still register their batches, so that they are abandoned, not lost.
        while (_inbox.TryDequeue(out var work))
        {
            work();
        }
        foreach (var check in _byFd)
        {
            try
            {
                check?.Connection.Close();
            }
            catch (Exception) when (fault is not null)
            {
                // The poller already failed; the fd itself is what must not leak.
            }
        }
        foreach (var batch in _batches)
        {
            batch.Abandon(fault);
        }
        _batches.Clear();
        lock (_signal)
        {
            _stopping = true;
            Fault = fault;
            _poller.Dispose();
            _signal.Dispose();
        }
    }
}
