using System.Text;
using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Targets;

public class TargetsFileTests
{
    private const string Sample = """
        defaults:
          inter: 5s
          rise: 3
          spread: 10
        targets:
          - name: infra/postgres
            check: tcp://127.0.0.1:5432
          - name: mail/smtp
            check: tcp://127.0.0.1:25
            steps:
              - expect: "220"
              - send: "QUIT\r\n"
              - expect-hex: "0d0a"
              - expect: "5"
                not: true
            fall: 2
          - name: web/app
            check: https://127.0.0.1:8443/healthz
            http:
              method: GET
              host: app.test
              status: 200-299
              body: ok
            tls:
              verify: false
              server-name: app.test
              expiry-days: 14
            inter: 1m
            fastinter: 10s
            downinter: 30s
            timeout: 3s
            connect-timeout: 500ms
            enabled: false
            start: down
        """;

    [Fact]
    public void Reads_every_field_and_applies_defaults()
    {
        var result = TargetsFile.Parse(Sample);

        Assert.Empty(result.Errors);
        Assert.Equal(["infra/postgres", "mail/smtp", "web/app"], result.Targets.Select(t => t.FullName));
        var pg = result.Targets[0];
        Assert.Equal((TimeSpan.FromSeconds(5), 3, 3, 10), (pg.Inter, pg.Rise, pg.Fall, pg.SpreadPercent));
        var smtp = result.Targets[1];
        Assert.Equal(CheckKind.Expect, smtp.Kind);
        Assert.Equal(2, smtp.Fall);
        Assert.Equal(4, smtp.Steps.Count);
        Assert.Equal("QUIT\r\n"u8.ToArray(), smtp.Steps[1].Bytes);
        Assert.Equal(new byte[] { 0x0d, 0x0a }, smtp.Steps[2].Bytes);
        Assert.True(smtp.Steps[3].Negate);
        var web = result.Targets[2];
        Assert.Equal((CheckKind.Http, 8443, "/healthz", "app.test"), (web.Kind, web.Port, web.Http!.Path, web.Http.HostHeader));
        Assert.Equal(new TlsOptions(false, "app.test", 14), web.Tls);
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3)), (web.Inter, web.FastInter, web.DownInter, web.Timeout));
        Assert.Equal((false, false, 3), (web.Enabled, web.StartUp, web.Rise));
        Assert.Equal(TimeSpan.FromMilliseconds(500), web.ConnectTimeout);
        Assert.Null(pg.ConnectTimeout);
    }

    [Fact]
    public void A_bad_file_is_rejected_whole_with_every_error_and_its_line()
    {
        const string yaml = """
            targets:
              - name: ok/one
                check: tcp://127.0.0.1:1
              - name: bad/port
                check: tcp://127.0.0.1:99999
              - name: bad/timing
                check: tcp://127.0.0.1:2
                inter: soon
                rise: 0
              - name: ok/one
                check: tcp://127.0.0.1:3
              - name: bad/field
                check: tcp://127.0.0.1:4
                colour: blue
            """;

        var result = TargetsFile.Parse(yaml);

        Assert.Empty(result.Targets);
        Assert.Equal(
        [
            "line 5: targets[2] (bad/port).check: port 99999 is out of range: use 1 to 65535",
            "line 8: targets[3] (bad/timing).inter: 'soon' is not a duration: write it as 500ms, 2s, 1m or 1h",
            "line 9: targets[3] (bad/timing).rise: '0' must be a whole number from 1 to 100",
            "line 10: targets[4] (ok/one).name: 'ok/one' is already defined at line 2",
            "line 14: targets[5] (bad/field).colour: unknown field",
        ], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("targets:\n  - name: a\n    check: x: y\n", "line 3: file: not valid YAML")]
    [InlineData("- a\n- b", "line 1: file: must be a mapping with 'targets:' (and optionally 'defaults:', 'channels:' and 'alerts:')")]
    [InlineData("defaults:\n  inter: 2s", "line 1: targets: is missing: list the targets under 'targets:'")]
    [InlineData("targets: 3", "line 1: targets: must be a list of targets")]
    [InlineData("targets: []\nextra: 1", "line 2: extra: unknown top-level field: use defaults, targets, channels and alerts")]
    [InlineData("defaults:\n  name: x\ntargets:\n  - check: tcp://127.0.0.1:1\n    name: a", "line 2: targets[1] (a).defaults.name: cannot have a default: each target has its own")]
    [InlineData("targets:\n  - name: a\n    check: tcp://127.0.0.1:1\n    steps: nope", "line 4: targets[1] (a).steps: must be a list of steps such as '- send: \"PING\\r\\n\"' and '- expect: \"+PONG\"'")]
    [InlineData("targets:\n  - name: a\n    check: http://127.0.0.1/\n    http:\n      verb: GET", "line 5: targets[1] (a).http.verb: unknown field: use method, host, status, body")]
    [InlineData("targets:\n  - name: a\n    check: [x]", "line 3: targets[1] (a).check: must be a single value, not a list or mapping")]
    public void Structural_mistakes_are_named_with_their_line(string yaml, string expectedStart)
    {
        var result = TargetsFile.Parse(yaml);

        Assert.Empty(result.Targets);
        Assert.StartsWith(expectedStart, result.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_target_list_is_valid()
    {
        var result = TargetsFile.Parse("targets: []");

        Assert.True(result.Ok);
        Assert.Empty(result.Targets);
    }

    [Fact]
    public void The_example_file_of_the_docs_reads_without_errors()
    {
        var result = TargetsFile.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "targets.example.yaml")));

        Assert.Empty(result.Errors);
        Assert.All(result.Targets, t => Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), (t.ConnectTimeout, t.Timeout)));
    }

    [Fact]
    public void A_connect_timeout_is_written_only_when_set_apart()
    {
        var written = TargetsFile.Write(TargetsFile.Parse(Sample).Targets);

        Assert.Single(written.Split('\n'), line => line.Contains("connect-timeout", StringComparison.Ordinal));
        Assert.Contains("connect-timeout: 500ms", written, StringComparison.Ordinal);
    }

    [Fact]
    public void What_is_written_reads_back_to_the_same_targets()
    {
        var first = TargetsFile.Parse(Sample);

        var written = TargetsFile.Write(first.Targets);
        var second = TargetsFile.Parse(written);

        Assert.Empty(second.Errors);
        Assert.Equal(first.Targets, second.Targets);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    public void Nesting_deeper_than_the_limit_is_refused_at_its_line(string open, string close)
    {
        var yaml = "targets:\n  - name: deep/one\n    check: " + string.Concat(Enumerable.Repeat(open, 100)) + "x" + string.Concat(Enumerable.Repeat(close, 100)) + "\n";

        var result = TargetsFile.Parse(yaml);

        Assert.Empty(result.Targets);
        Assert.Equal([$"line 3: file: nested deeper than {TargetsFileLimits.Default.MaxDepth} levels"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Block_nesting_deeper_than_the_limit_is_refused_too()
    {
        var yaml = new StringBuilder("targets:\n");
        for (var i = 1; i <= 40; i++)
        {
            yaml.Append(' ', i * 2).Append("- \n");
        }

        var result = TargetsFile.Parse(yaml.ToString());

        Assert.StartsWith("line ", result.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.EndsWith($"file: nested deeper than {TargetsFileLimits.Default.MaxDepth} levels", result.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_are_refused_and_never_expanded_into_a_message()
    {
        var yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= 5; i++)
        {
            yaml.Append(FormattableString.Invariant($"a{i}: &a{i} [")).Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        }

        yaml.Append("targets:\n  - name: bomb/one\n    check: tcp://127.0.0.1:1\n    *a5 : boom\n");

        var result = TargetsFile.Parse(yaml.ToString());

        Assert.Empty(result.Targets);
        Assert.Contains("line 2: file: aliases such as *a0 are not allowed in a targets file", result.Errors.Select(e => e.ToString()));
        Assert.True(result.Errors.Sum(e => e.ToString().Length) < 1000, string.Join("\n", result.Errors.Select(e => e.ToString()[..Math.Min(200, e.ToString().Length)])));
    }

    [Fact]
    public void A_mapping_used_as_a_key_is_refused_without_printing_it()
    {
        var result = TargetsFile.Parse("targets:\n  - name: a\n    check: tcp://127.0.0.1:1\n    ? [" + string.Join(", ", Enumerable.Repeat("long-value", 500)) + "]\n    : x\n");

        var error = result.Errors.Single().ToString();
        Assert.StartsWith("line 4: targets[1] (a).", error, StringComparison.Ordinal);
        Assert.Contains("a key must be a single value", error, StringComparison.Ordinal);
        Assert.True(error.Length < 200, error);
    }

    [Fact]
    public void A_document_with_more_nodes_than_the_limit_is_refused()
    {
        var yaml = "targets:\n" + string.Concat(Enumerable.Range(1, 20).Select(i => FormattableString.Invariant($"  - name: n/{i}\n    check: tcp://127.0.0.1:{i}\n")));

        var result = TargetsFile.Parse(new StringReader(yaml), limits: TargetsFileLimits.Default with { MaxNodes = 50 });

        Assert.Empty(result.Targets);
        Assert.EndsWith("file: has more than 50 values, lists and mappings", result.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_beyond_the_cap_are_counted_not_listed()
    {
        var yaml = "targets:\n" + string.Concat(Enumerable.Range(1, 150).Select(i => FormattableString.Invariant($"  - name: n/{i}\n    check: tcp://127.0.0.1:99999\n")));

        var result = TargetsFile.Parse(yaml);

        Assert.Equal(TargetsFileLimits.Default.MaxErrors + 1, result.Errors.Count);
        Assert.Equal("file: ... and 50 more errors", result.Errors[^1].ToString());
    }

    [Fact]
    public void Long_values_are_clipped_in_messages()
    {
        var result = TargetsFile.Parse("targets:\n  - name: a\n    check: tcp://127.0.0.1:1\n    inter: " + new string('x', 5000) + "\n    " + new string('k', 900) + ": 1\n");

        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.True(e.ToString().Length < 200, e.ToString()));
    }

    [Fact]
    public void Defaults_apply_to_the_targets_that_follow_them_so_defaults_after_targets_are_refused()
    {
        var result = TargetsFile.Parse("targets:\n  - name: a\n    check: tcp://127.0.0.1:1\ndefaults:\n  inter: 5s\n");

        Assert.Equal(["line 4: defaults: must come before 'targets:' (defaults apply to the targets that follow them)"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_key_given_twice_in_one_mapping_is_an_error_with_its_line()
    {
        var result = TargetsFile.Parse("targets:\n  - name: a\n    check: tcp://127.0.0.1:1\n    inter: 5s\n    inter: 6s\n");

        Assert.Equal(["line 5: targets[1] (a).inter: is given twice"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_file_read_from_a_reader_gives_the_same_targets_as_from_text()
    {
        var fromText = TargetsFile.Parse(Sample);
        var fromReader = TargetsFile.Parse(new StringReader(Sample));

        Assert.Equal(fromText.Targets, fromReader.Targets);
    }

    [Fact]
    public void An_interval_below_the_floor_is_refused_unless_the_floor_is_lowered()
    {
        const string yaml = "targets:\n  - name: a\n    check: tcp://127.0.0.1:1\n    inter: 10ms\n";

        Assert.StartsWith("line 4: targets[1] (a).inter: must be at least 100ms", TargetsFile.Parse(yaml).Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(10), TargetsFile.Parse(new StringReader(yaml), TargetRules.Default with { MinInterval = TimeSpan.FromMilliseconds(10) }).Targets.Single().Inter);
    }
}
