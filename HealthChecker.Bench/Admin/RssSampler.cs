using HealthChecker.Bench.Dashboard;

namespace HealthChecker.Bench.Admin;

/// <summary>
/// The highest resident set of a process while something runs: its <c>VmHWM</c> after the high-water mark was reset
/// (<c>/proc/pid/clear_refs</c>), and VmRSS sampled every 20 ms as a check where the reset is not allowed.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly bool _hwmReset;
    private long _maxKb;

    private RssSampler(int pid, bool hwmReset)
    {
        _pid = pid;
        _hwmReset = hwmReset;
        _sampling = Task.Run(SampleAsync);
    }

    public static RssSampler Start(int pid)
    {
        try
        {
            // 5: reset the peak resident set size ("VmHWM") to the current one.
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return new RssSampler(pid, hwmReset: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not allowed here: the sampled maximum stands alone (the mark would include the start-up).
            return new RssSampler(pid, hwmReset: false);
        }
    }

    /// <summary>The peak in MB since the start.</summary>
    public async Task<double> PeakMbAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampling.ConfigureAwait(false);
        return Math.Max(Interlocked.Read(ref _maxKb), _hwmReset ? ProcFs.StatusKb(_pid, "VmHWM") : 0) / 1024.0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampling.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var kb = ProcFs.StatusKb(_pid, "VmRSS");
            if (kb > Interlocked.Read(ref _maxKb))
            {
                Interlocked.Exchange(ref _maxKb, kb);
            }

            try
            {
                await Task.Delay(20, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
