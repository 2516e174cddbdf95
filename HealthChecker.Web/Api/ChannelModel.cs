using System.Globalization;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;

namespace HealthChecker.Web.Api;

/// <summary>
/// A stored channel as the API returns it: the input fields (so it can be sent back with PUT, which keeps every kept
/// value) with each secret as its reference, <see cref="Kept"/> naming the fields whose value is kept, never shown.
/// </summary>
public sealed class ChannelModel : ChannelInput
{
    public long Id { get; set; }

    /// <summary>webhook, slack, discord, teams, ntfy, alertmanager or email.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The fields whose secret is a value kept by the app (<c>headers.Authorization</c>, <c>email.password</c>).</summary>
    public List<string> Kept { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public static ChannelModel From(ChannelRow row)
    {
        var c = row.ToDefinition();
        var model = new ChannelModel { Id = row.Id, Name = c.Name, Kind = row.Kind, CreatedAt = row.CreatedAt, UpdatedAt = row.UpdatedAt };
        var url = c.Url?.OriginalString;
        switch (c.Kind)
        {
            case ChannelKind.Webhook: model.Webhook = url; break;
            case ChannelKind.Slack: model.Slack = url; break;
            case ChannelKind.Discord: model.Discord = url; break;
            case ChannelKind.Teams: model.Teams = url; break;
            case ChannelKind.Ntfy: model.Ntfy = url; break;
            case ChannelKind.Alertmanager: model.Alertmanager = url; break;
        }

        if (c.Headers.Count > 0)
        {
            model.Headers = [];
            foreach (var h in c.Headers)
            {
                var field = ChannelRow.HeaderField(h.Name);
                model.Headers[h.Name] = SecretReferences.Written(h.Value, c.Name, field);
                if (h.Value.IsKept)
                {
                    model.Kept.Add(field);
                }
            }
        }

        if (c.Email is { } e)
        {
            model.Email = new EmailInput
            {
                Host = e.Host,
                Port = e.Port.ToString(CultureInfo.InvariantCulture),
                Security = e.Security.ToString().ToLowerInvariant(),
                From = e.From,
                To = [.. e.To],
                User = e.User,
                Password = e.Password is { } password ? SecretReferences.Written(password, c.Name, ChannelRow.PasswordField) : null,
            };
            if (e.Password is { IsKept: true })
            {
                model.Kept.Add(ChannelRow.PasswordField);
            }
        }

        if (c.Templates != MessageTemplates.Defaults)
        {
            model.Templates = new TemplatesInput { Title = c.Templates.Title, Text = c.Templates.Text, Html = c.Templates.Html };
        }

        return model;
    }
}
