using System.Globalization;
using System.Text;

namespace HealthChecker.Core.Targets;

/// <summary>A stored target an export could not write, and why: named at the top of the file, so a backup does not lose it unseen.</summary>
public sealed record OmittedTarget(long Id, string FullName, string Reason);

/// <summary>
/// Writes a targets file one target at a time (after its alerting sections, <see cref="WriteAlertsAsync"/>), to the byte what
/// <see cref="TargetsFile.Write"/> gives for the whole list, holding one target's YAML at a time instead of the whole document
/// (an export of 100 000 targets).
/// </summary>
public sealed class TargetsFileWriter(TextWriter writer)
{
    private const string Header = "targets:\n";

    private bool _started;
    private bool _commented;

    /// <summary>Names the targets left out in a YAML comment; only before the first target, and nothing when none was left out.</summary>
    public async Task WriteOmittedAsync(IReadOnlyCollection<OmittedTarget> omitted, CancellationToken ct = default)
    {
        if (_started || _commented)
        {
            throw new InvalidOperationException("The targets left out are named once, before the first target.");
        }

        _commented = true;
        if (omitted.Count == 0)
        {
            return;
        }

        var count = omitted.Count.ToString(CultureInfo.InvariantCulture);
        await writer.WriteAsync($"# This export leaves out {count} stored {(omitted.Count == 1 ? "target" : "targets")} that cannot be read:\n".AsMemory(), ct).ConfigureAwait(false);
        foreach (var target in omitted)
        {
            var id = target.Id.ToString(CultureInfo.InvariantCulture);
            await writer.WriteAsync($"# - {OneLine(target.FullName)} (id {id}): {OneLine(target.Reason)}\n".AsMemory(), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the <c>channels:</c> and <c>alerts:</c> sections (when they have items); before any target.</summary>
    public async Task WriteAlertsAsync(Alerting.AlertSettings settings, CancellationToken ct = default)
    {
        if (_started)
        {
            throw new InvalidOperationException("The alerting sections come before the targets.");
        }

        await writer.WriteAsync(AlertsFile.Write(settings).AsMemory(), ct).ConfigureAwait(false);
    }

    public async Task WriteAsync(TargetDefinition target, CancellationToken ct = default)
    {
        // Each entry of the list is written alone by the same serializer as the whole file, so the format stays one.
        var single = TargetsFile.Write([target]);
        if (!single.StartsWith(Header, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("A targets file no longer starts with 'targets:' and a new line.");
        }

        var entry = single.AsMemory(_started ? Header.Length : 0);
        _started = true;
        await writer.WriteAsync(entry, ct).ConfigureAwait(false);
    }

    /// <summary>Ends the file: an empty list when no target was written.</summary>
    public async Task EndAsync(CancellationToken ct = default)
    {
        if (!_started)
        {
            await writer.WriteAsync(TargetsFile.Write([]).AsMemory(), ct).ConfigureAwait(false);
        }

        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    // A name or reason from a row written by hand may hold a line break, which would end the comment.
    private static string OneLine(string text)
    {
        if (!text.Any(BreaksLine))
        {
            return text;
        }

        var line = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (BreaksLine(c))
            {
                line.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                line.Append(c);
            }
        }

        return line.ToString();
    }

    // YAML also ends a line at the Unicode line and paragraph separators.
    private static bool BreaksLine(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
