using System.Text.Json;
using HealthChecker.Tests.Support;
using HealthChecker.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace HealthChecker.Tests.Web.Api;

/// <summary>
/// ApiErrors with a handler that throws: the real app has no route that fails on purpose, so the fault is
/// made here; the real app's bodies and routes are covered by ApiHostileInputTests.
/// </summary>
public class ApiErrorsTests
{
    [Fact]
    public async Task An_unhandled_exception_is_a_logged_500_problem_that_says_nothing_of_the_cause()
    {
        var (log, sink) = TestLog.Collecting();

        var (status, contentType, problem) = await RunAsync(_ => throw new InvalidOperationException("secret connection detail"), log);

        Assert.Equal((500, "application/problem+json"), (status, contentType));
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("secret", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(sink.Events, e => e.Level == LogEventLevel.Error && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task A_request_that_does_not_bind_is_its_status_with_a_short_reason()
    {
        var json = new JsonException("The JSON value could not be converted to System.Collections.Generic.List`1[HealthChecker.Web.Api.StepInput]. Path: $.steps | LineNumber: 0 | BytePositionInLine: 9.", "$.steps", 0, 9);
        var huge = new string('y', 10_000);

        var (badStatus, _, bad) = await RunAsync(_ => throw new BadHttpRequestException("Failed to read parameter", 400, json), TestLog.Silent);
        var (bindStatus, _, bind) = await RunAsync(_ => throw new BadHttpRequestException($"Failed to bind parameter \"bool? replace\" from \"{huge}\".", 400), TestLog.Silent);

        Assert.Equal(400, badStatus);
        Assert.Equal("The JSON body is not valid: a value has the wrong type at $.steps.", bad.GetProperty("detail").GetString());
        Assert.Equal(400, bindStatus);
        Assert.True(bind.GetProperty("detail").GetString()!.Length < 200);
    }

    private static async Task<(int Status, string? ContentType, JsonElement Problem)> RunAsync(RequestDelegate handler, Serilog.ILogger log)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = "POST";
        context.Request.Path = "/api/targets";
        using var body = new MemoryStream();
        context.Response.Body = body;

        await new ApiErrors(handler, log).InvokeAsync(context);

        return (context.Response.StatusCode, context.Response.ContentType?.Split(';')[0], JsonDocument.Parse(body.ToArray()).RootElement.Clone());
    }
}
