using HealthChecker.Core.Targets;
using HealthChecker.Web.Components.Pages.Targets;

namespace HealthChecker.Tests.Web.Components.Pages.Targets;

public sealed class FieldErrorSelectionTests
{
    private static readonly TargetError[] Errors =
    [
        new("name", "required"), new("steps[1]", "unknown action"), new("steps[1].send", "not hex"),
        new("steps[10].expect", "bad regex"), new("steps[1]x", "odd"),
    ];

    [Fact]
    public void A_field_takes_only_its_own_errors()
    {
        Assert.Equal([Errors[1]], FieldErrorSelection.For(Errors, "steps[1]", underField: false));
        Assert.Equal([Errors[0]], FieldErrorSelection.For(Errors, "name", underField: false));
    }

    [Fact]
    public void Under_a_field_it_also_takes_the_errors_of_the_fields_below_it_in_order_but_not_of_a_longer_name()
    {
        Assert.Equal([Errors[1], Errors[2]], FieldErrorSelection.For(Errors, "steps[1]", underField: true));
        Assert.Empty(FieldErrorSelection.For(Errors, "timeout", underField: true));
    }
}
