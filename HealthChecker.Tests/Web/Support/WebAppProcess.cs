using HealthChecker.Testing;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Web.Support;

/// <summary>
/// The built HealthChecker.Web.dll run as a child process on a free loopback port, with its own
/// throwaway data directory (so it starts its own embedded PostgreSQL), stopped with SIGTERM.
/// </summary>
public sealed class WebAppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopLimit = TimeSpan.FromMinutes(1);

    private readonly WebAppChild _child;

    private WebAppProcess(WebAppChild child, Uri baseUrl)
    {
        _child = child;
        BaseUrl = baseUrl;
    }

    /// <summary>The throwaway folder: the app's working directory, with the data directory inside.</summary>
    public string Root => _child.Root;

    public string DataDirectory => _child.DataDirectory;

    public Uri BaseUrl { get; }

    public int Pid => _child.Pid;

    /// <summary>Everything the app wrote to stdout and stderr so far.</summary>
    public string Output => _child.Output;

    /// <summary>Starts the app and waits until it serves requests.</summary>
    public static Task<WebAppProcess> StartAsync() => StartAsync(new Dictionary<string, string>());

    /// <summary>Starts the app with these environment variables (HC_DATABASE, HC_ADMIN_PASSWORD...) and waits until it serves requests.</summary>
    public static async Task<WebAppProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var app = Launch(environment);
        try
        {
            await app._child.WaitUntilStartedAsync(StartLimit);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>
    /// Starts the app without waiting for it, with its own data directory and a free port unless
    /// <paramref name="environment"/> or <paramref name="urls"/> say otherwise.
    /// </summary>
    public static WebAppProcess Launch(IReadOnlyDictionary<string, string> environment, Uri? urls = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "HealthChecker.Web.dll");
        Assert.True(File.Exists(dll), $"The web app is not built beside the tests: {dll}");
        var baseUrl = urls ?? new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var child = WebAppChild.Launch(dll, "hc-web", ["--urls", baseUrl.ToString().TrimEnd('/')], environment);
        return new WebAppProcess(child, baseUrl);
    }

    /// <summary>Waits for the app to exit on its own; returns the exit code.</summary>
    public Task<int> WaitForExitAsync() => _child.WaitForExitAsync(StartLimit);

    /// <summary>Sends SIGTERM (as systemd or docker stop would) and waits for the exit; returns the exit code.</summary>
    public Task<int> StopAsync() => _child.StopAsync(StopLimit);

    /// <summary>Kills the app with SIGKILL (kill -9: nothing is flushed, nothing stops gracefully) and waits for the exit.</summary>
    public Task KillAsync() => _child.KillAsync();

    /// <summary>The pids of postmaster processes whose command line names this app's data directory.</summary>
    public IReadOnlyList<int> PostgresProcesses() =>
        Processes.WithCommandLineContaining("postgres", DataDirectory);

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
