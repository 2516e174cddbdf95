using System.Text.Json;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Api;

namespace HealthChecker.Tests.Targets;

public class TargetEqualityTests
{
    private const string File = """
        targets:
          - name: mail/smtp
            check: tcp://127.0.0.1:25
            steps:
              - expect: "220"
              - send: "QUIT\r\n"
              - expect-hex: "0d0a"
              - expect-regex: "^2[0-9]{2}"
                not: true
            connect-timeout: 500ms
          - name: web/app
            check: https://127.0.0.1:8443/healthz
            http:
              method: GET
              host: app.test
              status: 200-299,404
              body: ok
            tls:
              verify: false
              server-name: app.test
              expiry-days: 14
            inter: 1m
            fastinter: 10s
            downinter: 30s
            timeout: 3s
            enabled: false
            start: down
        """;

    [Fact]
    public void The_same_targets_read_twice_are_equal()
    {
        var first = Parse();
        var second = Parse();

        Assert.Equal(first, second);
        Assert.Equal(first.Select(t => t.GetHashCode()), second.Select(t => t.GetHashCode()));
        Assert.True(first[0] == second[0]);
    }

    [Fact]
    public void A_target_back_from_its_draft_equals_the_one_read_from_the_file()
    {
        foreach (var target in Parse())
        {
            var (again, errors) = TargetValidator.Validate(TargetDrafts.FromDefinition(target));

            Assert.Empty(errors);
            Assert.Equal(target, again);
        }
    }

    [Fact]
    public void A_target_back_from_its_stored_row_equals_the_one_read_from_the_file()
    {
        foreach (var target in Parse())
        {
            var row = TargetRow.FromDefinition(target);
            var record = new TargetRecord(1, row.Name, row.GroupName, row.Kind, row.Host, row.Port, row.Options, row.InterMs,
                row.FastinterMs, row.DowninterMs, row.TimeoutMs, row.Rise, row.Fall, row.SpreadPct, row.StartUp, row.Enabled,
                DateTime.UnixEpoch, DateTime.UnixEpoch);
            var (again, errors) = TargetRow.ToDefinition(record);

            Assert.Empty(errors);
            Assert.Equal(target, again);
        }
    }

    [Fact]
    public void A_target_posted_to_the_api_equals_the_one_read_from_the_file()
    {
        const string Json = """
            {"name": "mail/smtp", "check": "tcp://127.0.0.1:25", "connect-timeout": "500ms",
             "steps": [{"action": "expect", "value": "220"}, {"action": "send", "value": "QUIT\r\n"},
                       {"action": "expect-hex", "value": "0d0a"}, {"action": "expect-regex", "value": "^2[0-9]{2}", "not": true}]}
            """;
        var input = JsonSerializer.Deserialize<TargetInput>(Json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        var (fromApi, errors) = TargetValidator.Validate(input.ToDraft());

        Assert.Empty(errors);
        Assert.Equal(Parse()[0], fromApi);
    }

    [Fact]
    public void Any_changed_field_makes_targets_differ()
    {
        var targets = Parse();
        var smtp = targets[0];
        var web = targets[1];
        var http = web.Http!;
        var step = smtp.Steps[1];
        var changed = new List<TargetDefinition>
        {
            smtp with { Group = "other" },
            smtp with { Name = "other" },
            smtp with { Kind = CheckKind.Tcp },
            smtp with { Check = new Uri("tcp://127.0.0.1:26") },
            smtp with { Host = "127.0.0.2" },
            smtp with { Port = 26 },
            smtp with { UseTls = true },
            smtp with { Steps = [.. smtp.Steps.Take(3)] },
            smtp with { Steps = [smtp.Steps[0], step with { Bytes = "QUIT\n"u8.ToArray() }, smtp.Steps[2], smtp.Steps[3]] },
            smtp with { Steps = [smtp.Steps[0], step with { Text = "quit" }, smtp.Steps[2], smtp.Steps[3]] },
            smtp with { Steps = [smtp.Steps[0], step with { Action = CheckStepAction.Expect }, smtp.Steps[2], smtp.Steps[3]] },
            smtp with { Steps = [smtp.Steps[0], step with { Negate = true }, smtp.Steps[2], smtp.Steps[3]] },
            smtp with { Steps = [smtp.Steps[0], step with { Encoding = StepEncoding.Hex }, smtp.Steps[2], smtp.Steps[3]] },
            smtp with { Steps = [smtp.Steps[1], smtp.Steps[0], smtp.Steps[2], smtp.Steps[3]] },
            smtp with { Http = http },
            smtp with { Tls = new TlsOptions() },
            smtp with { Inter = TimeSpan.FromSeconds(3) },
            smtp with { FastInter = TimeSpan.FromSeconds(3) },
            smtp with { DownInter = TimeSpan.FromSeconds(3) },
            smtp with { Timeout = TimeSpan.FromSeconds(3) },
            smtp with { ConnectTimeout = null },
            smtp with { DependsOn = "infra/switch" },
            smtp with { Rise = smtp.Rise + 1 },
            smtp with { Fall = smtp.Fall + 1 },
            smtp with { SpreadPercent = smtp.SpreadPercent + 1 },
            smtp with { Enabled = !smtp.Enabled },
            smtp with { StartUp = !smtp.StartUp },
        };
        var changedWeb = new List<TargetDefinition>
        {
            web with { Http = http with { Method = "HEAD" } },
            web with { Http = http with { Path = "/other" } },
            web with { Http = http with { HostHeader = null } },
            web with { Http = http with { ExpectStatus = [new StatusRange(200, 299)] } },
            web with { Http = http with { ExpectStatus = [new StatusRange(200, 299), new StatusRange(405, 405)] } },
            web with { Http = http with { BodyContains = null } },
            web with { Tls = web.Tls! with { Verify = true } },
            web with { Tls = web.Tls! with { ServerName = null } },
            web with { Tls = web.Tls! with { MinDaysToExpiry = 7 } },
        };

        Assert.All(changed, c => Assert.NotEqual(smtp, c));
        Assert.All(changedWeb, c => Assert.NotEqual(web, c));
        // Rebuilt lists with the same items are equal again: only what a target says counts.
        Assert.Equal(smtp, smtp with { Steps = [.. smtp.Steps.Select(s => s with { Bytes = [.. s.Bytes] })] });
        Assert.Equal(web, web with { Http = http with { ExpectStatus = [.. http.ExpectStatus] } });
    }

    [Theory]
    [InlineData(StepSyntax.Send, "3232", CheckStepAction.Send, StepEncoding.Text)]
    [InlineData(StepSyntax.SendHex, "3232", CheckStepAction.Send, StepEncoding.Hex)]
    [InlineData(StepSyntax.Expect, "3232", CheckStepAction.Expect, StepEncoding.Text)]
    [InlineData(StepSyntax.ExpectHex, "3232", CheckStepAction.Expect, StepEncoding.Hex)]
    [InlineData(StepSyntax.ExpectRegex, "^32", CheckStepAction.Expect, StepEncoding.Regex)]
    public void A_step_keeps_the_encoding_it_was_written_in_and_is_written_back_with_its_action(
        string action, string value, CheckStepAction expectedAction, StepEncoding expectedEncoding)
    {
        var result = TargetsFile.Parse($"targets:\n  - name: a/b\n    check: tcp://127.0.0.1:25\n    steps:\n      - {action}: \"{value}\"\n");

        Assert.Empty(result.Errors);
        var step = Assert.Single(Assert.Single(result.Targets).Steps);
        Assert.Equal((expectedAction, expectedEncoding), (step.Action, step.Encoding));
        Assert.Equal(action, StepSyntax.NameOf(step));
        Assert.Equal(result.Targets, TargetsFile.Parse(TargetsFile.Write(result.Targets)).Targets);
    }

    private static IReadOnlyList<TargetDefinition> Parse()
    {
        var result = TargetsFile.Parse(File);
        Assert.Empty(result.Errors);
        return result.Targets;
    }
}
