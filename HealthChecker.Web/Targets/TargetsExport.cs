using HealthChecker.Core.Faults;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Targets;

/// <summary>
/// <c>GET /api/targets/export</c>: every stored target as a targets file. A target that cannot be read is not written, but
/// not silently either: it is recorded as a fault, counted in the <see cref="OmittedHeader"/> header and named at the top of
/// the file, so that an export taken as a backup does not lose it unseen.
/// </summary>
public static class TargetsExport
{
    /// <summary>The response header with the number of stored targets the export left out (0 when none).</summary>
    public const string OmittedHeader = "Omitted-Targets";

    /// <summary>The snapshot's targets that cannot be written, each recorded as an <see cref="FaultKind.UnreadableTarget"/> fault.</summary>
    public static async Task<IReadOnlyList<OmittedTarget>> OmittedAsync(TargetTableSnapshot snapshot, FaultLog faults, CancellationToken ct)
    {
        var omitted = new List<OmittedTarget>();
        await foreach (var row in snapshot.ReadAllAsync(ct))
        {
            var (definition, errors) = TargetRow.ToDefinition(row);
            if (definition is null)
            {
                var reason = TargetRow.OptionsProblem(row) ?? string.Join("; ", errors);
                omitted.Add(new OmittedTarget(row.Id, row.FullName, reason));
                faults.Record(FaultKind.UnreadableTarget, $"{row.FullName} (id {row.Id}) is left out of the export: {reason}", affected: $"export of target {row.Id}");
            }
        }

        return omitted;
    }

    /// <summary>
    /// The file: the targets left out named first, then the <c>channels:</c> and <c>alerts:</c> sections of
    /// <paramref name="alerting"/> (none when null), then every other target of the same snapshot.
    /// </summary>
    public static async Task WriteAsync(TargetTableSnapshot snapshot, IReadOnlyList<OmittedTarget> omitted, Core.Alerting.AlertSettings? alerting,
        TargetsFileWriter file, CancellationToken ct)
    {
        await file.WriteOmittedAsync(omitted, ct);
        if (alerting is not null)
        {
            await file.WriteAlertsAsync(alerting, ct);
        }

        var left = omitted.Select(o => o.Id).ToHashSet();
        await foreach (var row in snapshot.ReadAllAsync(ct))
        {
            if (!left.Contains(row.Id) && TargetRow.ToDefinition(row).Definition is { } definition)
            {
                await file.WriteAsync(definition, ct);
            }
        }

        await file.EndAsync(ct);
    }
}
