using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace HealthChecker.Bench.Dashboard;

/// <summary>
/// A full, blocking GC in another .NET process, asked for over its diagnostics port the way heap-dump tools do:
/// an EventPipe session with the runtime provider's GCHeapCollect keyword makes the runtime collect at once.
/// </summary>
internal static class RemoteGc
{
    private const long GCHeapCollect = 0x800000;

    public static async Task CollectAsync(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GCHeapCollect);
        using var session = await client.StartEventPipeSessionAsync([provider], requestRundown: false, circularBufferMB: 16, CancellationToken.None)
            .ConfigureAwait(false);
        // The session's events are not needed, but the stream must be read for the runtime to make progress.
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await session.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await drain.ConfigureAwait(false);
    }
}
