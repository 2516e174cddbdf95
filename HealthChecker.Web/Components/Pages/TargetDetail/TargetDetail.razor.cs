using HealthChecker.Core.Faults;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Web.Components.Shared;
using HealthChecker.Web.Monitoring;
using HealthChecker.Web.Targets;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace HealthChecker.Web.Components.Pages.TargetDetail;

/// <summary>
/// One target: its live state from the monitor view, and its history from PostgreSQL (read when the page
/// opens, when the range changes and when the target's state changes; never per render).
/// </summary>
public sealed partial class TargetDetail
{
    internal const int LastResults = 100;
    private const int StateChanges = 50;

    /// <summary>1 h from the raw results; 24 h and 7 d from the minute and hour rollups.</summary>
    internal static readonly ChartRange[] Ranges =
    [
        new("1 h", TimeSpan.FromHours(1), null, "Every check of the last hour."),
        new("24 h", TimeSpan.FromHours(24), RollupGrain.Minute, "Per minute over the last 24 hours: mean duration; a cell is red when every check failed, amber when some did."),
        new("7 d", TimeSpan.FromDays(7), RollupGrain.Hour, "Per hour over the last 7 days: mean duration; a cell is red when every check failed, amber when some did."),
    ];

    private static readonly TimeSpan[] UptimeWindows = [TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(30)];

    [Parameter]
    public long Id { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    private TargetRecord? _record;
    private string _check = "";
    private bool _missing;
    private bool _canEdit;
    private string? _message;
    private string? _unreadable;
    private TargetSnapshot? _live;
    private TargetOwner? _owner;
    private bool _stale;
    private DateTimeOffset? _liveChange;
    private ChartRange _range = Ranges[0];
    private DateTime _from;
    private DateTime _to;
    private List<ChartPoint> _points = [];
    private List<StripCell> _cells = [];
    private IReadOnlyList<UptimeWindowText> _uptime = [];
    private IReadOnlyList<StateChangeRecord> _changes = [];
    private IReadOnlyList<CheckHistoryRecord> _results = [];

    protected override void OnInitialized() => Monitor.Changed += OnChanged;

    public void Dispose() => Monitor.Changed -= OnChanged;

    protected override async Task OnParametersSetAsync()
    {
        _missing = false;
        _message = null;
        _record = await Targets.GetAsync(Id);
        if (_record is null)
        {
            _missing = true;
            return;
        }

        _check = TargetRow.ToDraft(_record).Check ?? "";
        _unreadable = TargetRow.OptionsProblem(_record);
        _canEdit = AuthenticationState is not null && await Editor.CanEditAsync((await AuthenticationState).User);
        ReadLive();
        _liveChange = _live?.LastChange;
        await LoadHistoryAsync();
    }

    private void OnChanged() => Faults.Observe(InvokeAsync(async () =>
    {
        if (_record is null)
        {
            return;
        }

        ReadLive();
        // A new state change is in the history too: read it again, once per change.
        if (_live?.LastChange != _liveChange)
        {
            _liveChange = _live?.LastChange;
            await LoadHistoryAsync();
        }

        StateHasChanged();
    }), FaultKind.PageTask, $"target page {Id}");

    private void ReadLive()
    {
        _live = Monitor.Find(Id);
        _owner = Monitor.OwnerOf(Id);
        _stale = Monitor.IsStale(Id);
    }

    private async Task SelectRangeAsync(ChartRange range)
    {
        _range = range;
        await LoadChartAsync(Clock.GetUtcNow().UtcDateTime);
    }

    private async Task ToggleAsync()
    {
        if (_record is null || AuthenticationState is null)
        {
            return;
        }

        var before = _record;
        var outcome = await Editor.SetEnabledAsync((await AuthenticationState).User, Id, !before.Enabled);
        // Read before either field changes: a render between two awaits must not show the message beside the old button.
        var after = await Targets.GetAsync(Id) ?? before;
        _message = outcome.Status switch
        {
            TargetOutcomeStatus.Saved => $"{before.FullName} {(before.Enabled ? "paused" : "resumed")}.",
            TargetOutcomeStatus.Forbidden => "Not changed: sign in to change targets.",
            TargetOutcomeStatus.NotFound => "Not changed: the target no longer exists.",
            _ => "Not changed: " + string.Join("; ", outcome.Errors.Select(e => e.Message)),
        };
        _record = after;
    }

    private async Task LoadHistoryAsync()
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        await LoadChartAsync(now);
        _uptime = [.. (await History.UptimeAsync(Id, now, UptimeWindows)).Select(UptimeWindowText.From)];
        _changes = (await History.StateChangesAsync(new StateChangeFilter(TargetId: Id), StateChanges)).Changes;
        // Raw results are kept 30 days; looking back further finds nothing more.
        _results = await History.RecentResultsAsync(Id, now - TimeSpan.FromDays(31), LastResults);
    }

    private async Task LoadChartAsync(DateTime now)
    {
        _to = now;
        _from = now - _range.Span;
        if (_range.Grain is not { } grain)
        {
            var results = await History.ResultPointsAsync(Id, _from, _to);
            (_points, _cells) = ChartSeries.FromResults(results, _to);
        }
        else
        {
            var rollups = await History.RollupsAsync(Id, grain, ChartSeries.Floor(_from, grain), _to);
            (_points, _cells) = ChartSeries.FromRollups(rollups, grain);
        }
    }


    /// <summary>A choice of chart range: how far back, and which rollup (none: the raw results).</summary>
    internal sealed record ChartRange(string Label, TimeSpan Span, RollupGrain? Grain, string Source);
}
