using HealthChecker.Core.Checks.Protocols;

namespace HealthChecker.Tests.Checks.Protocols;

/// <summary>The response buffer of a send/expect or HTTP check: one per check, so what it allocates up front is paid per check.</summary>
public sealed class ResponseBufferTests
{
    [Fact]
    public void A_new_response_buffer_allocates_a_small_part_of_its_capacity()
    {
        // Warm the type up first: its first construction may allocate runtime structures of its own.
        _ = new ResponseBuffer();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var buffer = new ResponseBuffer();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        GC.KeepAlive(buffer);
        Assert.InRange(allocated, 1, ResponseBuffer.Capacity / 8);
    }
}
