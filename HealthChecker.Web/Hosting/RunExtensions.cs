using Serilog;

namespace HealthChecker.Web.Hosting;

public static class RunExtensions
{
    /// <summary>
    /// Starts the app and waits for Ctrl-C or SIGTERM. A failed start (database, port, URL) is
    /// one fatal log line and exit code 1; the database and its embedded cluster are closed either way.
    /// </summary>
    public static async Task<int> RunHealthCheckerAsync(this WebApplication app)
    {
        try
        {
            try
            {
                await app.StartAsync();
            }
            catch (OperationCanceledException)
            {
                Log.Warning("Start-up cancelled");
                return 1;
            }
            catch (Exception e)
            {
                Log.Fatal("HealthChecker cannot start: {Reason}", StartupFailure.Describe(e));
                Log.Debug(e, "Start-up failure in detail");
                return 1;
            }

            await app.WaitForShutdownAsync();
            return 0;
        }
        finally
        {
            await app.DisposeAsync();
            await Log.CloseAndFlushAsync();
        }
    }
}
