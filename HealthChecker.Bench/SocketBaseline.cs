using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Bench;

/// <summary>
/// What a .NET developer would write without an engine: <see cref="Socket.ConnectAsync(EndPoint)"/>
/// per check, bounded by a semaphore, closed with RST like the engine does.
/// </summary>
internal static class SocketBaseline
{
    public static async Task<ConnectTally> RunAsync(IPEndPoint target, int checks, int inflight, TimeSpan timeout)
    {
        using var slots = new SemaphoreSlim(inflight);
        var tally = new ConnectTally();
        var tasks = new Task[checks];
        for (var i = 0; i < checks; i++)
        {
            await slots.WaitAsync().ConfigureAwait(false);
            tasks[i] = CheckAsync(target, timeout, tally, slots);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        return tally;
    }

    private static async Task CheckAsync(IPEndPoint target, TimeSpan timeout, ConnectTally tally, SemaphoreSlim slots)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.LingerState = new LingerOption(true, 0);
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await socket.ConnectAsync(target, cts.Token).ConfigureAwait(false);
                tally.Passed();
            }
            catch (SocketException)
            {
                tally.Failed();
            }
            catch (OperationCanceledException)
            {
                tally.Failed();
            }
        }
        finally
        {
            slots.Release();
        }
    }
}

internal sealed class ConnectTally
{
    private int _passed;
    private int _failed;

    public int PassedCount => _passed;

    public int FailedCount => _failed;

    public void Passed() => Interlocked.Increment(ref _passed);

    public void Failed() => Interlocked.Increment(ref _failed);
}
