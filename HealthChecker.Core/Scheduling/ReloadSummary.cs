namespace HealthChecker.Core.Scheduling;

/// <summary>What replacing the whole target list did; unchanged targets kept their schedules.</summary>
public sealed record ReloadSummary(int Added, int Changed, int Removed, int Unchanged)
{
    public override string ToString() => $"{Added} added, {Changed} changed, {Removed} removed, {Unchanged} unchanged";
}
