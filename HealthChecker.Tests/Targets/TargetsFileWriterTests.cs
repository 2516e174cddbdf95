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
    [Fact]
    public async Task Targets_left_out_are_named_in_a_comment_at_the_top_and_the_file_still_reads_back()
    {
        var parsed = TargetsFile.Parse(EveryOption);
        await using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var writer = new TargetsFileWriter(text);

        await writer.WriteOmittedAsync([
            new OmittedTarget(7, "web/api", "options unreadable: $.steps is not of the stored shape"),
            new OmittedTarget(9, "evil/\nname", "host: line\r\nbreak\u0007"),
        ]);
        await writer.WriteAsync(parsed.Targets[0]);
        await writer.EndAsync();

        Assert.StartsWith("""
            # This export leaves out 2 stored targets that cannot be read:
            # - web/api (id 7): options unreadable: $.steps is not of the stored shape
            # - evil/\u000Aname (id 9): host: line\u000D\u000Abreak\u0007
            targets:

            """.ReplaceLineEndings("\n"), text.ToString(), StringComparison.Ordinal);
        var back = TargetsFile.Parse(text.ToString());
        Assert.True(back.Ok, string.Join("\n", back.Errors));
        Assert.Equal([parsed.Targets[0]], back.Targets);
    }

    [Fact]
    public async Task An_empty_export_that_left_a_target_out_names_it_and_reads_back_as_no_targets()
    {
        await using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var writer = new TargetsFileWriter(text);

        await writer.WriteOmittedAsync([new OmittedTarget(7, "web/api", "options unreadable")]);
        await writer.EndAsync();

        Assert.Equal("# This export leaves out 1 stored target that cannot be read:\n# - web/api (id 7): options unreadable\n" + TargetsFile.Write([]), text.ToString());
        var back = TargetsFile.Parse(text.ToString());
        Assert.True(back.Ok, string.Join("\n", back.Errors));
        Assert.Empty(back.Targets);
    }
}
