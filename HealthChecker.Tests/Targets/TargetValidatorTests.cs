using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Targets;

public class TargetValidatorTests
{
    [Fact]
    public void A_minimal_tcp_target_gets_the_defaults()
    {
        var (t, errors) = TargetValidator.Validate(new TargetDraft { Name = "db", Check = "tcp://127.0.0.1:5432" });

        Assert.Empty(errors);
        Assert.NotNull(t);
        Assert.Equal(("default", "db", CheckKind.Tcp, "127.0.0.1", 5432, false), (t.Group, t.Name, t.Kind, t.Host, t.Port, t.UseTls));
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)), (t.Inter, t.FastInter, t.DownInter, t.Timeout));
        Assert.Equal((2, 3, 0, true, true), (t.Rise, t.Fall, t.SpreadPercent, t.Enabled, t.StartUp));
    }

    [Theory]
    [InlineData("http://example.test/healthz", CheckKind.Http, 80, false, "/healthz")]
    [InlineData("https://example.test", CheckKind.Http, 443, true, "/")]
    [InlineData("https://example.test:8443/x?y=1", CheckKind.Http, 8443, true, "/x?y=1")]
    [InlineData("tls://example.test:443", CheckKind.Tls, 443, true, null)]
    [InlineData("tcp://[::1]:80", CheckKind.Tcp, 80, false, null)]
    public void Each_scheme_gives_its_kind_port_and_path(string check, CheckKind kind, int port, bool tls, string? path)
    {
        var (t, errors) = TargetValidator.Validate(new TargetDraft { Name = "g/n", Check = check });

        Assert.Empty(errors);
        Assert.Equal((kind, port, tls), (t!.Kind, t.Port, t.UseTls));
        Assert.Equal(path, t.Http?.Path);
    }

    [Fact]
    public void Ipv6_hosts_lose_their_brackets()
    {
        var (t, _) = TargetValidator.Validate(new TargetDraft { Name = "n", Check = "tcp://[::1]:80" });
        Assert.Equal("::1", t!.Host);
    }

    [Fact]
    public void Steps_make_an_expect_check_and_keep_their_bytes()
    {
        var draft = new TargetDraft
        {
            Name = "mail/smtp",
            Check = "tcp://127.0.0.1:25",
            Steps = [new("expect", "220"), new("send", "QUIT\\r\\n"), new("send-hex", "de ad"), new("expect-regex", "^2\\d\\d"), new("expect", "ERR", Negate: true)],
        };

        var (t, errors) = TargetValidator.Validate(draft);

        Assert.Empty(errors);
        Assert.Equal(CheckKind.Expect, t!.Kind);
        Assert.Equal("QUIT\r\n"u8.ToArray(), t.Steps[1].Bytes);
        Assert.Equal(new byte[] { 0xde, 0xad }, t.Steps[2].Bytes);
        Assert.Equal((CheckStepAction.Expect, StepEncoding.Regex), (t.Steps[3].Action, t.Steps[3].Encoding));
        Assert.True(t.Steps[4].Negate);
    }

    [Theory]
    [InlineData(null, null, null, 2000)]
    [InlineData("", "1s", null, 1000)]
    [InlineData("500ms", null, 500, 2000)]
    [InlineData(" 1500ms ", "1s", 1500, 1000)]
    public void A_connect_timeout_is_optional_and_apart_from_the_check_timeout(string? connect, string? timeout, int? connectMs, int timeoutMs)
    {
        var (t, errors) = TargetValidator.Validate(new TargetDraft { Name = "g/n", Check = "tcp://127.0.0.1:80", ConnectTimeout = connect, Timeout = timeout });

        Assert.Empty(errors);
        Assert.Equal(connectMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, t!.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(timeoutMs), t.Timeout);
        var back = TargetValidator.Validate(TargetDrafts.FromDefinition(t)).Definition!;
        Assert.Equal((t.ConnectTimeout, t.Timeout), (back.ConnectTimeout, back.Timeout));
    }

    [Fact]
    public void Http_options_parse_status_lists_and_ranges()
    {
        var (t, errors) = TargetValidator.Validate(new TargetDraft
        {
            Name = "web/app", Check = "http://127.0.0.1:8080/health", HttpMethod = "head", HttpHost = "app.test", HttpStatus = "200, 204,300-399", HttpBody = "ok",
        });

        Assert.Empty(errors);
        Assert.Equal("HEAD", t!.Http!.Method);
        Assert.Equal("app.test", t.Http.HostHeader);
        Assert.Equal([new StatusRange(200, 200), new StatusRange(204, 204), new StatusRange(300, 399)], t.Http.ExpectStatus);
        Assert.Equal("ok", t.Http.BodyContains);
    }

    [Theory]
    [InlineData("Name", "", "name", "is required (group/name, or just name)")]
    [InlineData("Name", "a/b/c", "name", "'a/b/c' must be group/name with both parts non-empty and one slash")]
    [InlineData("Name", "/x", "name", "'/x' must be group/name with both parts non-empty and one slash")]
    [InlineData("Check", "", "check", "is required: a URL such as tcp://host:port, tls://host:port, http://host/path or https://host/path")]
    [InlineData("Check", "127.0.0.1:80", "check", "'127.0.0.1:80' is not a URL: write it as tcp://host:port, tls://host:port, http://host/path or https://host/path")]
    [InlineData("Check", "udp://127.0.0.1:53", "check", "unknown scheme 'udp': use tcp, tls, http or https")]
    [InlineData("Check", "tcp://127.0.0.1:70000", "check", "port 70000 is out of range: use 1 to 65535")]
    [InlineData("Check", "tcp://127.0.0.1:0", "check", "port 0 is out of range: use 1 to 65535")]
    [InlineData("Check", "tcp://127.0.0.1:http", "check", "port 'http' is not a number: use 1 to 65535")]
    [InlineData("Check", "tcp://127.0.0.1", "check", "tcp:// needs a port, as in tcp://127.0.0.1:PORT")]
    [InlineData("Check", "tcp://127.0.0.1:80/path", "check", "tcp:// takes no path")]
    [InlineData("Check", "http://user:pw@127.0.0.1/", "check", "must not contain a user name or password")]
    [InlineData("Check", "tcp://::1:80", "check", "'::1:80' looks like an IPv6 address: write it in brackets, as in tcp://[::1]:PORT")]
    [InlineData("Check", "tls://[::1:443", "check", "'[::1:443' opens an IPv6 address with '[' but never closes it: write it as tls://[::1]:PORT")]
    [InlineData("Check", "tcp://:80", "check", "'tcp://:80' is not a valid URL")]
    [InlineData("Check", "tcp://[zz]:80", "check", "'tcp://[zz]:80' is not a valid URL")]
    [InlineData("Check", "tcp://127.0.0.1:+80", "check", "port '+80' is not a number: use 1 to 65535")]
    [InlineData("Check", "tcp://a/b:80", "check", "tcp:// needs a port, as in tcp://a:PORT")]
    [InlineData("Inter", "2", "inter", "'2' is not a duration: write it as 500ms, 2s, 1m or 1h")]
    [InlineData("Inter", "0s", "inter", "must be above 0 and at most 24h")]
    [InlineData("Timeout", "5s", "timeout", "must not be above inter (2s)")]
    [InlineData("ConnectTimeout", "soon", "connect-timeout", "'soon' is not a duration: write it as 500ms, 2s, 1m or 1h")]
    [InlineData("ConnectTimeout", "0ms", "connect-timeout", "must be above 0 and at most 24h")]
    [InlineData("ConnectTimeout", "3s", "connect-timeout", "must not be above inter (2s): a connect never waits longer than inter")]
    [InlineData("Rise", "0", "rise", "'0' must be a whole number from 1 to 100")]
    [InlineData("Fall", "x", "fall", "'x' must be a whole number from 1 to 100")]
    [InlineData("Spread", "60", "spread", "'60' must be a whole number from 0 to 50")]
    [InlineData("Enabled", "maybe", "enabled", "'maybe' must be true or false")]
    [InlineData("Start", "sideways", "start", "must be up or down")]
    public void Each_bad_field_gets_its_message(string property, string value, string field, string message)
    {
        var draft = new TargetDraft { Name = "g/n", Check = "tcp://127.0.0.1:80" };
        typeof(TargetDraft).GetProperty(property)!.SetValue(draft, value);

        var (t, errors) = TargetValidator.Validate(draft);

        Assert.Null(t);
        Assert.Equal(new TargetError(field, message), Assert.Single(errors));
    }

    [Theory]
    [InlineData("send", "QUIT\\q", "steps[1].send", "unknown escape '\\q': use \\r, \\n, \\t, \\0, \\\\ or \\xHH")]
    [InlineData("send", "x\\", "steps[1].send", "ends with a lone backslash")]
    [InlineData("send-hex", "abc", "steps[1].send-hex", "'abc' is not hex bytes (pairs of 0-9a-f)")]
    [InlineData("expect-hex", "zz", "steps[1].expect-hex", "'zz' is not hex bytes (pairs of 0-9a-f)")]
    [InlineData("expect", "", "steps[1].expect", "is empty")]
    [InlineData("shout", "x", "steps[1]", "unknown step 'shout': use send, send-hex, expect, expect-regex or expect-hex")]
    public void Each_bad_step_gets_its_message(string action, string value, string field, string message)
    {
        var (_, errors) = TargetValidator.Validate(new TargetDraft { Name = "n", Check = "tcp://127.0.0.1:25", Steps = [new(action, value)] });

        Assert.Equal(new TargetError(field, message), Assert.Single(errors));
    }

    [Fact]
    public void A_bad_regex_says_why()
    {
        var (_, errors) = TargetValidator.Validate(new TargetDraft { Name = "n", Check = "tcp://127.0.0.1:25", Steps = [new("expect-regex", "(")] });

        var error = Assert.Single(errors);
        Assert.Equal("steps[1].expect-regex", error.Field);
        Assert.StartsWith("is not a valid regular expression:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HttpStatus", "600", "http.status", "'600' is not a status code or range between 100 and 599 (as in 200, 200-299, 200,301)")]
    [InlineData("HttpStatus", "300-200", "http.status", "'300-200' is not a status code or range between 100 and 599 (as in 200, 200-299, 200,301)")]
    [InlineData("HttpMethod", "BREW", "http.method", "'BREW' is not one of GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH")]
    [InlineData("HttpHost", "a b", "http.host", "must be a host name without spaces")]
    [InlineData("TlsVerify", "perhaps", "tls.verify", "'perhaps' must be true or false")]
    [InlineData("TlsMinDaysToExpiry", "-1", "tls.expiry-days", "'-1' must be a whole number from 0 to 3650")]
    public void Each_bad_https_option_gets_its_message(string property, string value, string field, string message)
    {
        var draft = new TargetDraft { Name = "n", Check = "https://127.0.0.1/" };
        typeof(TargetDraft).GetProperty(property)!.SetValue(draft, value);

        var (_, errors) = TargetValidator.Validate(draft);

        Assert.Equal(new TargetError(field, message), Assert.Single(errors));
    }

    [Fact]
    public void Options_of_another_kind_are_refused()
    {
        var (_, errors) = TargetValidator.Validate(new TargetDraft
        {
            Name = "n", Check = "http://127.0.0.1/", Steps = [new("send", "x")], TlsVerify = "false",
        });
        var (_, tcpErrors) = TargetValidator.Validate(new TargetDraft { Name = "n", Check = "tcp://127.0.0.1:1", HttpStatus = "200" });

        Assert.Equal(["steps", "tls"], errors.Select(e => e.Field));
        Assert.Equal("HTTP options apply to http:// and https:// checks", Assert.Single(tcpErrors).Message);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var (t, errors) = TargetValidator.Validate(new TargetDraft { Name = "", Check = "tcp://h:0", Rise = "0", Fall = "0", Inter = "x" });

        Assert.Null(t);
        Assert.Equal(["name", "check", "inter", "rise", "fall"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("check")]
    [InlineData("steps[1].send")]
    [InlineData("http.host")]
    [InlineData("http.body")]
    [InlineData("http.method")]
    [InlineData("tls.server-name")]
    [InlineData("inter")]
    public void A_NUL_character_is_refused_with_the_field_name(string field)
    {
        var (t, errors) = TargetValidator.Validate(DraftWith(field, "a\0b"));

        Assert.Null(t);
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains("NUL", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("steps[1].send")]
    [InlineData("http.body")]
    [InlineData("tls.server-name")]
    public void A_lone_surrogate_is_refused_with_the_field_name(string field)
    {
        var (t, errors) = TargetValidator.Validate(DraftWith(field, "a\ud800b"));

        Assert.Null(t);
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains("surrogate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("check", 2049)]
    [InlineData("steps[1].send", 4097)]
    [InlineData("http.body", 1025)]
    [InlineData("http.host", 256)]
    [InlineData("http.status", 201)]
    [InlineData("tls.server-name", 254)]
    public void A_text_over_its_limit_is_refused_with_the_field_and_the_limit(string field, int length)
    {
        var value = field == "check" ? "http://127.0.0.1/" + new string('p', length - 17) : field == "http.status" ? string.Join(",", Enumerable.Repeat("200", 60))[..length] : new string('a', length);

        var (t, errors) = TargetValidator.Validate(DraftWith(field, value));

        Assert.Null(t);
        var error = Assert.Single(errors, e => e.Field == field);
        Assert.Equal($"is at most {length - 1} characters", error.Message);
    }

    [Fact]
    public void More_steps_than_the_limit_are_refused()
    {
        var draft = new TargetDraft { Name = "g/n", Check = "tcp://127.0.0.1:1", Steps = [.. Enumerable.Repeat(new StepDraft("expect", "x"), TargetRules.MaxSteps + 1)] };

        var (t, errors) = TargetValidator.Validate(draft);

        Assert.Null(t);
        Assert.Equal($"at most {TargetRules.MaxSteps} steps", Assert.Single(errors).Message);
    }

    [Theory]
    [InlineData("inter")]
    [InlineData("fastinter")]
    [InlineData("downinter")]
    public void An_interval_below_the_floor_is_refused_with_the_reason(string field)
    {
        var draft = new TargetDraft { Name = "g/n", Check = "tcp://127.0.0.1:1", Inter = "1s" };
        _ = field switch { "inter" => draft.Inter = "1ms", "fastinter" => draft.FastInter = "1ms", _ => draft.DownInter = "1ms" };

        var (t, errors) = TargetValidator.Validate(draft);

        Assert.Null(t);
        var error = Assert.Single(errors, e => e.Field == field);
        Assert.Equal("must be at least 100ms; the admin can lower the floor with HC_MIN_INTERVAL", error.Message);
    }

    [Fact]
    public void The_floor_is_a_rule_the_caller_can_lower()
    {
        var rules = TargetRules.Default with { MinInterval = TimeSpan.FromMilliseconds(1) };

        var (t, errors) = TargetValidator.Validate(new TargetDraft { Name = "g/n", Check = "tcp://127.0.0.1:1", Inter = "1ms" }, rules);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMilliseconds(1), t!.Inter);
    }

    [Fact]
    public void A_long_bad_value_is_clipped_in_its_message()
    {
        var (_, errors) = TargetValidator.Validate(new TargetDraft { Name = "g/n", Check = "tcp://127.0.0.1:1", Rise = new string('9', 3000) });

        Assert.True(Assert.Single(errors).Message.Length < 120, errors[0].Message);
    }

    private static TargetDraft DraftWith(string field, string value)
    {
        var draft = new TargetDraft { Name = "g/n", Check = "https://127.0.0.1/" };
        switch (field)
        {
            case "name": draft.Name = value; break;
            case "check": draft.Check = value; break;
            case "steps[1].send": draft.Check = "tcp://127.0.0.1:1"; draft.Steps = [new StepDraft("send", value)]; break;
            case "http.host": draft.HttpHost = value; break;
            case "http.body": draft.HttpBody = value; break;
            case "http.method": draft.HttpMethod = value; break;
            case "http.status": draft.HttpStatus = value; break;
            case "tls.server-name": draft.TlsServerName = value; break;
            case "inter": draft.Inter = value; break;
        }

        return draft;
    }
}
