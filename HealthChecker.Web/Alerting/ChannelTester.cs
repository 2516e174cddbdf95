using System.Globalization;
using System.Security.Claims;
using HealthChecker.Core.Alerting.Delivery;
using HealthChecker.Core.Store;
using HealthChecker.Web.Targets;

namespace HealthChecker.Web.Alerting;

/// <summary>"Send a test message" for a channel, from the page and the API alike: the admin only, as for every channel.</summary>
public interface IChannelTester
{
    /// <summary>Sends a test message through the channel named by <paramref name="key"/> (its id, else its name) and gives the receiver's answer.</summary>
    Task<AlertOutcome<ChannelTestResult>> TestAsync(ClaimsPrincipal user, string key, CancellationToken ct = default);
}

/// <summary>The channel tested and how the receiver answered.</summary>
public sealed record ChannelTestResult(long Id, string Channel, DeliveryAnswer Answer)
{
    public bool Delivered => Answer.Outcome == DeliveryOutcome.Delivered;

    /// <summary>The answer in a sentence for the page.</summary>
    public string Text => Answer.Outcome switch
    {
        DeliveryOutcome.Delivered => $"Test message to {Channel} delivered: {Answer.Text}",
        DeliveryOutcome.Retry => $"Test message to {Channel} not delivered (a passing failure, an alert would be retried): {Answer.Text}",
        _ => $"Test message to {Channel} refused: {Answer.Text}",
    };
}

/// <summary>Reads the channel with its kept secrets (what the sender needs) and sends through the running alerting.</summary>
public sealed class ChannelTester(AlertSettingsStore store, AlertingService alerting, IAlertEditor editor, Serilog.ILogger log) : IChannelTester
{
    private readonly Serilog.ILogger _log = log.ForContext<ChannelTester>();

    public async Task<AlertOutcome<ChannelTestResult>> TestAsync(ClaimsPrincipal user, string key, CancellationToken ct = default)
    {
        if (!await editor.CanEditAsync(user))
        {
            return AlertOutcome<ChannelTestResult>.Forbidden;
        }

        var rows = await store.ListChannelsAsync(ct);
        var row = (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? rows.FirstOrDefault(r => r.Id == id) : null)
            ?? rows.FirstOrDefault(r => r.Name == key);
        if (row is null)
        {
            return AlertOutcome<ChannelTestResult>.NotFound;
        }

        var channel = (await store.LoadAsync(ct)).Channels.FirstOrDefault(c => c.Name == row.Name);
        var answer = channel is null
            ? DeliveryAnswer.Failed("the channel's stored settings cannot be read; save it again")
            : await alerting.SendTestAsync(channel, ct);
        _log.Information("Test message to channel {Channel} (id {Id}) sent by {User}: {Outcome}", row.Name, row.Id, user.Identity?.Name, answer.Outcome);
        return new AlertOutcome<ChannelTestResult>(TargetOutcomeStatus.Saved, new ChannelTestResult(row.Id, row.Name, answer), []);
    }
}
