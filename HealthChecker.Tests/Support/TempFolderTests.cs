namespace HealthChecker.Tests.Support;

public sealed class TempFolderTests
{
    [Fact]
    public void Leftovers_whose_owner_is_gone_are_deleted_and_those_in_use_are_kept()
    {
        using var ended = System.Diagnostics.Process.Start("true")!;
        ended.WaitForExit();
        var gone = TempFolder.Create("hc-leftovers");
        File.WriteAllText(Path.Combine(gone, "owner.pid"), ended.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var inUse = TempFolder.Create("hc-leftovers");
        File.WriteAllText(Path.Combine(inUse, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            TempFolder.DeleteLeftovers("hc-leftovers");

            Assert.False(Directory.Exists(gone));
            Assert.True(Directory.Exists(inUse));
        }
        finally
        {
            TempFolder.Delete(gone);
            TempFolder.Delete(inUse);
        }
    }
}
