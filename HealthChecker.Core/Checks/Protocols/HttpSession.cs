using System.Text;
using HealthChecker.Core.Connections;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>
/// An HTTP/1.1 check: one request with Connection: close, then the status line and headers decide
/// (L7OK, L7STS, L7RSP); an expected body substring waits for the body.
/// </summary>
internal sealed class HttpSession : IProtocolSession
{
    public const string UserAgent = "HealthChecker/1.0";
    private readonly HttpOptions _options;
    private readonly byte[] _request;
    private readonly byte[]? _bodyNeedle;
    private readonly ResponseBuffer _response = new();
    private int _sent;
    private HttpResponseHead? _head;

    public HttpSession(CheckTarget target, HttpOptions options)
    {
        _options = options;
        _request = Request(target, options);
        _bodyNeedle = options.BodyContains is { Length: > 0 } body ? Encoding.UTF8.GetBytes(body) : null;
    }

    /// <summary>The request goes first.</summary>
    public bool ReceivesFirst => false;

    public void OnReceivable(Connection connection) => _response.Fill(connection);

    public void OnSendable(Connection connection)
    {
        // Sending happens in Advance; the pass ends with it.
    }

    public ProtocolVerdict? Advance(Connection connection)
    {
        if (_sent < _request.Length)
        {
            if (!connection.Has(ConnectionFlags.Error))
            {
                _sent += connection.Transport.SendFrom(connection, _request.AsSpan(_sent));
            }
            if (connection.Has(ConnectionFlags.Error))
            {
                return SocketError(connection);
            }
            if (_sent < _request.Length)
            {
                connection.WantSend();
                return null;
            }
        }
        connection.StopSend();
        _response.FillAtReadShut(connection);
        bool conclusive = _response.IsFull || connection.Has(ConnectionFlags.ReadShut) || connection.Has(ConnectionFlags.Error);
        string error = "";
        _head ??= HttpResponseHead.TryParse(_response.Data, out error);
        if (_head is null)
        {
            if (error.Length > 0)
            {
                return new ProtocolVerdict(CheckStatus.L7Response, error);
            }
            if (!conclusive)
            {
                connection.WantReceive();
                return null;
            }
            return Incomplete(connection, _response.Length == 0 ? "HTTP: empty response" : "HTTP: incomplete response");
        }
        var head = _head;
        if (!_options.ExpectStatus.Any(r => r.Contains(head.Code)))
        {
            return new ProtocolVerdict(CheckStatus.L7Status, head.ToString(), head.Code);
        }
        if (_bodyNeedle is null)
        {
            return new ProtocolVerdict(CheckStatus.L7Ok, head.ToString(), head.Code);
        }
        var body = _response.Data[head.BodyStart..];
        if (body.IndexOf(_bodyNeedle) >= 0)
        {
            return new ProtocolVerdict(CheckStatus.L7Ok, head.ToString(), head.Code);
        }
        if (!conclusive && !BodyComplete(head, body))
        {
            connection.WantReceive();
            return null;
        }
        return connection.Has(ConnectionFlags.Error) && !BodyComplete(head, body)
            ? new ProtocolVerdict(CheckStatus.L7Response, $"{head}, body cut short: {connection.ErrorText}", head.Code)
            : new ProtocolVerdict(CheckStatus.L7Response, $"{head}, body does not contain '{_options.BodyContains}'", head.Code);
    }

    public ProtocolVerdict OnTimeout(Connection connection)
    {
        string where = _sent < _request.Length ? "sending the request"
            : _head is null ? "waiting for the status line and headers"
            : $"waiting for a body containing '{_options.BodyContains}'";
        return new ProtocolVerdict(CheckStatus.L7Timeout, $"HTTP: {where}", _head?.Code);
    }

    private static ProtocolVerdict Incomplete(Connection connection, string what)
    {
        if (connection.Has(ConnectionFlags.Error))
        {
            // Nothing read before the socket failed: the socket's error is the news, not the protocol.
            return what == "HTTP: empty response" ? SocketError(connection) : new(CheckStatus.L7Response, $"{what}: {connection.ErrorText}");
        }
        return new ProtocolVerdict(CheckStatus.L7Response, what);
    }

    private static bool BodyComplete(HttpResponseHead head, ReadOnlySpan<byte> body) =>
        head.ContentLength is { } length ? body.Length >= length
        : head.Chunked && body.EndsWith("0\r\n\r\n"u8);

    private static ProtocolVerdict SocketError(Connection connection) => new(CheckStatus.SocketError, connection.ErrorText);

    private static byte[] Request(CheckTarget target, HttpOptions options)
    {
        string host = options.HostHeader ?? DefaultHost(target);
        string path = options.Path.Length == 0 ? "/" : options.Path;
        var text = new StringBuilder()
            .Append(options.Method).Append(' ').Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host).Append("\r\n")
            .Append("User-Agent: ").Append(UserAgent).Append("\r\n")
            .Append("Accept: */*\r\n")
            .Append("Connection: close\r\n\r\n");
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    /// <summary>The target's host, bracketed if IPv6, with its port unless it is the scheme's default.</summary>
    private static string DefaultHost(CheckTarget target)
    {
        // Only an IPv6 literal has a colon; a name keeps its name even when it was resolved to an IPv6 address.
        string host = target.Host.Contains(':', StringComparison.Ordinal)
            ? $"[{target.Host}]"
            : target.Host;
        bool defaultPort = (target.Scheme == "http" && target.Port == 80) || (target.Scheme == "https" && target.Port == 443);
        return defaultPort ? host : $"{host}:{target.Port}";
    }
}
