using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace HealthChecker.Core.Transport;

/// <summary>
/// TLS stacked on the raw transport (HAProxy's ssl_sock): an SslStream over a <see cref="TransportStream"/>,
/// driven from the loop's readiness events. Plaintext comes out of <see cref="ReceiveInto"/> like raw bytes.
/// </summary>
public sealed class TlsTransport : ITransport, IDisposable
{
    private readonly ITransport _inner;
    private readonly SslClientAuthenticationOptions _options;
    private readonly bool _verify;
    private readonly byte[] _plain = new byte[16 * 1024];
    private TransportStream? _stream;
    private SslStream? _ssl;
    private Task? _handshake;
    private Task<int>? _appRead;
    private Task? _appWrite;
    private int _appWriteLength;
    private int _plainStart;
    private int _plainEnd;

    public TlsTransport(string serverName, bool verify, X509Certificate2Collection? trustedRoots = null, ITransport? inner = null)
    {
        _inner = inner ?? RawTransport.Instance;
        _verify = verify;
        ServerName = serverName;
        var policy = new X509ChainPolicy
        {
            // A revocation or AIA download would block the loop; health checks judge the certificate alone.
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        if (trustedRoots is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(trustedRoots);
        }
        _options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            CertificateChainPolicy = policy,
            RemoteCertificateValidationCallback = Validate,
        };
    }

    public string ServerName { get; }

    /// <summary>The server's certificate, once it was presented.</summary>
    public X509Certificate2? Certificate { get; private set; }

    /// <summary>What validation found wrong with the certificate (None when it passed or was not checked).</summary>
    public SslPolicyErrors PolicyErrors { get; private set; }

    /// <summary>The chain's complaints, in the platform's words.</summary>
    public IReadOnlyList<string> ChainProblems { get; private set; } = [];

    public SslProtocols Protocol => _ssl?.SslProtocol ?? SslProtocols.None;

    public bool HandshakeDone => _handshake is { IsCompletedSuccessfully: true };

    public bool HandshakeFailed => _handshake is { IsCompleted: true, IsCompletedSuccessfully: false };

    /// <summary>Why the handshake failed, innermost cause first.</summary>
    public Exception? HandshakeError => _handshake?.Exception?.InnerException;

    /// <summary>Ciphertext waits for Out: the caller keeps Out in the interest.</summary>
    public bool WritePending => _stream?.WritePending ?? false;

    /// <summary>Starts the handshake on a connected socket, or moves it on with what the socket allows now.</summary>
    public void Handshake(ITransportSocket connection)
    {
        if (_handshake is null)
        {
            _stream = new TransportStream(connection, _inner);
            _ssl = new SslStream(_stream, leaveInnerStreamOpen: true);
            try
            {
                _handshake = _ssl.AuthenticateAsClientAsync(_options, CancellationToken.None);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or InvalidOperationException)
            {
                _handshake = Task.FromException(e);
            }
            return;
        }
        _stream!.Pump();
    }

    public int ReceiveInto(ITransportSocket connection, Span<byte> buffer)
    {
        if (!HandshakeDone)
        {
            return 0;
        }
        _stream!.Pump();
        if (_plainStart == _plainEnd && _appRead is null)
        {
            _appRead = _ssl!.ReadAsync(_plain).AsTask();
        }
        if (_plainStart == _plainEnd && _appRead is { IsCompleted: true } read)
        {
            _appRead = null;
            if (!read.IsCompletedSuccessfully || read.Result == 0)
            {
                // close_notify, the peer's FIN, or a broken record: nothing more will come.
                _ = read.Exception;
                connection.NoteReadShut();
                return 0;
            }
            _plainStart = 0;
            _plainEnd = read.Result;
        }
        int n = Math.Min(buffer.Length, _plainEnd - _plainStart);
        _plain.AsSpan(_plainStart, n).CopyTo(buffer);
        _plainStart += n;
        return n;
    }

    /// <summary>
    /// Encrypts and sends; returns 0 while the ciphertext still waits for Out and the byte count once it
    /// is out, so the caller presents the same unsent bytes again, as with a short raw write.
    /// </summary>
    public int SendFrom(ITransportSocket connection, ReadOnlySpan<byte> buffer)
    {
        if (!HandshakeDone)
        {
            return 0;
        }
        _stream!.Pump();
        if (_appWrite is null)
        {
            _appWriteLength = buffer.Length;
            _appWrite = _ssl!.WriteAsync(buffer.ToArray()).AsTask();
        }
        if (!_appWrite.IsCompleted)
        {
            return 0;
        }
        var write = _appWrite;
        _appWrite = null;
        _ = write.Exception;
        return write.IsCompletedSuccessfully ? _appWriteLength : 0;
    }

    public void Dispose()
    {
        _ = _handshake?.Exception;
        Certificate?.Dispose();
        try
        {
            _ssl?.Dispose();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The socket is already gone; only the native TLS state is being freed here.
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // A copy: SslStream disposes the one it hands over once the handshake ends.
        Certificate = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        PolicyErrors = errors;
        ChainProblems = chain?.ChainStatus
            .Where(s => s.Status != X509ChainStatusFlags.NoError)
            .Select(s => s.StatusInformation.Trim())
            .Where(s => s.Length > 0)
            .Distinct()
            .ToList() ?? [];
        return !_verify || errors == SslPolicyErrors.None;
    }
}
