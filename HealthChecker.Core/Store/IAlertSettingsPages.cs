namespace HealthChecker.Core.Store;

/// <summary>What the alerting pages read: channels (kept secrets unread) and rules.</summary>
public interface IAlertSettingsPages
{
    Task<IReadOnlyList<ChannelRow>> ListChannelsAsync(CancellationToken ct = default);

    Task<ChannelRow?> GetChannelAsync(long id, CancellationToken ct = default);

    Task<IReadOnlyList<StoredRule>> ListRulesAsync(CancellationToken ct = default);

    Task<StoredRule?> GetRuleAsync(long id, CancellationToken ct = default);
}
