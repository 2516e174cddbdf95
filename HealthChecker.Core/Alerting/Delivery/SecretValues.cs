namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>Reads a secret when a message is sent: a reference from the environment, a stored value as it is.</summary>
public static class SecretValues
{
    /// <summary>The secret's text, or null when its environment variable is not set.</summary>
    public static string? Resolve(SecretText secret) =>
        secret.Reference is { } name ? Environment.GetEnvironmentVariable(name) : secret.Value;
}
