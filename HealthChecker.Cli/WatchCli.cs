using System.CommandLine;
using HealthChecker.Core.Engine;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Targets;

namespace HealthChecker.Cli;

/// <summary>The `watch` command's arguments and options, turned into <see cref="WatchCommand.Settings"/>.</summary>
internal sealed class WatchCli
{
    private readonly Argument<string> _file = new("targets-file") { Description = "The targets file (YAML), such as docs/targets.example.yaml" };
    private readonly Option<string> _summary = new("--summary-every")
    {
        Description = "How often to print the one-line summary",
        DefaultValueFactory = _ => "10s",
    };
    private readonly Option<int> _loops = new("--loops")
    {
        Description = "Event loops (threads); each target is pinned to one",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };
    private readonly Option<int> _maxInFlight = new("--max-in-flight")
    {
        Description = "Checks in flight at once; due checks beyond it queue",
        DefaultValueFactory = _ => 2000,
    };
    private readonly Option<PollerKind> _poller;

    private WatchCli(Option<PollerKind> poller)
    {
        _poller = poller;
        Command = new Command("watch", "Check the targets of a file on their intervals; print state changes and a summary")
        {
            _file, _summary, _loops, _maxInFlight, poller,
        };
    }

    public Command Command { get; }

    public static WatchCli For(Option<PollerKind> poller) => new(poller);

    public async Task<int> RunAsync(ParseResult parsed, TextWriter output, TextWriter error, CheckEngineOptions? engineOptions)
    {
        string summaryText = parsed.GetValue(_summary)!;
        if (!Duration.TryParse(summaryText, out var every) || every <= TimeSpan.Zero)
        {
            await error.WriteLineAsync($"healthchecker: invalid --summary-every '{summaryText}': expected a duration such as 10s").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        int loops = parsed.GetValue(_loops);
        int maxInFlight = parsed.GetValue(_maxInFlight);
        if (loops < 1 || maxInFlight < 1)
        {
            await error.WriteLineAsync("healthchecker: --loops and --max-in-flight must be at least 1").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        var engine = (engineOptions ?? new CheckEngineOptions()) with { Poller = parsed.GetValue(_poller) };
        var settings = new WatchCommand.Settings(parsed.GetValue(_file)!, every, loops, maxInFlight, engine);
        return await WatchCommand.RunAsync(settings, output, error).ConfigureAwait(false);
    }
}
