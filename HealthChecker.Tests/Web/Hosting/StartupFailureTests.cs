using System.Net;
using System.Net.Sockets;
using HealthChecker.Tests.Web.Support;
using Xunit.Abstractions;
using HealthChecker.Testing;

namespace HealthChecker.Tests.Web.Hosting;

/// <summary>A start that cannot work ends with one fatal line, no stack trace, exit code 1, and no cluster left.</summary>
public sealed class StartupFailureTests(ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task Unreachable_database_is_one_fatal_line_and_exit_code_1()
    {
        // A port nobody listens on: the connection is refused at once.
        var closedPort = LoopbackPorts.Free();
        await using var app = WebAppProcess.Launch(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = $"Host=127.0.0.1;Port={closedPort};Username=healthchecker;Database=healthchecker;Timeout=5",
        });

        var exitCode = await app.WaitForExitAsync();
        output.WriteLine(app.Output);

        Assert.Equal(1, exitCode);
        AssertOneFatalLineAndNoStackTrace(app.Output);
    }

    [Fact(Timeout = 180_000)]
    public async Task Port_in_use_is_one_fatal_line_exit_code_1_and_the_embedded_cluster_is_stopped()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        await using var app = WebAppProcess.Launch(new Dictionary<string, string>(), new Uri($"http://127.0.0.1:{port}/"));

        var exitCode = await app.WaitForExitAsync();
        output.WriteLine(app.Output);

        Assert.Equal(1, exitCode);
        var fatal = AssertOneFatalLineAndNoStackTrace(app.Output);
        Assert.Contains("address already in use", fatal, StringComparison.Ordinal);
        Assert.Empty(app.PostgresProcesses());
    }

    [Fact(Timeout = 180_000)]
    public async Task A_silo_port_in_use_is_one_fatal_line_naming_HC_SILO_PORT_and_exit_code_1()
    {
        // Another node's silo on this port (Orleans binds with address reuse, so a second silo would share it unnoticed).
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        await using var app = WebAppProcess.Launch(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = await HealthChecker.Tests.Support.TestDatabase.CreateEmptyAsync(),
            ["HC_SILO_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var exitCode = await app.WaitForExitAsync();
        output.WriteLine(app.Output);

        Assert.Equal(1, exitCode);
        var fatal = AssertOneFatalLineAndNoStackTrace(app.Output);
        Assert.Contains($"HC_SILO_PORT {port}", fatal, StringComparison.Ordinal);
        Assert.Contains("in use", fatal, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task A_malformed_HC_ALLOWED_ORIGINS_is_one_fatal_line_naming_the_setting_and_the_entry()
    {
        await using var app = WebAppProcess.Launch(new Dictionary<string, string>
        {
            ["HC_DATABASE"] = await HealthChecker.Tests.Support.TestDatabase.CreateEmptyAsync(),
            ["HC_ALLOWED_ORIGINS"] = "https://monitor.example.com, monitor.example.com/path",
        });

        var exitCode = await app.WaitForExitAsync();
        output.WriteLine(app.Output);

        Assert.Equal(1, exitCode);
        var fatal = AssertOneFatalLineAndNoStackTrace(app.Output);
        Assert.Contains("HC_ALLOWED_ORIGINS", fatal, StringComparison.Ordinal);
        Assert.Contains("'monitor.example.com/path' is not an origin", fatal, StringComparison.Ordinal);
    }

    private static string AssertOneFatalLineAndNoStackTrace(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Exception:", StringComparison.Ordinal));
        return Assert.Single(lines, line => line.Contains(" FTL] ", StringComparison.Ordinal));
    }
}
