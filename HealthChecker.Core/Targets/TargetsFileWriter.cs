namespace HealthChecker.Core.Targets;

/// <summary>
/// Writes a targets file (after its alerting sections, <see cref="WriteAlertsAsync"/>) one target at a time, to the byte what <see cref="TargetsFile.Write"/> gives for the whole
/// list, holding one target's YAML at a time instead of the whole document (an export of 100 000 targets).
/// </summary>
public sealed class TargetsFileWriter(TextWriter writer)
{
    private const string Header = "targets:\n";

    private bool _started;

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
}
