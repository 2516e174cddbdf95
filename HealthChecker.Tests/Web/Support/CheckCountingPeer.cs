using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace HealthChecker.Tests.Web.Support;

/// <summary>
/// An HTTP server on loopback that answers every request 200 and records, per path, when each request arrived: HTTP
/// targets <c>http://127.0.0.1:PORT/t/NAME</c> make it a record of each target's checks, whichever node made them.
/// </summary>
public sealed class CheckCountingPeer : IDisposable
{
    private static readonly byte[] Answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();

    private readonly LoopbackListener _listener;
    private readonly Dictionary<string, List<long>> _checks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public CheckCountingPeer() => _listener = new LoopbackListener(512, socket => _ = AnswerAsync(socket));

    public int Port => _listener.Port;

    /// <summary>The check URL of target <paramref name="name"/>.</summary>
    public string UrlOf(string name) => $"http://127.0.0.1:{Port}/t/{name}";

    /// <summary>A point in time on the peer's clock (<see cref="Stopwatch"/> ticks), to split the checks before and after an event.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Seconds between two points of <see cref="Now"/>.</summary>
    public static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;

    /// <summary>The arrival times of each target's checks, by name, oldest first.</summary>
    public IReadOnlyDictionary<string, long[]> Checks()
    {
        lock (_checks)
        {
            return _checks.ToDictionary(c => c.Key, c => c.Value.ToArray(), StringComparer.Ordinal);
        }
    }

    /// <summary>The checks of <paramref name="name"/> that arrived after <paramref name="since"/>.</summary>
    public int CountSince(string name, long since)
    {
        lock (_checks)
        {
            return _checks.TryGetValue(name, out var times) ? times.Count(t => t > since) : 0;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Dispose();
        _stopping.Dispose();
    }

    private async Task AnswerAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                var seen = new StringBuilder();
                var buffer = new byte[4096];
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                limit.CancelAfter(TimeSpan.FromSeconds(30));
                while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && seen.Length < 65_536)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                Record(seen.ToString());
                await socket.SendAsync(Answer, SocketFlags.None, limit.Token);
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // A check that gave up or a stop: nothing to answer.
            }
        }
    }

    private void Record(string request)
    {
        var at = Now();
        // "GET /t/NAME HTTP/1.1": the path names the target.
        var parts = request.Split(' ', 3);
        if (parts.Length < 2 || !parts[1].StartsWith("/t/", StringComparison.Ordinal))
        {
            return;
        }

        var name = parts[1]["/t/".Length..];
        lock (_checks)
        {
            if (!_checks.TryGetValue(name, out var times))
            {
                _checks[name] = times = [];
            }

            times.Add(at);
        }
    }
}
