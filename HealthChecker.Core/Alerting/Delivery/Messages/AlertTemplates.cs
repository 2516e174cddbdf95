using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Fluid;

namespace HealthChecker.Core.Alerting.Delivery.Messages;

/// <summary>A message rendered for a channel: its title, plain text and HTML, each within its bound.</summary>
public sealed record RenderedMessage(string Title, string Text, string Html);

/// <summary>
/// Renders messages from a channel's templates (Liquid, by Fluid), or the <see cref="DefaultTemplates"/>. A template is
/// parsed once and cached. A template that fails when rendered (too many steps) gives way to the default, with a line
/// saying so, and one that renders nothing gives way to it silently: a message is never lost to its template. Outputs are clipped to <see cref="MaxTitle"/>,
/// <see cref="MaxText"/> and <see cref="MaxHtml"/> characters.
/// </summary>
public sealed class AlertTemplates(Uri? externalUrl = null)
{
    public const int MaxTitle = 250;

    public const int MaxText = 16_000;

    public const int MaxHtml = 64_000;

    /// <summary>Bounds a template's work (loops over a storm's alerts stay well within it).</summary>
    private const int MaxSteps = 1_000_000;

    private const int MaxCached = 1_000;

    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Options = new TemplateOptionsBuilder()
        .WithMaxSteps(MaxSteps)
        .WithMaxRecursion(20)
        .WithStrictFilters(true)
        .Build();

    private static readonly ConcurrentDictionary<string, IFluidTemplate> Cache = new(StringComparer.Ordinal);

    private static readonly AlertMessage Sample = new(
        Guid.Empty, "rule", "channel", "{}", DateTimeOffset.UnixEpoch,
        [new AlertItem("shop/api", "shop", "api", 1, true, DateTimeOffset.UnixEpoch, null, "L4CON", "Connection refused", "Layer4 connection problem")]);

    public Uri? ExternalUrl { get; } = externalUrl;

    /// <summary>Null when <paramref name="template"/> parses and renders; else what is wrong with it, in words.</summary>
    public static string? Validate(string template)
    {
        if (template.Length > AlertLimits.MaxTemplateLength)
        {
            return $"is at most {AlertLimits.MaxTemplateLength} characters";
        }

        if (!TryParse(template, out var parsed, out var error))
        {
            return $"is not a valid Liquid template: {error}";
        }

        try
        {
            RenderOne(parsed, MessageModel.Of(Sample, null), NullEncoder.Default, MaxText);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"fails when rendered: {e.Message}";
        }
    }

    public RenderedMessage Render(ChannelDefinition channel, AlertMessage message)
    {
        var model = MessageModel.Of(message, ExternalUrl);
        var templates = channel.Templates;
        var rendered = new RenderedMessage(
            Collapse(Render(templates.Title, DefaultTemplates.Title, model, NullEncoder.Default, MaxTitle)),
            Render(templates.Text, DefaultTemplates.Text, model, NullEncoder.Default, MaxText).Trim(),
            Render(templates.Html, DefaultTemplates.Html, model, HtmlEncoder.Default, MaxHtml).Trim());
        return message.IsTest ? MarkedAsTest(rendered) : rendered;
    }

    /// <summary>A channel's own templates may not say it: a test message must never read as an outage.</summary>
    private static RenderedMessage MarkedAsTest(RenderedMessage m) => new(
        Said(m.Title) ? m.Title : Clip("[TEST] " + m.Title, MaxTitle),
        Said(m.Text) ? m.Text : Clip("TEST message, no target is down: " + m.Text, MaxText),
        Said(m.Html) ? m.Html : Clip("<p><b>TEST message</b>, no target is down:</p>\n" + m.Html, MaxHtml));

    private static bool Said(string text) => text.Contains("TEST", StringComparison.Ordinal);

    private static string Render(string? own, string fallback, Dictionary<string, object?> model, TextEncoder encoder, int max)
    {
        if (own is not null)
        {
            string? error;
            if (TryParse(own, out var template, out error))
            {
                try
                {
                    // A template that renders nothing (all whitespace) would make an empty, refused message: the default says it.
                    var text = RenderOne(template, model, encoder, max);
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        return text;
                    }

                    return RenderOne(Cached(fallback), model, encoder, max);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    error = e.Message;
                }
            }

            var note = $"(the channel's template failed: {error}; the default is used)";
            return Clip(RenderOne(Cached(fallback), model, encoder, max) + "\n" + encoder.Encode(note), max);
        }

        return RenderOne(Cached(fallback), model, encoder, max);
    }

    private static string RenderOne(IFluidTemplate template, Dictionary<string, object?> model, TextEncoder encoder, int max)
    {
        var context = new TemplateContext(Options);
        foreach (var (name, value) in model)
        {
            context.SetValue(name, value ?? "");
        }

        using var writer = new ClippedWriter(max);
        // The model is in memory: rendering finishes synchronously.
        template.RenderAsync(writer, context, encoder).AsTask().GetAwaiter().GetResult();
        return writer.Text;
    }

    private static bool TryParse(string source, out IFluidTemplate template, out string error)
    {
        if (Cache.TryGetValue(source, out template!))
        {
            error = "";
            return true;
        }

        if (source.Length > AlertLimits.MaxTemplateLength)
        {
            error = $"the template is longer than {AlertLimits.MaxTemplateLength} characters";
            return false;
        }

        if (!Parser.TryParse(source, out template, out error))
        {
            return false;
        }

        if (Cache.Count >= MaxCached)
        {
            Cache.Clear(); // Templates change rarely: a full cache is from many edits, and parsing again is cheap.
        }

        Cache[source] = template;
        return true;
    }

    private static IFluidTemplate Cached(string source) =>
        TryParse(source, out var template, out var error) ? template : throw new InvalidOperationException($"A default template is invalid: {error}");

    /// <summary>A title is one line.</summary>
    private static string Collapse(string title) => string.Join(' ', title.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    internal static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
