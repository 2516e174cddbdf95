namespace HealthChecker.Web.Hosting;

/// <summary>
/// Runs a check among the hosted services, before the server builds its pipeline: a setting that cannot work then stops
/// the start with one line (the host would log a pipeline failure with its stack trace).
/// </summary>
public sealed class StartupCheck(Action check) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        check();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
