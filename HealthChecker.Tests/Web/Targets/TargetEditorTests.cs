using System.Security.Claims;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Tests.Support;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Hosting;
using HealthChecker.Web.Targets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace HealthChecker.Tests.Web.Targets;

/// <summary>The one path for changes from pages and API: it checks the user itself, whatever the caller showed or hid.</summary>
public sealed class TargetEditorTests
{
    [Fact]
    public async Task An_anonymous_user_is_refused_every_change_and_nothing_is_written()
    {
        await using var db = await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);
        var store = new TargetStore(db.DataSource);
        var existing = await store.CreateAsync(TargetValidator.Validate(new TargetDraft { Name = "web/a", Check = "tcp://127.0.0.1:80" }).Definition!);
        var editor = Editor(store);
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
        var draft = new TargetDraft { Name = "web/b", Check = "tcp://127.0.0.1:81" };

        Assert.Equal(TargetOutcomeStatus.Forbidden, (await editor.CreateAsync(anonymous, draft)).Status);
        Assert.Equal(TargetOutcomeStatus.Forbidden, (await editor.UpdateAsync(anonymous, existing.Id, draft)).Status);
        Assert.Equal(TargetOutcomeStatus.Forbidden, (await editor.SetEnabledAsync(anonymous, existing.Id, false)).Status);
        Assert.Equal(TargetOutcomeStatus.Forbidden, (await editor.DeleteAsync(anonymous, existing.Id)).Status);
        Assert.Equal(TargetOutcomeStatus.Forbidden, (await editor.ImportAsync(anonymous, "targets:\n  - name: web/c\n    check: tcp://127.0.0.1:82\n", removeOthers: true)).Status);

        var rows = await store.ListAsync();
        Assert.Equal([("web/a", 80, true)], rows.Select(r => (r.FullName, r.Port, r.Enabled)));
    }

    [Fact]
    public async Task The_admin_saves_a_valid_draft_and_an_invalid_one_saves_nothing()
    {
        await using var db = await HealthCheckerDatabase.OpenAsync(await TestDatabase.CreateEmptyAsync(), "unused", TestLog.Silent);
        var store = new TargetStore(db.DataSource);
        var editor = Editor(store);
        var admin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, "admin")], AuthSchemes.Cookie));

        var invalid = await editor.CreateAsync(admin, new TargetDraft { Name = "web/a", Check = "tcp://127.0.0.1:0" });
        var saved = await editor.CreateAsync(admin, new TargetDraft { Name = "web/a", Check = "tcp://127.0.0.1:80" });

        Assert.Equal((TargetOutcomeStatus.Invalid, "check"), (invalid.Status, invalid.Errors.Single().Field));
        Assert.Equal(TargetOutcomeStatus.Saved, saved.Status);
        Assert.Equal(["web/a"], (await store.ListAsync()).Select(r => r.FullName));
    }

    private static TargetEditor Editor(TargetStore store)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAuthorizationBuilder().AddPolicy(AuthSchemes.AdminPolicy, AuthExtensions.AdminPolicy);
        var authorization = services.BuildServiceProvider().GetRequiredService<IAuthorizationService>();
        return new TargetEditor(store, authorization, TestLog.Silent);
    }
}
