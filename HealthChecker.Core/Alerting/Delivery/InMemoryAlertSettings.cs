namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>Alert settings held in memory: set by code (tests, an app with no alert store), or empty.</summary>
public sealed class InMemoryAlertSettings(AlertSettings? initial = null) : IAlertSettingsSource
{
    private AlertSettings _current = initial ?? AlertSettings.Empty;

    public AlertSettings Current => Volatile.Read(ref _current);

    public event Action<AlertSettings>? Changed;

    public void Set(AlertSettings settings)
    {
        Volatile.Write(ref _current, settings);
        Changed?.Invoke(settings);
    }
}
