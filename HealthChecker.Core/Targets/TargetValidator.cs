using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HealthChecker.Core.Targets;

/// <summary>
/// The one set of rules for targets, shared by the targets file, the web form and the API, so each
/// says the same thing about the same mistake.
/// </summary>
public static partial class TargetValidator
{
    public const string DefaultGroup = "default";
    public static readonly TimeSpan DefaultInter = TimeSpan.FromSeconds(2);
    public const int DefaultRise = 2;
    public const int DefaultFall = 3;
    public const int MaxNameLength = 200;
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];

    public static (TargetDefinition? Definition, IReadOnlyList<TargetError> Errors) Validate(TargetDraft draft) => Validate(draft, TargetRules.Default);

    public static (TargetDefinition? Definition, IReadOnlyList<TargetError> Errors) Validate(TargetDraft draft, TargetRules rules)
    {
        var errors = new List<TargetError>();
        void Error(string field, string message) =>
            errors.Add(new TargetError(field, message, draft.Lines.TryGetValue(field, out var l) ? l : draft.Line));

        // What PostgreSQL cannot store, and sizes beyond any real target, are refused before anything reads the text.
        TargetTexts.Check(draft, Error);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var (group, name) = ParseName(draft.Name, Error);
        var check = ParseCheck(draft.Check, Error);
        var steps = ParseSteps(draft.Steps, Error);
        if (check is not null && steps.Count > 0 && check.Value.IsHttp)
        {
            Error("steps", "send/expect steps apply to tcp:// and tls:// checks; HTTP checks use the http options");
        }

        HttpOptions? http = null;
        if (check is { IsHttp: true } c)
        {
            http = ParseHttp(draft, c.Path, Error);
        }
        else if (check is not null && (draft.HttpMethod ?? draft.HttpHost ?? draft.HttpStatus ?? draft.HttpBody) is not null)
        {
            Error("http", "HTTP options apply to http:// and https:// checks");
        }

        TlsOptions? tls = null;
        if (check is { UseTls: true })
        {
            tls = ParseTls(draft, Error);
        }
        else if (check is not null && (draft.TlsVerify ?? draft.TlsServerName ?? draft.TlsMinDaysToExpiry) is not null)
        {
            Error("tls", "TLS options apply to tls:// and https:// checks");
        }

        var inter = ParseInterval(draft.Inter, "inter", DefaultInter > rules.MinInterval ? DefaultInter : rules.MinInterval, rules, Error);
        var fastInter = ParseInterval(draft.FastInter, "fastinter", inter, rules, Error);
        var downInter = ParseInterval(draft.DownInter, "downinter", inter, rules, Error);
        var timeout = ParseDuration(draft.Timeout, "timeout", inter, Error);
        if (timeout > inter && draft.Timeout is not null)
        {
            Error("timeout", $"must not be above inter ({Duration.Format(inter)})");
        }

        TimeSpan? connectTimeout = string.IsNullOrWhiteSpace(draft.ConnectTimeout)
            ? null
            : ParseDuration(draft.ConnectTimeout, "connect-timeout", timeout, Error);
        if (connectTimeout > inter)
        {
            Error("connect-timeout", $"must not be above inter ({Duration.Format(inter)}): a connect never waits longer than inter");
        }

        var dependsOn = ParseDependsOn(draft.DependsOn, group, name, Error);
        var rise = ParseInt(draft.Rise, "rise", DefaultRise, 1, 100, Error);
        var fall = ParseInt(draft.Fall, "fall", DefaultFall, 1, 100, Error);
        var spread = ParseInt(draft.Spread?.TrimEnd('%'), "spread", 0, 0, 50, Error);
        var enabled = ParseBool(draft.Enabled, "enabled", true, Error);
        var startUp = true;
        switch (draft.Start?.Trim().ToLowerInvariant())
        {
            case null or "" or "up":
                break;
            case "down":
                startUp = false;
                break;
            default:
                Error("start", "must be up or down");
                break;
        }

        if (errors.Count > 0 || check is null)
        {
            return (null, errors);
        }

        var kind = check.Value.IsHttp ? CheckKind.Http
            : steps.Count > 0 ? CheckKind.Expect
            : check.Value.UseTls ? CheckKind.Tls
            : CheckKind.Tcp;
        return (new TargetDefinition(group!, name!, kind, check.Value.Uri, check.Value.Host, check.Value.Port, check.Value.UseTls,
            steps, http, tls, inter, fastInter, downInter, timeout, rise, fall, spread, enabled, startUp)
        {
            ConnectTimeout = connectTimeout,
            DependsOn = dependsOn,
        }, errors);
    }

    /// <summary>The parts of a check URL; <see cref="Host"/> without IPv6 brackets.</summary>
    public readonly record struct CheckUrl(Uri Uri, string Scheme, string Host, int Port, string Path)
    {
        public bool IsHttp => Scheme is "http" or "https";

        public bool UseTls => Scheme is "tls" or "https";
    }

    /// <summary>Parses a check URL alone: the one parser of check URLs, for the file, the form, the API and the CLI.</summary>
    public static CheckUrl? ParseCheck(string? text, Action<string, string> error)
    {
        const string field = "check";
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error(field, "is required: a URL such as tcp://host:port, tls://host:port, http://host/path or https://host/path");
            return null;
        }

        var sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
        {
            error(field, $"'{EchoedText.Clip(text)}' is not a URL: write it as tcp://host:port, tls://host:port, http://host/path or https://host/path");
            return null;
        }

        var scheme = text[..sep].ToLowerInvariant();
        if (scheme is not ("tcp" or "tls" or "http" or "https"))
        {
            error(field, $"unknown scheme '{EchoedText.Clip(scheme)}': use tcp, tls, http or https");
            return null;
        }

        // Uri would only say "not a valid URL" here: name the mistake, as in the engine's own words before.
        var authority = HostPart(text[(sep + 3)..]);
        var hostAndPort = authority[(authority.LastIndexOf('@') + 1)..];
        if (hostAndPort.StartsWith('[') && !hostAndPort.Contains(']', StringComparison.Ordinal))
        {
            error(field, $"'{EchoedText.Clip(hostAndPort)}' opens an IPv6 address with '[' but never closes it: write it as {scheme}://[::1]:PORT");
            return null;
        }

        if (!hostAndPort.StartsWith('[') && hostAndPort.Count(c => c == ':') > 1)
        {
            error(field, $"'{EchoedText.Clip(hostAndPort)}' looks like an IPv6 address: write it in brackets, as in {scheme}://[::1]:PORT");
            return null;
        }

        // Uri gives -1 for schemes it has no default port for (tcp, tls).
        var explicitPort = PortRegex().Match(text[(sep + 3)..]);
        int port;
        if (explicitPort.Success)
        {
            var portText = explicitPort.Groups[1].Value;
            if (portText.Length == 0 || !portText.All(char.IsAsciiDigit))
            {
                error(field, $"port '{EchoedText.Clip(portText)}' is not a number: use 1 to 65535");
                return null;
            }

            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                error(field, $"port {portText} is out of range: use 1 to 65535");
                return null;
            }
        }
        else if (scheme is "http" or "https")
        {
            port = scheme == "http" ? 80 : 443;
        }
        else
        {
            error(field, $"{scheme}:// needs a port, as in {scheme}://{EchoedText.Clip(HostPart(text[(sep + 3)..]))}:PORT");
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            error(field, $"'{EchoedText.Clip(text)}' is not a valid URL");
            return null;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            error(field, "must not contain a user name or password");
            return null;
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        if (uri.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6 or UriHostNameType.Dns) || host.Length > 253)
        {
            error(field, $"'{EchoedText.Clip(uri.Host)}' is not a valid host name or address");
            return null;
        }

        var path = uri.PathAndQuery;
        if (scheme is "tcp" or "tls" && path is not ("" or "/"))
        {
            error(field, $"{scheme}:// takes no path");
            return null;
        }

        return new CheckUrl(uri, scheme, host, port, string.IsNullOrEmpty(path) ? "/" : path);
    }

    private static string HostPart(string afterScheme) => afterScheme.Split('/', '?', '#')[0];

    /// <summary><c>depends-on</c>: a target's name as <c>name</c> takes it (group <c>default</c> when none), never the target itself.</summary>
    private static string? ParseDependsOn(string? text, string? group, string? name, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var (parentGroup, parentName) = ParseName(text, (_, message) => error("depends-on", message));
        if (parentGroup is null || parentName is null)
        {
            return null;
        }

        var parent = $"{parentGroup}/{parentName}";
        if (group is not null && parent == $"{group}/{name}")
        {
            error("depends-on", "a target cannot depend on itself");
            return null;
        }

        return parent;
    }

    private static (string? Group, string? Name) ParseName(string? text, Action<string, string> error)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error("name", "is required (group/name, or just name)");
            return (null, null);
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var (group, name) = slash < 0 ? (DefaultGroup, text) : (text[..slash].Trim(), text[(slash + 1)..].Trim());
        if (group.Length == 0 || name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            error("name", $"'{EchoedText.Clip(text)}' must be group/name with both parts non-empty and one slash");
            return (null, null);
        }

        if (group.Length > MaxNameLength || name.Length > MaxNameLength)
        {
            error("name", $"group and name are at most {MaxNameLength} characters each");
            return (null, null);
        }

        if (text.Any(char.IsControl))
        {
            error("name", "must not contain control characters");
            return (null, null);
        }

        return (group, name);
    }

    private static List<CheckStep> ParseSteps(List<StepDraft> drafts, Action<string, string> error)
    {
        var steps = new List<CheckStep>();
        for (var i = 0; i < drafts.Count; i++)
        {
            var d = drafts[i];
            var field = $"steps[{i + 1}].{EchoedText.Clip(d.Action)}";
            var value = d.Value ?? "";
            if (value.Length == 0)
            {
                error(field, "is empty");
                continue;
            }

            if (!StepSyntax.TryParse(d.Action, out var action, out var encoding))
            {
                error($"steps[{i + 1}]", $"unknown step '{EchoedText.Clip(d.Action)}': use {StepSyntax.Listed}");
            }
            else
            {
                AddStep(steps, d, action, encoding, value, field, error);
            }

            // Any action that starts like a send (a misspelt one too) cannot be negated.
            if (d.Negate && d.Action.StartsWith(StepSyntax.Send, StringComparison.Ordinal))
            {
                error(field, "'not' applies to expect steps only");
            }
        }

        return steps;
    }

    private static void AddStep(List<CheckStep> steps, StepDraft d, CheckStepAction action, StepEncoding encoding, string value, string field,
        Action<string, string> error)
    {
        switch (encoding)
        {
            case StepEncoding.Text:
                if (TryUnescape(value, out var bytes, out var problem))
                {
                    steps.Add(new CheckStep(action, bytes, value, d.Negate, encoding));
                }
                else
                {
                    error(field, problem);
                }

                break;
            case StepEncoding.Hex:
                if (TryParseHex(value, out var hex))
                {
                    steps.Add(new CheckStep(action, hex, value, d.Negate, encoding));
                }
                else
                {
                    error(field, $"'{EchoedText.Clip(value)}' is not hex bytes (pairs of 0-9a-f)");
                }

                break;
            case StepEncoding.Regex:
                try
                {
                    _ = new Regex(value, RegexOptions.None, TimeSpan.FromSeconds(1));
                    steps.Add(new CheckStep(action, Encoding.Latin1.GetBytes(value), value, d.Negate, encoding));
                }
                catch (ArgumentException e)
                {
                    error(field, $"is not a valid regular expression: {EchoedText.Clip(e.Message, 120)}");
                }

                break;
        }
    }

    private static HttpOptions ParseHttp(TargetDraft draft, string path, Action<string, string> error)
    {
        var method = string.IsNullOrWhiteSpace(draft.HttpMethod) ? "GET" : draft.HttpMethod.Trim().ToUpperInvariant();
        if (!Methods.Contains(method, StringComparer.Ordinal))
        {
            error("http.method", $"'{EchoedText.Clip(draft.HttpMethod)}' is not one of {string.Join(", ", Methods)}");
        }

        var host = string.IsNullOrWhiteSpace(draft.HttpHost) ? null : draft.HttpHost.Trim();
        if (host is not null && host.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            error("http.host", "must be a host name without spaces");
        }

        var status = string.IsNullOrWhiteSpace(draft.HttpStatus) ? HttpOptions.DefaultStatus : ParseStatus(draft.HttpStatus, error);
        var body = string.IsNullOrEmpty(draft.HttpBody) ? null : draft.HttpBody;
        return new HttpOptions(method, path, host, status, body);
    }

    private static List<StatusRange> ParseStatus(string text, Action<string, string> error)
    {
        var ranges = new List<StatusRange>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var (fromText, toText) = dash < 0 ? (part, part) : (part[..dash].Trim(), part[(dash + 1)..].Trim());
            if (!int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                || from is < 100 or > 599 || to is < 100 or > 599 || from > to)
            {
                error("http.status", $"'{EchoedText.Clip(part)}' is not a status code or range between 100 and 599 (as in 200, 200-299, 200,301)");
                continue;
            }

            ranges.Add(new StatusRange(from, to));
        }

        return ranges;
    }

    private static TlsOptions ParseTls(TargetDraft draft, Action<string, string> error)
    {
        var verify = ParseBool(draft.TlsVerify, "tls.verify", true, error);
        var sni = string.IsNullOrWhiteSpace(draft.TlsServerName) ? null : draft.TlsServerName.Trim();
        if (sni is not null && sni.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            error("tls.server-name", "must be a host name without spaces");
        }

        int? minDays = draft.TlsMinDaysToExpiry is null ? null : ParseInt(draft.TlsMinDaysToExpiry, "tls.expiry-days", 0, 0, 3650, error);
        return new TlsOptions(verify, sni, minDays);
    }

    private static TimeSpan ParseInterval(string? text, string field, TimeSpan fallback, TargetRules rules, Action<string, string> error)
    {
        var value = ParseDuration(text, field, fallback, error);
        if (value < rules.MinInterval && !string.IsNullOrWhiteSpace(text))
        {
            error(field, $"must be at least {Duration.Format(rules.MinInterval)}; the admin can lower the floor with HC_MIN_INTERVAL");
            return fallback;
        }

        return value;
    }

    private static TimeSpan ParseDuration(string? text, string field, TimeSpan fallback, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!Duration.TryParse(text, out var value))
        {
            error(field, $"'{EchoedText.Clip(text)}' is not a duration: write it as 500ms, 2s, 1m or 1h");
            return fallback;
        }

        if (value <= TimeSpan.Zero || value > MaxInterval)
        {
            error(field, "must be above 0 and at most 24h");
            return fallback;
        }

        return value;
    }

    private static int ParseInt(string? text, string field, int fallback, int min, int max, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            error(field, $"'{EchoedText.Clip(text)}' must be a whole number from {min} to {max}");
            return fallback;
        }

        return value;
    }

    private static bool ParseBool(string? text, string field, bool fallback, Action<string, string> error)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "":
                return fallback;
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                error(field, $"'{EchoedText.Clip(text)}' must be true or false");
                return fallback;
        }
    }

    /// <summary>Text with C-style escapes (<c>\r \n \t \\ \xHH \0</c>) to bytes; other characters as Latin-1.</summary>
    public static bool TryUnescape(string text, out byte[] bytes, out string problem)
    {
        var buffer = new List<byte>(text.Length);
        problem = "";
        bytes = [];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c > 0xFF)
            {
                problem = $"character '{c}' is outside Latin-1: write it as \\xHH bytes";
                return false;
            }

            if (c != '\\')
            {
                buffer.Add((byte)c);
                continue;
            }

            if (++i == text.Length)
            {
                problem = "ends with a lone backslash";
                return false;
            }

            switch (text[i])
            {
                case 'r': buffer.Add((byte)'\r'); break;
                case 'n': buffer.Add((byte)'\n'); break;
                case 't': buffer.Add((byte)'\t'); break;
                case '0': buffer.Add(0); break;
                case '\\': buffer.Add((byte)'\\'); break;
                case '"': buffer.Add((byte)'"'); break;
                case 'x' when i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b):
                    buffer.Add(b);
                    i += 2;
                    break;
                default:
                    problem = $"unknown escape '\\{text[i]}': use \\r, \\n, \\t, \\0, \\\\ or \\xHH";
                    return false;
            }
        }

        bytes = [.. buffer];
        return true;
    }

    private static bool TryParseHex(string text, out byte[] bytes)
    {
        var compact = text.Replace(" ", "", StringComparison.Ordinal);
        try
        {
            bytes = compact.Length % 2 == 0 ? Convert.FromHexString(compact) : [];
            return bytes.Length > 0;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    // The authority's port, after optional user info and an optional [IPv6] literal; Uri hides ports it considers default.
    [GeneratedRegex(@"^(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^/:?#]*):([^/?#@]*)(?=[/?#]|$)")]
    private static partial Regex PortRegex();
}
