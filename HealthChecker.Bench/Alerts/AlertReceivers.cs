using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using HealthChecker.Testing;

namespace HealthChecker.Bench.Alerts;

/// <summary>One message a receiver took: where (a webhook path, or "smtp"), when it arrived, and what it listed.</summary>
internal sealed record ReceivedAlert(string Where, DateTimeOffset At, string Status, int Listed, int Truncated, int ListedResolved, string Title)
{
    /// <summary>The alerts the message stands for: listed, plus those a payload left out.</summary>
    public int Alerts => Listed + Truncated;
}

/// <summary>
/// A webhook receiver on 127.0.0.1 (HttpListener), answering 200 to every POST and recording, by path, when each
/// message arrived, its status and how many alerts it listed (Alertmanager's webhook format, which HealthChecker's
/// webhook channel speaks too).
/// </summary>
internal sealed class HookReceiver : IDisposable
{
    private readonly ConcurrentQueue<ReceivedAlert> _received = new();
    private readonly HttpListener _listener = new();

    public HookReceiver()
    {
        Port = LoopbackPorts.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}/{path}");

    public IReadOnlyList<ReceivedAlert> At(string path) => [.. _received.Where(r => r.Where == path)];

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            // Arrival is when the request is read, before parsing: the receiver's own work is not counted.
            var at = DateTimeOffset.UtcNow;
            try
            {
                using var json = await JsonDocument.ParseAsync(context.Request.InputStream).ConfigureAwait(false);
                var root = json.RootElement;
                int truncated = root.TryGetProperty("truncatedAlerts", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 0;
                _received.Enqueue(new ReceivedAlert(
                    context.Request.Url!.AbsolutePath.Trim('/'), at, root.GetProperty("status").GetString() ?? "",
                    root.GetProperty("alerts").GetArrayLength(), truncated,
                    root.GetProperty("alerts").EnumerateArray().Count(a => a.TryGetProperty("status", out var st) && st.GetString() == "resolved"), ""));
                context.Response.StatusCode = 200;
            }
            catch (JsonException)
            {
                context.Response.StatusCode = 400;
            }

            context.Response.Close();
        }
    }
}
