using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace HealthChecker.Testing;

/// <summary>
/// A real SMTP server on 127.0.0.1 (the SmtpServer library, in-process): records every mail it takes, with the login
/// it came with and whether the session was encrypted; answers each mail with the next scripted reply (then 250).
/// With a certificate it offers STARTTLS, or speaks TLS from the first byte when <c>implicitTls</c>.
/// </summary>
public sealed class SmtpReceiver : IDisposable
{
    private readonly ConcurrentQueue<SmtpResponse> _answers = new();
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public SmtpReceiver(X509Certificate2? certificate = null, bool implicitTls = false, (string User, string Password)? login = null,
        params SmtpResponse[] answers)
    {
        Port = LoopbackPorts.Free();
        foreach (var answer in answers)
        {
            _answers.Enqueue(answer);
        }

        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b =>
            {
                b.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, Port)).IsSecure(implicitTls).AllowUnsecureAuthentication(true)
                    .AuthenticationRequired(login is not null);
                if (certificate is not null)
                {
                    b.Certificate(certificate);
                }
            })
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        if (login is { } expected)
        {
            services.Add(new DelegatingUserAuthenticator((user, password) => user == expected.User && password == expected.Password));
        }

        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    /// <summary>A self-signed certificate for localhost and 127.0.0.1.</summary>
    public static X509Certificate2 Certificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _running.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private sealed class Store(SmtpReceiver receiver) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var at = DateTimeOffset.UtcNow;
            using var stream = new MemoryStream(buffer.ToArray());
            var mail = MimeMessage.Load(stream, cancellationToken);
            var answer = receiver._answers.TryDequeue(out var scripted) ? scripted : SmtpResponse.Ok;
            var user = context.Authentication.IsAuthenticated ? context.Authentication.User : null;
            receiver._received.Enqueue(new ReceivedMail(mail, user, context.Pipe.IsSecure, (int)answer.ReplyCode, at));
            return Task.FromResult(answer);
        }
    }
}

/// <summary>A mail an <see cref="SmtpReceiver"/> took (or refused, by <see cref="Reply"/>), who logged in, whether over TLS, and when it arrived.</summary>
public sealed record ReceivedMail(MimeMessage Mail, string? User, bool Secure, int Reply, DateTimeOffset At);
