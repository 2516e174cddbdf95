using System.Net.Security;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// The senders of every channel kind but the webhook (which the outbox is given beside them), sharing one HTTP client
/// and one set of templates; the outbox picks a message's sender by its channel's kind.
/// </summary>
public sealed class ChannelSenders : IAsyncDisposable
{
    private readonly HttpDelivery _http;

    /// <param name="externalUrl">The app's address, for the links in messages; null: relative links (and no buttons).</param>
    /// <param name="attemptTimeout">How long one attempt may take (default 10 s).</param>
    /// <param name="settings">Where the Alertmanager re-sends find their channels.</param>
    /// <param name="certificateCheck">Replaces the system's check of an SMTP server's certificate (tests only).</param>
    public ChannelSenders(Uri? externalUrl = null, TimeSpan? attemptTimeout = null, IAlertSettingsSource? settings = null,
        TimeProvider? clock = null, RemoteCertificateValidationCallback? certificateCheck = null)
    {
        _http = new HttpDelivery(attemptTimeout);
        var templates = new AlertTemplates(externalUrl);
        Alertmanager = new AlertmanagerSender(_http, externalUrl, settings, clock);
        All =
        [
            new SlackSender(_http, templates),
            new DiscordSender(_http, templates),
            new TeamsSender(_http, templates),
            new NtfySender(_http, templates),
            new EmailSender(templates, attemptTimeout, certificateCheck),
            Alertmanager,
        ];
    }

    public IReadOnlyList<IChannelSender> All { get; }

    /// <summary>The Alertmanager sender, which re-sends firing alerts and is resumed from what was told (<see cref="AlertmanagerSender.Resume"/>).</summary>
    public AlertmanagerSender Alertmanager { get; }

    public async ValueTask DisposeAsync()
    {
        await Alertmanager.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }
}
