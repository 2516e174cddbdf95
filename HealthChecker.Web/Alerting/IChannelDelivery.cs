using HealthChecker.Core.Alerting.Delivery;

namespace HealthChecker.Web.Alerting;

/// <summary>Each channel's deliveries since start, for the alerting page.</summary>
public interface IChannelDelivery
{
    IReadOnlyList<ChannelDeliveryStatus> Status();
}
