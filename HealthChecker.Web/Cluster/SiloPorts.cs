using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Web.Cluster;

/// <summary>The silo and gateway ports, tried before Orleans takes them: a port in use stops the start with one line naming the setting.</summary>
public static class SiloPorts
{
    public static void ThrowIfInUse(IPAddress listenOn, ClusterSettings settings)
    {
        ThrowIfInUse(listenOn, settings.SiloPort, "HC_SILO_PORT");
        ThrowIfInUse(listenOn, settings.GatewayPort, "HC_GATEWAY_PORT");
    }

    private static void ThrowIfInUse(IPAddress listenOn, int port, string setting)
    {
        // Without address reuse, so that a listener that allows it (another silo) still makes the bind fail.
        using var probe = new Socket(listenOn.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(listenOn, port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException(
                $"{setting} {port} is already in use on {listenOn} (another node on this machine?): give this node other ports with HC_SILO_PORT and HC_GATEWAY_PORT", e);
        }
    }
}
