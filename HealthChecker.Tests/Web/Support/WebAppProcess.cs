using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace HealthChecker.Tests.Web.Support;

/// <summary>
/// The built HealthChecker.Web.dll run as a child process on a free loopback port, with its own
/// throwaway data directory (so it starts its own embedded PostgreSQL), stopped with SIGTERM.
/// </summary>
public sealed partial class WebAppProcess : IAsyncDisposable
{
    private const int SIGTERM = 15;
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopLimit = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebAppProcess(Process process, string root, Uri baseUrl)
    {
        _process = process;
        Root = root;
        BaseUrl = baseUrl;
    }

    /// <summary>The throwaway folder: the app's working directory, with the data directory inside.</summary>
    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public Uri BaseUrl { get; }

    /// <summary>Everything the app wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the app and waits until it serves requests.</summary>
    public static Task<WebAppProcess> StartAsync() => StartAsync(new Dictionary<string, string>());

    /// <summary>Starts the app with these environment variables (HC_DATABASE, HC_ADMIN_PASSWORD...) and waits until it serves requests.</summary>
    public static async Task<WebAppProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var app = Launch(environment);
        try
        {
            await app._started.Task.WaitAsync(StartLimit);
        }
        catch (TimeoutException)
        {
            await app.DisposeAsync();
            throw new TimeoutException($"The web app did not start within {StartLimit}:\n{app.Output}");
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

        // Not Directory.CreateTempSubdirectory: its mode 0700 would keep the postgres user (the app runs the cluster as postgres under root) out.
        var root = Path.Combine(Path.GetTempPath(), $"hc-web-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var baseUrl = urls ?? new Uri($"http://127.0.0.1:{FreePort()}/");

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseUrl.ToString().TrimEnd('/'));
        foreach (var inherited in new[] { "HC_DATABASE", "HC_URLS", "HC_ADMIN_PASSWORD", "HC_REQUIRE_LOGIN", "HC_ALLOWED_ORIGINS", "ConnectionStrings__HealthChecker", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            info.Environment.Remove(inherited);
        }

        info.Environment["HC_DATA_DIR"] = Path.Combine(root, "data");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var app = new WebAppProcess(process, root, baseUrl);
        process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        process.Exited += (_, _) => app._started.TrySetException(new InvalidOperationException($"The web app exited during start-up:\n{app.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits for the app to exit on its own; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var limit = new CancellationTokenSource(StartLimit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The web app did not exit within {StartLimit}:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (as systemd or docker stop would) and waits for the exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            Assert.Equal(0, kill(_process.Id, SIGTERM));
        }

        using var limit = new CancellationTokenSource(StopLimit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The web app did not exit within {StopLimit} of SIGTERM:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>The pids of postmaster processes whose command line names this app's data directory.</summary>
    public IReadOnlyList<int> PostgresProcesses()
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // the process ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains("postgres", StringComparison.Ordinal) && commandLine.Contains(DataDirectory, StringComparison.Ordinal))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A test that failed before StopAsync: still stop gracefully so the cluster goes down with the app.
            kill(_process.Id, SIGTERM);
            using var limit = new CancellationTokenSource(StopLimit);
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder is no reason to fail a test.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        // Logged by the host once Kestrel listens and every hosted service (the database first) has started.
        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
