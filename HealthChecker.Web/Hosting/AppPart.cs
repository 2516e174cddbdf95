namespace HealthChecker.Web.Hosting;

/// <summary>
/// One part of <see cref="AppParts"/> that stops once: by the host, or through the container's disposal when a later part
/// failed to start. Told when the whole host has started, for work that must wait for the web server.
/// </summary>
public abstract class AppPart : IHostedLifecycleService, IAsyncDisposable
{
    private int _stopped;

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public virtual Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => StopOnceAsync();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await StopOnceAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops what <see cref="StartAsync"/> started, as far as it got; called once.</summary>
    protected abstract Task StopPartAsync();

    private Task StopOnceAsync() => Interlocked.Exchange(ref _stopped, 1) == 1 ? Task.CompletedTask : StopPartAsync();
}
