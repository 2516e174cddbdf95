using System.CommandLine;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Targets;

namespace HealthChecker.Cli;

/// <summary>
/// The command line: `healthchecker check URL [more] [--send TEXT] [--expect TEXT] [--http-status 200-299]
/// [--insecure] [--timeout 2s] [--json] [--poller epoll|poll]`, URL being tcp://, tls://, http:// or https://;
/// and `healthchecker watch FILE`.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CheckEngineOptions? engineOptions = null)
    {
        var targets = new Argument<string[]>("targets")
        {
            Description = "Targets to check at once: tcp://HOST:PORT, tls://HOST:PORT, http://HOST[:PORT]/PATH, https://...",
            Arity = ArgumentArity.OneOrMore,
        };
        var timeout = new Option<string>("--timeout")
        {
            Description = "Connect timeout, and again once connected for the protocol, such as 2s or 500ms",
            DefaultValueFactory = _ => "2s",
        };
        var json = new Option<bool>("--json") { Description = "One JSON object a line" };
        var poller = new Option<PollerKind>("--poller")
        {
            Description = "Readiness API of the event loop",
            DefaultValueFactory = _ => PollerKind.Epoll,
        };
        var send = new Option<string[]>("--send") { Description = "A send step (escapes \\r \\n \\t \\xHH); steps run in the order typed" };
        var expect = new Option<string[]>("--expect") { Description = "An expect step: the answer contains this text" };
        var httpStatus = new Option<string?>("--http-status") { Description = "Statuses that pass an HTTP check, such as 200 or 200-299,301 (default 2xx/3xx)" };
        var insecure = new Option<bool>("--insecure") { Description = "Do not validate TLS certificates" };
        var check = new Command("check", "Run checks once and print one line a target")
        {
            targets, timeout, json, poller, send, expect, httpStatus, insecure,
        };
        var watch = WatchCli.For(poller);
        var root = new RootCommand("HealthChecker: active health checks with HAProxy's semantics") { check, watch.Command };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"healthchecker: {parsed.Errors[0].Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        if (parsed.CommandResult.Command == watch.Command && !parsed.Tokens.Any(t => t.Value is "-h" or "--help" or "-?"))
        {
            return await watch.RunAsync(parsed, output, error, engineOptions).ConfigureAwait(false);
        }
        if (parsed.CommandResult.Command != check)
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
        }
        if (parsed.Tokens.Any(t => t.Value is "-h" or "--help" or "-?"))
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
        }

        string timeoutText = parsed.GetValue(timeout)!;
        if (!Duration.TryParse(timeoutText, out var connectTimeout) || connectTimeout <= TimeSpan.Zero)
        {
            await error.WriteLineAsync($"healthchecker: invalid --timeout '{timeoutText}': expected a duration such as 2s or 500ms").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        string[] texts = parsed.GetValue(targets)!;
        var specs = new List<CheckSpec>(texts.Length);
        var steps = CliTargets.Steps(parsed);
        foreach (string text in texts)
        {
            var (spec, message) = CliTargets.Build(text, timeoutText, steps, parsed.GetValue(httpStatus), parsed.GetValue(insecure));
            if (spec is null)
            {
                await error.WriteLineAsync($"healthchecker: {message}").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }
            specs.Add(spec);
        }

        var options = (engineOptions ?? new CheckEngineOptions()) with { Poller = parsed.GetValue(poller) };
        using var engine = new CheckEngine(options);
        var results = await engine.RunAllAsync(specs, maxInFlight: specs.Count).ConfigureAwait(false);
        bool asJson = parsed.GetValue(json);
        for (int i = 0; i < results.Count; i++)
        {
            string line = asJson ? ResultOutput.Json(texts[i], results[i]) : ResultOutput.Plain(texts[i], results[i]);
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }
        await output.FlushAsync().ConfigureAwait(false);
        return results.All(r => r.Passed) ? ExitCodes.AllPassed : ExitCodes.SomeFailed;
    }
}
