using HealthChecker.Core.Alerting;
using HealthChecker.Core.Alerting.Delivery;
using System.Text.RegularExpressions;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Tests.Alerting.Channels;

public sealed class AlertTemplatesTests
{
    private static readonly Uri App = new("https://hc.example.org/");
    private static readonly DateTimeOffset Since = new(2026, 12, 3, 10, 0, 5, TimeSpan.Zero);

    internal static AlertItem Down(string target, long id = 7, string? info = "Connection refused") =>
        new(target, target.Split('/')[0], target.Split('/')[1], id, true, Since, null, "L4CON", info, "Layer4 connection problem");

    internal static AlertItem Up(string target, long id = 7) =>
        new(target, target.Split('/')[0], target.Split('/')[1], id, false, Since, Since.AddMinutes(3), "L4CON", "Connection refused", "Layer4 check passed");

    internal static AlertMessage Message(params AlertItem[] alerts) =>
        new(Guid.Parse("0193a3c4-0000-7000-8000-000000000001"), "shop-down", "ops", "{}:{alertname=\"shop-down\"}", Since.AddSeconds(10), alerts);

    internal static ChannelDefinition Channel(MessageTemplates? templates = null) =>
        new ChannelDefinition("ops", ChannelKind.Slack, new Uri("http://127.0.0.1:1/"), [], null) { Templates = templates ?? MessageTemplates.Defaults };

    [Fact]
    public void The_default_message_of_one_failed_target_says_what_since_when_the_code_the_info_and_links_its_page()
    {
        var rendered = new AlertTemplates(App).Render(Channel(), Message(Down("shop/api")));

        Assert.Equal("[DOWN] shop/api is DOWN", rendered.Title);
        Assert.Equal("shop/api is DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused\nhttps://hc.example.org/targets/7", rendered.Text);
        Assert.Contains("<a href=\"https://hc.example.org/targets/7\"><b>shop/api</b></a> is <b>DOWN</b> since 2026-12-03 10:00:05 UTC: L4CON: Connection refused", rendered.Html);
    }

    [Fact]
    public void The_default_resolution_says_up_again_since_when_and_what_it_was()
    {
        var rendered = new AlertTemplates(App).Render(Channel(), Message(Up("shop/api")));

        Assert.Equal("[UP] shop/api is UP again", rendered.Title);
        Assert.StartsWith("shop/api is UP again since 2026-12-03 10:03:05 UTC (Layer4 check passed); it was DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused", rendered.Text);
    }

    [Fact]
    public void The_default_resolution_of_a_deleted_target_says_it_was_deleted()
    {
        var rendered = new AlertTemplates(App).Render(Channel(), Message(Up("shop/api") with { Deleted = true, Description = "the target was deleted" }));

        Assert.Equal("[RESOLVED] shop/api was deleted", rendered.Title);
        Assert.Equal("shop/api was deleted at 2026-12-03 10:03:05 UTC, so its alert is resolved; it was DOWN since 2026-12-03 10:00:05 UTC: L4CON: Connection refused\nhttps://hc.example.org/targets/7", rendered.Text);
        Assert.Contains("<li><b>shop/api</b> was <b>deleted</b> at 2026-12-03 10:03:05 UTC, so its alert is resolved", rendered.Html);
    }

    [Fact]
    public void The_default_message_of_a_flapping_target_says_it_is_flapping_in_the_title_the_text_and_the_html()
    {
        var rendered = new AlertTemplates(App).Render(Channel(), Message(Down("shop/api") with { Flapping = true }));

        Assert.Equal("[FLAPPING] shop/api is flapping", rendered.Title);
        Assert.Equal("shop/api is flapping: it changes between UP and DOWN too often to alert each change; last failure: L4CON: Connection refused\nhttps://hc.example.org/targets/7", rendered.Text);
        Assert.Contains("<a href=\"https://hc.example.org/targets/7\"><b>shop/api</b></a> is <b>flapping</b>: it changes between UP and DOWN too often to alert each change; last failure: L4CON: Connection refused", rendered.Html);
        Assert.Equal("shop/api is flapping", AlertTexts.Summary(Down("shop/api") with { Flapping = true }));
    }

    [Fact]
    public void A_storm_lists_the_count_the_first_ten_names_and_how_many_more_with_a_link_to_the_dashboard_filtered_to_them()
    {
        var alerts = Enumerable.Range(1, 25).Select(i => Down($"shop/api-{i:00}", i)).ToArray();

        var rendered = new AlertTemplates(App).Render(Channel(), Message(alerts));

        Assert.Equal("[DOWN] 25 targets DOWN in shop", rendered.Title);
        var lines = rendered.Text.Split('\n');
        Assert.Equal("25 DOWN, 0 UP again (rule shop-down):", lines[0]);
        Assert.Equal(1 + (10 * 2) + 1, lines.Length);
        Assert.StartsWith("shop/api-10 is DOWN", lines[19]);
        Assert.Equal("and 15 more: https://hc.example.org/?group=shop&state=down", lines[^1]);
        Assert.DoesNotContain("shop/api-11", rendered.Html);
        Assert.Contains("<p>and 15 more: <a href=\"https://hc.example.org/?group=shop&amp;state=down\">the dashboard</a></p>", rendered.Html);
    }

    [Fact]
    public void The_html_part_escapes_what_a_check_reported()
    {
        var rendered = new AlertTemplates(App).Render(Channel(), Message(Down("shop/api", info: "<script>alert(1)</script>")));

        Assert.DoesNotContain("<script>", rendered.Html);
        Assert.Contains("&lt;script&gt;", rendered.Html);
        Assert.Contains("<script>", rendered.Text);
    }

    [Fact]
    public void A_channels_own_templates_see_the_documented_variables()
    {
        var templates = new MessageTemplates(
            "{{ status | upcase }} {{ count }} {{ rule }}",
            "{% for a in alerts %}{{ a.target }}={{ a.code }}/{{ a.info }}/{{ a.since }}/{{ a.url }};{% endfor %}{{ message_id }} {{ channel }} {{ group }} {{ firing_count }} {{ resolved_count }} {{ more }} {{ dashboard_url }} {{ external_url }}",
            "<i>{{ first.name }}</i>");

        var rendered = new AlertTemplates(App).Render(Channel(templates), Message(Down("shop/api"), Up("shop/db", 8)));

        Assert.Equal("FIRING 2 shop-down", rendered.Title);
        Assert.Equal(
            "shop/api=L4CON/Connection refused/2026-12-03 10:00:05 UTC/https://hc.example.org/targets/7;shop/db=L4CON/Connection refused/2026-12-03 10:00:05 UTC/https://hc.example.org/targets/8;"
            + "0193a3c4-0000-7000-8000-000000000001 ops shop 1 1 0 https://hc.example.org/?group=shop&state=down https://hc.example.org",
            rendered.Text);
        Assert.Equal("<i>api</i>", rendered.Html);
    }

    [Fact]
    public void Validate_accepts_a_good_template_and_names_the_fault_of_a_bad_one()
    {
        Assert.Null(AlertTemplates.Validate("{{ first.target }} {% if count > 1 %}and more{% endif %}"));

        var unclosed = AlertTemplates.Validate("{% if count > 1 %}many");
        Assert.NotNull(unclosed);
        Assert.StartsWith("is not a valid Liquid template: ", unclosed);
        Assert.StartsWith("fails when rendered: ", AlertTemplates.Validate("{{ status | no_such_filter }}"));
        Assert.Equal($"is at most {AlertLimits.MaxTemplateLength} characters", AlertTemplates.Validate(new string('x', AlertLimits.MaxTemplateLength + 1)));
    }

    [Fact]
    public void A_template_that_fails_when_sent_gives_way_to_the_default_with_a_note_instead_of_losing_the_message()
    {
        var endless = new MessageTemplates(null, "{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}", null);

        var rendered = new AlertTemplates(App).Render(Channel(endless), Message(Down("shop/api")));

        Assert.StartsWith("shop/api is DOWN since 2026-12-03 10:00:05 UTC", rendered.Text);
        Assert.Contains("(the channel's template failed: ", rendered.Text);
        Assert.NotNull(AlertTemplates.Validate(endless.Text!));
    }

    [Fact]
    public void What_a_template_renders_is_clipped_to_its_bound()
    {
        var huge = new MessageTemplates("{% for i in (1..1000) %}title {% endfor %}", "{% for i in (1..100000) %}0123456789{% endfor %}", null);

        var rendered = new AlertTemplates(App).Render(Channel(huge), Message(Down("shop/api")));

        Assert.Equal(AlertTemplates.MaxTitle, rendered.Title.Length);
        Assert.Equal(AlertTemplates.MaxText, rendered.Text.Length);
        Assert.EndsWith("…", rendered.Text);
    }

    [Fact]
    public void The_variables_docs_alerts_md_lists_are_the_ones_a_template_sees()
    {
        var docs = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "alerts.md"));
        var tables = docs[docs.IndexOf("### Variables", StringComparison.Ordinal)..docs.IndexOf("### Defaults", StringComparison.Ordinal)]
            .Split("Each alert has:");
        static string[] Names(string table) =>
            [.. table.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
                .SelectMany(l => Regex.Matches(l.Split('|')[1], "`([a-z_]+)`").Select(m => m.Groups[1].Value)).Order(StringComparer.Ordinal)];

        var model = MessageModel.Of(Message(Down("shop/api")), App);
        var alert = ((IEnumerable<Dictionary<string, object?>>)model["alerts"]!).First();

        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), Names(tables[0]));
        Assert.Equal(alert.Keys.Order(StringComparer.Ordinal), Names(tables[1]));
    }

    [Fact]
    public void An_alert_set_by_no_check_says_why_in_words_instead_of_a_missing_code()
    {
        var configured = Down("shop/api") with { Code = null, Info = null, Description = "configured to start DOWN" };

        var rendered = new AlertTemplates(App).Render(Channel(), Message(configured));

        Assert.StartsWith("shop/api is DOWN since 2026-12-03 10:00:05 UTC: configured to start DOWN\n", rendered.Text);
        Assert.Equal("HTTP 503", AlertTexts.Failure(configured with { Info = "HTTP 503" }));
        Assert.Equal("L7STS", AlertTexts.Failure(configured with { Code = "L7STS" }));
    }

    [Fact]
    public void A_template_that_renders_nothing_gives_way_to_the_default_so_no_receiver_gets_an_empty_message()
    {
        var blank = new MessageTemplates("{% if false %}x{% endif %}", "  \n ", null);

        var rendered = new AlertTemplates(App).Render(Channel(blank), Message(Down("shop/api")));

        Assert.Equal("[DOWN] shop/api is DOWN", rendered.Title);
        Assert.StartsWith("shop/api is DOWN since", rendered.Text);
    }
}
