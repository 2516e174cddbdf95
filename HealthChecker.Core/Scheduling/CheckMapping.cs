using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Scheduling;

/// <summary>
/// THE place where a target definition becomes what the engine runs. Protocol checks (send/expect,
/// HTTP, TLS) plug in here once the engine runs them; until then every kind is checked at layer 4.
/// The connect timeout is <c>min(timeout connect, inter)</c>; a protocol check adds <c>timeout check</c>
/// (<see cref="TargetDefinition.Timeout"/>) for what follows the connect.
/// </summary>
public static class CheckMapping
{
    public static CheckSpec ToSpec(TargetDefinition definition, IPEndPoint endPoint) =>
        new(CheckTarget.Tcp(endPoint.Address, endPoint.Port), CheckInterval.ConnectTimeout(definition.Timeout, definition.Inter));
}
