using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Web.Alerting;

namespace HealthChecker.Tests.Web.Alerting;

public sealed class FieldsTests
{
    private static readonly DateTime At = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    [Fact]
    public void A_stored_channel_edited_unchanged_validates_to_itself_with_kept_secrets_as_their_references()
    {
        var channel = new ChannelDefinition("ops", ChannelKind.Webhook, new Uri("https://hooks.example.com/x"),
            [new ChannelHeader("Authorization", SecretText.FromValue("Bearer t")), new ChannelHeader("X-Env", SecretText.FromReference("ENV"))], null);
        var (kind, url, settings, _) = ChannelRow.Of(channel);
        var row = new ChannelRow(1, "ops", kind, url, settings, 1, At, At);

        var fields = ChannelFields.From(row);
        var (back, errors) = ChannelValidator.Validate(fields.ToDraft());

        Assert.Empty(errors);
        Assert.Equal("Authorization: ${HC_SECRET_OPS_AUTHORIZATION}\nX-Env: ${ENV}", fields.Headers);
        Assert.Equal(channel with { Headers = [new ChannelHeader("Authorization", SecretText.FromReference("HC_SECRET_OPS_AUTHORIZATION")), channel.Headers[1]] }, back);
    }

    [Fact]
    public void An_email_channel_takes_its_recipients_one_a_line_or_comma_separated_and_empty_boxes_as_not_given()
    {
        var fields = new ChannelFields
        {
            Name = "mail",
            Kind = "email",
            Url = "ignored for email",
            EmailHost = "smtp.example.com",
            EmailFrom = "hc@example.com",
            EmailTo = "a@example.com\n b@example.com, c@example.com\n",
            EmailSecurity = "tls",
        };

        var (channel, errors) = ChannelValidator.Validate(fields.ToDraft());

        Assert.Empty(errors);
        Assert.Equal(new EmailOptions("smtp.example.com", 465, SmtpSecurity.Tls, "hc@example.com", ["a@example.com", "b@example.com", "c@example.com"], null, null), channel!.Email);
    }

    [Fact]
    public void A_header_line_without_a_colon_is_an_error_on_that_header()
    {
        var (_, errors) = ChannelValidator.Validate(new ChannelFields { Name = "h", Url = "http://h/", Headers = "Authorization" }.ToDraft());

        Assert.Equal("headers.Authorization: needs a value: ${NAME} for an environment variable, or the value itself", Assert.Single(errors).ToString());
    }

    [Fact]
    public void A_stored_rule_edited_unchanged_validates_to_itself()
    {
        var rule = new AlertRule("shop-down", "shop/*", ["ops", "mail"], TimeSpan.FromSeconds(30), TimeSpan.FromHours(4), false, TimeSpan.Zero, TimeSpan.FromMinutes(5));

        var fields = RuleFields.From(new StoredRule(3, rule, At, At));
        var (back, errors) = AlertRuleValidator.Validate(fields.ToDraft());

        Assert.Empty(errors);
        Assert.Equal("ops, mail", fields.Channels);
        Assert.Equal(rule, back);
    }

    [Fact]
    public void A_new_rule_with_only_targets_and_channels_gets_the_defaults()
    {
        var (rule, errors) = AlertRuleValidator.Validate(new RuleFields { Targets = " db ", Channels = "ops" }.ToDraft());

        Assert.Empty(errors);
        Assert.Equal(new AlertRule("db", "db", ["ops"], TimeSpan.Zero, null, true, AlertRule.DefaultGroupWait, AlertRule.DefaultGroupInterval), rule);
    }
}
