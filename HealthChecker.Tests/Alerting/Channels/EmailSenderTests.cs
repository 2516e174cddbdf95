using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Alerting.Delivery.Channels;
using HealthChecker.Core.Alerting.Delivery.Messages;
using HealthChecker.Testing;
using HealthChecker.Tests.Support;
using MimeKit;
using SmtpServer.Protocol;
using static HealthChecker.Tests.Alerting.Channels.AlertTemplatesTests;

namespace HealthChecker.Tests.Alerting.Channels;

/// <summary>The email channel against a real SMTP server on loopback: both parts, STARTTLS and TLS with a login, and the replies retried or not.</summary>
public sealed class EmailSenderTests
{
    private static readonly Uri App = new("https://hc.example.org/");

    private static ChannelDefinition Mail(int port, SmtpSecurity security = SmtpSecurity.None, string? user = null, SecretText? password = null) =>
        new("mail", ChannelKind.Email, null, [], new EmailOptions("127.0.0.1", port, security, "HealthChecker <alerts@hc.example.org>", ["ops@example.org", "oncall@example.org"], user, password));

    /// <summary>The test's own certificate is trusted; the app keeps the system's validation.</summary>
    private static EmailSender Sender() => new(new AlertTemplates(App), certificateCheck: (_, _, _, _) => true);

    [Fact]
    public async Task A_mail_arrives_with_the_title_as_subject_a_plain_text_and_an_html_part_and_a_message_id_from_the_message()
    {
        using var server = new SmtpReceiver();
        var message = Message(Down("shop/api"));

        var answer = await Sender().SendAsync(Mail(server.Port), message, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        Assert.StartsWith("SMTP 250", answer.Text);
        var got = Assert.Single(server.Received).Mail;
        Assert.Equal("[DOWN] shop/api is DOWN", got.Subject);
        Assert.Equal($"{message.Id}@hc.example.org", got.MessageId);
        Assert.Equal("alerts@hc.example.org", Assert.Single(got.From.Mailboxes).Address);
        Assert.Equal(["ops@example.org", "oncall@example.org"], got.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("auto-generated", got.Headers["Auto-Submitted"]);
        var parts = Assert.IsType<MultipartAlternative>(got.Body);
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.ContentType.MimeType));
        Assert.Equal("shop/api is DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused\nhttps://hc.example.org/targets/7\n", got.TextBody!.ReplaceLineEndings("\n"));
        Assert.Contains("<a href=\"https://hc.example.org/targets/7\"><b>shop/api</b></a> is <b>DOWN</b>", got.HtmlBody);
    }

    [Fact]
    public async Task Starttls_with_a_login_sends_over_an_encrypted_session_with_the_password_read_from_the_environment()
    {
        using var certificate = SmtpReceiver.Certificate();
        using var server = new SmtpReceiver(certificate, login: ("hc", "pa55"));
        Environment.SetEnvironmentVariable("HC_TEST_SMTP_PASSWORD", "pa55");

        var answer = await Sender().SendAsync(Mail(server.Port, SmtpSecurity.StartTls, "hc", SecretText.FromReference("HC_TEST_SMTP_PASSWORD")), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        var got = Assert.Single(server.Received);
        Assert.Equal(("hc", true), (got.User, got.Secure));
    }

    [Fact]
    public async Task Tls_from_the_first_byte_sends_over_an_encrypted_session()
    {
        using var certificate = SmtpReceiver.Certificate();
        using var server = new SmtpReceiver(certificate, implicitTls: true);

        var answer = await Sender().SendAsync(Mail(server.Port, SmtpSecurity.Tls), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, answer.Outcome);
        Assert.True(Assert.Single(server.Received).Secure);
    }

    [Fact]
    public async Task Starttls_required_from_a_server_that_does_not_offer_it_fails_without_sending()
    {
        using var server = new SmtpReceiver();

        var answer = await Sender().SendAsync(Mail(server.Port, SmtpSecurity.StartTls), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, answer.Outcome);
        Assert.Contains("STARTTLS", answer.Text);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_4xx_reply_is_retried_and_a_5xx_reply_fails_for_good()
    {
        using var server = new SmtpReceiver(answers: [new SmtpResponse(SmtpReplyCode.MailboxUnavailable - 100, "try later"), SmtpResponse.TransactionFailed]);

        var later = await Sender().SendAsync(Mail(server.Port), Message(Down("shop/api")), CancellationToken.None);
        var refused = await Sender().SendAsync(Mail(server.Port), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal((DeliveryOutcome.Retry, "SMTP 450 try later"), (later.Outcome, later.Text));
        Assert.Equal(DeliveryOutcome.Failed, refused.Outcome);
        Assert.StartsWith("SMTP 554", refused.Text);
    }

    [Fact]
    public async Task A_refused_login_fails_for_good_and_an_unreachable_server_is_retried()
    {
        using var server = new SmtpReceiver(login: ("hc", "pa55"));

        var wrong = await Sender().SendAsync(Mail(server.Port, user: "hc", password: SecretText.FromValue("wrong")), Message(Down("shop/api")), CancellationToken.None);
        var away = await Sender().SendAsync(Mail(LoopbackPorts.Free()), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, wrong.Outcome);
        Assert.StartsWith("the SMTP login was refused", wrong.Text);
        Assert.Empty(server.Received);
        Assert.Equal(DeliveryOutcome.Retry, away.Outcome);
        Assert.Contains("ConnectionRefused", away.Text);
    }

    [Fact]
    public async Task A_password_whose_variable_is_not_set_fails_and_names_the_reference_only()
    {
        using var server = new SmtpReceiver();

        var answer = await Sender().SendAsync(Mail(server.Port, user: "hc", password: SecretText.FromReference("HC_TEST_NO_SUCH_PASSWORD")), Message(Down("shop/api")), CancellationToken.None);

        Assert.Equal((DeliveryOutcome.Failed, "the SMTP password is not set (${HC_TEST_NO_SUCH_PASSWORD})"), (answer.Outcome, answer.Text));
    }
}
