namespace HealthChecker.Core.Alerting;

/// <summary>Sizes and counts of alert settings, the same in the targets file, the API and the pages.</summary>
public static class AlertLimits
{
    public const int MaxChannels = 1000;

    public const int MaxRules = 1000;

    /// <summary>A channel's or a rule's name.</summary>
    public const int MaxNameLength = 100;

    public const int MaxUrlLength = 2048;

    public const int MaxHeaders = 32;

    public const int MaxHeaderNameLength = 100;

    public const int MaxHeaderValueLength = 4096;

    public const int MaxRecipients = 50;

    /// <summary>An email address (RFC 5321's path limit).</summary>
    public const int MaxAddressLength = 254;

    public const int MaxChannelsPerRule = 20;

    /// <summary>A rule's <c>targets</c> pattern: a group and a name of 200 characters each, and the slash.</summary>
    public const int MaxPatternLength = 401;

    /// <summary>Other texts (a host, a user, a duration): short by nature.</summary>
    public const int MaxOtherLength = 1000;

    /// <summary>A message template's text (title, text or html); what it renders is bounded apart.</summary>
    public const int MaxTemplateLength = 16_384;

    public static readonly TimeSpan MaxAfter = TimeSpan.FromHours(24);

    public static readonly TimeSpan MinRepeat = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxRepeat = TimeSpan.FromDays(7);

    public static readonly TimeSpan MaxGroupWait = TimeSpan.FromHours(1);

    public static readonly TimeSpan MinGroupInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxGroupInterval = TimeSpan.FromHours(24);
}
