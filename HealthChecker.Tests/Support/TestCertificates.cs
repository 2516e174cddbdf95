using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HealthChecker.Tests.Support;

/// <summary>Self-signed certificates made in the test, and TLS server scripts for <see cref="ScriptedPeer"/>.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed certificate for CN=<paramref name="name"/> valid from now+<paramref name="from"/> to now+<paramref name="to"/>.</summary>
    public static X509Certificate2 SelfSigned(string name, TimeSpan from, TimeSpan to)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var now = DateTimeOffset.UtcNow;
        using var made = request.CreateSelfSigned(now + from, now + to);
        // Through PKCS#12 so the private key is usable by the TLS server on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
    }

    public static X509Certificate2 Valid(string name = "localhost", int days = 30) =>
        SelfSigned(name, TimeSpan.FromDays(-1), TimeSpan.FromDays(days) + TimeSpan.FromHours(12));

    public static X509Certificate2 Expired(string name = "localhost") =>
        SelfSigned(name, TimeSpan.FromDays(-60), TimeSpan.FromDays(-2) - TimeSpan.FromHours(12));

    /// <summary>Completes a TLS handshake as a server, then runs <paramref name="then"/> on the TLS stream.</summary>
    public static Action<Socket> TlsServer(X509Certificate2 certificate, Action<SslStream>? then = null) => s =>
    {
        using var network = new NetworkStream(s, ownsSocket: false);
        using var tls = new SslStream(network);
        tls.AuthenticateAsServer(certificate);
        if (then is null)
        {
            var buffer = new byte[1024];
            while (tls.Read(buffer) > 0)
            {
            }
            return;
        }
        then(tls);
    };

    /// <summary>Reads one HTTP request over TLS, answers with <paramref name="response"/>, then closes.</summary>
    public static Action<SslStream> HttpAnswer(string response) => tls =>
    {
        var seen = new List<byte>();
        var buffer = new byte[4096];
        while (seen.Count < 4 || !(seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n'))
        {
            int n = tls.Read(buffer);
            if (n == 0)
            {
                return;
            }
            seen.AddRange(buffer.AsSpan(0, n));
        }
        tls.Write(System.Text.Encoding.Latin1.GetBytes(response));
        tls.Flush();
    };
}
