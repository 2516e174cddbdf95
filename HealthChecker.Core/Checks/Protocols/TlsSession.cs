using System.Net.Security;
using System.Security.Authentication;
using HealthChecker.Core.Connections;
using HealthChecker.Core.Targets;
using HealthChecker.Core.Transport;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>
/// The TLS handshake after connect (L6OK, L6TOUT, L6RSP with the reason), then the inner session, if
/// any, over the same connection with plaintext from the TLS transport.
/// </summary>
internal sealed class TlsSession : IProtocolSession
{
    private readonly TlsTransport _tls;
    private readonly TlsOptions _options;
    private readonly IProtocolSession? _inner;
    private readonly TimeProvider _clock;
    private bool _certificateJudged;

    public TlsSession(TlsTransport tls, TlsOptions options, IProtocolSession? inner, TimeProvider? clock = null)
    {
        _tls = tls;
        _options = options;
        _inner = inner;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The client hello goes first.</summary>
    public bool ReceivesFirst => false;

    public void OnReceivable(Connection connection)
    {
        // Take what In offers before a reset is handled: the handshake may fail on those bytes, not on the reset.
        if (!_tls.HandshakeDone)
        {
            _tls.Handshake(connection);
        }
        else
        {
            _inner?.OnReceivable(connection);
        }
    }

    public void OnSendable(Connection connection)
    {
        if (_tls.HandshakeDone)
        {
            _inner?.OnSendable(connection);
        }
    }

    public ProtocolVerdict? Advance(Connection connection)
    {
        if (!_tls.HandshakeDone)
        {
            if (connection.Has(ConnectionFlags.Error) && !_tls.HandshakeFailed && _tls.Certificate is null)
            {
                return new ProtocolVerdict(CheckStatus.SocketError, connection.ErrorText);
            }
            _tls.Handshake(connection);
            if (_tls.HandshakeFailed)
            {
                return Failed(connection);
            }
            if (!_tls.HandshakeDone)
            {
                // Out only while ciphertext waits: a level-triggered poller would report a writable socket forever.
                if (!_tls.WritePending)
                {
                    connection.StopSend();
                }
                connection.WantReceive();
                return null;
            }
        }
        if (!_certificateJudged)
        {
            // The handshake may have completed in OnReceivable: judge the certificate once, here.
            _certificateJudged = true;
            if (Expiry() is { } tooSoon)
            {
                return tooSoon;
            }
            if (_inner is null)
            {
                return new ProtocolVerdict(CheckStatus.L6Ok, CertificateText());
            }
        }
        return _inner!.Advance(connection);
    }

    public ProtocolVerdict OnTimeout(Connection connection) =>
        _tls.HandshakeDone && _inner is not null
            ? _inner.OnTimeout(connection)
            : new ProtocolVerdict(CheckStatus.L6Timeout, "TLS handshake did not complete");

    private ProtocolVerdict Failed(Connection connection)
    {
        if (IsSocketFailure(_tls.HandshakeError))
        {
            // The socket failed under the handshake (a reset): the errno is the news.
            return new ProtocolVerdict(CheckStatus.SocketError, connection.ErrorText);
        }
        return new ProtocolVerdict(CheckStatus.L6Response, $"TLS handshake failed: {Reason()}");
    }

    private static bool IsSocketFailure(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is SocketFailureException)
            {
                return true;
            }
        }
        return false;
    }

    private string Reason()
    {
        var errors = _tls.PolicyErrors;
        var certificate = _tls.Certificate;
        if (certificate is not null && errors != SslPolicyErrors.None)
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            var problems = new List<string>();
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                problems.Add($"certificate '{certificate.Subject}' does not match '{_tls.ServerName}'");
            }
            if (certificate.NotAfter.ToUniversalTime() < now)
            {
                problems.Add($"certificate '{certificate.Subject}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            }
            else if (certificate.NotBefore.ToUniversalTime() > now)
            {
                problems.Add($"certificate '{certificate.Subject}' is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd}");
            }
            else if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
            {
                string why = _tls.ChainProblems.Count > 0 ? string.Join("; ", _tls.ChainProblems) : "untrusted chain";
                problems.Add($"certificate '{certificate.Subject}' not trusted: {why}");
            }
            return string.Join(", ", problems);
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }
        var error = _tls.HandshakeError;
        while (error is AuthenticationException { InnerException: { } inner })
        {
            error = inner;
        }
        return error?.Message ?? "unknown error";
    }

    private ProtocolVerdict? Expiry()
    {
        if (_options.MinDaysToExpiry is not { } minimum || _tls.Certificate is null)
        {
            return null;
        }
        int days = DaysLeft();
        return days < minimum
            ? new ProtocolVerdict(CheckStatus.L6Response, $"{CertificateText()}, less than {minimum} days")
            : null;
    }

    /// <summary>"certificate 'CN=app' expires in 29 days", or "expired 3 days ago".</summary>
    private string CertificateText()
    {
        if (_tls.Certificate is not { } certificate)
        {
            return "no certificate";
        }
        int days = DaysLeft();
        return days >= 0
            ? $"certificate '{certificate.Subject}' expires in {days} days"
            : $"certificate '{certificate.Subject}' expired {-days} days ago";
    }

    private int DaysLeft() =>
        (int)Math.Floor((_tls.Certificate!.NotAfter.ToUniversalTime() - _clock.GetUtcNow().UtcDateTime).TotalDays);
}
