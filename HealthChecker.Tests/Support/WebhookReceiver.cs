using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using HealthChecker.Testing;

namespace HealthChecker.Tests.Support;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (HttpListener): records every POST it gets, answers each with the next scripted
/// status (then 200), and can be stopped (connections refused) and started again on the same port.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly ConcurrentQueue<int> _answers = new();
    private readonly ConcurrentQueue<ReceivedHook> _received = new();
    private HttpListener? _listener;

    public WebhookReceiver(params int[] answers)
    {
        Port = LoopbackPorts.Free();
        foreach (var status in answers)
        {
            _answers.Enqueue(status);
        }

        Start();
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/hook");

    /// <summary>Every request, answered 2xx or not, in arrival order.</summary>
    public IReadOnlyList<ReceivedHook> Received => [.. _received];

    /// <summary>The requests answered 2xx.</summary>
    public IReadOnlyList<ReceivedHook> Accepted => [.. _received.Where(r => r.Status is >= 200 and < 300)];

    public void Start()
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _listener = listener;
        _ = Task.Run(() => ServeAsync(listener));
    }

    public void Stop()
    {
        _listener?.Close();
        _listener = null;
    }

    public void Dispose() => Stop();

    /// <summary>Waits (bounded) until the received requests satisfy the condition.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<ReceivedHook>, bool> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (condition(Received))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The receiver never saw {what}; it got {Received.Count} requests");
    }

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var status = _answers.TryDequeue(out var scripted) ? scripted : 200;
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            _received.Enqueue(new ReceivedHook(status, headers, body));
            context.Response.StatusCode = status;
            await using (var writer = new StreamWriter(context.Response.OutputStream))
            {
                await writer.WriteAsync(status >= 300 ? $"answer {status}" : "ok");
            }

            context.Response.Close();
        }
    }
}

/// <summary>One request a <see cref="WebhookReceiver"/> got, and the status it answered.</summary>
internal sealed record ReceivedHook(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string MessageId => Json.GetProperty("messageId").GetString()!;

    public string PayloadStatus => Json.GetProperty("status").GetString()!;

    public IReadOnlyList<JsonElement> Alerts => [.. Json.GetProperty("alerts").EnumerateArray()];

    public IReadOnlyList<string> Targets => [.. Alerts.Select(a => a.GetProperty("labels").GetProperty("target").GetString()!)];
}
