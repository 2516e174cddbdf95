using Bunit;
using Bunit.TestDoubles;
using HealthChecker.Core.Faults;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Hosting;
using HealthChecker.Web.Monitoring;
using HealthChecker.Web.Targets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HealthChecker.Tests.Web.Support;

/// <summary>A bunit context for the pages that read history: a real migrated database, the real stores and editor, a fake monitor view.</summary>
public abstract class HistoryPageContext : BunitContext, IAsyncLifetime
{
    protected FakeMonitorView Monitor { get; } = new();

    protected FaultLog Faults { get; } = new(TestLog.Silent);

    /// <summary>The alerts held back, as the evaluator would give them (the events page shows why).</summary>
    protected HeldAlertsSource HeldAlerts { get; } = new();

    /// <summary>State changes stored by any node, told to the pages as the coalesced NOTIFY would tell them.</summary>
    protected NewStateChangesSource NewChanges { get; } = new();

    /// <summary>The targets flapping, as the evaluator would say.</summary>
    protected FlappingTargetsSource Flapping { get; } = new();

    protected NpgsqlDataSource Db { get; private set; } = null!;

    protected TargetStore Targets { get; private set; } = null!;

    protected BunitAuthorizationContext Auth { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The pages wait for real queries; on a busy machine that is more than the default second.
        DefaultWaitTimeout = TimeSpan.FromSeconds(30);
        Db = await TestDatabase.CreateMigratedAsync();
        Targets = new TargetStore(Db);
        var authServices = new ServiceCollection().AddLogging();
        authServices.AddAuthorizationBuilder().AddPolicy(AuthSchemes.AdminPolicy, AuthExtensions.AdminPolicy);
        var authorization = authServices.BuildServiceProvider().GetRequiredService<IAuthorizationService>();
        Services.AddSingleton<IMonitorView>(Monitor);
        Services.AddSingleton(Faults);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ITargetLookup>(Targets);
        var history = new HistoryStore(Db);
        Services.AddSingleton<ITargetHistory>(history);
        Services.AddSingleton<IStateChangeLog>(history);
        Services.AddSingleton<HealthChecker.Web.Alerting.IHeldAlerts>(HeldAlerts);
        Services.AddSingleton<HealthChecker.Web.Alerting.IFlappingTargets>(Flapping);
        Services.AddSingleton<INewStateChanges>(NewChanges);
        Services.AddSingleton<ITargetEditor>(new TargetEditor(Targets, authorization, TestLog.Silent));
        Auth = AddAuthorization();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeComponentsAsync();
        await Db.DisposeAsync();
    }

    protected Task<TargetRecord> AddTargetAsync(string fullName, string check = "tcp://127.0.0.1:80") =>
        Targets.CreateAsync(TargetValidator.Validate(new TargetDraft { Name = fullName, Check = check }).Definition!);

    protected Task ExecuteAsync(string sql, object? args = null) => HistoryRows.ExecuteAsync(Db, sql, args);
}

/// <summary>New state changes told by a test: the coalescing of the real notices is covered in NewStateChangesTests.</summary>
public sealed class NewStateChangesSource : INewStateChanges
{
    public event Action? Arrived;

    public int Listeners => Arrived?.GetInvocationList().Length ?? 0;

    public void Tell() => Arrived?.Invoke();
}

/// <summary>Held alerts set by a test: the evaluator's own are covered in AlertEvaluatorTests.</summary>
public sealed class HeldAlertsSource : HealthChecker.Web.Alerting.IHeldAlerts
{
    public Dictionary<string, HealthChecker.Core.Alerting.Delivery.HeldAlert> Items { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, HealthChecker.Core.Alerting.Delivery.HeldAlert> Held => Items;
}

/// <summary>Flapping targets set by a test: the evaluator's own decisions are covered in FlappingTests.</summary>
public sealed class FlappingTargetsSource : HealthChecker.Web.Alerting.IFlappingTargets
{
    public HashSet<string> Targets { get; } = new(StringComparer.Ordinal);

    public bool IsFlapping(string target) => Targets.Contains(target);
}
