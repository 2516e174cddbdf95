using Serilog;
using Serilog.Events;

namespace HealthChecker.Web.Hosting;

public static class LoggingExtensions
{
    /// <summary>Serilog to the console for everything (ASP.NET Core included); levels come from the "Serilog" section.</summary>
    public static WebApplicationBuilder AddHealthCheckerLogging(this WebApplicationBuilder builder)
    {
        Log.Logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            // RunHealthCheckerAsync reports a failed start in one line; the host's own report is a stack trace.
            .Filter.ByExcluding(IsHostStartupFault)
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        builder.Services.AddSingleton(Log.Logger);
        return builder;
    }

    private static bool IsHostStartupFault(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("EventId", out var eventId)
        && eventId is StructureValue structure
        && structure.Properties.Any(p => p.Name == "Name" && p.Value is ScalarValue { Value: "HostedServiceStartupFaulted" });
}
