using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace HealthChecker.Cli;

/// <summary>Log events as one timestamped line each on a writer (stdout), flushed so a pipe reader sees them at once.</summary>
internal sealed class LineSink(TextWriter output) : ILogEventSink
{
    private readonly MessageTemplateTextFormatter _format = new("{Timestamp:HH:mm:ss} {Message:lj}{NewLine}", CultureInfo.InvariantCulture);

    public void Emit(LogEvent logEvent)
    {
        // Events come from several loop threads; one line must not interleave with another.
        lock (output)
        {
            _format.Format(logEvent, output);
            output.Flush();
        }
    }
}
