using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace HealthChecker.Bench.Cluster;

/// <summary>
/// The parent's end of the <see cref="TargetListeners"/> processes: as many as the open-file limit needs, each with a
/// slice of the targets. Gives each target's endpoint, and the record of connections accepted, per target index.
/// </summary>
internal sealed class PeerGroup : IDisposable
{
    // Room in each peer process for the runtime's own files beside its listeners.
    private const int SpareFiles = 500;

    private readonly List<Process> _processes;
    private readonly IPEndPoint[] _endpoints;

    private PeerGroup(List<Process> processes, IPEndPoint[] endpoints)
    {
        _processes = processes;
        _endpoints = endpoints;
    }

    public IReadOnlyList<IPEndPoint> Endpoints => _endpoints;

    public IEnumerable<int> Pids => _processes.Select(p => p.Id);

    /// <summary>Starts the peer processes for <paramref name="targets"/> listeners, <paramref name="ports"/> ports from <paramref name="portBase"/> per address.</summary>
    public static PeerGroup Start(int targets, int ports, int portBase)
    {
        int perProcess = (int)Math.Max(1, Math.Min(targets, FileLimit.Raise() - SpareFiles));
        var processes = new List<Process>();
        var endpoints = new IPEndPoint[targets];
        for (int first = 0; first < targets; first += perProcess)
        {
            int count = Math.Min(perProcess, targets - first);
            var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "HealthChecker.Bench"),
                ["cluster-peers", "--first", Text(first), "--count", Text(count), "--ports", Text(ports), "--port-base", Text(portBase)])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the peers");
            processes.Add(process);
            while (process.StandardOutput.ReadLine() is { } line && line != "ready")
            {
                var parts = line.Split(' ');
                endpoints[int.Parse(parts[0], CultureInfo.InvariantCulture)] = new IPEndPoint(IPAddress.Parse(parts[1]), int.Parse(parts[2], CultureInfo.InvariantCulture));
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"a peer process ended during its start (exit code {process.ExitCode})");
            }
        }

        return new PeerGroup(processes, endpoints);
    }

    /// <summary>Forgets the connections recorded so far.</summary>
    public async Task ClearAsync()
    {
        foreach (var process in _processes)
        {
            await AskAsync(process, "clear", "cleared").ConfigureAwait(false);
        }
    }

    /// <summary>The recorded connection times (<see cref="Stopwatch.GetTimestamp"/>) of each target, by its index, oldest first.</summary>
    public async Task<long[][]> RecordAsync()
    {
        var record = new long[_endpoints.Length][];
        foreach (var process in _processes)
        {
            var path = Path.Combine(Path.GetTempPath(), $"hc-clusterbench-{process.Id}.record");
            await AskAsync(process, $"dump {path}", "dumped").ConfigureAwait(false);
            using (var reader = new BinaryReader(File.OpenRead(path)))
            {
                while (reader.BaseStream.Position < reader.BaseStream.Length)
                {
                    int index = reader.ReadInt32();
                    var times = new long[reader.ReadInt32()];
                    for (int i = 0; i < times.Length; i++)
                    {
                        times[i] = reader.ReadInt64();
                    }

                    record[index] = times;
                }
            }

            File.Delete(path);
        }

        return record;
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill();
            }

            process.Dispose();
        }
    }

    private static async Task<string> AskAsync(Process process, string command, string? expected)
    {
        await process.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await process.StandardInput.FlushAsync().ConfigureAwait(false);
        var answer = await process.StandardOutput.ReadLineAsync().ConfigureAwait(false);
        return answer is not null && (expected is null || answer == expected)
            ? answer
            : throw new InvalidOperationException($"the peer process answered '{answer}' to '{command}'");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
