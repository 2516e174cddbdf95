using System.Text;
using System.Text.Json;
using HealthChecker.Core.Checks;

namespace HealthChecker.Cli;

/// <summary>One line a result: plain for people, JSON for programs.</summary>
public static class ResultOutput
{
    /// <summary>tcp://127.0.0.1:9 L4CON Layer4 connection problem, info: "Connection refused", 0 ms</summary>
    public static string Plain(string target, CheckResult result) =>
        result.Info.Length == 0
            ? $"{target} {result.Code} {result.Description}, {result.DurationMs} ms"
            : $"{target} {result.Code} {result.Description}, info: \"{result.Info}\", {result.DurationMs} ms";

    /// <summary>{"target":...,"status":...,"description":...,"info":...,"durationMs":...,"passed":...[,"httpCode":...]}</summary>
    public static string Json(string target, CheckResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("target", target);
            json.WriteString("status", result.Code);
            json.WriteString("description", result.Description);
            json.WriteString("info", result.Info);
            json.WriteNumber("durationMs", result.DurationMs);
            json.WriteBoolean("passed", result.Passed);
            if (result.HttpCode is { } httpCode)
            {
                json.WriteNumber("httpCode", httpCode);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
