using System.Globalization;
using System.Net;
using System.Text;
using HealthChecker.Tests.Web.Support;
using static HealthChecker.Tests.Web.Support.MonitorProbe;

namespace HealthChecker.Tests.Web.Monitoring;

/// <summary>The app gives back the memory of targets it no longer runs, without anyone forcing a collection.</summary>
public sealed class MemoryReturnTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 300_000)]
    public async Task After_many_targets_are_deleted_the_managed_heap_falls_back_near_its_size_before_the_import()
    {
        using var admin = api.Admin();
        using var anonymous = api.Anonymous();
        await EventuallyAsync(async () => (await StatusAsync(anonymous)).GetProperty("engineRunning").GetBoolean(), "the engine runs");
        var before = await HeapBytesAsync(anonymous);

        var file = new StringBuilder("targets:\n");
        for (var i = 0; i < 20_000; i++)
        {
            file.Append(CultureInfo.InvariantCulture, $"  - name: heap-{i % 50}/t{i:D5}\n    check: tcp://127.0.0.1:{1024 + (i % 5000)}\n    enabled: false\n");
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/targets/import", new StringContent(file.ToString(), Encoding.UTF8, "application/yaml"))).StatusCode);
        await EventuallyAsync(async () => (await StatusAsync(anonymous)).GetProperty("counts").GetProperty("targets").GetInt32() >= 20_000, "20 000 targets scheduled", 180);
        var loaded = await HeapBytesAsync(anonymous);
        Assert.True(loaded > before + (20L << 20), $"the targets take memory: {before >> 20} MB before, {loaded >> 20} MB loaded");

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/targets/import?replace=true", new StringContent("targets: []\n", Encoding.UTF8, "application/yaml"))).StatusCode);
        await EventuallyAsync(async () => (await StatusAsync(anonymous)).GetProperty("counts").GetProperty("targets").GetInt32() == 0, "every target unscheduled", 180);

        var bound = before + ((loaded - before) / 4);
        var until = DateTime.UtcNow.AddSeconds(60);
        long now;
        while ((now = await HeapBytesAsync(anonymous)) >= bound && DateTime.UtcNow < until)
        {
            await Task.Delay(500);
        }

        Assert.True(now < bound, $"the heap is not back under {bound >> 20} MB 60 s after the delete: {before >> 20} MB before the import, {loaded >> 20} MB loaded, {now >> 20} MB now");
    }

    // GC.GetTotalMemory as /metrics exports it: live objects plus garbage not collected yet.
    private static async Task<long> HeapBytesAsync(HttpClient client)
    {
        var samples = ParsePrometheus(await client.GetStringAsync("metrics"));
        return (long)samples.Single(s => s.Name == "dotnet_total_memory_bytes").Value;
    }
}
