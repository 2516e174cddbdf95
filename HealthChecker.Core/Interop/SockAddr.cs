using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace HealthChecker.Core.Interop;

/// <summary>struct sockaddr_in: 16 bytes, port and address in network order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockAddrIn
{
    public ushort sin_family;
    public ushort sin_port;
    public uint sin_addr;
    public fixed byte sin_zero[8];
}

/// <summary>struct sockaddr_in6: 28 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockAddrIn6
{
    public ushort sin6_family;
    public ushort sin6_port;
    public uint sin6_flowinfo;
    public fixed byte sin6_addr[16];
    public uint sin6_scope_id;
}

/// <summary>Writes an IPEndPoint as the sockaddr connect() expects.</summary>
internal static unsafe class SockAddr
{
    /// <summary>Fills <paramref name="storage"/> (at least 28 bytes) and returns the address length.</summary>
    public static int Write(IPEndPoint endPoint, Span<byte> storage)
    {
        storage.Clear();
        fixed (byte* p = storage)
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetwork)
            {
                var sin = (SockAddrIn*)p;
                sin->sin_family = LibC.AF_INET;
                sin->sin_port = BinaryPrimitives.ReverseEndianness((ushort)endPoint.Port);
                endPoint.Address.TryWriteBytes(new Span<byte>(&sin->sin_addr, 4), out _);
                return sizeof(SockAddrIn);
            }
            var sin6 = (SockAddrIn6*)p;
            sin6->sin6_family = LibC.AF_INET6;
            sin6->sin6_port = BinaryPrimitives.ReverseEndianness((ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(new Span<byte>(sin6->sin6_addr, 16), out _);
            sin6->sin6_scope_id = (uint)endPoint.Address.ScopeId;
            return sizeof(SockAddrIn6);
        }
    }
}
