using System.Globalization;
using System.Text;

namespace HealthChecker.Core.Checks.Protocols;

/// <summary>An HTTP/1.x status line and the headers a check needs; parsed from the bytes read so far.</summary>
internal sealed record HttpResponseHead(int Code, string Reason, int BodyStart, long? ContentLength, bool Chunked)
{
    private const int MaxShown = 40;

    /// <summary>Null with an empty error while more bytes are needed; null with an error for an answer that is not HTTP.</summary>
    public static HttpResponseHead? TryParse(ReadOnlySpan<byte> data, out string error)
    {
        error = "";
        int lineEnd = data.IndexOf((byte)'\n');
        if (lineEnd < 0)
        {
            // A status line never starts otherwise: fail early on an answer that is plainly something else.
            if (!IsHttpPrefix(data))
            {
                error = $"HTTP: invalid status line '{Shown(data)}'";
            }
            return null;
        }
        var line = Encoding.Latin1.GetString(data[..lineEnd]).TrimEnd('\r');
        if (!TryParseStatusLine(line, out int code, out string reason))
        {
            error = $"HTTP: invalid status line '{Shown(data[..lineEnd])}'";
            return null;
        }
        int headersEnd = FindHeadersEnd(data, lineEnd + 1, out int bodyStart);
        if (headersEnd < 0)
        {
            return null;
        }
        long? contentLength = null;
        bool chunked = false;
        foreach (var raw in Encoding.Latin1.GetString(data[(lineEnd + 1)..headersEnd]).Split('\n'))
        {
            var header = raw.TrimEnd('\r');
            int colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
            {
                contentLength = length;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
        }
        return new HttpResponseHead(code, reason, bodyStart, contentLength, chunked);
    }

    /// <summary>"HTTP 200 OK", "HTTP 503 Service Unavailable".</summary>
    public override string ToString() => Reason.Length == 0 ? $"HTTP {Code}" : $"HTTP {Code} {Reason}";

    private static bool TryParseStatusLine(string line, out int code, out string reason)
    {
        code = 0;
        reason = "";
        // HTTP/1.x SP 3DIGIT [SP reason-phrase]
        if (line.Length < 12 || !line.StartsWith("HTTP/1.", StringComparison.Ordinal) || !char.IsAsciiDigit(line[7]) || line[8] != ' ')
        {
            return false;
        }
        var digits = line.AsSpan(9, 3);
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out code) || code < 100
            || (line.Length > 12 && line[12] != ' '))
        {
            return false;
        }
        reason = line.Length > 13 ? line[13..].Trim() : "";
        return true;
    }

    private static bool IsHttpPrefix(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> prefix = "HTTP/1."u8;
        int n = Math.Min(data.Length, prefix.Length);
        return data[..n].SequenceEqual(prefix[..n]);
    }

    /// <summary>The index of the blank line ending the headers, or -1; <paramref name="bodyStart"/> is just after it.</summary>
    private static int FindHeadersEnd(ReadOnlySpan<byte> data, int from, out int bodyStart)
    {
        bodyStart = -1;
        int at = from;
        while (at < data.Length)
        {
            // Each header line ends with LF; an empty line (LF or CRLF alone) ends the headers.
            if (data[at] == '\n')
            {
                bodyStart = at + 1;
                return at;
            }
            if (data[at] == '\r' && at + 1 < data.Length && data[at + 1] == '\n')
            {
                bodyStart = at + 2;
                return at;
            }
            int next = data[at..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return -1;
            }
            at += next + 1;
        }
        return -1;
    }

    /// <summary>The start of an answer, printable and short, for an info text.</summary>
    public static string Shown(ReadOnlySpan<byte> data)
    {
        data = data.TrimEnd("\r\n"u8);
        var text = new StringBuilder();
        foreach (byte b in data[..Math.Min(data.Length, MaxShown)])
        {
            text.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        }
        return data.Length > MaxShown ? text.Append("...").ToString() : text.ToString();
    }
}
