using System.Diagnostics;

namespace HealthChecker.Testing;

/// <summary>
/// The built HealthChecker.Web.dll run as a child process in its own throwaway folder (so it starts its own
/// embedded PostgreSQL in a data directory inside): its output as it comes, its start, and its stop with SIGTERM.
/// </summary>
public sealed class WebAppChild : IAsyncDisposable
{
    // Settings a developer's shell may hold that would point the child at another database, address or password.
    private static readonly string[] Inherited = ["HC_DATABASE", "HC_URLS", "HC_ADMIN_PASSWORD", "HC_REQUIRE_LOGIN", "HC_ALLOWED_ORIGINS", "ConnectionStrings__HealthChecker", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT",
        "HC_CLUSTER_ID", "HC_SILO_PORT", "HC_GATEWAY_PORT", "HC_ADVERTISED_ADDRESS", "HC_NODE_NAME"];
    private static readonly TimeSpan DisposeStopLimit = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly int _keptLines;
    private readonly TextWriter? _log;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebAppChild(Process process, string root, int keptLines, TextWriter? log)
    {
        _process = process;
        Root = root;
        _keptLines = keptLines;
        _log = log;
    }

    /// <summary>The throwaway folder: the app's working directory, with the data directory inside; deleted on dispose.</summary>
    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the app wrote to stdout and stderr (all of them unless a limit was given).</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="dll"/> with <paramref name="arguments"/> and <paramref name="environment"/> (the HC_* settings of
    /// this process are not inherited) in a new folder under the temporary directory named after <paramref name="folderPrefix"/>.
    /// Keeps the last <paramref name="keptLines"/> lines of output in memory and writes every line to <paramref name="log"/>, if any.
    /// </summary>
    public static WebAppChild Launch(string dll, string folderPrefix, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, int keptLines = int.MaxValue, TextWriter? log = null)
    {
        // Not Directory.CreateTempSubdirectory: its mode 0700 would keep the postgres user (the app runs the cluster as postgres under root) out.
        var root = Path.Combine(Path.GetTempPath(), $"{folderPrefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var inherited in Inherited)
        {
            info.Environment.Remove(inherited);
        }

        info.Environment["HC_DATA_DIR"] = Path.Combine(root, "data");
        // Its own silo and gateway ports, so that apps started side by side (tests in parallel) do not fight over the defaults.
        info.Environment["HC_SILO_PORT"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["HC_GATEWAY_PORT"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var app = new WebAppChild(process, root, keptLines, log);
        process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        process.Exited += (_, _) => app._started.TrySetException(new InvalidOperationException($"The web app exited during start-up:\n{app.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Waits until the app serves requests; throws if it exits first or does not start within <paramref name="limit"/>.</summary>
    public async Task WaitUntilStartedAsync(TimeSpan limit)
    {
        try
        {
            await _started.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The web app did not start within {limit}:\n{Output}");
        }
    }

    /// <summary>Waits for the app to exit on its own; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The web app did not exit within {limit}:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (as systemd or docker stop would) and waits for the exit; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan limit)
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.SigTerm);
        }

        return await WaitForExitAsync(limit).ConfigureAwait(false);
    }

    /// <summary>Kills the app and everything it started, and waits for the exit.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Stopped gracefully even after a failure, so that the cluster goes down with the app.
            Signals.TrySend(_process.Id, Signals.SigTerm);
            using var limit = new CancellationTokenSource(DisposeStopLimit);
            try
            {
                await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
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
            // Best effort: a leftover temporary folder is no reason to fail a run.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _log?.WriteLine(line);
            _lines.Enqueue(line);
            if (_lines.Count > _keptLines)
            {
                _lines.Dequeue();
            }
        }

        // Logged by the host once Kestrel listens and every hosted service (the database first) has started.
        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }
}
