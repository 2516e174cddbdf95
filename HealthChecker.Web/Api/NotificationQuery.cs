using System.Globalization;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using Microsoft.Extensions.Primitives;

namespace HealthChecker.Web.Api;

/// <summary>
/// <c>?limit=&amp;after=&amp;target=&amp;channel=</c> of <c>GET /api/notifications</c>: <c>limit</c> messages (default
/// <see cref="PageQuery.DefaultLimit"/>, at most <see cref="PageQuery.MaxLimit"/>) after the message whose id is
/// <c>after</c> (the <c>next</c> of the page before), those listing the target <c>target</c> (<c>group/name</c>) and sent
/// to the channel <c>channel</c>.
/// </summary>
public sealed record NotificationQuery(int Limit, Guid? After, NotificationFilter Filter)
{
    /// <summary>A channel's name is far shorter than this.</summary>
    public const int MaxNameLength = 300;

    /// <summary>The query, or the errors keyed by parameter (for a 400 problem).</summary>
    public static (NotificationQuery? Query, Dictionary<string, string[]> Errors) Read(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var limit = PageQuery.DefaultLimit;
        if (PageQuery.Single(query, "limit", errors) is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PageQuery.MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {PageQuery.MaxLimit}"];
        }

        Guid? after = null;
        if (PageQuery.Single(query, "after", errors) is { } afterText)
        {
            if (Guid.TryParseExact(afterText, "D", out var id))
            {
                after = id;
            }
            else
            {
                errors["after"] = ["must be a message id, as in the 'next' of the page before"];
            }
        }

        string? target = null;
        if (PageQuery.Single(query, "target", errors) is { Length: > 0 } targetText)
        {
            if (TargetKey.TryParse(targetText, out _))
            {
                target = targetText;
            }
            else
            {
                errors["target"] = ["must be a target's full name (group/name)"];
            }
        }

        string? channel = null;
        if (PageQuery.Single(query, "channel", errors) is { Length: > 0 } channelText)
        {
            if (channelText.Length <= MaxNameLength && !channelText.Any(char.IsControl))
            {
                channel = channelText;
            }
            else
            {
                errors["channel"] = [$"must be a channel's name (at most {MaxNameLength} characters)"];
            }
        }

        return errors.Count == 0 ? (new NotificationQuery(limit, after, new NotificationFilter(target, channel)), errors) : (null, errors);
    }

    /// <summary>Where the next page is: this path with the same limit and filters, after <paramref name="next"/>.</summary>
    public string NextUrl(string path, Guid next)
    {
        var url = $"{path}?limit={Limit.ToString(CultureInfo.InvariantCulture)}&after={next:D}";
        if (Filter.Target is { } target)
        {
            url += $"&target={Uri.EscapeDataString(target)}";
        }

        return Filter.Channel is { } channel ? url + $"&channel={Uri.EscapeDataString(channel)}" : url;
    }
}
