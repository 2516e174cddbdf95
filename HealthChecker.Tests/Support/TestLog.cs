using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace HealthChecker.Tests.Support;

internal static class TestLog
{
    public static ILogger Silent => Logger.None;

    /// <summary>A logger that keeps every event, for tests that pin what was logged.</summary>
    public static (ILogger Logger, CollectingSink Sink) Collecting()
    {
        var sink = new CollectingSink();
        return (new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger(), sink);
    }
}

internal sealed class CollectingSink : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_events)
        {
            _events.Add(logEvent);
        }
    }
}
