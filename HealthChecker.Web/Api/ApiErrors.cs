using System.Text.Json;
using HealthChecker.Core.Targets;
using Microsoft.AspNetCore.WebUtilities;

namespace HealthChecker.Web.Api;

/// <summary>
/// Exceptions under <c>/api</c> as problem details: a request the app cannot read (bad JSON, a body too large, a
/// value that does not bind) is its 4xx with a short reason; anything else is a 500, logged, with no detail.
/// </summary>
public sealed class ApiErrors(RequestDelegate next, Serilog.ILogger log)
{
    private readonly Serilog.ILogger _log = log.ForContext<ApiErrors>();

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            _log.Debug("{Method} {Path} refused with {Status}: {Reason}", context.Request.Method, context.Request.Path, e.StatusCode, e.Message);
            await WriteAsync(context, e.StatusCode, Reason(e));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left: nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            _log.Error(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, "The server failed to answer; the cause is in its log.");
        }
    }

    /// <summary>The reason in a line, never the input itself at length.</summary>
    public static string Reason(BadHttpRequestException e) => e.InnerException switch
    {
        JsonException json => $"The JSON body is not valid: {JsonReason(json)} at {json.Path ?? $"line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}"}.",
        _ when e.StatusCode == StatusCodes.Status413PayloadTooLarge => $"The body is larger than this route takes ({e.Message.Split("size is ")[^1].TrimEnd('.')}).",
        _ when e.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) => "The request needs a JSON body.",
        _ => EchoedText.Clip(e.Message, 160),
    };

    private static string JsonReason(JsonException json)
    {
        var message = json.Message;
        var path = message.IndexOf(" Path:", StringComparison.Ordinal);
        message = (path < 0 ? message : message[..path]).TrimEnd('.', ' ');
        // The serializer names .NET types here; a client needs only to know the value is of the wrong kind.
        return message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
            ? "a value has the wrong type"
            : EchoedText.Clip(message, 120);
    }

    private static Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.Clear();
        return TypedResults.Problem(detail, statusCode: status, title: ReasonPhrases.GetReasonPhrase(status)).ExecuteAsync(context);
    }
}
