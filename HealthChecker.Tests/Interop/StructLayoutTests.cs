using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HealthChecker.Core.Interop;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Interop;

/// <summary>Every interop struct against the real C headers, compiled with gcc on this machine.</summary>
public sealed class StructLayoutTests
{
    private const string Program = """
        #include <stddef.h>
        #include <stdio.h>
        #include <poll.h>
        #include <netinet/in.h>
        #include <sys/epoll.h>
        #include <sys/socket.h>
        #define SHOW(t, f) printf(#t "." #f " %zu\n", offsetof(struct t, f))
        #define SIZE(t) printf(#t " %zu\n", sizeof(struct t))
        int main(void) {
            SIZE(sockaddr_in); SHOW(sockaddr_in, sin_family); SHOW(sockaddr_in, sin_port); SHOW(sockaddr_in, sin_addr);
            SIZE(sockaddr_in6); SHOW(sockaddr_in6, sin6_family); SHOW(sockaddr_in6, sin6_port);
            SHOW(sockaddr_in6, sin6_flowinfo); SHOW(sockaddr_in6, sin6_addr); SHOW(sockaddr_in6, sin6_scope_id);
            SIZE(linger); SHOW(linger, l_onoff); SHOW(linger, l_linger);
            SIZE(pollfd); SHOW(pollfd, fd); SHOW(pollfd, events); SHOW(pollfd, revents);
            SIZE(epoll_event); SHOW(epoll_event, events); SHOW(epoll_event, data);
            return 0;
        }
        """;

    private static readonly Lazy<Dictionary<string, int>> Native = new(Measure);

    [Theory]
    [InlineData("sockaddr_in", typeof(SockAddrIn))]
    [InlineData("sockaddr_in6", typeof(SockAddrIn6))]
    [InlineData("linger", typeof(Linger))]
    [InlineData("pollfd", typeof(PollFd))]
    public void Struct_size_and_field_offsets_match_the_C_headers(string cName, Type type)
    {
        Assert.Equal(Native.Value[cName], Marshal.SizeOf(type));
        foreach (var (key, offset) in Native.Value.Where(kv => kv.Key.StartsWith(cName + ".", StringComparison.Ordinal)))
        {
            string field = key[(cName.Length + 1)..];
            Assert.True(offset == (int)Marshal.OffsetOf(type, field), $"{key}: C says {offset}, C# says {Marshal.OffsetOf(type, field)}");
        }
    }

    [Fact]
    public void Managed_sizes_equal_marshalled_sizes()
    {
        Assert.Equal(Marshal.SizeOf<SockAddrIn>(), Unsafe.SizeOf<SockAddrIn>());
        Assert.Equal(Marshal.SizeOf<SockAddrIn6>(), Unsafe.SizeOf<SockAddrIn6>());
        Assert.Equal(Marshal.SizeOf<PollFd>(), Unsafe.SizeOf<PollFd>());
        Assert.Equal(Marshal.SizeOf<Linger>(), Unsafe.SizeOf<Linger>());
    }

    [Fact]
    public void Epoll_event_layout_matches_the_C_header_on_this_architecture()
    {
        Assert.Equal(Native.Value["epoll_event"], EpollEvent.Size);
        Assert.Equal(0, Native.Value["epoll_event.events"]);
        Assert.Equal(Native.Value["epoll_event.data"], EpollEvent.DataOffset);
    }

    [Fact]
    public void Epoll_event_is_packed_only_on_x86()
    {
        bool x86 = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
        Assert.Equal(x86 ? 12 : 16, EpollEvent.Size);
        Assert.Equal(x86 ? 4 : 8, EpollEvent.DataOffset);
    }

    private static Dictionary<string, int> Measure()
    {
        string gcc = NativeTool.Require("gcc");
        string dir = Directory.CreateTempSubdirectory("hc-layout-").FullName;
        try
        {
            string source = Path.Combine(dir, "layout.c");
            string binary = Path.Combine(dir, "layout");
            File.WriteAllText(source, Program);
            NativeTool.Check(gcc, "-o", binary, source);
            return NativeTool.Check(binary)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .ToDictionary(parts => parts[0], parts => int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
