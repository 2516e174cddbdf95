namespace HealthChecker.Core.Polling;

/// <summary>Readiness a poller reports for one fd; Err and Hup are reported whether asked for or not.</summary>
[Flags]
public enum FdEvents
{
    None = 0,
    In = 1,
    Pri = 2,
    Out = 4,
    Err = 8,
    Hup = 16,
}
