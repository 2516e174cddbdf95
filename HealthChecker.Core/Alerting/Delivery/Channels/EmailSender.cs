using System.Net.Security;
using System.Net.Sockets;
using HealthChecker.Core.Alerting.Delivery.Messages;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// Mail over SMTP (MailKit): one connection per message, secured as the channel says (STARTTLS, TLS from the first byte,
/// or none), a login when a user is set (the password read when sent), a plain text and an HTML part, and a
/// <c>Message-ID</c> made of the message id so a mail system can drop a repeat. A 4xx reply, a timeout or a lost
/// connection is retried; a 5xx reply, a refused login or a TLS failure fails for good.
/// </summary>
public sealed class EmailSender(AlertTemplates templates, TimeSpan? attemptTimeout = null, RemoteCertificateValidationCallback? certificateCheck = null)
    : IChannelSender
{
    private readonly TimeSpan _timeout = attemptTimeout ?? TimeSpan.FromSeconds(10);

    public ChannelKind Kind => ChannelKind.Email;

    public async Task<DeliveryAnswer> SendAsync(ChannelDefinition channel, AlertMessage message, CancellationToken cancellationToken)
    {
        if (channel.Email is not { } email)
        {
            return DeliveryAnswer.Failed("the channel has no SMTP settings");
        }

        string? password = null;
        if (email.User is not null && email.Password is { } secret && (password = SecretValues.Resolve(secret)) is null)
        {
            return DeliveryAnswer.Failed($"the SMTP password is not set ({secret})");
        }

        MimeMessage mail;
        try
        {
            mail = Mail(email, message, templates.Render(channel, message));
        }
        catch (ParseException e)
        {
            return DeliveryAnswer.Failed($"an address is not valid: {e.Message}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var client = new SmtpClient { Timeout = (int)_timeout.TotalMilliseconds };
        if (certificateCheck is not null)
        {
            client.ServerCertificateValidationCallback = certificateCheck;
        }

        try
        {
            await client.ConnectAsync(email.Host, email.Port, Security(email.Security), timeout.Token).ConfigureAwait(false);
            if (email.User is { } user)
            {
                await client.AuthenticateAsync(user, password ?? "", timeout.Token).ConfigureAwait(false);
            }

            var answer = await client.SendAsync(mail, timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(true, timeout.Token).ConfigureAwait(false);
            return DeliveryAnswer.Delivered($"SMTP 250 {answer}".TrimEnd());
        }
        catch (SmtpCommandException e)
        {
            var text = $"SMTP {(int)e.StatusCode} {e.Message}";
            return (int)e.StatusCode is >= 400 and < 500 ? DeliveryAnswer.Retry(text) : DeliveryAnswer.Failed(text);
        }
        catch (AuthenticationException e)
        {
            return DeliveryAnswer.Failed($"the SMTP login was refused: {e.Message}");
        }
        catch (SslHandshakeException e)
        {
            return DeliveryAnswer.Failed($"TLS with the SMTP server failed: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            return DeliveryAnswer.Failed($"the SMTP server cannot do what the channel asks: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryAnswer.Retry($"no answer within {_timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException)
        {
            return DeliveryAnswer.Retry(e is SocketException s ? $"{s.SocketErrorCode}: {s.Message}" : $"{e.GetType().Name}: {e.Message}");
        }
    }

    internal static MimeMessage Mail(EmailOptions email, AlertMessage message, RenderedMessage rendered)
    {
        var from = MailboxAddress.Parse(email.From);
        var mail = new MimeMessage
        {
            Subject = rendered.Title,
            Date = message.CreatedAt,
            MessageId = $"{message.Id}@{(from.Domain.Length > 0 ? from.Domain : "healthchecker")}",
        };
        mail.From.Add(from);
        foreach (var to in email.To)
        {
            mail.To.Add(MailboxAddress.Parse(to));
        }

        // RFC 3834: no out-of-office answers to an alert.
        mail.Headers.Add("Auto-Submitted", "auto-generated");
        mail.Body = new BodyBuilder
        {
            TextBody = rendered.Text + "\n",
            HtmlBody = $"<!DOCTYPE html>\n<html><body>\n{rendered.Html}\n</body></html>\n",
        }.ToMessageBody();
        return mail;
    }

    private static SecureSocketOptions Security(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}
