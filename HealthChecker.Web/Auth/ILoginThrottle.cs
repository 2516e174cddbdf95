namespace HealthChecker.Web.Auth;

/// <summary>Slows down repeated failed sign-ins from one source (a remote address).</summary>
public interface ILoginThrottle
{
    /// <summary>Records a failure and returns how long to hold the failed answer back.</summary>
    TimeSpan Failed(string source);

    /// <summary>Forgets the source's failures.</summary>
    void Succeeded(string source);
}
