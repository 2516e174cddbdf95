using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Targets;

public sealed class TargetsFileWriterTests
{
    private const string EveryOption = """
        targets:
          - name: infra/postgres
            check: tcp://127.0.0.1:5432
            start: down
          - name: mail/smtp
            check: tls://[::1]:465
            steps:
              - expect: "220"
              - send: "QUIT\r\n"
              - send-hex: "0d0a"
              - expect: "5"
                not: true
            tls:
              verify: false
              server-name: mail.test
          - name: web/app
            check: https://app.test:8443/healthz?full=1
            http:
              method: HEAD
              host: app.test
              status: 200-299,301
              body: "ok\r\n"
            tls:
              expiry-days: 14
            inter: 1m
            connect-timeout: 800ms
            spread: 20
            enabled: false
        """;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task One_target_at_a_time_writes_the_same_text_as_the_whole_file_and_it_reads_back(int count)
    {
        var parsed = TargetsFile.Parse(EveryOption);
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        var targets = parsed.Targets.Take(count).ToList();

        await using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var writer = new TargetsFileWriter(text);
        foreach (var target in targets)
        {
            await writer.WriteAsync(target);
        }

        await writer.EndAsync();

        Assert.Equal(TargetsFile.Write(targets), text.ToString());
        var back = TargetsFile.Parse(text.ToString());
        Assert.True(back.Ok, string.Join("\n", back.Errors));
        Assert.Equal(targets, back.Targets);
    }
}
