using Microsoft.Net.Http.Headers;

namespace HealthChecker.Web.Api;

/// <summary>
/// An endpoint whose body is YAML takes only the YAML media types: text/plain, form and multipart bodies (which a page on
/// another site can send without asking first) and bodies without a type are 415 problem details naming the accepted types.
/// </summary>
public sealed class YamlBodyFilter : IEndpointFilter
{
    public static readonly IReadOnlyList<string> Accepted = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsYaml(context.HttpContext.Request.ContentType)
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "The body must be YAML",
                detail: $"Send the targets file with Content-Type {string.Join(", ", Accepted)}."));

    /// <summary>Whether <paramref name="contentType"/> is one of <see cref="Accepted"/> (any case, with or without parameters such as charset).</summary>
    public static bool IsYaml(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && Accepted.Contains(parsed.MediaType.Value ?? "", StringComparer.OrdinalIgnoreCase);
}
