namespace HealthChecker.Web.Alerting;

/// <summary>Which targets flap now (from the engine's state changes in memory): the dashboard and a target's page mark them.</summary>
public interface IFlappingTargets
{
    bool IsFlapping(string target);
}
