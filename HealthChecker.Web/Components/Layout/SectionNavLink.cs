using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace HealthChecker.Web.Components.Layout;

/// <summary>A nav link marked current when the page shown belongs to its <see cref="Section"/>, not by URL prefix.</summary>
public sealed class SectionNavLink : NavLink
{
    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>The section this link leads to.</summary>
    [Parameter]
    public NavSection Section { get; set; }

    protected override bool ShouldMatch(string uriAbsolute) =>
        NavSections.Of(Navigation.ToBaseRelativePath(uriAbsolute)) == Section;
}
