using HealthChecker.Core.Alerting;
using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Alerting;

public sealed class AlertsFileTests
{
    /// <summary>The file of the issue, as it stands: its keys are the contract scripts rely on.</summary>
    public const string IssueFile = """
        channels:
          - name: ops
            webhook: http://127.0.0.1:9000/hook
        alerts:
          - targets: "shop/*"
            channels: [ops]
            group-wait: 5s
            group-interval: 10s
        targets:
          - name: shop/api
            check: tcp://127.0.0.1:9001
            inter: 1s
        """;

    private const string EveryField = """
        channels:
          - name: ops
            webhook: https://hooks.example.com/hc?team=ops
            headers:
              Authorization: ${OPS_TOKEN}
              X-Team: ops-literal
          - name: chat
            slack: https://hooks.slack.test/services/T0/B0/x
          - name: mail
            email:
              host: smtp.example.com
              port: 2525
              security: starttls
              from: hc@example.com
              to: [a@example.com, b@example.com]
              user: hc
              password: ${SMTP_PASSWORD}
          - name: am
            alertmanager: http://127.0.0.1:9093
        alerts:
          - name: shop-down
            targets: shop/*
            channels: [ops, mail]
            after: 30s
            repeat: 4h
            resolved: false
            group-wait: 0
            group-interval: 5m
          - targets: db
            channels: am
          - targets: "*"
            channels: [ops]
          - name: "*/db-?"
            targets: "*/db-?"
            channels: [ops]
        targets: []
        """;

    [Fact]
    public void The_issue_file_reads_to_one_webhook_channel_and_one_rule_named_after_its_targets()
    {
        var result = TargetsFile.Parse(IssueFile);

        Assert.Empty(result.Errors);
        Assert.Equal([new ChannelDefinition("ops", ChannelKind.Webhook, new Uri("http://127.0.0.1:9000/hook"), [], null)], result.Channels);
        Assert.Equal([new AlertRule("shop/*", "shop/*", ["ops"], TimeSpan.Zero, null, true, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10))], result.Rules);
        Assert.Equal(["shop/api"], result.Targets.Select(t => t.FullName));
    }

    [Fact]
    public void Every_field_reads_with_its_defaults_and_secrets_as_references_or_values()
    {
        var result = TargetsFile.Parse(EveryField);

        Assert.Empty(result.Errors);
        var ops = result.Channels![0];
        Assert.Equal([new ChannelHeader("Authorization", SecretText.FromReference("OPS_TOKEN")), new ChannelHeader("X-Team", SecretText.FromValue("ops-literal"))], ops.Headers);
        Assert.Equal(ChannelKind.Slack, result.Channels[1].Kind);
        Assert.Equal(new EmailOptions("smtp.example.com", 2525, SmtpSecurity.StartTls, "hc@example.com", ["a@example.com", "b@example.com"], "hc", SecretText.FromReference("SMTP_PASSWORD")),
            result.Channels[2].Email);
        Assert.Equal(new Uri("http://127.0.0.1:9093"), result.Channels[3].Url);
        Assert.Equal(new AlertRule("shop-down", "shop/*", ["ops", "mail"], TimeSpan.FromSeconds(30), TimeSpan.FromHours(4), false, TimeSpan.Zero, TimeSpan.FromMinutes(5)), result.Rules![0]);
        Assert.Equal(new AlertRule("db", "db", ["am"], TimeSpan.Zero, null, true, AlertRule.DefaultGroupWait, AlertRule.DefaultGroupInterval), result.Rules[1]);
    }

    [Fact]
    public void What_is_written_reads_back_the_same_with_a_kept_value_as_its_reference()
    {
        var first = TargetsFile.Parse(EveryField);
        var settings = new AlertSettings(first.Channels!, first.Rules!);

        var text = AlertsFile.Write(settings) + "targets: []\n";
        var second = TargetsFile.Parse(text);

        Assert.Empty(second.Errors);
        Assert.DoesNotContain("ops-literal", text, StringComparison.Ordinal);
        Assert.Contains("X-Team: ${HC_SECRET_OPS_X_TEAM}", text, StringComparison.Ordinal);
        var expected = settings.Channels.ToList();
        expected[0] = expected[0] with { Headers = [expected[0].Headers[0], new ChannelHeader("X-Team", SecretText.FromReference("HC_SECRET_OPS_X_TEAM"))] };
        Assert.Equal(expected, second.Channels);
        Assert.Equal(settings.Rules, second.Rules);
    }

    /// <summary>A channel with its own message templates.</summary>
    public const string WithTemplates = """
        channels:
          - name: ops
            webhook: http://127.0.0.1:9000/hook
            templates:
              title: "{{ status | upcase }}: {{ alerts.size }} in {{ group }}"
              text: |
                {% for a in alerts %}{{ a.target }} {{ a.code }}
                {% endfor %}
        targets: []
        """;

    [Fact]
    public void A_channels_templates_read_and_write_back_the_same()
    {
        var first = TargetsFile.Parse(WithTemplates);

        Assert.Empty(first.Errors);
        var templates = first.Channels!.Single().Templates;
        Assert.Equal("{{ status | upcase }}: {{ alerts.size }} in {{ group }}", templates.Title);
        Assert.Equal("{% for a in alerts %}{{ a.target }} {{ a.code }}\n{% endfor %}\n", templates.Text);
        Assert.Null(templates.Html);
        var second = TargetsFile.Parse(AlertsFile.Write(new AlertSettings(first.Channels!, [])) + "targets: []\n");
        Assert.Empty(second.Errors);
        Assert.Equal(first.Channels, second.Channels);
    }

    [Fact]
    public void A_template_that_is_not_liquid_is_refused_with_its_field_and_line()
    {
        var result = TargetsFile.Parse("""
            channels:
              - name: ops
                webhook: http://127.0.0.1:9000/hook
                templates:
                  title: "{{ status "
                  body: x
            targets: []
            """);

        Assert.Contains(result.Errors, e => e.Field.EndsWith("templates.title", StringComparison.Ordinal) && e.Message.Contains("Liquid", StringComparison.Ordinal) && e.Line == 5);
        Assert.Contains(result.Errors, e => e.Field.EndsWith("templates.body", StringComparison.Ordinal) && e.Message.StartsWith("unknown field", StringComparison.Ordinal) && e.Line == 6);
        Assert.Null(result.Channels);
    }

    [Fact]
    public void Nothing_is_written_for_no_channels_and_no_rules()
    {
        Assert.Equal("", AlertsFile.Write(AlertSettings.Empty));
    }

    [Theory]
    [InlineData("targets: []", false)]
    [InlineData("channels: []\nalerts: []\ntargets: []", true)]
    [InlineData("channels:\nalerts:\ntargets: []", true)]
    public void A_missing_section_is_null_and_an_empty_one_is_an_empty_list(string yaml, bool present)
    {
        var result = TargetsFile.Parse(yaml);

        Assert.Empty(result.Errors);
        Assert.Equal(present, result.Channels is not null);
        Assert.Equal(present, result.Rules is not null);
        Assert.Empty(result.Channels ?? []);
    }

    [Fact]
    public void Without_a_channels_section_a_rule_may_name_channels_the_file_does_not_define()
    {
        var result = TargetsFile.Parse("alerts:\n  - targets: shop\n    channels: [stored]\ntargets: []\n");

        Assert.Empty(result.Errors);
        Assert.Null(result.Channels);
        Assert.Equal(["stored"], result.Rules!.Single().Channels);
    }

    [Fact]
    public void A_bad_file_is_refused_whole_with_every_alerting_error_and_its_line()
    {
        const string yaml = """
            channels:
              - name: ops
                webhook: ftp://example.com/hook
              - name: ops
                slack: https://hooks.slack.test/x
                discord: https://discord.test/x
              - name: "bad name"
                webhook: http://user:pw@example.com/
              - name: h
                webhook: http://example.com/
                headers:
                  Authorization: Bearer ${TOKEN}
                  "bad header": x
              - name: m
                email:
                  host: smtp.example.com
                  from: not-an-address
                  to: []
                  password: secret
              - name: nothing
            alerts:
              - targets: "shop/[ab]"
                channels: [ops]
              - targets: shop/*
                channels: [ops, missing]
                group-wait: 2h
                repeat: 10s
              - targets: shop/*
                channels: [ops]
              - targets: a/b/c
                channels: []
                resolved: maybe
                after: soon
            targets:
              - name: shop/api
                check: tcp://127.0.0.1:1
            """;

        var result = TargetsFile.Parse(yaml);

        Assert.Empty(result.Targets);
        Assert.Null(result.Channels);
        Assert.Equal([
            "line 3: channels[1] (ops).webhook: 'ftp://example.com/hook' is not an http:// or https:// URL",
            "line 6: channels[2] (ops).discord: a channel has one kind: give one of webhook, slack, discord, teams, ntfy, alertmanager (each a URL) or email",
            "line 4: channels[2] (ops).name: 'ops' is already defined at line 2",
            "line 7: channels[3] (bad name).name: 'bad name' may hold letters, digits, '.', '_' and '-' only",
            "line 8: channels[3] (bad name).webhook: must not contain a user name or password: send them in headers (Authorization), which are kept as secrets",
            "line 12: channels[4] (h).headers.Authorization: a reference must be the whole value, as ${NAME} with NAME of letters, digits and _ (put 'Bearer …' whole in the variable)",
            "line 13: channels[4] (h).headers.bad header: is not a header name: letters, digits and !#$%&'*+-.^_`|~, at most 100 characters",
            "line 17: channels[5] (m).email.from: 'not-an-address' is not an email address such as ops@example.com",
            "line 18: channels[5] (m).email.to: is required: a list of addresses",
            "line 19: channels[5] (m).email.password: needs email.user: a password is sent with a user name",
            "line 20: channels[6] (nothing).name: needs a receiver: one of webhook, slack, discord, teams, ntfy, alertmanager (each a URL) or email",
            "line 22: alerts[1] (shop/[ab]).targets: 'shop/[ab]': '[' is not part of a pattern here; use * for any run of characters and ? for one",
            "line 27: alerts[2] (shop/*).repeat: must be from 1m to 168h",
            "line 26: alerts[2] (shop/*).group-wait: must be from 0ms to 1h",
            "line 28: alerts[3] (shop/*).name: 'shop/*' is already the name of the rule at line 24 (a rule without a name is named after its targets: give one of them a name)",
            "line 30: alerts[4] (a/b/c).targets: 'a/b/c' must be a group or group/name, with both parts non-empty and one slash",
            "line 31: alerts[4] (a/b/c).channels: is required: a list of channel names, such as [ops]",
            "line 33: alerts[4] (a/b/c).after: 'soon' is not a duration: write it as 500ms, 10s, 1m or 1h",
            "line 32: alerts[4] (a/b/c).resolved: 'maybe' must be true or false",
            ], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_rule_naming_a_channel_the_file_does_not_define_is_refused_at_the_name()
    {
        const string yaml = """
            channels:
              - name: ops
                webhook: http://127.0.0.1:9000/hook
            alerts:
              - targets: shop
                channels:
                  - ops
                  - pager
            targets: []
            """;

        var result = TargetsFile.Parse(yaml);

        Assert.Equal(["line 8: alerts[1] (shop).channels[2]: 'pager' is not a channel of this file: define it under 'channels:'"], result.Errors.Select(e => e.ToString()));
        Assert.Null(result.Rules);
    }

    [Fact]
    public void A_NUL_in_a_header_value_is_refused_like_a_NUL_in_a_target()
    {
        var result = TargetsFile.Parse("channels:\n  - name: ops\n    webhook: http://h/\n    headers:\n      X-A: \"a\\0b\"\ntargets: []\n");

        Assert.Equal(["line 5: channels[1] (ops).headers.X-A: must not contain a NUL character (\\u0000)"], result.Errors.Select(e => e.ToString()));
    }
}
