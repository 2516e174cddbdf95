using HealthChecker.Web.Auth;

namespace HealthChecker.Tests.Web.Auth;

public sealed class CrossSiteRuleTests
{
    private const string Own = "http://127.0.0.1:5080";
    private readonly CrossSiteRule _rule = new(CrossSiteRule.ParseOrigins("https://monitor.example.com"));

    [Theory]
    [InlineData("POST", "http://evil.example", null, false)]
    [InlineData("POST", "http://evil.example", null, true)]
    [InlineData("DELETE", "http://127.0.0.1:5081", "same-origin", true)]
    [InlineData("PUT", "https://127.0.0.1:5080", null, false)]
    [InlineData("PATCH", "null", null, false)]
    [InlineData("POST", null, "cross-site", false)]
    [InlineData("POST", null, "same-site", true)]
    [InlineData("POST", Own, "cross-site", true)]
    public void A_write_stating_another_origin_or_site_is_refused_whatever_its_credentials(string method, string? origin, string? fetchSite, bool cookie) =>
        Assert.Equal(CrossSiteVerdict.Refuse, _rule.Decide(method, false, Own, origin, fetchSite, cookie));

    [Theory]
    [InlineData(Own, null)]
    [InlineData("HTTP://127.0.0.1:5080", "same-origin")]
    [InlineData(null, "same-origin")]
    [InlineData("https://monitor.example.com", "same-origin")]
    [InlineData("https://MONITOR.example.com:443", "same-site")]
    public void A_cookie_write_from_the_apps_own_or_an_allowed_origin_passes(string? origin, string? fetchSite) =>
        Assert.Equal(CrossSiteVerdict.Allow, _rule.Decide("POST", false, Own, origin, fetchSite, signedInByCookie: true));

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public void A_cookie_write_that_says_nothing_of_its_origin_needs_an_antiforgery_token_and_a_basic_one_does_not(string? fetchSite)
    {
        Assert.Equal(CrossSiteVerdict.NeedsAntiforgeryToken, _rule.Decide("POST", false, Own, null, fetchSite, signedInByCookie: true));
        Assert.Equal(CrossSiteVerdict.Allow, _rule.Decide("POST", false, Own, null, fetchSite, signedInByCookie: false));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public void Reads_are_never_refused(string method) =>
        Assert.Equal(CrossSiteVerdict.Allow, _rule.Decide(method, false, Own, "http://evil.example", "cross-site", signedInByCookie: true));

    [Fact]
    public void The_Blazor_hub_refuses_a_foreign_origin_for_every_method_and_serves_its_own_and_origin_less_requests()
    {
        Assert.Equal(CrossSiteVerdict.Refuse, _rule.Decide("GET", true, Own, "http://evil.example", null, false));
        Assert.Equal(CrossSiteVerdict.Refuse, _rule.Decide("POST", true, Own, null, "cross-site", true));
        Assert.Equal(CrossSiteVerdict.Allow, _rule.Decide("GET", true, Own, Own, "same-origin", true));
        Assert.Equal(CrossSiteVerdict.Allow, _rule.Decide("POST", true, Own, null, null, true));
    }

    [Fact]
    public void Allowed_origins_are_read_from_a_list_and_anything_but_an_origin_is_refused_by_name()
    {
        Assert.Equal(["https://a.example", "http://b.example:8080"], CrossSiteRule.ParseOrigins(" https://A.example/, http://b.example:8080;"));
        Assert.Empty(CrossSiteRule.ParseOrigins(null));
        foreach (var wrong in new[] { "a.example", "ftp://a.example", "https://a.example/path", "https://user@a.example" })
        {
            Assert.Contains($"'{wrong}'", Assert.Throws<FormatException>(() => CrossSiteRule.ParseOrigins(wrong)).Message, StringComparison.Ordinal);
        }
    }
}
