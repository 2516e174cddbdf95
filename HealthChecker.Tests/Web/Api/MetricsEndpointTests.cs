using System.Net;
using HealthChecker.Tests.Web.Support;

namespace HealthChecker.Tests.Web.Api;

public sealed class MetricsEndpointTests(ApiApp api) : IClassFixture<ApiApp>
{
    [Fact(Timeout = 120_000)]
    public async Task Metrics_answer_GET_and_HEAD_and_refuse_other_methods_with_405()
    {
        using var anonymous = api.Anonymous();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, "metrics"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await anonymous.PostAsync("metrics", new StringContent("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await anonymous.DeleteAsync("metrics")).StatusCode);
    }
}
