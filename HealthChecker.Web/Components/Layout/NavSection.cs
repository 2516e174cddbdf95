namespace HealthChecker.Web.Components.Layout;

/// <summary>The sections of the main nav, and which one a page belongs to.</summary>
public enum NavSection
{
    /// <summary>A page of no section (a target's own page, sign-in): no link is marked current.</summary>
    None,
    Dashboard,
    Targets,
    Events,
    Notifications,
    Alerting,
    Nodes,
}

/// <summary>Maps a page's path (relative to the app's base, query ignored) to its nav section.</summary>
public static class NavSections
{
    /// <summary>
    /// The list and the pages that edit it are "Targets"; a target's own page (<c>targets/{id}</c>) is not the
    /// list and belongs to no section.
    /// </summary>
    public static NavSection Of(string relativePath)
    {
        var path = relativePath.Split('?', '#')[0].Trim('/');
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts switch
        {
            [] => NavSection.Dashboard,
            ["targets"] or ["targets", "new"] or ["targets", "import"] => NavSection.Targets,
            ["targets", var id, "edit"] when long.TryParse(id, out _) => NavSection.Targets,
            ["events"] => NavSection.Events,
            ["notifications"] => NavSection.Notifications,
            ["nodes"] => NavSection.Nodes,
            ["alerting"] or ["alerting", "channels" or "rules", "new"] => NavSection.Alerting,
            ["alerting", "channels" or "rules", var id, "edit"] when long.TryParse(id, out _) => NavSection.Alerting,
            _ => NavSection.None,
        };
    }
}
