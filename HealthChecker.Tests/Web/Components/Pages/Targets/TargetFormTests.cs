using AngleSharp.Dom;
using Bunit;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Components.Pages.Targets;

namespace HealthChecker.Tests.Web.Components.Pages.Targets;

public sealed class TargetFormTests : BunitContext
{
    // Which input each validator field sits beside.
    private static readonly Dictionary<string, string> Inputs = new(StringComparer.Ordinal)
    {
        ["name"] = "target-name",
        ["check"] = "target-check",
        ["http.method"] = "target-http-method",
        ["http.host"] = "target-http-host",
        ["http.status"] = "target-http-status",
        ["tls.verify"] = "target-tls-verify",
        ["tls.expiry-days"] = "target-tls-expiry",
        ["inter"] = "target-inter",
        ["fastinter"] = "target-fastinter",
        ["downinter"] = "target-downinter",
        ["timeout"] = "target-timeout",
        ["connect-timeout"] = "target-connect-timeout",
        ["depends-on"] = "target-depends-on",
        ["rise"] = "target-rise",
        ["fall"] = "target-fall",
        ["spread"] = "target-spread",
        ["start"] = "target-start",
        ["enabled"] = "target-enabled",
    };

    public static TheoryData<string, string> Cases => new()
    {
        { "name", "name=" },
        { "name", "name=a/b/c" },
        { "check", "check=" },
        { "check", "check=tcp://127.0.0.1:99999" },
        { "check", "check=tcp://127.0.0.1:0" },
        { "check", "check=tcp://127.0.0.1" },
        { "check", "check=ftp://127.0.0.1:21" },
        { "check", "check=tcp://127.0.0.1:80/path" },
        { "inter", "inter=5 parsecs" },
        { "fastinter", "fastinter=0s" },
        { "downinter", "downinter=2d" },
        { "timeout", "timeout=5s" },
        { "connect-timeout", "connecttimeout=3s" },
        { "connect-timeout", "connecttimeout=later" },
        { "depends-on", "dependson=web/app" },
        { "depends-on", "dependson=a/b/c" },
        { "rise", "rise=0" },
        { "fall", "fall=many" },
        { "spread", "spread=60" },
        { "start", "start=sideways" },
        { "enabled", "enabled=maybe" },
        { "http.method", "check=http://127.0.0.1/|method=FETCH" },
        { "http.host", "check=http://127.0.0.1/|host=a b" },
        { "http.status", "check=http://127.0.0.1/|status=200,700" },
        { "http", "method=GET" },
        { "tls.verify", "check=tls://127.0.0.1:443|verify=perhaps" },
        { "tls.expiry-days", "check=https://127.0.0.1/|expiry=-1" },
        { "tls", "servername=example.net" },
        { "steps[1].send", "step=send:\\q" },
        { "steps[1].expect-hex", "step=expect-hex:zz" },
        { "steps[1].expect-regex", "step=expect-regex:(" },
        { "steps[1].send", "step=send:" },
        { "steps", "check=http://127.0.0.1/|step=expect:ok" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_validation_message_is_shown_beside_its_field_and_nothing_is_saved(string field, string typed)
    {
        var draft = Draft(typed);
        var saves = 0;
        var form = Render<TargetForm>(p => p
            .Add(f => f.Draft, draft)
            .Add(f => f.Save, _ => { saves++; return Task.FromResult<IReadOnlyList<TargetError>>([]); }));

        form.Find("form").Submit();

        var expected = TargetValidator.Validate(Normalized(draft)).Errors;
        Assert.Contains(expected, e => e.Field == field);
        foreach (var error in expected)
        {
            Assert.Contains(error.Message, MessagesBeside(form, error.Field));
        }

        Assert.Equal(0, saves);
    }

    [Fact]
    public void A_valid_draft_is_saved_once_and_errors_from_saving_show_beside_their_field()
    {
        var saved = new List<TargetDraft>();
        var form = Render<TargetForm>(p => p
            .Add(f => f.Draft, new TargetDraft { Name = "web/app", Check = "tcp://127.0.0.1:8080", Inter = "5s", Rise = "3" })
            .Add(f => f.Save, d => { saved.Add(d); return Task.FromResult<IReadOnlyList<TargetError>>([new TargetError("name", "a target named 'web/app' already exists")]); }));

        form.Find("form").Submit();

        var draft = Assert.Single(saved);
        Assert.Equal(("web/app", "tcp://127.0.0.1:8080", "5s", "3"), (draft.Name, draft.Check, draft.Inter, draft.Rise));
        // Empty boxes are "not given", as a missing key in a targets file: no HTTP or TLS options on a tcp:// check.
        Assert.Null(draft.HttpMethod);
        Assert.Null(draft.TlsVerify);
        Assert.Contains("a target named 'web/app' already exists", MessagesBeside(form, "name"));
    }

    [Fact]
    public void Steps_are_added_in_the_editor_and_saved_in_order()
    {
        var saved = new List<TargetDraft>();
        var form = Render<TargetForm>(p => p
            .Add(f => f.Draft, new TargetDraft { Name = "mail/smtp", Check = "tcp://127.0.0.1:25" })
            .Add(f => f.Save, d => { saved.Add(d); return Task.FromResult<IReadOnlyList<TargetError>>([]); }));

        form.FindAll("button").Single(b => b.TextContent == "Add step").Click();
        form.FindAll("button").Single(b => b.TextContent == "Add step").Click();
        form.Find("#step-1-action").Change("expect");
        form.Find("#step-1-value").Change("220");
        form.Find("#step-2-value").Change("QUIT\\r\\n");
        form.Find("form").Submit();

        var steps = Assert.Single(saved).Steps;
        Assert.Equal([new StepDraft("expect", "220"), new StepDraft("send", "QUIT\\r\\n")], steps);
    }

    [Fact]
    public void A_step_with_line_breaks_shows_them_as_escapes_and_saves_the_same_bytes()
    {
        var saved = new List<TargetDraft>();
        var form = Render<TargetForm>(p => p
            .Add(f => f.Draft, new TargetDraft { Name = "mail/smtp", Check = "tcp://127.0.0.1:25", Steps = [new StepDraft("send", "QUIT\r\n\u0001")] })
            .Add(f => f.Save, d => { saved.Add(d); return Task.FromResult<IReadOnlyList<TargetError>>([]); }));

        Assert.Equal("QUIT\\r\\n\\x01", form.Find("#step-1-value").GetAttribute("value"));
        form.Find("form").Submit();

        var definition = TargetValidator.Validate(Assert.Single(saved)).Definition!;
        Assert.Equal("QUIT\r\n\u0001"u8.ToArray(), definition.Steps[0].Bytes);
    }

    private static List<string> MessagesBeside(IRenderedComponent<TargetForm> form, string field)
    {
        IElement? container;
        if (Inputs.TryGetValue(field, out var inputId))
        {
            container = form.Find($"#{inputId}").Closest(".field");
        }
        else if (field.StartsWith("steps[", StringComparison.Ordinal))
        {
            var number = field["steps[".Length..field.IndexOf(']', StringComparison.Ordinal)];
            container = form.Find($"[data-step='{number}']");
        }
        else
        {
            // Section errors (http, tls, steps) head their fieldset.
            container = form.Find($"[data-errors-for='{field}']").Closest("fieldset");
        }

        Assert.NotNull(container);
        return [.. container!.QuerySelectorAll(".field-errors li").Select(li => li.TextContent)];
    }

    private static TargetDraft Draft(string typed)
    {
        var draft = new TargetDraft { Name = "web/app", Check = "tcp://127.0.0.1:80" };
        foreach (var part in typed.Split('|'))
        {
            var (key, value) = (part[..part.IndexOf('=', StringComparison.Ordinal)], part[(part.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            switch (key)
            {
                case "name": draft.Name = value; break;
                case "check": draft.Check = value; break;
                case "inter": draft.Inter = value; break;
                case "fastinter": draft.FastInter = value; break;
                case "downinter": draft.DownInter = value; break;
                case "timeout": draft.Timeout = value; break;
                case "connecttimeout": draft.ConnectTimeout = value; break;
                case "dependson": draft.DependsOn = value; break;
                case "rise": draft.Rise = value; break;
                case "fall": draft.Fall = value; break;
                case "spread": draft.Spread = value; break;
                case "start": draft.Start = value; break;
                case "enabled": draft.Enabled = value; break;
                case "method": draft.HttpMethod = value; break;
                case "host": draft.HttpHost = value; break;
                case "status": draft.HttpStatus = value; break;
                case "verify": draft.TlsVerify = value; break;
                case "servername": draft.TlsServerName = value; break;
                case "expiry": draft.TlsMinDaysToExpiry = value; break;
                case "step":
                    var colon = value.IndexOf(':', StringComparison.Ordinal);
                    draft.Steps.Add(new StepDraft(value[..colon], value[(colon + 1)..]));
                    break;
                default: throw new ArgumentException(key);
            }
        }

        return draft;
    }

    // What the form hands the validator: empty boxes are not given.
    private static TargetDraft Normalized(TargetDraft d)
    {
        static string? Given(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
        return new TargetDraft
        {
            Name = Given(d.Name), Check = Given(d.Check), Steps = d.Steps, HttpMethod = Given(d.HttpMethod), HttpHost = Given(d.HttpHost),
            HttpStatus = Given(d.HttpStatus), HttpBody = Given(d.HttpBody), TlsVerify = Given(d.TlsVerify), TlsServerName = Given(d.TlsServerName),
            TlsMinDaysToExpiry = Given(d.TlsMinDaysToExpiry), Inter = Given(d.Inter), FastInter = Given(d.FastInter), DownInter = Given(d.DownInter),
            Timeout = Given(d.Timeout), ConnectTimeout = Given(d.ConnectTimeout), DependsOn = Given(d.DependsOn), Rise = Given(d.Rise), Fall = Given(d.Fall), Spread = Given(d.Spread), Enabled = Given(d.Enabled), Start = Given(d.Start),
        };
    }
}
