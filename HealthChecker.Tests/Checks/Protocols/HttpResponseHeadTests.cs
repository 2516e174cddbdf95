using System.Text;
using HealthChecker.Core.Checks.Protocols;

namespace HealthChecker.Tests.Checks.Protocols;

/// <summary>The status-line and header parser on its own: complete, incomplete, and not HTTP.</summary>
public sealed class HttpResponseHeadTests
{
    private static HttpResponseHead? Parse(string text, out string error) =>
        HttpResponseHead.TryParse(Encoding.Latin1.GetBytes(text), out error);

    [Fact]
    public void A_complete_head_gives_code_reason_length_and_body_start()
    {
        var head = Parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhello", out string error);

        Assert.Equal("", error);
        Assert.NotNull(head);
        Assert.Equal((200, "OK", 5L, false), (head.Code, head.Reason, head.ContentLength, head.Chunked));
        Assert.Equal("HTTP 200 OK", head.ToString());
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\n".Length, head.BodyStart);
    }

    [Fact]
    public void Bare_LF_lines_and_chunked_encoding_are_understood()
    {
        var head = Parse("HTTP/1.0 503 Service Unavailable\nTransfer-Encoding: chunked\n\n", out _);

        Assert.NotNull(head);
        Assert.Equal((503, "Service Unavailable", true), (head.Code, head.Reason, head.Chunked));
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.")]
    [InlineData("HTTP/1.1 200 OK\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n")]
    public void An_incomplete_head_waits_without_an_error(string text)
    {
        Assert.Null(Parse(text, out string error));
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("SSH-2.0-x", "HTTP: invalid status line 'SSH-2.0-x'")]
    [InlineData("HTTP/1.1 2000 OK\r\n", "HTTP: invalid status line 'HTTP/1.1 2000 OK'")]
    [InlineData("HTTP/2 200\r\n", "HTTP: invalid status line 'HTTP/2 200'")]
    [InlineData("HTTP/1.1 099 Low\r\n", "HTTP: invalid status line 'HTTP/1.1 099 Low'")]
    public void Not_HTTP_is_an_error_showing_the_start(string text, string expected)
    {
        Assert.Null(Parse(text, out string error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_status_line_without_a_reason_is_accepted()
    {
        var head = Parse("HTTP/1.1 204\r\n\r\n", out _);

        Assert.NotNull(head);
        Assert.Equal("HTTP 204", head.ToString());
    }
}
