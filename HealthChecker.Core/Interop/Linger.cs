using System.Runtime.InteropServices;

namespace HealthChecker.Core.Interop;

/// <summary>struct linger: {1, 0} makes close() send RST instead of leaving TIME_WAIT.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Linger
{
    public int l_onoff;
    public int l_linger;
}
